"""The real ``hocai app`` process, called the way notebooks (gradio_client) and OpenAI clients call it."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from support import greedy_chat_whole_and_streamed

from hocai.net import free_port

ROOT = Path(__file__).resolve().parents[2]
PHONE = "0912345678"


@pytest.fixture(scope="module")
def gc(service) -> Client:
    return Client(service.url, verbose=False, download_files=False, analytics_enabled=False, max_workers=64)


@pytest.fixture
def client(service, monkeypatch):
    monkeypatch.setenv("HOCAI_SERVICE_URL", service.url)
    import hocai.ai.client as client

    return client


def test_health_says_ok_with_the_teaching_model(service):
    health = httpx.get(service.url + "health").json()
    contract = {k: health.get(k) for k in ("status", "model", "backend", "teaching_model")}  # others may follow
    assert contract == {"status": "ok", "model": "tiny-teaching", "backend": "local", "teaching_model": True}
    assert health["message"] == "Sẵn sàng."
    assert Client(service.url, verbose=False, download_files=False).predict(api_name="/health")["status"] == "ok"


def test_page_shows_the_title_and_teaching_label(service, gc):
    assert "Sân tập AI" in httpx.get(service.url).text
    assert "# Sân tập AI" in str(httpx.get(service.url + "config").json())
    model, status = gc.predict(api_name="/ui_status")  # what the page shows on load
    assert "tiny-teaching — mô hình thu nhỏ" in model and "Sẵn sàng" in status


def test_client_functions(client):
    words = client.next_words("Xin chào", 4)
    assert len(words) == 4 and all(isinstance(w, str) and 0 <= p <= 1 for w, p in words)
    samples = client.sample("Xin chào", temperature=1.0, n=3, max_new_tokens=5)
    assert len(samples) == 3 and all(isinstance(s, str) for s in samples)
    assert client.health()["status"] == "ok"
    found = client.pii(f"Gọi tôi số {PHONE}")
    assert found["entities"][0]["label"] == "PHONE" and PHONE not in found["redacted"]
    assert set(client.scam("Chúc mừng bạn trúng thưởng, gửi mã OTP để nhận quà")) >= {"scam", "score", "reasons"}


def test_prompt_check_answers_or_says_not_built(client):
    from hocai.errors import UserError

    try:
        result = client.prompt_check("Bạn là chuyên viên. Hãy viết công văn ngắn gọn.")
    except UserError as exc:
        assert "chưa có" in exc.message
    else:
        assert 0 <= result["score"] <= 5


def test_chat_masks_personal_data_and_says_so(client):
    result = client.chat(f"Số điện thoại của tôi là {PHONE}, hãy viết tiếp")
    reply = result["reply"]
    assert "Đã che trước khi gửi cho AI: số điện thoại (1)" in reply
    assert PHONE not in reply
    assert "mô hình thu nhỏ" in reply and "không có ý nghĩa" in reply
    assert result["masked"] == [{"label": "PHONE", "label_vi": result["masked"][0]["label_vi"], "text": PHONE}]


def test_client_chat_stream_grows(client):
    replies = [r["reply"] for r in client.chat_stream("Xin chào các bạn")]
    assert len(replies) >= 3 and all(len(a) <= len(b) for a, b in zip(replies, replies[1:]))
    from hocai.errors import UserError

    with pytest.raises(UserError, match="Hãy nhập"):
        list(client.chat_stream(""))


def test_chat_streams_several_chunks(gc):
    job = gc.submit("Xin chào các bạn", api_name="/chat")
    job.result(timeout=60)
    outputs = job.outputs()
    assert len(outputs) >= 3
    assert outputs[-1]["reply"].startswith(outputs[1]["reply"][:20])


@pytest.mark.parametrize(
    "api_name,args",
    [
        ("/chat", ("",)),
        ("/next_words", ("", 5, 1.0)),
        ("/sample", ("   ", 1.0, 2, 5)),
        ("/pii", ("",)),
        ("/scam", ("",)),
    ],
)
def test_empty_text_gets_a_vietnamese_message(gc, api_name, args):
    with pytest.raises(AppError, match="Hãy nhập một đoạn văn bản"):
        gc.predict(*args, api_name=api_name)


@pytest.mark.parametrize("api_name", ["/chat", "/next_words", "/sample", "/pii", "/scam"])
def test_one_megabyte_gets_a_vietnamese_message(gc, api_name):
    with pytest.raises(AppError, match="quá dài"):
        gc.predict("á" * 1_000_000, api_name=api_name)


def test_nfd_and_control_characters_are_normalised(gc):
    nfd = gc.predict("Xin cha\u0300o", 3, 1.0, api_name="/next_words")
    nfc = gc.predict("Xin ch\u00e0o\x00\x07", 3, 1.0, api_name="/next_words")
    assert nfd == nfc
    found = gc.predict(f"So\u0302\u0301 {PHONE}", api_name="/pii")
    assert [e["text"] for e in found["entities"]] == [PHONE]


def test_openai_library_non_stream_and_stream(service):
    from openai import OpenAI

    oa = OpenAI(base_url=service.url + "v1", api_key="x", max_retries=0)
    assert [m.id for m in oa.models.list()] == ["tiny-teaching"]
    reply = oa.chat.completions.create(
        model="tiny-teaching", max_tokens=8, messages=[{"role": "user", "content": "Xin chào"}]
    )
    assert reply.object == "chat.completion" and isinstance(reply.choices[0].message.content, str)
    usage = reply.usage
    assert usage.prompt_tokens >= 2 and 1 <= usage.completion_tokens <= 8
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert reply.choices[0].finish_reason == ("length" if usage.completion_tokens == 8 else "stop")
    whole, chunks, pieces = greedy_chat_whole_and_streamed(oa)
    assert len(pieces) >= min(3, whole.usage.completion_tokens - 1)
    assert chunks[-1].choices[0].finish_reason == whole.choices[0].finish_reason
    cut = oa.completions.create(model="tiny-teaching", prompt="Bình dân học vụ số", max_tokens=3, temperature=0)
    assert (cut.usage.completion_tokens, cut.choices[0].finish_reason) == (3, "length")
    ranked = oa.completions.create(model="tiny-teaching", prompt="Bình dân học vụ số", max_tokens=1, logprobs=3)
    assert (ranked.usage.prompt_tokens, ranked.usage.completion_tokens) == (cut.usage.prompt_tokens, 1)


def test_openai_api_masks_personal_data(service):
    """The model sees the placeholder, not the number: its next-token distribution is the masked one's."""
    from openai import OpenAI

    oa = OpenAI(base_url=service.url + "v1", api_key="x", max_retries=0)

    def top(prompt: str) -> dict:
        return (
            oa.completions.create(model="tiny-teaching", prompt=prompt, max_tokens=1, logprobs=5)
            .choices[0]
            .logprobs.top_logprobs[0]
        )

    assert top(f"Gọi {PHONE} nhé") == top("Gọi [SỐ ĐIỆN THOẠI] nhé") != top("Gọi 0123 nhé")


