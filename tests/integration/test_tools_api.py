"""The safety tools' plain JSON routes (what notebooks call): same answers as the Gradio API, fast."""

import unicodedata

import httpx
import pytest

from hocai.ai import client
from hocai.errors import UserError

TEXT = "Ông Nguyễn Văn An, số điện thoại 0912 345 678, CCCD 001203012345."


def test_json_routes_answer_like_the_gradio_api(service):
    from gradio_client import Client

    gradio = Client(service.url, verbose=False)
    for tool in ("pii", "scam", "prompt_check"):
        direct = httpx.post(service.url + f"api/{tool}", json={"text": TEXT}, timeout=30)
        assert direct.status_code == 200
        assert direct.json() == gradio.predict(TEXT, api_name=f"/{tool}")


def test_nfd_text_keeps_offsets_into_the_text_as_sent(service):
    nfd = unicodedata.normalize("NFD", TEXT)
    found = httpx.post(service.url + "api/pii", json={"text": nfd}, timeout=30).json()["entities"]
    assert {e["label"] for e in found} >= {"PERSON", "PHONE", "CCCD"}
    assert all(nfd[e["start"] : e["end"]] == e["text"] for e in found)


@pytest.mark.parametrize(
    "body, status",
    [
        (b"\xff\xfe not utf-8", 400),
        (b"{not json", 400),
        (b'"just a string"', 400),
        (b'{"text": ""}', 400),
        (b'{"text": 42}', 400),
    ],
)
def test_bad_bodies_get_a_vietnamese_error(service, body, status):
    reply = httpx.post(service.url + "api/pii", content=body, timeout=30)
    assert reply.status_code == status
    message = reply.json()["error"]
    assert message and "Traceback" not in message and message.isascii() is False


def test_unknown_tool(service):
    assert httpx.post(service.url + "api/khong-co", json={"text": "x"}, timeout=30).status_code == 404


def test_client_uses_the_json_routes(service, monkeypatch):
    monkeypatch.setenv("HOCAI_SERVICE_URL", service.url)
    assert client.scam("Chúc mừng bạn trúng thưởng xe SH, chuyển phí 500k vào STK 0123456789 để nhận quà")["scam"]
    with pytest.raises(UserError):
        client.pii("   ")
    assert client.assistant("ao giac cua AI la gi?")["sources"][0]["lesson"] == 5
    with pytest.raises(UserError) as refused:
        client.assistant("")
    assert refused.value.message not in ("", client.DOWN)  # the service's own sentence reaches the participant
