"""The real ``hocai app`` as a class network sees it: password, rate limits, refusal to open up unprotected.

A participant on the class network is simulated by ``X-Forwarded-For`` from this machine, configured as a trusted
proxy (``HOCAI_TRUSTED_PROXIES``); the service believes that header only from a proxy so configured.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError, AuthenticationError
from support import free_port

from hocai.app.limits import TOO_FAST
from hocai.app.serve import NEEDS_PASSWORD
from hocai.app.ui_login import NEEDED, WRONG

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "lớp-học-xã-An-Bình"
REMOTE = {"X-Forwarded-For": "10.20.30.40"}


@pytest.fixture(scope="module")
def guarded(start_service, tiny_model_dir, tmp_path_factory):
    """The service with a class password and tight limits (burst of 3 for safety tools)."""
    folder = tmp_path_factory.mktemp("guarded")
    env = {
        "HOCAI_MODEL": str(tiny_model_dir),
        "HOCAI_BACKEND": "local",
        "HOCAI_APP_PASSWORD": PASSWORD,
        "HOCAI_RATE_TOOLS_PER_MIN": "8",
        "HOCAI_RATE_AI_PER_MIN": "8",
        "HOCAI_TRUSTED_PROXIES": "127.0.0.1",
    }
    svc = start_service(env, folder / "service.log")
    yield svc
    svc.stop()


def login(url: str, headers: dict[str, str] | None = None) -> Client:
    return Client(
        url,
        auth=("hocvien", PASSWORD),
        headers=headers or REMOTE,
        verbose=False,
        download_files=False,
        analytics_enabled=False,
    )


def test_network_address_without_password_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HOCAI_APP_PASSWORD"}
    env["HOCAI_CONFIG"] = str(tmp_path / "none.toml")
    result = subprocess.run(
        [sys.executable, "-m", "hocai.cli", "app", "--host", "0.0.0.0", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().endswith(NEEDS_PASSWORD.format(host="0.0.0.0"))
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_remote_browser_gets_a_vietnamese_login_page(guarded):
    page = httpx.get(guarded.url, headers={**REMOTE, "accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and "Nhập mật khẩu lớp học" in page.text and 'lang="vi"' in page.text
    wrong = httpx.post(guarded.url + "login", data={"password": "sai"}, headers={**REMOTE, "accept": "text/html"})
    assert wrong.status_code == 401 and WRONG in wrong.text
    right = httpx.post(guarded.url + "login", data={"password": PASSWORD}, headers={**REMOTE, "accept": "text/html"})
    assert right.status_code == 303 and "hocai-app-session" in right.headers["set-cookie"]
    app = httpx.get(guarded.url, headers={**REMOTE, "accept": "text/html"}, cookies=right.cookies)
    assert app.status_code == 200 and "Sân tập AI" in app.text and "Nhập mật khẩu" not in app.text


def test_api_without_password_is_refused_in_vietnamese(guarded):
    response = httpx.get(guarded.url + "config", headers=REMOTE)
    assert response.status_code == 401 and response.json() == {"error": NEEDED}
    with pytest.raises(Exception):  # noqa: B017  (any error will do: the point is that it gets no answer)
        Client(guarded.url, headers=REMOTE, verbose=False, download_files=False).predict("x", api_name="/pii")
    with pytest.raises(AuthenticationError):
        Client(guarded.url, auth=("hocvien", "sai"), headers=REMOTE, verbose=False)
    assert httpx.get(guarded.url + "health", headers=REMOTE).json()["status"] == "ok"  # no secrets there


def test_password_login_works_for_every_api_name(guarded):
    gc = login(guarded.url, {"X-Forwarded-For": "10.20.30.41"})
    assert gc.predict("Gọi 0912345678", api_name="/pii")["entities"][0]["label"] == "PHONE"
    assert gc.predict("Chúc mừng bạn trúng thưởng, gửi mã OTP", api_name="/scam")["scam"] is True
    assert 0 <= gc.predict("Viết thư", api_name="/prompt_check")["score"] <= 5
    assert len(gc.predict("Xin chào", 3, 1.0, api_name="/next_words")) == 3
    assert "Đã che" in gc.predict("Số 0912345678", api_name="/chat")["reply"]
    with pytest.raises(AppError, match="Hãy nhập"):
        gc.predict("", api_name="/sample")


def test_openai_clients_use_the_password_as_key(guarded):
    assert httpx.get(guarded.url + "v1/models", headers=REMOTE).status_code == 401
    ok = httpx.get(guarded.url + "v1/models", headers={**REMOTE, "Authorization": f"Bearer {PASSWORD}".encode()})
    assert ok.status_code == 200 and ok.json()["data"][0]["id"] == "tiny-teaching"


def test_this_machine_needs_no_password_and_is_not_limited(guarded):
    gc = Client(guarded.url, verbose=False, download_files=False, analytics_enabled=False)
    for _ in range(8):
        assert gc.predict("Gọi 0912345678", api_name="/pii")["entities"]


def test_rate_limit_per_participant(guarded):
    first = login(guarded.url, {"X-Forwarded-For": "10.20.30.50"})
    for _ in range(3):
        first.predict("Gọi 0912345678", api_name="/pii")
    with pytest.raises(AppError) as info:
        first.predict("Gọi 0912345678", api_name="/scam")
    assert TOO_FAST in str(info.value)
    other = login(guarded.url, {"X-Forwarded-For": "10.20.30.51"})
    assert other.predict("Gọi 0912345678", api_name="/pii")["entities"]
    for _ in range(3):
        other.predict("Xin chào", 2, 1.0, api_name="/next_words")
    with pytest.raises(AppError, match="Bạn gửi nhanh quá"):
        other.predict("Xin chào", api_name="/chat")


def test_logs_hold_no_participant_text(guarded):
    secret = "Ông Phạm Văn Bảy ở xóm Đồng Chùa"
    gc = login(guarded.url, {"X-Forwarded-For": "10.20.30.60"})
    gc.predict(secret, api_name="/pii")
    gc.predict(secret, api_name="/chat")
    log = guarded.log_text()
    assert "Đồng Chùa" not in log and "Phạm Văn" not in log and PASSWORD not in log
