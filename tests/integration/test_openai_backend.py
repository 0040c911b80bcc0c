"""The ``openai`` backend: a second Sân tập AI whose model is the first one's /v1 endpoint."""

from __future__ import annotations

import socket

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from support import greedy_chat_whole_and_streamed

PHONE = "0912345678"


@pytest.fixture(scope="module")
def gc(proxy_service) -> Client:
    return Client(proxy_service.url, verbose=False, download_files=False, analytics_enabled=False)


def test_proxy_health_names_the_remote_model(proxy_service):
    health = httpx.get(proxy_service.url + "health").json()
    assert health["status"] == "ok" and health["backend"] == "openai"
    assert health["model"] == "tiny-teaching" and health["teaching_model"] is True


def test_chat_through_the_openai_backend_masks_and_streams(gc):
    job = gc.submit(f"Gọi tôi theo số {PHONE} nhé", api_name="/chat")
    final = job.result(timeout=60)
    assert "Đã che trước khi gửi cho AI: số điện thoại (1)" in final["reply"]
    assert PHONE not in final["reply"] and "mô hình thu nhỏ" in final["reply"]
    assert len(job.outputs()) >= 3


def test_next_words_via_logprobs_match_the_local_model(gc, service):
    direct = Client(service.url, verbose=False, download_files=False)
    remote = gc.predict("Xin chào các", 4, 1.0, api_name="/next_words")
    local = direct.predict("Xin chào các", 4, 1.0, api_name="/next_words")
    assert [w for w, _ in remote] == [w for w, _ in local]
    assert [round(p, 4) for _, p in remote] == [round(p, 4) for _, p in local]


def test_sample_through_the_openai_backend(gc):
    samples = gc.predict("Xin chào", 1.0, 2, 6, api_name="/sample")
    assert len(samples) == 2 and all(isinstance(s, str) for s in samples)


def test_remote_errors_arrive_in_vietnamese(gc):
    with pytest.raises(AppError, match="Hãy nhập"):
        gc.predict("", 3, 1.0, api_name="/next_words")


def test_openai_library_streams_through_the_proxy(proxy_service):
    from openai import OpenAI

    oa = OpenAI(base_url=proxy_service.url + "v1", api_key="x", max_retries=0)
    pieces = greedy_chat_whole_and_streamed(oa)[2]
    assert len(pieces) >= 3  # the upstream teaching model writes at least 10 tokens (max_tokens) in a chat


def test_unreachable_server_gives_error_status_and_message(tmp_path, start_service):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    svc = start_service(
        {"HOCAI_BACKEND": "openai", "HOCAI_OPENAI_BASE_URL": f"http://127.0.0.1:{dead}/v1"},
        tmp_path / "service.log",
        want=("error",),
    )
    try:
        health = httpx.get(svc.url + "health").json()
        assert health["backend"] == "openai" and "Không kết nối được máy chủ AI" in health["message"]
        gc = Client(svc.url, verbose=False, download_files=False)
        with pytest.raises(AppError, match="Không kết nối được"):
            gc.predict("Xin chào", api_name="/chat")
        assert gc.predict(f"Gọi {PHONE}", api_name="/pii")["entities"]
    finally:
        svc.stop()
