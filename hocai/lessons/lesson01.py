"""Lesson 1 «AI là gì»: AI in everyday services, generative AI, and the myths to unlearn."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from hocai.ai import client
from hocai.widgets import Html, card, esc, reveal, self_check, service_box, service_status, sorter
from hocai.widgets.assistant import ask_box  # noqa: F401  (the «Hỏi trợ giảng» cell, issue 23)

KINDS = ["Không dùng AI", "AI nhận dạng, dự đoán", "AI tạo sinh"]

EVERYDAY = [
    {
        "text": "Máy tính bỏ túi cộng 125 + 378.",
        "answer": 0,
        "explain": "Máy tính làm đúng một phép tính cố định, không học gì từ dữ liệu.",
    },
    {
        "text": "Hộp thư tự chuyển thư quảng cáo, thư lừa đảo vào mục «Thư rác».",
        "answer": 1,
        "explain": "Bộ lọc đã học từ rất nhiều thư được đánh dấu trước đó để đoán thư nào là thư rác.",
    },
    {
        "text": "Điện thoại tự mở khóa khi nhận ra khuôn mặt chủ máy.",
        "answer": 1,
        "explain": "AI so khuôn mặt trước camera với khuôn mặt đã lưu: đó là nhận dạng.",
    },
    {
        "text": "Ứng dụng ghi âm cuộc họp rồi tự chuyển lời nói thành chữ.",
        "answer": 1,
        "explain": "AI nhận dạng giọng nói: nó đoán chữ nào ứng với âm thanh nghe được.",
    },
    {
        "text": "Chatbot viết giúp bản nháp giấy mời họp phụ huynh.",
        "answer": 2,
        "explain": "AI tạo sinh viết ra văn bản mới. Bản nháp vẫn phải được người đọc lại và sửa.",
    },
    {
        "text": "Ứng dụng vẽ một bức tranh «đêm Trung thu ở sân trường» từ câu mô tả.",
        "answer": 2,
        "explain": "AI tạo sinh tạo ra hình ảnh mới từ lời mô tả.",
    },
    {
        "text": "Bảng tính tự cộng điểm trung bình theo công thức giáo viên đã nhập.",
        "answer": 0,
        "explain": "Bảng tính chỉ làm theo công thức người dùng đặt ra, không học từ dữ liệu.",
    },
]

MYTHS = [
    (
        "AI luôn đúng.",
        "<b>Sai.</b> AI có thể viết sai, thậm chí bịa ra số văn bản, ngày tháng, tên người mà câu chữ vẫn rất "
        "trôi chảy. Luôn kiểm tra lại với nguồn chính thống trước khi dùng.",
    ),
    (
        "AI hiểu và suy nghĩ như con người.",
        "<b>Sai.</b> AI tính toán dựa trên những mẫu nó học được từ dữ liệu. Nó không có hiểu biết, cảm xúc "
        "hay trách nhiệm như con người.",
    ),
    (
        "Văn bản do AI viết thì AI chịu trách nhiệm.",
        "<b>Sai.</b> Người dùng AI và người ký, người gửi văn bản chịu trách nhiệm về nội dung. AI chỉ là công cụ "
        "hỗ trợ.",
    ),
    (
        "Gõ gì vào chatbot cũng an toàn.",
        "<b>Sai.</b> Nội dung gõ vào AI công cộng có thể được lưu lại và dùng lại. Không đưa dữ liệu cá nhân, "
        "tài liệu mật hay thông tin nội bộ vào chatbot (xem Bài 4).",
    ),
    (
        "AI chỉ dành cho người giỏi máy tính.",
        "<b>Sai.</b> Chỉ cần biết đặt câu hỏi rõ ràng và biết kiểm tra kết quả. Bài 3 hướng dẫn cách viết câu "
        "lệnh bằng tiếng Việt.",
    ),
]

QUIZ = [
    {
        "question": "Câu nào mô tả đúng AI tạo sinh?",
        "options": [
            "AI chỉ làm phép tính theo công thức có sẵn",
            "AI tạo ra nội dung mới như văn bản, hình ảnh, âm thanh",
            "AI luôn tra cứu đúng văn bản pháp luật mới nhất",
        ],
        "answer": 1,
        "explain": "AI tạo sinh viết, vẽ, nói ra nội dung mới dựa trên những gì nó đã học.",
    },
    {
        "question": "Chatbot trả lời rất trôi chảy và tự tin. Bạn nên làm gì?",
        "options": [
            "Tin ngay vì câu trả lời nghe rất hợp lý",
            "Kiểm tra lại với nguồn chính thống trước khi dùng",
            "Hỏi lại chatbot đó một lần nữa là đủ",
        ],
        "answer": 1,
        "explain": "Trôi chảy không có nghĩa là đúng. Hỏi lại cùng một chatbot không phải là kiểm chứng.",
    },
    {
        "question": "Những việc nào dưới đây thường có AI giúp sức?",
        "options": [
            "Lọc thư rác trong hộp thư",
            "Mở khóa điện thoại bằng khuôn mặt",
            "Máy tính bỏ túi cộng hai số",
            "Chuyển lời nói thành chữ",
        ],
        "answer": [0, 1, 3],
        "explain": "Lọc thư rác, nhận dạng khuôn mặt và giọng nói đều dùng AI; phép cộng thì không.",
    },
]

CHAT_EXAMPLE = "Xin chào! Bạn hãy giới thiệu ngắn gọn về mình."


def everyday_ai() -> widgets.VBox:
    """Sorting game: which everyday services use AI, and which kind."""
    return sorter(EVERYDAY, KINDS, title="Việc này có dùng AI không?")


def myths() -> widgets.VBox:
    """Common myths about AI; each reveals the fact behind it on click."""
    return widgets.VBox([reveal(f"Lầm tưởng: «{myth}» — Bấm để xem sự thật", fact) for myth, fact in MYTHS])


def service_check() -> Html:
    """Is the class's Sân tập AI running, and with which model?"""
    return service_status()


def render_chat(result: dict[str, Any]) -> Html:
    """The model's reply, and what the service masked before the model saw the message."""
    reply = esc(result.get("reply", "")).strip() or "(Mô hình không trả lời gì.)"
    html = f'<div style="white-space:pre-wrap"><b>Sân tập AI trả lời:</b><br>{reply}</div>'
    masked = result.get("masked") or []
    if masked:
        items = "".join(
            f"<li>{esc(m.get('label_vi') or m.get('label'))}: «{esc(m.get('text', ''))}»</li>" for m in masked
        )
        html += f"<p><b>Dữ liệu cá nhân đã được che trước khi gửi cho mô hình:</b></p><ul>{items}</ul>"
    return card("Kết quả", html)


def chat_box() -> widgets.VBox:
    """Talk to the class model once; the example is not sent automatically to spare the shared service."""
    return service_box(
        client.chat,
        label="Gõ một câu hỏi rồi bấm nút:",
        placeholder="Ví dụ: Xin chào!",
        example=CHAT_EXAMPLE,
        render=render_chat,
        button="Gửi câu hỏi",
        run_example=False,
    )


def quiz() -> widgets.VBox:
    """Ungraded self-check for lesson 1."""
    return self_check(QUIZ)
