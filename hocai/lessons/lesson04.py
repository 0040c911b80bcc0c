"""Lesson 4 «Dữ liệu cá nhân và bí mật công vụ»: basic vs sensitive data, what never goes into a chatbot."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from hocai.ai import client
from hocai.safety.pii import LABEL_NAMES_VI
from hocai.widgets import BAD_COLOUR, GOOD_COLOUR, Html, card, esc, panel, self_check, service_box, sorter
from hocai.widgets.assistant import ask_box  # noqa: F401  (the «Hỏi trợ giảng» cell, issue 23)

KINDS = ["Dữ liệu cá nhân cơ bản", "Dữ liệu cá nhân nhạy cảm", "Không phải dữ liệu cá nhân"]

DATA_ITEMS = [
    {
        "text": "Họ và tên của một người dân.",
        "answer": 0,
        "explain": "Họ tên giúp xác định một người cụ thể: đó là dữ liệu cá nhân cơ bản.",
    },
    {
        "text": "Số điện thoại của một phụ huynh.",
        "answer": 0,
        "explain": "Số điện thoại gắn với một người cụ thể: dữ liệu cá nhân cơ bản.",
    },
    {
        "text": "Tình trạng sức khỏe, bệnh án của một người.",
        "answer": 1,
        "explain": "Thông tin sức khỏe là dữ liệu cá nhân nhạy cảm: lộ ra có thể gây hại lớn cho người đó.",
    },
    {
        "text": "Tôn giáo, quan điểm chính trị của một người.",
        "answer": 1,
        "explain": "Đây là dữ liệu cá nhân nhạy cảm, cần được bảo vệ chặt chẽ.",
    },
    {
        "text": "Tiền án, tiền sự của một người.",
        "answer": 1,
        "explain": "Thông tin về tội phạm, vi phạm của một người là dữ liệu cá nhân nhạy cảm.",
    },
    {
        "text": "Dấu vân tay, ảnh khuôn mặt dùng để nhận diện một người.",
        "answer": 1,
        "explain": "Dữ liệu sinh trắc học là dữ liệu cá nhân nhạy cảm.",
    },
    {
        "text": "Lịch tiếp công dân của Ủy ban nhân dân xã.",
        "answer": 2,
        "explain": "Đây là thông tin công khai của cơ quan, không gắn với một người cụ thể.",
    },
    {
        "text": "Tổng số hộ gia đình của xã (không kèm tên hộ nào).",
        "answer": 2,
        "explain": "Con số tổng hợp không xác định được một người cụ thể.",
    },
]

CITIZEN_FILE = (
    "Đơn đề nghị hỗ trợ của ông Trần Văn Bình, sinh ngày 15/08/1968, "
    "số căn cước 034068001234, số điện thoại 0912 345 678, thường trú tại thôn Đông, xã An Hòa. "
    "Ông đang điều trị bệnh tiểu đường và đề nghị xã hỗ trợ chi phí khám bệnh."
)

# The one rule of this lesson, written the same in the notebook, the traffic light and the quiz.
RULE = (
    "Mật khẩu, mã OTP, tài liệu mật, tài liệu nội bộ chưa công bố: không đưa vào bất kỳ chatbot nào. "
    "Dữ liệu cá nhân của người dân, học sinh: không đưa vào AI công cộng; chỉ đưa vào công cụ AI được cơ "
    "quan, nhà trường cho phép dùng cho đúng việc đó, và chỉ phần thật cần thiết."
)

QUESTIONS = [
    ("personal", "Văn bản có dữ liệu cá nhân của người khác (họ tên, số căn cước, số điện thoại, sức khỏe…) không?"),
    ("secret", "Văn bản có nội dung mật hoặc tài liệu nội bộ chưa được công bố không?"),
    ("approved", "Công cụ AI này có được cơ quan, nhà trường cho phép dùng cho công việc không?"),
]

QUIZ = [
    {
        "question": "Thông tin nào là dữ liệu cá nhân nhạy cảm?",
        "options": ["Tên trường tiểu học của xã", "Tình trạng sức khỏe của một học sinh", "Lịch nghỉ Tết của trường"],
        "answer": 1,
        "explain": "Sức khỏe của một người cụ thể là dữ liệu cá nhân nhạy cảm.",
    },
    {
        "question": "Bạn muốn nhờ AI tóm tắt đơn kiến nghị của một người dân. Bạn nên làm gì?",
        "options": [
            "Dán nguyên lá đơn vào chatbot cho nhanh",
            "Thay họ tên, số căn cước, địa chỉ… bằng chỗ trống như [Họ tên], và chỉ dùng công cụ được phép",
            "Chụp ảnh lá đơn rồi gửi cho chatbot",
        ],
        "answer": 1,
        "explain": "Chỉ đưa phần nội dung cần thiết, đã bỏ dữ liệu cá nhân, vào công cụ được phép dùng.",
    },
    {
        "question": "Những gì không được đưa vào AI công cộng?",
        "options": [
            "Tài liệu mật",
            "Mật khẩu, mã OTP",
            "Câu hỏi chung về cách viết thư cảm ơn",
            "Hồ sơ bệnh án của người dân",
        ],
        "answer": [0, 1, 3],
        "explain": "Tài liệu mật, mật khẩu, mã OTP: không chatbot nào. Hồ sơ bệnh án của người dân: không đưa vào AI "
        "công cộng. Câu hỏi chung thì được.",
    },
]


def paste_verdict(personal: bool, secret: bool, approved: bool) -> tuple[str, str]:
    """Traffic light for pasting a text into a chatbot: ("đỏ"|"vàng"|"xanh", one-sentence advice)."""
    if secret:
        return "đỏ", "Không được dán: nội dung mật, tài liệu nội bộ không đưa vào bất kỳ chatbot nào."
    if personal and not approved:
        return "đỏ", "Không dán vào AI công cộng: hãy xóa hoặc thay dữ liệu cá nhân bằng chỗ trống như [Họ tên] trước."
    if personal:
        return "vàng", (
            "Công cụ được phép dùng cho đúng việc này mới được nhận dữ liệu cá nhân: chỉ giữ phần thật "
            "cần thiết, che phần còn lại, và đọc kỹ kết quả."
        )
    if not approved:
        return "vàng", "Có thể hỏi, nhưng nên dùng công cụ được cơ quan cho phép và kiểm tra kỹ kết quả."
    return "xanh", "Có thể dùng; vẫn phải đọc lại và chịu trách nhiệm về kết quả."


LIGHT_COLOURS = {"đỏ": BAD_COLOUR, "vàng": "#e65100", "xanh": GOOD_COLOUR}


def paste_check() -> widgets.VBox:
    """Three yes/no questions → a traffic light on whether a text may go into a chatbot."""
    answers = {key: widgets.ToggleButtons(options=[("Có", True), ("Không", False)], value=None) for key, _ in QUESTIONS}
    out = widgets.HTML()

    def update(_change: dict) -> None:
        if any(toggle.value is None for toggle in answers.values()):
            out.value = "<p>Hãy trả lời cả ba câu.</p>"
            return
        light, advice = paste_verdict(**{key: toggle.value for key, toggle in answers.items()})
        out.value = f'<div style="font-size:20px;color:{LIGHT_COLOURS[light]}"><b>Đèn {light}.</b> {esc(advice)}</div>'

    rows: list[widgets.Widget] = []
    for key, text in QUESTIONS:
        answers[key].observe(update, names="value")
        rows += [widgets.HTML(f"<b>{esc(text)}</b>"), answers[key]]
    return panel([*rows, out])


def data_kinds() -> widgets.VBox:
    """Sorting game: basic, sensitive, or not personal data."""
    return sorter(DATA_ITEMS, KINDS, title="Đây là loại dữ liệu nào?")


def render_pii(result: dict[str, Any]) -> Html:
    """The masked text, what was found, and a reminder that the tool misses things."""
    found = result.get("entities") or []
    items = "".join(f"<li>{esc(LABEL_NAMES_VI.get(e['label'], e['label']))}: «{esc(e['text'])}»</li>" for e in found)
    listing = f"<ul>{items}</ul>" if items else "<p>Công cụ không tìm thấy dữ liệu cá nhân nào.</p>"
    return card(
        "Kết quả che dữ liệu cá nhân",
        f'<p><b>Văn bản sau khi che:</b></p><div style="white-space:pre-wrap;background:#f5f5f5;padding:8px">'
        f"{esc(result.get('redacted', ''))}</div><p><b>Đã tìm thấy {len(found)} mục:</b></p>{listing}"
        "<p><i>Công cụ tự động không bắt được mọi thứ. Hãy tự đọc lại: thông tin sức khỏe, hoàn cảnh gia "
        "đình… vẫn có thể còn trong văn bản.</i></p>",
    )


def pii_guard() -> widgets.VBox:
    """Hands-on: the service masks the personal data in a fictional citizen's file."""
    return service_box(
        client.pii,
        label="Hồ sơ giả định (không có thật). Sửa văn bản trong ô nếu muốn, rồi bấm nút:",
        placeholder="Dán văn bản cần kiểm tra…",
        example=CITIZEN_FILE,
        render=render_pii,
        button="Che dữ liệu cá nhân",
    )


