"""How notebooks talk to the Sân tập AI: over HTTP with gradio_client. Never imports torch or transformers.

Thirty kernels each loading a model would cost ~10 GB and slow every decode (docs/ARCHITECTURE.md §8,
rule 1); one service serves the class. With the service down a lesson fails fast with ``ServiceUnavailable``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

from hocai import paths
from hocai.errors import UserError

DOWN = "Sân tập AI chưa chạy hoặc không trả lời. Hãy báo giảng viên."
BUSY = "Sân tập AI đang quá tải, thử lại sau ít phút."
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 180.0

_clients: dict[str, Any] = {}
_lock = threading.Lock()


class ServiceUnavailable(Exception):
    """The service cannot be reached or is overloaded; ``message`` is Vietnamese."""

    def __init__(self, message: str = DOWN):
        super().__init__(message)
        self.message = message


class ServiceBusy(ServiceUnavailable):
    """The service's queue is full."""

    def __init__(self, message: str = BUSY):
        super().__init__(message)


def _url() -> str:
    url = paths.service_url()
    return url if url.endswith("/") else url + "/"


def _headers() -> dict[str, str]:
    """On JupyterHub the service sits behind hub login: kernels show their server's token."""
    token = os.environ.get("JUPYTERHUB_API_TOKEN")
    return {"Authorization": f"token {token}"} if token else {}


def _client() -> Any:
    """One gradio Client per service address, made on first use."""
    url = _url()
    with _lock:
        if url in _clients:
            return _clients[url]
        import httpx
        from gradio_client import Client

        try:
            client = Client(
                url,
                verbose=False,
                download_files=False,
                analytics_enabled=False,
                headers=_headers(),
                httpx_kwargs={"timeout": httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)},
            )
        except Exception:
            raise ServiceUnavailable() from None
        _clients[url] = client
        return client


def _translate(exc: Exception) -> Exception:
    """A Vietnamese error for whatever gradio_client raised."""
    from gradio_client.exceptions import AppError

    if isinstance(exc, AppError):
        return UserError(getattr(exc, "message", None) or str(exc))
    if type(exc).__name__ == "QueueError":
        return ServiceBusy()
    with _lock:
        _clients.pop(_url(), None)
    return ServiceUnavailable()


def _call(api_name: str, *args: Any) -> Any:
    client = _client()
    try:
        return client.predict(*args, api_name=api_name)
    except Exception as exc:
        raise _translate(exc) from None


def health() -> dict:
    """{"status", "model", "backend", "teaching_model", "message"} straight from /health (no Gradio)."""
    import httpx

    try:
        response = httpx.get(
            _url() + "health", headers=_headers(), timeout=httpx.Timeout(10.0, connect=CONNECT_TIMEOUT_S)
        )
        return response.json()
    except (httpx.HTTPError, ValueError):
        raise ServiceUnavailable() from None


def next_words(text: str, k: int = 5) -> list[tuple[str, float]]:
    return [(str(token), float(prob)) for token, prob in _call("/next_words", text, k, 1.0)]


def sample(text: str, temperature: float = 1.0, n: int = 3, max_new_tokens: int = 20) -> list[str]:
    return [str(s) for s in _call("/sample", text, temperature, n, max_new_tokens)]


def chat(message: str) -> dict:
    """{"reply": str, "masked": [{"label", "label_vi", "text"}, ...]} (the final streamed value)."""
    return _call("/chat", message)


def chat_stream(message: str) -> Iterator[dict]:
    """The same as ``chat`` but yields the growing reply as the model writes it (for widgets)."""
    job = _client().submit(message, api_name="/chat")
    try:
        yield from job
        job.result()
    except Exception as exc:
        raise _translate(exc) from None


def _post(name: str, payload: dict) -> dict:
    """POST /api/NAME with plain JSON (no Gradio queue, so a whole class is served fast); the answer as a dict."""
    import httpx

    try:
        response = httpx.post(
            _url() + f"api/{name}",
            json=payload,
            headers=_headers(),
            timeout=httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
        )
        answer = response.json()
    except (httpx.HTTPError, ValueError):
        raise ServiceUnavailable() from None
    if not isinstance(answer, dict):
        raise ServiceUnavailable()
    if response.status_code != 200:
        raise UserError(answer.get("error") or ServiceUnavailable().message)
    return answer


def pii(text: str) -> dict:
    return _post("pii", {"text": text})


def scam(text: str) -> dict:
    return _post("scam", {"text": text})


def prompt_check(text: str) -> dict:
    return _post("prompt_check", {"text": text})


def assistant(question: str, link_base: str = "") -> dict:
    """The course assistant (POST /api/assistant): lesson passages with links, never an exercise's answer."""
    return _post("assistant", {"question": question, "link_base": link_base})


RETRAIN_POLL_S = 2.0
RETRAIN_WAIT_S = 150.0
RETRAIN_SLOW = "Sân tập AI chưa huấn luyện lại xong sau {s} giây; hãy bấm lại sau ít phút."


def retrain_state() -> dict:
    """Start (once per service, shared by the whole class) or look at the retraining of lesson 6."""
    import httpx

    try:
        response = httpx.post(
            _url() + "api/retrain", json={}, headers=_headers(), timeout=httpx.Timeout(30.0, connect=CONNECT_TIMEOUT_S)
        )
        answer = response.json()
    except (httpx.HTTPError, ValueError):
        raise ServiceUnavailable() from None
    if not isinstance(answer, dict):
        raise ServiceUnavailable()
    if response.status_code != 200 or answer.get("status") == "error":
        raise UserError(answer.get("error") or ServiceUnavailable().message)
    return answer


def retrain_balanced(progress=None, poll_s: float = RETRAIN_POLL_S, wait_s: float = RETRAIN_WAIT_S) -> dict:
    """Wait for the retrained copy and return its figures: {"before", "after", "steps", "seconds", ...}.

    ``progress(fraction)`` is told how far the retraining is while it runs.
    """
    import time

    deadline = time.monotonic() + wait_s
    while True:
        state = retrain_state()
        if state.get("status") == "done":
            return state["result"]
        if progress is not None:
            progress(float(state.get("progress") or 0.0))
        if time.monotonic() > deadline:
            raise UserError(RETRAIN_SLOW.format(s=int(wait_s)))
        time.sleep(poll_s)
