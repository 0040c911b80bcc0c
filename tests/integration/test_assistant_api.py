"""POST /api/assistant and GET /api/assistant/stats on the real service (tiny teaching model)."""

import httpx

from hocai.assistant.answer import DECLINED


def _ask(service, question: str) -> httpx.Response:
    return httpx.post(service.url + "api/assistant", json={"question": question}, timeout=30)


def test_answers_from_the_lesson_with_a_link(service):
    reply = _ask(service, "ao giac cua AI la gi?")
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "answer"
    top = body["sources"][0]
    assert top["lesson"] == 5 and top["label"].startswith("Bài 5, mục")
    assert top["url"].startswith("/lab/tree/notebooks/05-") and "#" in top["url"]
    assert "<mark>" in body["html"] and top["label"] in body["html"]


def test_off_topic_is_declined(service):
    body = _ask(service, "Cách nấu phở bò cho ngon?").json()
    assert body["status"] == "declined" and body["text"] == DECLINED and body["sources"] == []


def test_personal_data_is_masked_and_never_logged(service):
    question = "Tôi là Nguyễn Văn An, số điện thoại 0912 345 678, làm sao che dữ liệu cá nhân trước khi hỏi AI?"
    body = _ask(service, question).json()
    assert {m["label"] for m in body["masked"]} >= {"PHONE"}
    assert "0912 345 678" not in str(body)
    assert "0912 345 678" not in service.log_text() and "Nguyễn Văn An" not in service.log_text()


def test_stats_count_sections_without_text(service):
    before = httpx.get(service.url + "api/assistant/stats", timeout=30).json()["total"]
    _ask(service, "nhiệt độ của mô hình là gì?")
    stats = httpx.get(service.url + "api/assistant/stats", timeout=30).json()
    assert stats["total"] == before + 1
    assert all(set(row) == {"lesson", "section", "status", "questions"} for row in stats["sections"])
    assert "nhiệt độ của mô hình" not in str(stats)


def test_bad_bodies_get_one_vietnamese_sentence(service):
    for body in (b"\xff not utf-8", b"{not json", b'{"question": ""}', b'{"question": 42}'):
        reply = httpx.post(service.url + "api/assistant", content=body, timeout=30)
        assert reply.status_code == 400
        assert reply.json()["error"] and not reply.json()["error"].isascii()
