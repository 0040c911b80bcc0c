"""«Hỏi trợ giảng»: a question box in every lesson, answered by the class service from the course material.

The kernel loads no model and no index: the service does the work (POST /api/assistant). The reply is shown
through JupyterLab's renderer, so a «Bài 4, mục 2» link opens that lesson at that section.
"""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import HTML, display

from hocai.ai import client
from hocai.text import clean
from hocai.widgets.ai_box import call
from hocai.widgets.style import BAD, FONT, INFO, esc, message, styled_box

TITLE = "Hỏi trợ giảng"
HINT = (
    "Hỏi về nội dung khóa học, ví dụ: «Ảo giác của AI là gì?». Trợ giảng trả lời bằng đoạn trích trong bài "
    "học, kèm đường dẫn tới đúng mục; không nói đáp án bài tập. Đừng gõ họ tên, số điện thoại hay số giấy tờ."
)
EMPTY = "Hãy gõ câu hỏi vào ô trước khi bấm nút."
WORKING = "Đang tìm trong tài liệu khóa học…"
STYLE = (
    "<style>.hocai-assistant mark{background:#fff59d;padding:0 2px}"
    ".hocai-assistant .hocai-passage{margin:8px 0;padding:6px 10px;border-left:4px solid #1565c0}</style>"
)


def reply_html(result: dict) -> str:
    return f'{STYLE}<div class="hocai-assistant" style="{FONT}">{result.get("html", "")}</div>'


def ask_box(example: str = "") -> widgets.VBox:
    """Text box + button; the reply (passages, links, or the one Vietnamese sentence) appears below."""
    area = widgets.Textarea(
        value=example, placeholder="Gõ câu hỏi của bạn…", layout=widgets.Layout(width="100%", height="4em")
    )
    send = widgets.Button(
        description="Hỏi", button_style="primary", icon="question", layout=widgets.Layout(width="auto")
    )
    out = widgets.Output()

    def show(html: str) -> None:
        out.clear_output(wait=True)
        with out:
            display(HTML(html))

    def run(_button: widgets.Button | None = None) -> None:
        question = clean(area.value)
        if not question:
            show(message(EMPTY, BAD))
            return
        show(message(WORKING, INFO))
        send.disabled = True
        try:
            result, error = call(client.assistant, question, link_base="")
        finally:
            send.disabled = False
        show(message(error, BAD) if error else reply_html(result))

    send.on_click(run)
    heading = widgets.HTML(
        f'<div style="{FONT}"><b>💬 {esc(TITLE)}</b><br>'
        f'<span style="font-size:15px;color:#555">{esc(HINT)}</span></div>'
    )
    box = styled_box([heading, area, send, out], border="#1565c0")
    box.add_class("hocai-ask-box")
    return box
