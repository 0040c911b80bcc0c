"""The page participants see: five tabs, all in Vietnamese, large type, a high-contrast switch.

Layout only; what each button does lives in ``ui_handlers`` (plain, unit-tested methods), how answers are
shown in ``ui_views``, the look in ``ui_style``.
"""

from __future__ import annotations

import gradio as gr

from hocai.ai import build_progress
from hocai.app import ui_views as views
from hocai.app.limits import RateLimiter
from hocai.app.service import SAFETY_MAX_CHARS, Playground
from hocai.app.ui_assistant import assistant_tab
from hocai.app.ui_handlers import Handlers
from hocai.app.ui_style import TOGGLE_CONTRAST_JS

TITLE = "Sân tập AI"
STATUS_VI = {"ok": "Sẵn sàng", "loading": "Đang nạp mô hình", "building": "Mô hình đang được tạo", "error": "Lỗi"}
BUILDING_NOTE = "Trò chuyện và đoán chữ sẽ dùng được khi tạo xong; các phần kiểm tra dùng được ngay."
PII_COLOURS = [
    "#fecaca",
    "#fde68a",
    "#bbf7d0",
    "#bfdbfe",
    "#ddd6fe",
    "#fbcfe8",
    "#fed7aa",
    "#a5f3fc",
    "#d9f99d",
    "#e9d5ff",
    "#fecdd3",
    "#c7d2fe",
]
HOWTO = {
    "chat": (
        "**Cách dùng:** gõ câu hỏi rồi bấm **Gửi**. Sân tập AI tự che số điện thoại, số định danh, họ tên… "
        "trước khi gửi cho AI; khung «Đã che» cho biết đã che gì và vì sao."
    ),
    "pii": (
        "**Cách dùng:** dán một đoạn văn bản rồi bấm **Kiểm tra**. Các dữ liệu cá nhân được tô màu; "
        "bản đã che ở dưới cùng, bấm nút sao chép ở góc ô để mang đi."
    ),
    "scam": (
        "**Cách dùng:** dán tin nhắn (SMS, Zalo, Facebook…) bạn nghi ngờ rồi bấm **Kiểm tra**. "
        "Xem dấu hiệu đáng ngờ và nên làm gì tiếp."
    ),
    "prompt": (
        "**Cách dùng:** viết câu lệnh bạn định gửi cho AI rồi bấm **Chấm câu lệnh**. Câu lệnh tốt có đủ "
        "năm phần: vai trò, nhiệm vụ, bối cảnh, định dạng, giới hạn."
    ),
    "words": (
        "**Cách dùng:** gõ đầu một câu rồi bấm **Xem AI đoán chữ tiếp theo**. AI chỉ tính xem chữ nào "
        "hay đi sau nhất. Kéo **nhiệt độ** lên cao thì AI chọn liều hơn, xuống thấp thì AI chọn chắc hơn."
    ),
}


def model_line(health: dict) -> str:
    label = " — mô hình thu nhỏ" if health.get("teaching_model") else ""
    return f"**Mô hình:** {health.get('model', '?')}{label}"


def status_line(health: dict) -> str:
    if health.get("status") == "building":  # «Mô hình đang được tạo: 40%», refreshed every 3 s
        return f"**Trạng thái:** {build_progress.status_line(health.get('percent') or 0)}. {BUILDING_NOTE}"
    state = STATUS_VI.get(health.get("status", ""), health.get("status", ""))
    message = health.get("message", "")
    return f"**Trạng thái:** {message}" if message.startswith(state) else f"**Trạng thái:** {state}. {message}"


def _howto(key: str) -> None:
    gr.Markdown(HOWTO[key], elem_classes=["hocai-howto"])


def _buttons(primary: str, example_key: str, box: gr.Textbox) -> gr.Button:
    """The tab's main button, plus «Ví dụ» (fills the box) and «Xóa» (empties it)."""
    with gr.Row():
        go = gr.Button(primary, variant="primary", scale=2, min_width=160)
        example = gr.Button("Ví dụ", variant="secondary", scale=1, min_width=110)
        clear = gr.Button("Xóa chữ", variant="secondary", scale=1, min_width=110)
    example.click(lambda: views.EXAMPLES[example_key], outputs=box, queue=False, api_visibility="private")
    clear.click(lambda: "", outputs=box, queue=False, api_visibility="private")
    return go