def quiz() -> widgets.VBox:
    """Ungraded self-check for lesson 4."""
    return self_check(QUIZ)


# ---- practical data controls ----------------------------------------------------------------------------

CONTROLS = ["Nên làm", "Không nên"]
CONTROL_ITEMS = [
    {
        "text": "Mở phần cài đặt của chatbot, tắt lưu lịch sử trò chuyện và tắt mục cho phép dùng nội dung của bạn "
        "để huấn luyện mô hình (nếu công cụ có các mục này).",
        "answer": 0,
        "explain": "Nhiều chatbot lưu lịch sử và có thể dùng nội dung để huấn luyện; hãy xem cài đặt trước khi dùng.",
    },
    {
        "text": "Đăng ký tài khoản chatbot bằng đúng địa chỉ thư và mật khẩu của tài khoản công vụ cho dễ nhớ.",
        "answer": 1,
        "explain": "Không dùng lại tài khoản, mật khẩu công vụ cho chatbot (Công văn 557/BKHCN-CĐSQG). "
        "Lộ một nơi là lộ cả hai.",
    },
    {
        "text": "Dùng tài khoản riêng cho việc cá nhân, tài khoản cơ quan cấp cho công việc; không dùng chung "
        "tài khoản với người khác.",
        "answer": 0,
        "explain": "Tách tài khoản giúp biết rõ dữ liệu nào ở đâu và ai chịu trách nhiệm.",
    },
    {
        "text": "Ngồi quán cà phê, dùng Wi-Fi công cộng để dán hồ sơ công việc vào chatbot.",
        "answer": 1,
        "explain": "Wi-Fi công cộng không an toàn cho việc công; hồ sơ công việc chỉ xử lý trên mạng và công cụ "
        "của cơ quan.",
    },
    {
        "text": "Coi một công cụ là «được phép» vì đồng nghiệp nào cũng đang dùng.",
        "answer": 1,
        "explain": "«Công cụ được phép» là công cụ cơ quan, nhà trường đã chính thức cho dùng cho việc đó. Không rõ "
        "thì hỏi người phụ trách công nghệ thông tin hoặc lãnh đạo.",
    },
]


def data_controls() -> widgets.VBox:
    """Sorting game: everyday settings and habits that keep data safe."""
    return sorter(CONTROL_ITEMS, CONTROLS, title="Cài đặt và thói quen: nên hay không nên?")
