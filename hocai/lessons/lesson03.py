"""Lesson 3 «Viết câu lệnh tiếng Việt»: role, task, context, format and limits; the prompt coach."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from hocai.ai import client
from hocai.text import clean
from hocai.widgets import BAD_COLOUR, GOOD_COLOUR, Html, card, esc, panel, self_check, service_box, sorter
from hocai.widgets.assistant import ask_box  # noqa: F401  (the «Hỏi trợ giảng» cell, issue 23)
from hocai.widgets.error_hunt import Flaw, WorkedExample, live_or_examples

PARTS = ["Vai trò", "Nhiệm vụ", "Bối cảnh", "Định dạng", "Giới hạn"]

PART_HELP = {
    "Vai trò": "AI đóng vai ai?",
    "Nhiệm vụ": "Bạn cần AI làm việc gì?",
    "Bối cảnh": "Thông tin nền AI cần biết.",
    "Định dạng": "Kết quả trình bày ra sao (thư, bảng, gạch đầu dòng)?",
    "Giới hạn": "Dài bao nhiêu, giọng văn ra sao, điều AI phải tránh.",
}

EXAMPLE_PARTS = {
    "Vai trò": "Bạn là chuyên viên văn phòng Ủy ban nhân dân xã.",
    "Nhiệm vụ": "Hãy soạn thông báo mời phụ huynh đưa trẻ đi tiêm chủng.",
    "Bối cảnh": "Đợt tiêm dành cho trẻ dưới 5 tuổi, tổ chức tại trạm y tế xã vào sáng thứ bảy tuần này.",
    "Định dạng": "Thông báo có tiêu đề, thời gian, địa điểm và giấy tờ cần mang.",
    "Giới hạn": "Dưới 150 chữ, lời lẽ lịch sự, dễ hiểu. Không tự bịa thông tin; chỗ nào thiếu thì để trống [...] để "
    "tôi điền.",
}

WHICH_PART = [
    {
        "text": "«Bạn là giáo viên chủ nhiệm lớp 4.»",
        "answer": 0,
        "explain": "Câu này cho AI biết nó đóng vai ai: đó là vai trò.",
    },
    {
        "text": "«Hãy viết thư mời họp phụ huynh cuối học kỳ.»",
        "answer": 1,
        "explain": "Câu này nói việc cần làm: đó là nhiệm vụ.",
    },
    {
        "text": "«Lớp có 32 học sinh, buổi họp diễn ra lúc 8 giờ sáng chủ nhật tại phòng học lớp 4A.»",
        "answer": 2,
        "explain": "Đây là thông tin nền AI cần biết: bối cảnh.",
    },
    {
        "text": "«Trình bày thành 3 đoạn, có tiêu đề và lời chào cuối thư.»",
        "answer": 3,
        "explain": "Câu này quy định hình thức kết quả: định dạng.",
    },
    {
        "text": "«Không quá một trang; không nêu tên hay điểm số của bất kỳ học sinh nào.»",
        "answer": 4,
        "explain": "Độ dài và điều AI phải tránh thuộc phần giới hạn. Câu này cũng bảo vệ dữ liệu của học sinh.",
    },
]

WEAK_PROMPT = "viết thông báo họp"

QUIZ = [
    {
        "question": "Câu lệnh nào giúp AI viết đúng ý hơn?",
        "options": [
            "Viết thông báo.",
            "Bạn là cán bộ văn hóa xã. Hãy viết thông báo dưới 100 chữ mời người dân dự đêm Trung thu "
            "lúc 19 giờ tại nhà văn hóa thôn, giọng văn thân thiện.",
        ],
        "answer": 1,
        "explain": "Câu lệnh thứ hai có đủ vai trò, nhiệm vụ, bối cảnh, định dạng và giới hạn.",
    },
    {
        "question": "Phần «Giới hạn» trong câu lệnh dùng để làm gì?",
        "options": [
            "Giới hạn số lần được hỏi AI",
            "Nói rõ điều AI phải tránh, ví dụ không bịa số liệu, không quá 150 chữ",
            "Giới hạn thời gian dùng máy tính",
        ],
        "answer": 1,
        "explain": "Giới hạn giúp kết quả an toàn và đúng yêu cầu hơn.",
    },
    {
        "question": "Những thông tin nào KHÔNG nên đưa vào câu lệnh gửi AI công cộng?",
        "options": [
            "Họ tên và số căn cước của người dân",
            "Yêu cầu về độ dài văn bản",
            "Nội dung tài liệu mật hoặc tài liệu nội bộ",
            "Giọng văn mong muốn (trang trọng, thân thiện)",
        ],
        "answer": [0, 2],
        "explain": "Dữ liệu cá nhân và tài liệu mật, nội bộ không được đưa vào chatbot. Hãy thay bằng chỗ trống "
        "như [Họ tên] rồi tự điền sau.",
    },
]


def build_prompt(parts: dict[str, str]) -> str:
    """Join the filled-in parts, in the usual order, into one prompt."""
    return "\n".join(clean(parts.get(name, "")) for name in PARTS if clean(parts.get(name, "")))


def missing_parts(parts: dict[str, str]) -> list[str]:
    """The parts left empty, in order."""
    return [name for name in PARTS if not clean(parts.get(name, ""))]


def which_part() -> widgets.VBox:
    """Sorting game: which part of a prompt is each sentence?"""
    return sorter(WHICH_PART, PARTS, title="Câu này là phần nào của câu lệnh?")


def prompt_builder() -> widgets.VBox:
    """Five boxes, one per part; the button shows the assembled prompt and what is still missing."""
    fields = {
        name: widgets.Textarea(
            placeholder=EXAMPLE_PARTS[name],
            description=name,
            layout=widgets.Layout(width="100%", height="4em"),
            style={"description_width": "7em"},
        )
        for name in PARTS
    }
    fill = widgets.Button(description="Điền ví dụ", icon="pencil", layout=widgets.Layout(width="auto"))
    join = widgets.Button(
        description="Ghép câu lệnh", button_style="primary", icon="link", layout=widgets.Layout(width="auto")
    )
    out = widgets.HTML()

    def show(_button: widgets.Button) -> None:
        parts = {name: field.value for name, field in fields.items()}
        prompt, missing = build_prompt(parts), missing_parts(parts)
        note = (
            f'<p style="color:{BAD_COLOUR}">Còn thiếu: {esc(", ".join(missing))}.</p>'
            if missing
            else f'<p style="color:{GOOD_COLOUR}">Câu lệnh đã đủ năm phần.</p>'
        )
        body = f'<div style="white-space:pre-wrap">{esc(prompt)}</div>' if prompt else "<p>(Chưa có nội dung.)</p>"
        out.value = card("Câu lệnh của bạn", body + note)

    def example(_button: widgets.Button) -> None:
        for name, field in fields.items():
            field.value = EXAMPLE_PARTS[name]
        show(join)

    fill.on_click(example)
    join.on_click(show)
    hints = widgets.HTML("<ul>" + "".join(f"<li><b>{n}</b>: {esc(h)}</li>" for n, h in PART_HELP.items()) + "</ul>")
    return panel([hints, *fields.values(), widgets.HBox([fill, join]), out])


CRITERIA = {"role": "Vai trò", "task": "Nhiệm vụ", "context": "Bối cảnh", "format": "Định dạng", "limits": "Giới hạn"}


def render_check(result: dict[str, Any]) -> Html:
    """The prompt coach's verdict: which parts are there, tips, warnings and a fuller prompt to start from."""
    criteria = result.get("criteria") or {}
    parts = result.get("parts") or {}
    rows = "".join(
        f'<li style="color:{GOOD_COLOUR if ok else BAD_COLOUR}">{"✔" if ok else "✘"} '
        f"{esc(CRITERIA.get(key, key))}"
        + (f": {esc(parts[key].get('reason', ''))}" if isinstance(parts.get(key), dict) else "")
        + "</li>"
        for key, ok in criteria.items()
    )
    verdict = result.get("verdict")
    html = (
        f'<p style="color:{GOOD_COLOUR if result.get("passes") else BAD_COLOUR}"><b>{esc(verdict)}</b></p>'
        if verdict
        else ""
    )
    html += f"<p><b>Điểm: {esc(result.get('score', 0))}/{len(criteria) or 5}</b></p><ul>{rows}</ul>"
    warnings = result.get("warnings") or []
    if warnings:
        html += (
            f'<p style="color:{BAD_COLOUR}"><b>Cảnh báo:</b></p><ul>'
            + "".join(f'<li style="color:{BAD_COLOUR}">{esc(w)}</li>' for w in warnings)
            + "</ul>"
        )
    tips = result.get("tips") or []
    if tips:
        html += "<p><b>Gợi ý:</b></p><ul>" + "".join(f"<li>{esc(t)}</li>" for t in tips) + "</ul>"
    if result.get("improved"):
        html += (
            "<p><b>Câu lệnh gợi ý (điền vào chỗ trong ngoặc vuông):</b></p>"
            f'<div style="white-space:pre-wrap;background:#f5f5f5;padding:8px">{esc(result["improved"])}</div>'
        )
    return card("Nhận xét của trợ lý câu lệnh", html)


