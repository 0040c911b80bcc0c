"""Pure functions that turn the service's answers into what the page's components show (no Gradio here)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from hocai.safety.pii import LABEL_NAMES_VI, PLACEHOLDERS

WHY_VI = {
    "PERSON": "họ tên cho biết đây là người thật nào; AI không cần biết điều đó.",
    "CCCD": "số định danh cá nhân đủ để kẻ xấu mạo danh bạn khi vay tiền, mở tài khoản.",
    "PHONE": "số điện thoại có thể bị dùng để gọi, nhắn tin lừa đảo.",
    "EMAIL": "địa chỉ thư có thể bị dùng để gửi thư lừa đảo.",
    "BANK_ACCOUNT": "số tài khoản là thông tin tài chính, cần giữ kín.",
    "CARD": "số thẻ có thể bị dùng để mua hàng, rút tiền trái phép.",
    "TAX_CODE": "mã số thuế gắn với một người hay một cơ sở cụ thể.",
    "SOCIAL_INSURANCE": "số BHXH gắn với quyền lợi bảo hiểm của bạn.",
    "LICENSE_PLATE": "biển số xe cho biết ai là chủ xe.",
    "DATE_OF_BIRTH": "ngày sinh thường dùng để xác minh danh tính.",
    "ADDRESS": "địa chỉ cho biết nơi một người sống hay làm việc.",
    "PASSPORT": "số hộ chiếu là giấy tờ tùy thân.",
}
WHY_DEFAULT = "đây là dữ liệu cá nhân, không nên gửi cho AI."
CRITERIA_VI = {
    "role": "Vai trò: AI đóng vai ai",
    "task": "Nhiệm vụ: cần AI làm gì",
    "context": "Bối cảnh: cho ai, để làm gì",
    "format": "Định dạng: trình bày ra sao",
    "limits": "Giới hạn: độ dài, giọng văn, điều cần tránh",
}
VERIFY = (
    "**Luôn kiểm tra lại:** AI có thể trả lời sai hoặc bịa. Đối chiếu với văn bản chính thức, "
    "hỏi người có chuyên môn trước khi dùng."
)
NOTHING_MASKED = "Chưa có gì phải che. Sân tập AI tự che dữ liệu cá nhân trước khi gửi cho AI."


def label_vi(label: str) -> str:
    return LABEL_NAMES_VI.get(label, label)


def hint(value: str) -> str:
    """A value shown half-hidden ('09••••••78'), enough to recognise it, not to copy it."""
    value = value.strip()
    if len(value) <= 4:
        return "•" * len(value)
    keep = 2 if len(value) < 10 else 3
    return value[:keep] + "•" * (len(value) - 2 * keep) + value[-keep:]


def masked_panel(masked: list[dict[str, str]]) -> str:
    """Markdown beside the chat: what was masked (half-hidden), its placeholder, and why."""
    if not masked:
        return NOTHING_MASKED
    lines = ["**Đã che trước khi gửi cho AI:**", ""]
    for item in masked:
        label = item.get("label", "")
        name = item.get("label_vi") or label_vi(label)
        placeholder = PLACEHOLDERS.get(label, "[ĐÃ CHE]")
        lines.append(
            f"- **{name}** ({hint(item.get('text', ''))}) → **{placeholder}**: {WHY_VI.get(label, WHY_DEFAULT)}"
        )
    return "\n".join(lines)


def model_card(health: dict[str, Any]) -> str:
    """Which model answers and whether it is the small teaching model."""
    from hocai.ai.catalogue import describe

    name = health.get("model", "?")
    about = describe(str(name), bool(health.get("teaching_model")))
    details = f"{about['what']} **Làm được:** {about['can']}. **Không làm được:** {about['cannot']}."
    if health.get("teaching_model"):
        return f"**Mô hình:** {name} — mô hình thu nhỏ. {details}\n\n*{about['switch']}*"
    return f"**Mô hình:** {name}. {details}"


def pii_highlights(text: str, entities: Iterable[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """(piece, Vietnamese label or None) pieces for gr.HighlightedText, covering the whole text."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for entity in sorted(entities, key=lambda e: e["start"]):
        start, end = int(entity["start"]), int(entity["end"])
        if start < at or end > len(text):
            continue
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], label_vi(entity["label"])))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


def pii_summary(entities: list[dict[str, Any]]) -> str:
    if not entities:
        return "Không thấy dữ liệu cá nhân nào. Vẫn đọc lại trước khi gửi cho ai."
    counts: dict[str, int] = {}
    for entity in entities:
        counts[entity["label"]] = counts.get(entity["label"], 0) + 1
    lines = [f"**Tìm thấy {len(entities)} mục dữ liệu cá nhân:**", ""]
    lines += [f"- {label_vi(label)} ({n}): {WHY_VI.get(label, WHY_DEFAULT)}" for label, n in counts.items()]
    lines += ["", "Dùng **bản đã che** bên dưới khi cần gửi văn bản cho AI hoặc cho người khác."]
    return "\n".join(lines)


