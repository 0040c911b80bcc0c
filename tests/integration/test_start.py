"""`hocai start` for real: JupyterLab in Vietnamese and the Sân tập AI service, then a clean stop."""

import json
import os
import signal
import socket
import urllib.request

import psutil
import pytest
from support import Workshop, free_port, refused_start


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status, resp.read()


@pytest.fixture
def workshop_env(tmp_path, tiny_model_dir):
    return {**os.environ, "HOCAI_STATE_DIR": str(tmp_path / "state"), "HOCAI_MODEL": str(tiny_model_dir)}


def test_start_serves_vietnamese_lab_and_service_then_stops_cleanly(workshop_env):
    lab_port, app_port = free_port(), free_port()
    workshop = Workshop(workshop_env, lab_port, app_port)
    try:
        lab_url = workshop.wait_for("JupyterLab").split(": ", 1)[1].strip()
        app_url = workshop.wait_for("Sân tập AI").split(": ", 1)[1].strip()
        token = lab_url.split("token=")[1]
        assert lab_url.startswith(f"http://127.0.0.1:{lab_port}/lab/tree/notebooks")

        status, page = get(lab_url)
        assert status == 200 and b"JupyterLab" in page
        base = f"http://127.0.0.1:{lab_port}"
        _, raw = get(f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin?token={token}")
        plugin = json.loads(raw)
        assert plugin["settings"].get("locale", plugin["schema"]["properties"]["locale"]["default"]) == "vi_VN"
        _, raw = get(f"{base}/lab/api/translations/vi_VN?token={token}")
        strings = json.dumps(json.loads(raw), ensure_ascii=False)
        assert "Tệp" in strings  # the File menu, from the Vietnamese language pack
        assert b"@jupyter/nbgrader" in page  # the nbgrader lab extension is in the page config
        status, _ = get(f"{base}/formgrader?token={token}")  # and its server extension answers
        assert status == 200

        status, raw = get(app_url + "health")
        assert status == 200 and json.loads(raw)["status"] in {"ok", "loading"}

        children = psutil.Process(workshop.proc.pid).children(recursive=True)
        assert len(children) >= 2

        second = refused_start(workshop_env)
        assert second.returncode == 2
        assert "đang chạy" in second.stderr and "Traceback" not in second.stderr
    finally:
        workshop.proc.send_signal(signal.SIGINT)
        assert workshop.proc.wait(timeout=60) == 0
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, f"left running: {alive}"
    for port in (lab_port, app_port):  # nothing listens any more (TIME_WAIT sockets aside)
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", port))


def test_port_in_use_gets_one_vietnamese_sentence(workshop_env):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = refused_start(workshop_env, port)
    assert result.returncode == 2
    assert f"Cổng {port}" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_model_gets_one_vietnamese_sentence(workshop_env, tmp_path):
    env = {**workshop_env, "HOCAI_MODEL": str(tmp_path / "khong-co")}
    result = refused_start(env)
    assert result.returncode == 2
    assert "hocai models" in result.stderr and "Traceback" not in result.stderr
