"""Lesson 7 «Deepfake và lừa đảo»: scams common in Vietnam, deepfake calls, the scam checker, what to do.

Every message here is fictional (numbers, links and names made up for the lesson).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from hocai.ai import client
from hocai.widgets import (
    BAD_COLOUR,
    GOOD_COLOUR,
    Html,
    bar_chart,
    card,
    esc,
    panel,
    reveal,
    self_check,
    service_box,
    sorter,
)
from hocai.widgets.assistant import ask_box  # noqa: F401  (the «Hỏi trợ giảng» cell, issue 23)

KINDS = ["Lừa đảo", "Tin bình thường"]

MESSAGES = [
    {
        "text": "«Công an phường thông báo: ông bà liên quan đến một vụ án rửa tiền. Kết bạn Zalo 0912 345 678 để làm "
        "việc trực tuyến, không được nói với người nhà.»",
        "answer": 0,
        "explain": "Giả danh công an. Công an thật mời làm việc bằng giấy mời, tại trụ sở, không qua Zalo, "
        "không bắt bạn giấu người nhà.",
    },
    {
        "text": "«Tài khoản định danh VNeID của bạn sắp bị khóa. Cập nhật ngay tại vneid-capnhat.top trong 24 giờ.»",
        "answer": 0,
        "explain": "Đường link giả tên VNeID, giục làm gấp. VNeID chỉ cập nhật trên ứng dụng chính thức "
        "hoặc tại công an "
        "xã, phường.",
    },
    {
        "text": "«Điện lực thông báo: quý khách còn nợ tiền điện, sẽ bị cắt điện trong 2 giờ. Thanh toán ngay vào tài "
        "khoản cá nhân của nhân viên thu tiền.»",
        "answer": 0,
        "explain": "Dọa cắt điện, giục gấp, bắt chuyển vào tài khoản cá nhân: ba dấu hiệu lừa đảo.",
    },
    {
        "text": "«Cơ quan thuế: bạn được hoàn thuế 3.200.000 đồng. Bấm vào hoan-thue.online và nhập số thẻ để nhận "
        "tiền.»",
        "answer": 0,
        "explain": "Mồi «hoàn thuế», đường link lạ và đòi số thẻ ngân hàng.",
    },
    {
        "text": "«Ngân hàng cảnh báo: không cung cấp mã OTP cho bất kỳ ai, kể cả người tự xưng là nhân viên ngân "
        "hàng.»",
        "answer": 1,
        "explain": "Đây là lời khuyên cảnh giác, không đòi gì ở bạn. Dù vậy, nếu có đường link lạ kèm "
        "theo thì đừng bấm.",
    },
    {
        "text": "«Mẹ ơi, con gọi video mà mạng yếu quá. Con đang cần gấp 20 triệu, mẹ chuyển vào tài khoản của bạn "
        "con nhé.»",
        "answer": 0,
        "explain": "Kịch bản deepfake: cuộc gọi video vài giây, kêu mạng yếu, rồi xin tiền chuyển vào tài khoản người "
        "khác. Hãy gọi lại con bằng số quen thuộc.",
    },
    {
        "text": "«Trường Tiểu học thông báo: họp phụ huynh lúc 8 giờ sáng chủ nhật tại phòng học lớp 4A.»",
        "answer": 1,
        "explain": "Thông báo bình thường: không đòi tiền, mã, link hay thông tin cá nhân.",
    },
]

SCAM_EXAMPLE = (
    "Ngân hàng thông báo: tài khoản của quý khách có giao dịch bất thường. Đăng nhập tại "
    "nganhang-xacthuc.top và nhập mã OTP để giữ tài khoản."
)

DEEPFAKE_SIGNS = (
    "<ul><li>Cuộc gọi video <b>rất ngắn</b>, hình <b>mờ, giật</b>, khuôn mặt cứng, khẩu hình không khớp lời nói.</li>"
    "<li>Người gọi kêu <b>mạng yếu</b>, <b>mất điện thoại</b>, <b>đang họp không tiện nghe</b>, rồi chuyển sang "
    "nhắn tin.</li>"
    "<li>Xin tiền <b>gấp</b>, chuyển vào tài khoản <b>của người khác</b>, dặn <b>đừng nói với ai</b>.</li>"
    "<li>Giọng nói giống hệt người thân nhưng cách xưng hô, cách nói chuyện lạ.</li></ul>"
    "<p><b>Cách thử:</b> cúp máy, gọi lại bằng số quen thuộc; hỏi một chuyện chỉ người nhà mới biết; "
    "hỏi thêm người thân khác. AI ngày nay giả được cả khuôn mặt và giọng nói từ vài đoạn video đăng trên mạng.</p>"
)

SITUATIONS = {
    "Lỡ chuyển tiền": [
        "Gọi ngay tổng đài ngân hàng (số in trên thẻ hoặc trong ứng dụng chính thức) để báo và đề nghị tạm khóa "
        "giao dịch.",
        "Giữ lại bằng chứng: tin nhắn, số điện thoại, số tài khoản đã chuyển tiền, ảnh chụp màn hình.",
        "Trình báo công an xã, phường nơi gần nhất.",
    ],
    "Lỡ đọc mã OTP hoặc mật khẩu": [
        "Gọi ngay tổng đài ngân hàng để khóa tài khoản, khóa thẻ.",
        "Đổi mật khẩu ngân hàng, email, Zalo, Facebook; không dùng lại mật khẩu cũ.",
        "Kiểm tra lịch sử giao dịch; báo công an xã, phường nếu đã mất tiền.",
    ],
    "Lỡ cài ứng dụng lạ": [
        "Tắt mạng (Wi-Fi và dữ liệu di động) của điện thoại ngay.",
        "Gọi tổng đài ngân hàng từ một điện thoại khác để khóa tài khoản.",
        "Mang điện thoại đến nơi sửa chữa tin cậy hoặc nhờ người hiểu biết gỡ ứng dụng, cài lại máy nếu cần.",
    ],
    "Lỡ gửi ảnh căn cước, ảnh khuôn mặt": [
        "Báo công an xã, phường để được hướng dẫn.",
        "Cảnh giác với các khoản vay, tài khoản lạ mang tên bạn; báo ngân hàng nếu thấy bất thường.",
        "Báo người thân, bạn bè: kẻ gian có thể mạo danh bạn để hỏi vay tiền.",
    ],
}
ALWAYS = "Báo cho người thân biết và cảnh báo những người xung quanh. Khi nguy cấp, gọi 113."

QUIZ = [
    {
        "question": "«Cán bộ công an» gọi điện, nói bạn liên quan vụ án và yêu cầu chuyển tiền vào «tài "
        "khoản tạm giữ». "
        "Bạn làm gì?",
        "options": [
            "Chuyển tiền để chứng minh mình trong sạch",
            "Cúp máy; công an thật không làm việc và không thu tiền qua điện thoại",
            "Đọc số căn cước để cán bộ kiểm tra",
        ],
        "answer": 1,
        "explain": "Không có «tài khoản tạm giữ» nào. Nếu lo lắng, hãy đến trực tiếp công an xã, phường.",
    },
    {
        "question": "Dấu hiệu nào cho thấy cuộc gọi video có thể là deepfake?",
        "options": [
            "Cuộc gọi rất ngắn, hình mờ, kêu mạng yếu",
            "Người gọi xin tiền gấp vào tài khoản người khác",
            "Người gọi chào hỏi rồi hẹn gặp trực tiếp",
            "Người gọi dặn đừng nói với ai",
        ],
        "answer": [0, 1, 3],
        "explain": "Hẹn gặp trực tiếp là bình thường. Xin tiền gấp, giữ bí mật, hình mờ là dấu hiệu lừa đảo.",
    },
    {
        "question": "Công cụ kiểm tra lừa đảo nói «Chưa thấy dấu hiệu lừa đảo rõ ràng». Điều đó có nghĩa là gì?",
        "options": [
            "Tin nhắn chắc chắn an toàn",
            "Công cụ chưa thấy dấu hiệu quen thuộc; bạn vẫn phải tự cân nhắc và hỏi lại nơi gửi",
            "Có thể đọc mã OTP cho người gửi",
        ],
        "answer": 1,
        "explain": "Công cụ chỉ bắt các dấu hiệu quen thuộc; kẻ gian luôn nghĩ ra kịch bản mới.",
    },
]


def spot_scams() -> widgets.VBox:
    """Sorting game on fictional messages: scam or ordinary notice?"""
    return sorter(MESSAGES, KINDS, title="Tin nhắn này là lừa đảo hay tin bình thường?")


def deepfake_signs() -> widgets.VBox:
    """Signs of a deepfake video call, revealed on click."""
    return reveal("Dấu hiệu cuộc gọi deepfake — Bấm để xem", DEEPFAKE_SIGNS)


def render_scam(result: dict[str, Any]) -> Html:
    """The checker's verdict in words, its suspicion as a bar, every reason, and what to do."""
    scam = bool(result.get("scam"))
    colour = BAD_COLOUR if scam else GOOD_COLOUR
    head = "⚠ Nghi lừa đảo" if scam else "Chưa thấy dấu hiệu lừa đảo rõ ràng"
    html = (
        f'<div style="font-size:22px;font-weight:700;color:{colour}">{head}</div>'
        f"{bar_chart([('Mức nghi ngờ', float(result.get('score', 0)))])}"
    )
    reasons = result.get("reasons") or []
    if reasons:
        html += "<p><b>Vì sao:</b></p><ul>" + "".join(f"<li>{esc(r)}</li>" for r in reasons) + "</ul>"
    advice = result.get("advice") or []
    if advice:
        html += "<p><b>Nên làm gì:</b></p><ul>" + "".join(f"<li>{esc(a)}</li>" for a in advice) + "</ul>"
    html += (
        "<p><i>Công cụ chỉ nhận ra các dấu hiệu quen thuộc. Khi còn nghi ngờ, hãy hỏi lại nơi gửi bằng số "
        "chính thức.</i></p>"
    )
    return card("Kết quả kiểm tra tin nhắn", html)