def scam_verdict(result: dict[str, Any]) -> str:
    """A large coloured verdict (HTML, escaped)."""
    score = float(result.get("score", 0.0))
    if result.get("scam"):
        kind, text = "bad", "Rất có thể là LỪA ĐẢO. Đừng làm theo tin nhắn này."
    elif score >= 0.3:
        kind, text = "maybe", "Có dấu hiệu đáng ngờ. Hãy kiểm tra kỹ trước khi làm gì."
    else:
        kind, text = "ok", "Chưa thấy dấu hiệu lừa đảo rõ ràng, nhưng vẫn cẩn thận."
    return (
        f'<div class="hocai-verdict {kind}" role="status">{html.escape(text)}'
        f'<br><span style="font-weight:400">Mức nghi ngờ: {round(score * 100)}/100</span></div>'
    )


def bullet_list(items: Iterable[str], empty: str) -> str:
    items = [str(i) for i in items if str(i).strip()]
    return "\n".join(f"- {item}" for item in items) if items else empty


def scam_flags(result: dict[str, Any]) -> str:
    return "**Dấu hiệu đáng ngờ:**\n\n" + bullet_list(result.get("reasons", []), "Không thấy dấu hiệu nào.")


def scam_advice(result: dict[str, Any]) -> str:
    return "**Nên làm gì tiếp:**\n\n" + bullet_list(result.get("advice", []), "Nếu còn nghi ngờ, hỏi người thân.")


def prompt_criteria(report: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(all five criteria names, those met) for a read-only gr.CheckboxGroup."""
    criteria = report.get("criteria", {})
    names = list(CRITERIA_VI.values())
    return names, [CRITERIA_VI[key] for key in CRITERIA_VI if criteria.get(key)]


def prompt_score(report: dict[str, Any]) -> str:
    score = int(report.get("score", 0))
    mood = "Rất tốt!" if score == 5 else "Khá rồi, thêm chút nữa." if score >= 3 else "Cần thêm vài phần."
    return f"### Điểm câu lệnh: {score}/5 — {mood}"


def prompt_advice(report: dict[str, Any]) -> str:
    parts = ["**Gợi ý:**", "", bullet_list(report.get("tips", []), "Không có gợi ý thêm.")]
    warnings = [w for w in report.get("warnings", []) if str(w).strip()]
    if warnings:
        parts = ["**Cảnh báo:**", "", bullet_list(warnings, ""), ""] + parts
    return "\n".join(parts)


def word_label(token: str) -> str:
    """A token made visible: spaces at its edges shown as '·', newlines as '↵'."""
    shown = token.replace("\n", "↵").replace("\ufffd", "◌")
    stripped = shown.strip(" ")
    if not stripped:
        return "·" * max(1, len(shown))
    left, right = len(shown) - len(shown.lstrip(" ")), len(shown) - len(shown.rstrip(" "))
    return "·" * left + stripped + "·" * right


def next_word_bars(words: list[tuple[str, float]]) -> str:
    """An accessible HTML bar chart of next-word probabilities (escaped)."""
    if not words:
        return "<p>Chưa có dự đoán nào.</p>"
    top = max(p for _, p in words) or 1.0
    rows = []
    for token, prob in words:
        pct = f"{prob * 100:.1f}%"
        width = max(1.0, 100.0 * prob / top)
        rows.append(
            f'<span class="word">{html.escape(word_label(token))}</span>'
            f'<span class="track" role="img" aria-label="{pct}"><span class="fill" style="display:block;'
            f'width:{width:.1f}%"></span></span><span class="pct">{pct}</span>'
        )
    return (
        '<div class="hocai-bars" aria-label="Xác suất của chữ tiếp theo">' + "".join(rows) + "</div>"
        "<p>Dấu «·» là một khoảng trắng. Thanh dài hơn = AI cho là khả năng cao hơn.</p>"
    )


def samples_view(text: str, samples: list[str], temperature: float) -> str:
    """HTML (escaped): the start the participant gave, then what the AI added, in bold."""
    if not samples:
        return "<p>Chưa có câu viết tiếp nào.</p>"
    start = html.escape(text.replace("\n", " "))
    items = []
    for sample in samples:
        added = html.escape(sample.replace("\n", " "))
        shown = f'<span class="added">{added}</span>' if sample.strip() else " (không viết thêm được chữ nào)"
        items.append(f"<li>{start}{shown}</li>")
    return (
        f'<div class="hocai-samples"><p><strong>Nhiệt độ {temperature:g}: {len(samples)} lần viết tiếp '
        f"«{start}»</strong></p><ol>{''.join(items)}</ol>"
        "<p>Phần in đậm là phần AI viết thêm. Mỗi lần mỗi khác vì AI bốc thăm theo xác suất.</p></div>"
    )


EXAMPLES = {
    "chat": (
        "Tôi là Nguyễn Văn An, số điện thoại 0912345678, CCCD 001203012345. Hãy viết giúp tôi lời chào đầu buổi họp."
    ),
    "pii": (
        "Kính gửi UBND xã. Tôi là Trần Thị Bình, sinh ngày 12/03/1968, CCCD 001168012345, "
        "điện thoại 0987654321, ở 12 Lê Lợi, phường Bến Nghé. Số tài khoản 0123456789012."
    ),
    "scam": (
        "Chúc mừng bạn đã trúng thưởng xe máy SH. Để nhận quà, hãy chuyển phí 2.000.000 đồng "
        "và đọc mã OTP vừa gửi đến điện thoại cho nhân viên."
    ),
    "prompt": "Viết thông báo họp dân",
    "words": "Hôm nay trời",
}