def _on(triggers, fn, inputs, outputs, api_name: str) -> None:
    """Run ``fn`` on each trigger (a button's click, Enter in the box): a private API name, a small progress mark."""
    for event in triggers:
        event(fn, inputs, outputs, api_name=api_name, api_visibility="private", show_progress="minimal")


def _text_box(label: str, placeholder: str, limit: int, lines: int = 4) -> gr.Textbox:
    return gr.Textbox(
        label=label,
        placeholder=placeholder,
        lines=lines,
        max_lines=12,
        max_length=limit,
        info=f"Tối đa {limit:,} ký tự.".replace(",", "."),
    )


def _chat_tab(h: Handlers, health: dict, limit: int) -> gr.Markdown:
    _howto("chat")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            chatbot = gr.Chatbot(
                label="Cuộc trò chuyện",
                show_label=False,
                height=440,
                buttons=["copy"],
                feedback_options=None,
                placeholder="Chưa có tin nhắn nào. Gõ câu hỏi ở ô bên dưới.",
                elem_id="hocai-chatbot",
            )
            box = _text_box("Tin nhắn của bạn", "Ví dụ: Viết giúp tôi lời mời họp thôn…", limit, lines=2)
            with gr.Row():
                send = gr.Button("Gửi", variant="primary", scale=2, min_width=120)
                example = gr.Button("Ví dụ", variant="secondary", scale=1, min_width=110)
                clear = gr.Button("Xóa cuộc trò chuyện", variant="secondary", scale=1, min_width=150)
        with gr.Column(scale=2, min_width=260):
            masked = gr.Markdown(views.NOTHING_MASKED, elem_id="hocai-masked")
            gr.Markdown(views.VERIFY, elem_classes=["hocai-verify"])
            card = gr.Markdown(views.model_card(health), elem_id="hocai-model-card")
    outputs = [chatbot, masked, box]
    _on((send.click, box.submit), h.chat, [box, chatbot], outputs, "ui_chat")
    example.click(lambda: views.EXAMPLES["chat"], outputs=box, queue=False, api_visibility="private")
    clear.click(h.clear_chat, outputs=outputs, queue=False, api_name="ui_clear_chat", api_visibility="private")
    return card


def _pii_tab(h: Handlers) -> None:
    _howto("pii")
    box = _text_box("Văn bản cần kiểm tra", "Dán đoạn văn bản vào đây…", SAFETY_MAX_CHARS)
    go = _buttons("Kiểm tra", "pii", box)
    colours = {name: PII_COLOURS[i % len(PII_COLOURS)] for i, name in enumerate(views.LABEL_NAMES_VI.values())}
    marked = gr.HighlightedText(
        label="Dữ liệu cá nhân tìm thấy (tô màu)",
        color_map=colours,
        show_legend=True,
        combine_adjacent=False,
        show_inline_category=True,
        elem_id="hocai-pii-marked",
    )
    summary = gr.Markdown(elem_id="hocai-pii-summary")
    redacted = gr.Textbox(
        label="Bản đã che — bấm nút sao chép ở góc ô để mang đi",
        lines=4,
        max_lines=12,
        interactive=False,
        buttons=["copy"],
        elem_id="hocai-pii-redacted",
    )
    _on((go.click, box.submit), h.pii, box, [marked, summary, redacted], "ui_pii")


def _scam_tab(h: Handlers) -> None:
    _howto("scam")
    box = _text_box("Tin nhắn cần kiểm tra", "Dán tin nhắn vào đây…", SAFETY_MAX_CHARS)
    go = _buttons("Kiểm tra", "scam", box)
    verdict = gr.HTML(elem_id="hocai-scam-verdict")
    with gr.Row():
        flags = gr.Markdown(elem_id="hocai-scam-flags")
        advice = gr.Markdown(elem_id="hocai-scam-advice")
    _on((go.click, box.submit), h.scam, box, [verdict, flags, advice], "ui_scam")