def scam_checker() -> widgets.VBox:
    """Hands-on: the service's scam checker on a fictional message, or on one the participant pastes."""
    return service_box(
        client.scam,
        label="Tin nhắn giả định (không có thật). Dán tin nhắn khác vào ô nếu muốn, rồi bấm nút:",
        placeholder="Dán tin nhắn cần kiểm tra…",
        example=SCAM_EXAMPLE,
        render=render_scam,
        button="Kiểm tra tin nhắn",
    )


def steps_for(situation: str) -> list[str]:
    """What to do, in order, after a given mistake; the last step is always to warn others."""
    return [*SITUATIONS[situation], ALWAYS]


def what_to_do() -> widgets.VBox:
    """Pick what happened: the steps to take now."""
    choice = widgets.Dropdown(
        options=list(SITUATIONS), value=None, description="Đã lỡ:", layout=widgets.Layout(width="auto")
    )
    out = widgets.HTML("<p>Chọn điều đã xảy ra để xem cần làm gì ngay.</p>")

    def update(change: dict) -> None:
        if change["new"]:
            steps = "".join(f"<li>{esc(step)}</li>" for step in steps_for(change["new"]))
            out.value = f"<ol>{steps}</ol>"

    choice.observe(update, names="value")
    return panel([choice, out])


