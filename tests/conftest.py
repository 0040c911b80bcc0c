"""Fixtures shared by every test folder: a running workshop (`hocai start`) for browser tests."""

from __future__ import annotations

import os

import pytest
from support import Workshop, build_tiny_model, free_port


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A 2-layer random GPT-2 with a real tokenizer (about a second to build): fast service tests."""
    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-teaching")


@pytest.fixture(scope="session")
def workshop(tiny_model_dir, tmp_path_factory):
    """A whole workshop on free ports, on the tiny model: lab base URL, token and service URL."""
    env = {**os.environ, "HOCAI_STATE_DIR": str(tmp_path_factory.mktemp("state")),
           "HOCAI_MODEL": str(tiny_model_dir)}
    running = Workshop(env, free_port(), free_port())
    try:
        lab_url = running.wait_for("JupyterLab").split(": ", 1)[1].strip()
        app_url = running.wait_for("Sân tập AI").split(": ", 1)[1].strip()
        yield {"lab_base": lab_url.split("lab/tree")[0], "token": lab_url.split("token=")[1], "app_url": app_url,
               "lab_url": lab_url, "process": running}
    finally:
        running.stop()
