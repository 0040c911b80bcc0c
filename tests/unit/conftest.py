"""Fixtures for unit tests."""

import socket

import pytest


@pytest.fixture
def service_down(monkeypatch):
    """HOCAI_SERVICE_URL pointing at a port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HOCAI_SERVICE_URL", f"http://127.0.0.1:{port}/")
