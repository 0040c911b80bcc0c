"""The Gradio API names of the Sân tập AI, a contract (docs/ARCHITECTURE.md §4): /chat, /next_words, /sample,
/pii, /scam, /prompt_check, /health.

Every error a participant can meet reaches the client as a ``gr.Error`` carrying one Vietnamese sentence.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from hocai.app.limits import RateLimiter
from hocai.app.service import Playground
from hocai.errors import UserError

log = logging.getLogger("hocai.app")
INTERNAL = "Sân tập AI gặp lỗi khi xử lý yêu cầu này; hãy thử lại hoặc báo giảng viên."
ERROR_TITLE = "Chưa làm được"


def _error(message: str) -> gr.Error:
    return gr.Error(message, title=ERROR_TITLE, print_exception=False)


def _vietnamese_errors(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            raise _error(exc.message) from None
        except gr.Error:
            raise
        except Exception as exc:
            log.error("api %s failed: %s", fn.__name__, type(exc).__name__)
            raise _error(INTERNAL) from None

    return wrapper


def register(service: Playground, limiter: RateLimiter | None = None) -> None:
    """Declare the API endpoints inside the current ``gr.Blocks`` context; ``limiter`` limits each client."""
    limiter = limiter or RateLimiter({})

    def chat(message: str, request: gr.Request | None = None) -> Iterator[dict]:
        """Chat with the model; personal data is masked first and the reply says what was masked."""
        try:
            limiter.check(request, "ai")
            yield from service.chat_stream(message)
        except UserError as exc:
            raise _error(exc.message) from None
        except Exception as exc:
            log.error("api chat failed: %s", type(exc).__name__)
            raise _error(INTERNAL) from None

    @_vietnamese_errors
    def next_words(text: str, k: int = 5, temperature: float = 1.0, request: gr.Request | None = None) -> list:
        """The k most likely next words with their probabilities."""
        limiter.check(request, "ai")
        return [[token, prob] for token, prob in service.next_words(text, k, temperature)]

    @_vietnamese_errors
    def sample(
        text: str, temperature: float = 1.0, n: int = 3, max_new_tokens: int = 20, request: gr.Request | None = None
    ) -> list:
        """n sampled continuations of the text."""
        limiter.check(request, "ai")
        return service.sample(text, temperature, n, max_new_tokens)

    @_vietnamese_errors
    def pii(text: str, request: gr.Request | None = None) -> dict:
        """Personal data found in the text, and the text with it masked."""
        limiter.check(request, "tools")
        return service.pii(text)

    @_vietnamese_errors
    def scam(text: str, request: gr.Request | None = None) -> dict:
        """Is this message a scam? Score, reasons and advice."""
        limiter.check(request, "tools")
        return service.scam(text)

    @_vietnamese_errors
    def prompt_check(text: str, request: gr.Request | None = None) -> dict:
        """Score a prompt on the five criteria and suggest a better one."""
        limiter.check(request, "tools")
        return service.prompt_check(text)

    def health() -> dict:
        """Model, backend and status."""
        return service.health()

    gr.api(chat, api_name="chat")
    for fn in (next_words, sample, pii, scam, prompt_check):
        gr.api(fn, api_name=fn.__name__)
    gr.api(health, api_name="health", concurrency_limit=None)