def prompt_coach() -> widgets.VBox:
    """Hands-on: the service's prompt coach rates a prompt and suggests what to add."""
    return service_box(
        client.prompt_check,
        label="Dán câu lệnh của bạn rồi bấm nút để được nhận xét:",
        placeholder="Ví dụ: Bạn là chuyên viên văn phòng…",
        example=WEAK_PROMPT,
        render=render_check,
        button="Nhận xét câu lệnh",
    )


VAGUE_PROMPT = "Viết thông báo tiêm chủng."
GOOD_PROMPT = " ".join(EXAMPLE_PARTS.values())

# Written by the course authors: what a chatbot typically writes for a vague prompt, and for a full one.
VAGUE_EXAMPLE = WorkedExample(
    title="Câu lệnh sơ sài: «Viết thông báo tiêm chủng.»",
    request=VAGUE_PROMPT,
    draft=(
        "THÔNG BÁO\n"
        "Thực hiện Kế hoạch số 128/KH-TTYT của Trung tâm Y tế huyện, Trung tâm Y tế tổ chức tiêm vắc-xin cúm "
        "miễn phí cho toàn dân từ ngày 20/3 đến 22/3 tại hội trường Trung tâm.\n"
        "Mọi người từ 18 tuổi trở lên mang theo căn cước và sổ hộ khẩu.\n"
        "Hotline hỗ trợ: 1900 6868."
    ),
    flaws=(
        Flaw(
            "Kế hoạch số 128/KH-TTYT",
            "Không ai đưa kế hoạch này: câu lệnh thiếu bối cảnh nên AI tự bịa căn cứ.",
            "Câu lệnh có phần bối cảnh; mọi số hiệu phải tra được bản gốc.",
        ),
        Flaw(
            "vắc-xin cúm miễn phí cho toàn dân",
            "Việc thật là tiêm chủng cho trẻ dưới 5 tuổi ở trạm y tế xã: AI đoán sai đối tượng và loại vắc-xin.",
            "So với việc mình cần (phần nhiệm vụ và bối cảnh).",
        ),
        Flaw(
            "từ ngày 20/3 đến 22/3 tại hội trường Trung tâm",
            "Thời gian, địa điểm do AI tự nghĩ ra vì câu lệnh không nói.",
            "Dặn AI «không tự bịa thông tin; chỗ nào thiếu để trống [...]» và tự điền.",
        ),
        Flaw(
            "sổ hộ khẩu",
            "Giấy tờ lỗi thời (sổ hộ khẩu đã thôi dùng từ năm 2023): AI lặp lại văn bản cũ nó đã học.",
            "Kiểm tra thủ tục với quy định hiện hành, không tin vào trí nhớ của AI.",
        ),
        Flaw(
            "1900 6868",
            "Số điện thoại bịa: người dân gọi sẽ tốn tiền hoặc gặp người lạ.",
            "Mọi số điện thoại, địa chỉ phải do mình điền.",
        ),
    ),
    right=("THÔNG BÁO", "mang theo căn cước"),
)
GOOD_EXAMPLE = WorkedExample(
    title="Câu lệnh đủ năm phần (như ví dụ ở mục 3)",
    request=GOOD_PROMPT,
    draft=(
        "THÔNG BÁO\nVề việc tiêm chủng cho trẻ dưới 5 tuổi\n"
        "Trạm y tế xã tổ chức tiêm chủng cho trẻ dưới 5 tuổi vào sáng thứ Bảy tuần này, từ [...] giờ.\n"
        "Địa điểm: trạm y tế xã.\n"
        "Phụ huynh mang theo sổ tiêm chủng của trẻ và căn cước của mình. Trẻ đang sốt cần báo nhân viên y tế "
        "trước khi tiêm.\n"
        "Tiêm chủng đầy đủ giúp trẻ phòng 12 bệnh nguy hiểm."
    ),
    flaws=(
        Flaw(
            "phòng 12 bệnh nguy hiểm",
            "Câu lệnh không cho con số này: AI thêm vào cho thuyết phục. Dù câu lệnh tốt, AI vẫn có thể bịa.",
            "Mọi số liệu phải có nguồn; không có thì xóa hoặc hỏi trạm y tế.",
        ),
    ),
    right=("sáng thứ Bảy tuần này, từ [...] giờ", "Địa điểm: trạm y tế xã.", "sổ tiêm chủng của trẻ"),
)


