"""Lesson 6's retraining on the real service: thirty participants clicking at once start ONE retraining on the
service's model thread and share its result; the class model is unchanged; kernels never load torch."""

import subprocess
import sys
import threading
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def test_thirty_clicks_share_one_retraining(service, monkeypatch):
    from hocai.ai import client

    monkeypatch.setenv("HOCAI_SERVICE_URL", service.url)
    before = client.next_words("Bác sĩ là", 5)
    results: list[dict] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            results.append(client.retrain_balanced(poll_s=0.5, wait_s=120))
        except BaseException as exc:  # collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=click) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert not errors and len(results) == 30, errors
    assert len({r["started_at"] for r in results}) == 1, "one retraining for all thirty"
    assert all(r == results[0] for r in results)
    first = results[0]
    assert set(first["before"]) == set(first["after"]) == {"Bác sĩ là", "Y tá là"}
    assert first["steps"] > 0 and first["seconds"] < 60 and first["sentences"] > 100
    assert client.next_words("Bác sĩ là", 5) == before, "the class model stays as it was"
    again = httpx.post(service.url + "api/retrain", json={}, timeout=30).json()
    assert again["status"] == "done" and again["result"]["started_at"] == first["started_at"]


def test_retraining_is_refused_in_one_sentence_without_a_local_model(proxy_service):
    reply = httpx.post(proxy_service.url + "api/retrain", json={}, timeout=30)
    assert reply.status_code == 400
    assert reply.json() == {
        "status": "error",
        "error": "Sân tập AI đang dùng mô hình ở máy chủ khác, nên không huấn luyện lại được ở đây.",
    }


def test_the_client_never_imports_torch():
    code = (
        "import sys; from hocai.ai import client; from hocai.lessons import lesson06; "
        "lesson06.retrain_class_copy(); print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"HOCAI_SERVICE_URL": "http://127.0.0.1:9/", "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip() == "False", out.stderr
