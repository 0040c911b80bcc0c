"""Ports: is one free to serve on, and a free one for tests and benchmarks."""

from __future__ import annotations

import socket


def bind_error(port: int, host: str = "127.0.0.1") -> OSError | None:
    """Why ``host:port`` cannot be served on now (None: it can), found by binding it for a moment."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc
    return None


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the system picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]
