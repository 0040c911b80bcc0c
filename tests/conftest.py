"""Fixtures shared by every test folder: a running workshop (`hocai start`) for browser tests, the default model."""

from __future__ import annotations

import os

import pytest
from support import Workshop, build_tiny_model, free_port

# Building the default teaching model takes about 150 s alone, 460 s on a loaded 2-core machine; the first test
# that needs it pays for it inside its own per-test timeout, so that test gets this one instead.
DEFAULT_MODEL_BUILD_TIMEOUT_S = 1800


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Give the first selected test using ``default_model`` room to build it (later ones find it built)."""
    first = next((item for item in items if "default_model" in getattr(item, "fixturenames", ())), None)
    if first is not None:
        first.add_marker(pytest.mark.timeout(DEFAULT_MODEL_BUILD_TIMEOUT_S), append=False)


@pytest.fixture(scope="session")
def default_model():
    """The default teaching model as `hocai start` builds it: built once per session into the store (reused
    while the corpus is unchanged), shared by every test that checks what the class model shows."""
    from hocai.ai import build_default as bd

    return bd.ensure_default(progress=False)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A 2-layer random GPT-2 with a real tokenizer (about a second to build): fast service tests."""
    pytest.importorskip("torch", reason="torch is installed only in .venv (scripts/test-other-python.sh)")
    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-teaching")


@pytest.fixture(scope="session")
def workshop(tiny_model_dir, tmp_path_factory):
    """A whole workshop on free ports, on the tiny model: lab base URL, token and service URL."""
    env = {**os.environ, "HOCAI_STATE_DIR": str(tmp_path_factory.mktemp("state")), "HOCAI_MODEL": str(tiny_model_dir)}
    running = Workshop(env, free_port(), free_port())
    try:
        lab_url = running.wait_for("JupyterLab").split(": ", 1)[1].strip()
        app_url = running.wait_for("Sân tập AI").split(": ", 1)[1].strip()
        yield {
            "lab_base": lab_url.split("lab/tree")[0],
            "token": lab_url.split("token=")[1],
            "app_url": app_url,
            "lab_url": lab_url,
            "process": running,
        }
    finally:
        running.stop()
