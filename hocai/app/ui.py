"""The page participants see. A placeholder: title, model, status; the full tabs come in a later issue."""

from __future__ import annotations

import gradio as gr

from hocai.app.service import Playground

TITLE = "Sân tập AI"
STATUS_VI = {"ok": "Sẵn sàng", "loading": "Đang nạp mô hình", "error": "Lỗi"}


def model_line(health: dict) -> str:
    label = " — mô hình dạy học" if health.get("teaching_model") else ""
    return f"**Mô hình:** {health.get('model', '?')}{label}"


def status_line(health: dict) -> str:
    state = STATUS_VI.get(health.get("status", ""), health.get("status", ""))
    return f"**Trạng thái:** {state}. {health.get('message', '')}"


def build_page(service: Playground, demo: gr.Blocks) -> None:
    """Declare the page inside ``demo``'s context; model and status refresh on load and every 3 s."""
    gr.Markdown(f"# {TITLE}")
    model = gr.Markdown(model_line(service.health()))
    status = gr.Markdown(status_line(service.health()))

    def refresh() -> tuple[str, str]:
        health = service.health()
        return model_line(health), status_line(health)

    demo.load(refresh, outputs=[model, status], api_name="ui_status", api_visibility="undocumented", queue=False)
    gr.Timer(3.0).tick(refresh, outputs=[model, status], api_visibility="private", queue=False)
