"""The «Hỏi trợ giảng» tab of the Sân tập AI: the same assistant as POST /api/assistant, as a plain handler."""

from __future__ import annotations

import os
from typing import Any

import gradio as gr

from hocai import settings
from hocai.app.limits import RateLimiter
from hocai.app.service import Playground
from hocai.app.ui_handlers import guarded

HOWTO = (
    "**Hỏi trợ giảng** về nội dung khóa học (có dấu hay không dấu đều được). Trợ giảng trả lời bằng đoạn trích "
    "trong bài học, kèm tên bài và mục để bạn mở ra đọc; không nói đáp án bài tập. Đừng gõ dữ liệu cá nhân: "
    "nếu có, nó được che trước khi tìm."
)
CSS_NOTE = "<style>#hocai-assistant-reply mark{background:#fff59d;padding:0 2px}</style>"


def lab_base() -> str:
    """Where lesson links point from the app: HOCAI_LAB_BASE, else the hub's user-redirect, else this origin."""
    if settings.kit().lab_base:
        return settings.kit().lab_base
    if os.environ.get("JUPYTERHUB_SERVICE_PREFIX"):
        return "/hub/user-redirect/lab/tree/notebooks/"
    return "/lab/tree/notebooks/"


def make_handler(service: Playground, limiter: RateLimiter):
    from hocai.assistant.ask import ask

    def assistant(question: str, request: gr.Request | None = None) -> str:
        """The reply as HTML (text, passages with «Bài N, mục M» links), or one Vietnamese sentence as an error."""
        backend = None if service.backend.teaching_model else service.backend
        guarded("limit", lambda: limiter.check(request, "ai" if backend else "tools"))
        result: dict[str, Any] = guarded(
            "assistant", lambda: ask(question, mask=service.mask, backend=backend, base=lab_base())
        )
        return CSS_NOTE + result["html"]

    return assistant


def assistant_tab(service: Playground, limiter: RateLimiter | None = None) -> None:
    gr.Markdown(HOWTO, elem_classes=["hocai-howto"])
    box = gr.Textbox(
        label="Câu hỏi của bạn",
        placeholder="Ví dụ: Ảo giác của AI là gì?",
        lines=2,
        max_lines=6,
        max_length=1000,
        elem_id="hocai-assistant-question",
    )
    go = gr.Button("Hỏi", variant="primary", min_width=120)
    reply = gr.HTML(elem_id="hocai-assistant-reply")
    handler = make_handler(service, limiter or RateLimiter({}))
    for event in (go.click, box.submit):
        event(handler, box, reply, api_name="ui_assistant", api_visibility="private", show_progress="minimal")
