"""What each button of the page does: plain methods taking strings and numbers, returning what components show.

Every participant-facing failure becomes a ``gr.Error`` with one Vietnamese sentence and a Vietnamese title;
nothing participants type is logged (the service logs only a fingerprint).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import gradio as gr

from hocai.app import ui_views as views
from hocai.app.limits import RateLimiter
from hocai.app.service import Playground
from hocai.errors import UserError

log = logging.getLogger("hocai.app")
T = TypeVar("T")
ERROR_TITLE = "Chưa làm được"
INTERNAL = "Sân tập AI gặp lỗi khi xử lý yêu cầu này; hãy thử lại hoặc báo giảng viên."
HISTORY_MAX = 20

Chat = list[dict[str, str]]


def vietnamese_error(message: str) -> gr.Error:
    return gr.Error(message, title=ERROR_TITLE, print_exception=False)


def guarded(name: str, call: Callable[[], T]) -> T:
    """Run ``call``; UserError → its Vietnamese message, anything else → a generic Vietnamese one."""
    try:
        return call()
    except UserError as exc:
        raise vietnamese_error(exc.message) from None
    except gr.Error:
        raise
    except Exception as exc:
        log.error("ui %s failed: %s", name, type(exc).__name__)
        raise vietnamese_error(INTERNAL) from None


class Handlers:
    """The page's event handlers, bound to one service and one rate limiter."""

    def __init__(self, service: Playground, limiter: RateLimiter | None = None):
        self.service = service
        self.limiter = limiter or RateLimiter({})

    def _limit(self, request: Any, kind: str) -> None:
        guarded("limit", lambda: self.limiter.check(request, kind))

    # header ----------------------------------------------------------------------------------------
    def model_info(self) -> str:
        return views.model_card(self.service.health())

    # Trò chuyện an toàn --------------------------------------------------------------------------------
    def chat(
        self, message: str, history: Chat | None = None, request: gr.Request | None = None
    ) -> Iterator[tuple[Chat, str, str]]:
        """Yield (chat history, what was masked and why, the emptied input box) as the reply grows."""
        self._limit(request, "ai")
        previous = [{"role": m["role"], "content": m["content"]} for m in (history or [])][-HISTORY_MAX:]
        stream = self.service.chat_stream(message)
        first = guarded("chat", lambda: next(stream))
        masked = first["masked"]
        shown, _ = guarded("chat", lambda: self.service.mask(self.service.backend.check_text(message)))
        panel = views.masked_panel(masked)
        chat = previous + [{"role": "user", "content": shown}, {"role": "assistant", "content": first["reply"]}]
        yield chat, panel, ""
        while True:
            part = guarded("chat", lambda: next(stream, None))
            if part is None:
                return
            chat = chat[:-1] + [{"role": "assistant", "content": part["reply"]}]
            yield chat, panel, ""

    @staticmethod
    def clear_chat() -> tuple[Chat, str, str]:
        return [], views.NOTHING_MASKED, ""

    # Kiểm tra dữ liệu cá nhân ----------------------------------------------------------------------------
    def pii(self, text: str, request: gr.Request | None = None) -> tuple[list[tuple[str, str | None]], str, str]:
        """(highlighted pieces, summary, redacted copy)."""
        self._limit(request, "tools")
        result = guarded("pii", lambda: self.service.pii(text))
        return views.pii_highlights(text, result["entities"]), views.pii_summary(result["entities"]), result["redacted"]

    # Kiểm tra tin nhắn ---------------------------------------------------------------------------------
    def scam(self, text: str, request: gr.Request | None = None) -> tuple[str, str, str]:
        """(verdict HTML, red flags, what to do next)."""
        self._limit(request, "tools")
        result = guarded("scam", lambda: self.service.scam(text))
        return views.scam_verdict(result), views.scam_flags(result), views.scam_advice(result)

    # Viết câu lệnh tốt -----------------------------------------------------------------------------------
    def prompt(self, text: str, request: gr.Request | None = None) -> tuple[str, list[str], str, str]:
        """(score, criteria met, tips and warnings, improved prompt)."""
        self._limit(request, "tools")
        report = guarded("prompt", lambda: self.service.prompt_check(text))
        _, met = views.prompt_criteria(report)
        return views.prompt_score(report), met, views.prompt_advice(report), report.get("improved", "")

    # AI đoán chữ thế nào -------------------------------------------------------------------------------
    def next_words(self, text: str, temperature: float = 1.0, k: int = 8, request: gr.Request | None = None) -> str:
        """An HTML bar chart of the k most likely next words at this temperature."""
        self._limit(request, "ai")
        words = guarded("next_words", lambda: self.service.next_words(text, int(k), float(temperature)))
        return views.next_word_bars(words)

    def sample(self, text: str, temperature: float = 1.0, n: int = 3, request: gr.Request | None = None) -> str:
        """n continuations sampled at this temperature."""
        self._limit(request, "ai")
        samples = guarded("sample", lambda: self.service.sample(text, float(temperature), int(n), 12))
        return views.samples_view(self.service.backend.check_text(text), samples, float(temperature))