def render_answer(result: dict) -> Html:
    reply = str((result or {}).get("reply", ""))
    return card("AI của lớp trả lời", f'<div style="white-space:pre-wrap">{esc(reply)}</div>')


def compare_prompts() -> widgets.VBox:
    """Same task, a vague and a full prompt: live with an instruct model, else the authors' worked examples."""
    return live_or_examples(
        [VAGUE_EXAMPLE, GOOD_EXAMPLE],
        live_prompt=VAGUE_PROMPT,
        render_live=render_answer,
        live_label="Gửi câu lệnh sơ sài, rồi sửa thành câu lệnh đủ năm phần và gửi lại:",
    )


def quiz() -> widgets.VBox:
    """Ungraded self-check for lesson 3."""
    return self_check(QUIZ)


# ---- iterating on a prompt, giving an example ---------------------------------------------------------------

ITERATE = ["Làm câu trả lời tốt hơn", "Không giúp gì"]
ITERATE_ITEMS = [
    {
        "text": "Câu trả lời quá dài. Bạn viết tiếp: «Rút gọn còn 5 câu, giữ nguyên giờ và địa điểm».",
        "answer": 0,
        "explain": "Sửa từng điểm cụ thể trong lần hỏi tiếp theo: đó là cách dùng chatbot hiệu quả.",
    },
    {
        "text": "Bạn dán kèm một thông báo cũ của xã (đã bỏ tên người) và viết: «Viết theo đúng cách trình bày này».",
        "answer": 0,
        "explain": "Một ví dụ mẫu cho AI thấy rõ định dạng và giọng văn bạn muốn, hơn nhiều lời mô tả.",
    },
    {
        "text": "Câu trả lời chưa đúng ý, bạn gõ lại y nguyên câu lệnh cũ và hy vọng lần này khác.",
        "answer": 1,
        "explain": "Câu lệnh giống hệt thì AI không biết bạn muốn sửa gì. Hãy nói rõ chỗ nào cần đổi.",
    },
    {
        "text": "Bạn viết: «Chưa được, viết lại đi».",
        "answer": 1,
        "explain": "Nói rõ chưa được ở đâu: quá dài, sai giọng, thiếu thời gian hay địa điểm.",
    },
]


def iterate() -> widgets.VBox:
    """Sorting game: follow-up requests and examples that improve an answer."""
    return sorter(ITERATE_ITEMS, ITERATE, title="Hỏi lại thế nào cho câu trả lời tốt hơn?")
