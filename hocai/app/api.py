"""The Gradio API names of the Sân tập AI (DESIGN.md §4): /chat, /next_words, /sample, /pii, /scam, /prompt_check, /health.

Every error a participant can meet reaches the client as a ``gr.Error`` carrying one Vietnamese sentence.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Iterator

import gradio as gr

from hocai.app.service import Playground
from hocai.errors import UserError

log = logging.getLogger("hocai.app")
INTERNAL = "Sân tập AI gặp lỗi khi xử lý yêu cầu này; hãy thử lại hoặc báo giảng viên."


def _vietnamese_errors(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            raise gr.Error(exc.message, print_exception=False) from None
        except gr.Error:
            raise
        except Exception as exc:
            log.exception("api %s failed: %s", fn.__name__, type(exc).__name__)
            raise gr.Error(INTERNAL, print_exception=False) from None

    return wrapper


def register(service: Playground) -> None:
    """Declare the API endpoints inside the current ``gr.Blocks`` context."""

    def chat(message: str) -> Iterator[dict]:
        """Chat with the model; personal data is masked first and the reply says what was masked."""
        try:
            yield from service.chat_stream(message)
        except UserError as exc:
            raise gr.Error(exc.message, print_exception=False) from None
        except Exception as exc:
            log.exception("api chat failed: %s", type(exc).__name__)
            raise gr.Error(INTERNAL, print_exception=False) from None

    @_vietnamese_errors
    def next_words(text: str, k: int = 5, temperature: float = 1.0) -> list:
        """The k most likely next words with their probabilities."""
        return [[token, prob] for token, prob in service.next_words(text, k, temperature)]

    @_vietnamese_errors
    def sample(text: str, temperature: float = 1.0, n: int = 3, max_new_tokens: int = 20) -> list:
        """n sampled continuations of the text."""
        return service.sample(text, temperature, n, max_new_tokens)

    @_vietnamese_errors
    def pii(text: str) -> dict:
        """Personal data found in the text, and the text with it masked."""
        return service.pii(text)

    @_vietnamese_errors
    def scam(text: str) -> dict:
        """Is this message a scam? Score, reasons and advice."""
        return service.scam(text)

    @_vietnamese_errors
    def prompt_check(text: str) -> dict:
        """Score a prompt on the five criteria and suggest a better one."""
        return service.prompt_check(text)

    def health() -> dict:
        """Model, backend and status."""
        return service.health()

    gr.api(chat, api_name="chat")
    for fn in (next_words, sample, pii, scam, prompt_check):
        gr.api(fn, api_name=fn.__name__)
    gr.api(health, api_name="health", concurrency_limit=None)
