"""Fixtures that start the real Sân tập AI service (``hocai app``) on a tiny random GPT-2.

The tiny model is built in a temporary folder in about a second: a byte-level BPE tokenizer trained on
a few Vietnamese lines and a 2-layer GPT-2 with random weights; nothing is downloaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_health(url: str, proc: subprocess.Popen, timeout: float = 120.0, want: tuple = ("ok",)) -> dict:
    import httpx

    deadline = time.monotonic() + timeout
    last: dict = {}
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"service exited with {proc.returncode}")
        try:
            last = httpx.get(url + "health", timeout=2).json()
            if last.get("status") in want:
                return last
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"service not ready after {timeout:.0f} s: {last}")


class Service:
    """A running ``hocai app`` subprocess; its log (stdout+stderr) is kept for privacy checks."""

    def __init__(self, env: dict[str, str], log_path: Path, want: tuple = ("ok",)):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = log_path
        full_env = {**os.environ, "HOCAI_CONFIG": str(log_path.parent / "none.toml"), **env}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hocai.cli", "app", "--port", str(self.port)],
            cwd=ROOT,
            env=full_env,
            stdout=log_path.open("wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            self.health = wait_health(self.url, self.proc, want=want)
        except Exception as exc:
            self.stop()
            raise RuntimeError(f"{exc}\n{log_path.read_text(errors='replace')[-3000:]}") from None

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="session")
def start_service():
    """``start_service(env, log_path, want=("ok",)) -> Service`` for tests that need one of their own."""
    return Service


@pytest.fixture(scope="session")
def service(tiny_model_dir, tmp_path_factory):
    """The real service on the tiny teaching model, local backend."""
    folder = tmp_path_factory.mktemp("service")
    env = {"HOCAI_MODEL": str(tiny_model_dir), "HOCAI_BACKEND": "local", "HOCAI_QUEUE_MAX_SIZE": "24"}
    svc = Service(env, folder / "service.log")
    yield svc
    svc.stop()


@pytest.fixture(scope="session")
def broken_service(tmp_path_factory):
    """The service started on a corrupt model folder: it runs, says "error", safety tools still work."""
    folder = tmp_path_factory.mktemp("broken")
    model = folder / "broken-model"
    model.mkdir()
    (model / "config.json").write_text("{ not json", encoding="utf-8")
    (model / "model.safetensors").write_bytes(b"\x00" * 64)
    svc = Service({"HOCAI_MODEL": str(model), "HOCAI_BACKEND": "local"}, folder / "service.log", want=("error",))
    yield svc
    svc.stop()


@pytest.fixture(scope="session")
def proxy_service(service, tmp_path_factory):
    """A second service whose backend is ``openai``, pointing at the first service's /v1."""
    folder = tmp_path_factory.mktemp("proxy")
    svc = Service({"HOCAI_BACKEND": "openai", "HOCAI_OPENAI_BASE_URL": service.url + "v1"}, folder / "service.log")
    yield svc
    svc.stop()