def quiz() -> widgets.VBox:
    """Ungraded self-check for lesson 7."""
    return self_check(QUIZ)


# ---- AI labels, misinformation, recovery scams ------------------------------------------------------------

SHOCKING = ["Nên làm", "Không nên"]
SHOCKING_ITEMS = [
    {
        "text": "Thấy ảnh «cơ quan phát tiền hỗ trợ cho mọi người» lan trên mạng xã hội, chia sẻ ngay vào nhóm Zalo "
        "của thôn cho bà con kịp biết.",
        "answer": 1,
        "explain": "Ảnh, video gây sốc dễ là giả. Chưa kiểm tra thì đừng chia sẻ: chia sẻ tin giả cũng gây hại.",
    },
    {
        "text": "Tìm xem cơ quan được nhắc tên có đăng tin đó trên trang chính thức của mình không.",
        "answer": 0,
        "explain": "Tin thật về chính sách luôn có văn bản, thông báo của cơ quan có thẩm quyền.",
    },
    {
        "text": "Tin một video vì trong video đúng là khuôn mặt và giọng nói của người nổi tiếng.",
        "answer": 1,
        "explain": "AI làm giả được khuôn mặt và giọng nói. Dùng người giả, sự kiện giả để lừa dối bị Luật Trí tuệ "
        "nhân tạo nghiêm cấm, nhưng kẻ gian vẫn làm.",
    },
    {
        "text": "Khi dùng AI làm ảnh minh họa cho bản tin của xã, ghi rõ «Ảnh do AI tạo».",
        "answer": 0,
        "explain": "Luật Trí tuệ nhân tạo yêu cầu âm thanh, hình ảnh, video do AI tạo ra phải được đánh dấu; ghi rõ "
        "cũng giúp người đọc không hiểu lầm.",
    },
    {
        "text": "Sau khi bị lừa, có người nhắn: «Chúng tôi là đội lấy lại tiền bị lừa, nộp trước phí hồ sơ».",
        "answer": 1,
        "explain": "Đó là lừa đảo lần hai («lấy lại tiền»). Không ai được đòi phí để lấy lại tiền; "
        "chỉ báo cho công an và ngân hàng của bạn.",
    },
    {
        "text": "Bị lừa chuyển tiền: gọi ngay số tổng đài in trên thẻ ngân hàng hoặc trong ứng dụng chính thức của "
        "ngân hàng, rồi báo công an (khẩn cấp: gọi 113).",
        "answer": 0,
        "explain": "Báo ngân hàng càng sớm càng có cơ hội giữ lại tiền; công an là nơi tiếp nhận tố giác.",
    },
]


def shocking_news() -> widgets.VBox:
    """Sorting game: AI images and video beyond scams, labels, and what to do after being cheated."""
    return sorter(SHOCKING_ITEMS, SHOCKING, title="Ảnh, video, tin nhắn: nên hay không nên?")
