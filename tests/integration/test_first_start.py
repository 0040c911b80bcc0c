"""A fast first start (issue 20): `hocai start` on an EMPTY model store opens JupyterLab and the Sân tập AI at once and
builds the teaching model in the background; every AI route says, in one Vietnamese sentence with the percent, that
the model is being built; a build that crashes leaves no half-written model, the next start builds again, and the
same running service answers real AI calls as soon as the model lands.

The second start builds on the real training code with fewer steps (``HOCAI_BUILD_STEPS``, tests only).
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
import urllib.error
import urllib.request

import psutil
import pytest
from support import Workshop, free_port, refused_start

from hocai.ai import build_progress, store
from hocai.errors import UserError

pytestmark = pytest.mark.timeout(600)
BUILDING = re.compile(r"^Mô hình AI đang được tạo \((\d{1,3})%\)\. Hãy thử lại sau ít phút\.$")
LAB_GOAL_S = 30.0


def _json(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _start(env: dict) -> tuple[Workshop, float, str, str]:
    """A workshop and the seconds until JupyterLab answered its own status route (with its token)."""
    started = time.monotonic()
    running = Workshop(env, free_port(), free_port())
    lab_url = running.wait_for("JupyterLab", timeout=120).split(": ", 1)[1].strip()
    token = lab_url.split("token=")[1]
    status, _ = _json(f"{lab_url.split('lab/tree')[0]}api/status?token={token}")
    assert status == 200
    lab_s = time.monotonic() - started
    app_url = running.wait_for("Sân tập AI").split(": ", 1)[1].strip()
    return running, lab_s, lab_url, app_url


def _builder(running: Workshop) -> psutil.Process:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for child in psutil.Process(running.proc.pid).children(recursive=True):
            if "hocai.ai.build_default" in " ".join(child.cmdline()):
                return child
        time.sleep(0.2)
    raise AssertionError("no background build was started")


def _wait_health(app_url: str, want: str, timeout: float) -> tuple[dict, list[int]]:
    """Poll /health until its status is ``want``; also returns every building percent seen on the way."""
    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        _, health = _json(app_url + "health")
        if health["status"] == "building":
            seen.append(health["percent"])
        if health["status"] == want:
            return health, seen
        time.sleep(0.25)
    raise AssertionError(f"status {want!r} not reached: {health}")


def test_first_start_opens_at_once_then_the_same_service_answers(tmp_path, monkeypatch):
    store_dir = tmp_path / "store"
    target = store_dir / store.DEFAULT_MODEL
    env = {
        **os.environ,
        "HOCAI_STATE_DIR": str(tmp_path / "state"),
        "HOCAI_MODEL_STORE": str(store_dir),
        "HOCAI_CONFIG": str(tmp_path / "none.toml"),
        "HOCAI_BUILD_STEPS": "100000",
    }
    env.pop("HOCAI_MODEL", None)
    from hocai.ai import client

    # First start: a build far too long to finish here, so everything below happens while it runs.
    running, lab_s, _lab_url, app_url = _start(env)
    try:
        print(f"first start: JupyterLab answered after {lab_s:.1f} s")
        assert lab_s < LAB_GOAL_S
        assert "mô hình AI đang được tạo ở chế độ nền" in running.wait_for("Lưu ý")
        builder = _builder(running)
        _, health = _json(app_url + "health")
        assert health["status"] == "building" and 0 <= health["percent"] < 100, health
        assert BUILDING.match(health["message"]) and health["teaching_model"] is True
        assert not target.exists()

        # Every AI route answers the sentence; the lessons' client turns it into the cell's message.
        monkeypatch.setenv("HOCAI_SERVICE_URL", app_url)
        for call in (
            lambda: client.next_words("Bình dân học vụ", 3),
            lambda: client.chat("Xin chào"),
            lambda: client.sample("Trí tuệ nhân tạo"),
            client.retrain_state,
        ):
            with pytest.raises(UserError) as caught:
                call()
            assert BUILDING.match(caught.value.message), caught.value.message
        from gradio_client import Client

        _, line = Client(app_url, verbose=False).predict(api_name="/ui_status")  # what the page shows, every 3 s
        assert re.match(r"\*\*Trạng thái:\*\* Mô hình đang được tạo: \d{1,3}%\. ", line), line
        status, answer = _json(app_url + "v1/chat/completions", {"messages": [{"role": "user", "content": "Chào"}]})
        assert status == 503 and BUILDING.match(answer["error"]["message"]), answer
        status, answer = _json(app_url + "api/scam", {"text": "Bạn trúng thưởng, bấm vào link để nhận quà"})
        assert status == 200  # the safety tools need no model
        status, answer = _json(app_url + "api/assistant", {"question": "Dữ liệu cá nhân là gì?"})
        assert status == 200 and "error" not in answer  # the assistant answers from the lessons meanwhile

        # A crash mid-build: no model, nothing half-written in its place, and the service stops saying «building».
        os.killpg(builder.pid, signal.SIGKILL)
        assert "chưa tạo được mô hình AI" in running.wait_for("chưa tạo được", timeout=60)
        health, _ = _wait_health(app_url, "error", 30)
        assert "hocai models build-default" in health["message"]
        assert not target.exists() and list(store_dir.glob(f".{target.name}.build-*"))  # only a staging folder
    finally:
        assert running.stop() == 0

    # Second start: the build runs again from the beginning (same code, fewer steps) and lands in the store.
    running, lab_s, _lab_url, app_url = _start({**env, "HOCAI_BUILD_STEPS": "30"})
    try:
        print(f"second start: JupyterLab answered after {lab_s:.1f} s")
        assert lab_s < LAB_GOAL_S
        started = time.monotonic()
        health, seen = _wait_health(app_url, "ok", 300)
        print(
            f"second start: model built and loaded {time.monotonic() - started:.1f} s after the class opened; "
            f"percents seen: {sorted(set(seen))}"
        )
        assert any(0 < p < 100 for p in seen) and seen == sorted(seen), seen
        assert health["model"] == store.DEFAULT_MODEL and health["teaching_model"] is True
        assert "đã tạo xong" in running.wait_for("đã tạo xong", timeout=30)

        monkeypatch.setenv("HOCAI_SERVICE_URL", app_url)
        words = client.next_words("Bình dân học vụ", 3)  # the same service, no restart
        assert len(words) == 3 and all(0 < p <= 1 for _, p in words)
        assert client.chat("Xin chào")["reply"]
    finally:
        assert running.stop() == 0
    assert store.is_installed(target) and store.info(target)["steps"] == 30
    assert not build_progress.progress_path(target).exists()
    assert not list(store_dir.glob(f".{target.name}.*-*")), list(store_dir.iterdir())  # no staging left over


def test_a_stopped_background_build_cleans_up(tmp_path):
    """Ctrl-C on the workshop stops the build with SIGTERM: no model, no staging folder, no progress file."""
    import subprocess
    import sys

    target = tmp_path / store.DEFAULT_MODEL
    env = {**os.environ, "HOCAI_MODEL_STORE": str(tmp_path), "HOCAI_BUILD_STEPS": "100000"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hocai.ai.build_default"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while (build_progress.read(target) or {}).get("percent", 0) < 5:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
            time.sleep(0.2)
        assert list(tmp_path.glob(f".{target.name}.build-*"))
    finally:
        proc.send_signal(signal.SIGTERM)
        returncode = proc.wait(timeout=60)
    assert returncode == 128 + signal.SIGTERM
    assert "Traceback" not in proc.stdout.read()
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".{target.name}.lock"]


def test_a_store_it_cannot_write_to_is_one_sentence(tmp_path):
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "HOCAI_STATE_DIR": str(tmp_path / "state"),
        "HOCAI_MODEL_STORE": str(tmp_path / "not-a-folder" / "store"),
    }
    env.pop("HOCAI_MODEL", None)
    result = refused_start(env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Không ghi được vào kho mô hình")