@pytest.mark.parametrize(
    "body,status,words",
    [
        (b'{"messages":[{"role":"user","content":"\xff\xfe"}]}', 400, "UTF-8"),
        (b"not json", 400, "JSON"),
        (b'{"messages": []}', 400, "messages"),
        (b'{"messages":[{"role":"user","content":""}]}', 400, "Hãy nhập"),
        (b'{"messages":[{"role":"user","content":"' + b"a" * 1_000_000 + b'"}]}', 413, "quá lớn"),
    ],
)
def test_bad_raw_bodies_get_openai_shaped_vietnamese_errors(service, body, status, words):
    response = httpx.post(
        service.url + "v1/chat/completions", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == status
    assert words in response.json()["error"]["message"]


def test_fifty_clients_at_once_all_get_an_answer_or_a_clear_message(service, gc):
    outcomes: list[str] = []
    healthy: list[bool] = []
    done = threading.Event()

    def participant(i: int) -> None:
        try:
            gc.predict(f"Câu số {i} của học viên", 1.0, 1, 8, api_name="/sample")
            outcomes.append("ok")
        except Exception as exc:  # queue full, or a Vietnamese gr.Error
            outcomes.append(str(exc))

    def watch() -> None:
        while not done.is_set():
            healthy.append(httpx.get(service.url + "health", timeout=10).json()["status"] == "ok")
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=participant, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    done.set()
    watcher.join()
    assert len(outcomes) == 50
    others = [o for o in outcomes if o != "ok"]
    assert all("Queue is full" in o or "quá tải" in o for o in others), others[:3]
    assert outcomes.count("ok") >= 20
    assert healthy and all(healthy)
    assert gc.predict("Xin chào", 2, 1.0, api_name="/next_words")


def test_logs_hold_no_participant_text(service, client):
    secret = "Bí mật quốc gia số bảy mươi chín"
    client.chat(secret)
    client.next_words(secret, 2)
    log = service.log_text()
    assert secret not in log and "quốc gia" not in log
    assert "len=" in log


def test_client_never_imports_torch():
    code = "import hocai.ai.client, sys; assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_client_fails_fast_when_the_service_is_down(monkeypatch):
    import hocai.ai.client as client

    monkeypatch.setenv("HOCAI_SERVICE_URL", f"http://127.0.0.1:{free_port()}/")
    started = time.monotonic()
    for call in (client.health, lambda: client.next_words("Xin chào")):
        with pytest.raises(client.ServiceUnavailable) as info:
            call()
        assert "Sân tập AI" in info.value.message
    assert time.monotonic() - started < 10


def test_broken_model_folder_service_runs_and_says_why(broken_service):
    health = httpx.get(broken_service.url + "health").json()
    assert health["status"] == "error" and "hỏng" in health["message"]
    gc = Client(broken_service.url, verbose=False, download_files=False)
    with pytest.raises(AppError, match="hỏng"):
        gc.predict("Xin chào", 3, 1.0, api_name="/next_words")
    with pytest.raises(AppError, match="hỏng"):
        gc.predict("Xin chào", api_name="/chat")
    assert gc.predict(f"Gọi {PHONE}", api_name="/pii")["entities"]
    response = httpx.post(
        broken_service.url + "v1/chat/completions", json={"messages": [{"role": "user", "content": "Xin chào"}]}
    )
    assert response.status_code == 503 and "hỏng" in response.json()["error"]["message"]


def test_port_in_use_is_a_vietnamese_message(service):
    result = subprocess.run(
        [sys.executable, "-m", "hocai.cli", "app", "--port", str(service.port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "đang được dùng" in result.stderr and "Traceback" not in result.stderr


def test_service_process_is_still_serving(service):
    assert service.proc.poll() is None
    assert httpx.get(service.url + "health").json()["status"] == "ok"