def _prompt_tab(h: Handlers) -> None:
    _howto("prompt")
    box = _text_box("Câu lệnh của bạn", "Ví dụ: Viết thông báo họp dân…", SAFETY_MAX_CHARS)
    go = _buttons("Chấm câu lệnh", "prompt", box)
    score = gr.Markdown(elem_id="hocai-prompt-score")
    names, _ = views.prompt_criteria({})
    criteria = gr.CheckboxGroup(
        choices=names,
        value=[],
        label="Năm phần của câu lệnh tốt (đã có thì được đánh dấu)",
        interactive=False,
        elem_id="hocai-prompt-criteria",
    )
    advice = gr.Markdown(elem_id="hocai-prompt-advice")
    improved = gr.Textbox(
        label="Câu lệnh gợi ý (đã che dữ liệu cá nhân) — sửa phần trong [ ] rồi sao chép",
        lines=5,
        max_lines=14,
        interactive=False,
        buttons=["copy"],
        elem_id="hocai-prompt-improved",
    )
    _on((go.click, box.submit), h.prompt, box, [score, criteria, advice, improved], "ui_prompt")


def _words_tab(h: Handlers, limit: int) -> None:
    _howto("words")
    box = _text_box("Đầu câu", "Ví dụ: Hôm nay trời…", limit, lines=2)
    with gr.Row():
        temperature = gr.Slider(
            0.1,
            2.0,
            value=1.0,
            step=0.1,
            label="Nhiệt độ (độ ngẫu nhiên)",
            info="Thấp: AI chọn từ chắc nhất. Cao: AI chọn liều hơn.",
            buttons=[],
        )
        k = gr.Slider(3, 10, value=8, step=1, label="Số từ hiển thị", buttons=[])
        n = gr.Slider(1, 5, value=3, step=1, label="Số lần viết tiếp", buttons=[])
    with gr.Row():
        guess = gr.Button("Xem AI đoán chữ tiếp theo", variant="primary", scale=2, min_width=200)
        write = gr.Button("Cho AI viết tiếp vài lần", variant="secondary", scale=2, min_width=200)
        example = gr.Button("Ví dụ", variant="secondary", scale=1, min_width=110)
    bars = gr.HTML(elem_id="hocai-bars", label="Xác suất chữ tiếp theo")
    samples = gr.HTML(elem_id="hocai-samples")
    _on((guess.click, box.submit, temperature.release), h.next_words, [box, temperature, k], bars, "ui_next_words")
    _on((write.click,), h.sample, [box, temperature, n], samples, "ui_sample")
    example.click(lambda: views.EXAMPLES["words"], outputs=box, queue=False, api_visibility="private")


def build_page(service: Playground, demo: gr.Blocks, limiter: RateLimiter | None = None) -> None:
    """Declare the page inside ``demo``'s context; model and status refresh on load and every 3 s."""
    h = Handlers(service, limiter)
    health = service.health()
    limit = service.config.max_input_chars
    with gr.Row(elem_id="hocai-header"):
        gr.Markdown(f"# {TITLE}")
        contrast = gr.Button(
            "Bật/tắt tương phản cao", variant="secondary", scale=0, min_width=220, elem_id="hocai-contrast"
        )
    model = gr.Markdown(model_line(health), elem_id="hocai-model")
    status = gr.Markdown(status_line(health), elem_id="hocai-status")
    contrast.click(None, js=TOGGLE_CONTRAST_JS, queue=False, api_visibility="private")
    with gr.Tabs():
        with gr.Tab("Trò chuyện an toàn", id="chat"):
            card = _chat_tab(h, health, limit)
        with gr.Tab("Kiểm tra dữ liệu cá nhân", id="pii"):
            _pii_tab(h)
        with gr.Tab("Kiểm tra tin nhắn", id="scam"):
            _scam_tab(h)
        with gr.Tab("Viết câu lệnh tốt", id="prompt"):
            _prompt_tab(h)
        with gr.Tab("AI đoán chữ thế nào", id="words"):
            _words_tab(h, limit)
        with gr.Tab("Hỏi trợ giảng", id="assistant"):
            assistant_tab(service, limiter)

    def refresh() -> tuple[str, str]:
        health = service.health()
        return model_line(health), status_line(health)

    def refresh_all() -> tuple[str, str, str]:
        health = service.health()
        return model_line(health), status_line(health), views.model_card(health)

    demo.load(refresh, outputs=[model, status], api_name="ui_status", api_visibility="undocumented", queue=False)
    demo.load(h.model_info, outputs=card, api_visibility="private", queue=False)
    gr.Timer(3.0).tick(refresh_all, outputs=[model, status, card], api_visibility="private", queue=False)
