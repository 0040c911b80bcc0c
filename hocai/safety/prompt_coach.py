"""Prompt coach: judges a Vietnamese prompt for an AI assistant on the five parts that lesson 3 teaches.

The parts are vai trò, nhiệm vụ, bối cảnh, định dạng, giới hạn. A part counts only when it carries real
content: the part's own name, a template bracket left unfilled, a bare keyword list or an empty phrase
("Định dạng phù hợp.") count for nothing, so keyword stuffing and the coach's own template never pass. Natural
phrasings count ("Em là giáo viên chủ nhiệm…", "Người nhận là…", "Viết ngắn gọn…"). A prompt passes when it
has a task with an object, real content for the role or the context, at least ``PASS_MIN_PARTS`` parts, and
no personal data or internal-document marker. Rules only, on the text without diacritics: deterministic,
milliseconds, and prompts typed without accents are judged like the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hocai.safety import pii
from hocai.text import clean, fold_case, strip_diacritics

__all__ = ["PromptReport", "check_prompt", "to_json", "CRITERIA", "CRITERIA_VI", "PASS_MIN_PARTS"]

CRITERIA = ("role", "task", "context", "format", "limits")
CRITERIA_VI = {
    "role": "Vai trò",
    "task": "Nhiệm vụ",
    "context": "Bối cảnh",
    "format": "Định dạng",
    "limits": "Giới hạn",
}
# The exercises' threshold too (hocai.exercise.check.prompt_reason uses ``passes``).
PASS_MIN_PARTS = 3


@dataclass
class PromptReport:
    score: int
    criteria: dict[str, bool]
    tips: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pii: list[pii.Entity] = field(default_factory=list)
    improved: str = ""
    passes: bool = False
    reasons: dict[str, str] = field(default_factory=dict)
    found: dict[str, str] = field(default_factory=dict)
    verdict: str = ""
    min_parts: int = PASS_MIN_PARTS


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# Placeholders: template brackets, dots, XXX, underscores, "(điền …)". Their text is not content.
_PLACEHOLDER = _rx(r"\[[^\]]*\]|<[^>]*>|\{[^}]*\}|\((?:dien|ghi|nhap|vi du)[^)]*\)|\.{3,}|…|\bx{2,}\b|_{2,}")
# The lesson's guiding questions, which a template may leave in place of content.
_GUIDING = _rx(
    r"ai dong vai ai|can ai lam gi|ai can biet gi them|ket qua trinh bay ra sao|dai bao nhieu|giong van ra sao"
    r"|ai phai tranh dieu gi|viet cho ai|de lam gi|trong hoan canh nao"
)
# Part names and empty words: taken out before any part is looked for, so they never count as content.
_EMPTY = _rx(
    r"\b(?:vai tro|nhiem vu|boi canh|ngu canh|dinh dang|gioi han|cau lenh|prompt|noi dung cu the"
    r"|phu hop|ro rang|cu the|day du|hop ly|chi tiet|dung yeu cau|tot|chinh xac|hay|nhat)\b"
)
_LABEL = _rx(r"^\s*(vai tro|nhiem vu|boi canh|ngu canh|dinh dang|gioi han|yeu cau)\s*[:\-–]\s*")
_LABEL_PART = {
    "vai tro": "role",
    "nhiem vu": "task",
    "yeu cau": "task",
    "boi canh": "context",
    "ngu canh": "context",
    "dinh dang": "format",
    "gioi han": "limits",
}
_STOP = frozenset(
    "la mot cac nhung cho cua va voi de thi ma o tai tu den ban toi em minh giup can muon nay do ay the nao gi co"
    " khong duoc se da dang rat nhe nha a oi vao ra len xuong nhu vay thi cung con lai hoac hay ho ai sau truoc"
    " trong ngoai moi tung theo bang ve".split()
)
_WORD = _rx(r"[a-z0-9]+")

_ROLE = _rx(
    r"\b(?:ban|may|em|toi|chung toi|minh|ai|thay)\s+(?:hay\s+)?(?:la|dong vai(?: tro)?(?: la)?|vao vai|nhap vai)\s+(.+)"
    r"|\b(?:dong vai|vao vai|nhap vai|voi tu cach(?: la)?|voi vai tro(?: la)?|gia su ban la|la mot)\s+(.+)"
)
_TASK = _rx(
    r"\b(?:viet|soan|soan thao|tom tat|giai thich|liet ke|dich|phan tich|so sanh|de xuat|lap|tao|goi y|sua|chinh sua"
    r"|trinh bay|ke|tra loi|thiet ke|xay dung|kiem tra|danh gia|huong dan|tong hop|viet lai|phan loai|nhan xet"
    r"|cham|dat|chuyen (?:thanh|sang|doi)|ra de|len|rut gon|doc|sap xep|chuan bi|nhac|moi)\b(.*)"
)
_CONTEXT = _rx(
    r"\bnguoi (?:nhan|doc|nghe|xem|dung|duoc moi)\b|\bdoi tuong\b|\bmuc dich\b"
    r"|\b(?:cho|danh cho|gui|gui den|gui cho|toi|moi)\b (?:\w+ ){0,3}(?:nguoi dan|hoc sinh|phu huynh|can bo"
    r"|nguoi cao tuoi"
    r"|ba con|lanh dao|dong nghiep|giao vien|hoi vien|doan vien|cong chuc|nhan dan|tre em|hoc vien|ho dan|truong thon"
    r"|chi hoi|to truong|thanh vien|cac (?:thon|to|lop|hoi|ban|doan|chi))"
    r"|\b(?:nguoi dan|hoc sinh|phu huynh|nguoi cao tuoi|ba con|hoi vien|doan vien|ho dan|truong thon)\b"
    r"|\blop \d+|\bkhoi \d+|\b\d+ (?:gio|h)\b|\bthu (?:hai|ba|tu|nam|sau|bay)\b|\bchu nhat\b|\bngay \d|\bthang \d"
    r"|\b\d{1,2}/\d{1,2}\b|\b(?:sang|chieu|toi) (?:thu|ngay|mai|nay|chu)|\bhoc ky\b|\bnam hoc\b|\bcuoi (?:tuan|thang"
    r"|nam)\b"
    r"|\b(?:tai|o) (?:hoi truong|phong|nha van hoa|tram|truong|xa|phuong|thon|ubnd|uy ban|san|tru so|bo phan|lop)"
    r"|\b(?:de|nham) (?:\w+ ){0,2}\w+|\bvi (?:sap|dang|co|nhieu|nam)\b|\bsap toi\b|\bnhan dip\b"
    r"|\b(?:toi|chung toi|em|minh) (?:dang|can|muon|lam|phu trach|day|chu nhiem)\b"
    r"|\b(?:ubnd|uy ban|xa|phuong|thon|truong|to dan pho|bo phan mot cua|tram y te)\b"
)
_FORMAT = _rx(
    r"\bgach dau dong\b|\bdau dong\b|\b(?:dang|lap|ke|thanh|mot|1) bang\b|\bbang (?:so sanh|tong hop|bieu|gom|co \d"
    r"|\d+ cot)\b|\bdanh sach\b|\b\d+ (?:y|muc|doan|cau|dong|buoc|phan|gach|diem|trang|slide|cot|hang)\b"
    r"|\b(?:mot|hai|ba|bon|nam) (?:y|muc|doan|cau|buoc|phan|cot|diem)\b"
    r"|\bdang (?:cong van|thu|to trinh|bao cao|thong bao|bai|doan|danh sach|cau hoi|so do|email|tin nhan|ke hoach"
    r"|kich ban|bang|phieu|the)\b"
    r"|\btheo (?:mau|cau truc|dang|thu tu)\b|\bde muc\b|\btieu de\b|\bdoan van\b|\btrinh bay (?:theo|thanh|duoi dang"
    r"|gom|co)\b"
    r"|\bmarkdown\b|\bjson\b|\bbullet\b|\bthe thuc\b|\bmau (?:cong van|bao cao|don)\b|\bthanh (?:\d+ )?(?:bang|muc"
    r"|phan|doan|cau)\b"
    r"|\b(?:cac|nhung) y chinh\b|\by chinh\b|\bgom (?:cac |co )?(?:y|phan|muc|cot|noi dung|thoi gian|loi|tieu de)\b"
    r"|\bdanh so\b|\bloi chao\b|\bky ten\b|\bcau hoi trac nghiem\b|\bco (?:dap an|vi du|ket luan|mo dau)\b"
)
_LIMITS = _rx(
    r"\bkhong qua\b|\btoi da\b|\bit nhat\b|\bduoi \d+|\bkhoang \d+ (?:tu|chu|cau|dong|trang|phut)\b"
    r"|\btrong (?:vong )?\d+ (?:tu|chu|cau|dong|trang|phut)\b"
    r"|\b\d+ (?:tu|chu)\b|\btranh (?:dung|nhac|viet|neu|tu|su dung|lap|thuat ngu|ngon ngu|cac|nhung|bia|dua|noi"
    r"|gay)\b|\bchi (?:dung|su dung|neu|viet|tra loi|dua)\b|\bkhong (?:tu |duoc )?(?:dung|su dung|neu|viet|them|bia"
    r"|dua|ghi|dien|suy doan|doan|noi)\b"
    r"|\bngan gon\b|\bvua du\b|\bdo dai\b|\bgiong (?:van|dieu|than|nhe|lich|trang|vui|de|noi|ke)"
    r"|\bvan phong (?:trang trong|hanh chinh|de hieu|lich su|gian di|nghiem tuc|than thien|cong vu)|\bde hieu\b"
    r"|\bdon gian\b|\blich su\b|\bthan thien\b"
    r"|\btrang trong\b|\bnhe nhang\b|\bkhong duoc\b|\bneu khong (?:biet|chac|ro|co)\b|\bghi ro nguon\b|\bde trong\b"
    r"|\bkhong bia\b|\bmot trang\b|\bgon gang\b"
)
_PATTERNS = {"context": _CONTEXT, "format": _FORMAT, "limits": _LIMITS}
# Where a role phrase ("Bạn là chuyên viên văn phòng UBND xã") ends, so its words do not also count as a task.
_ROLE_END = _rx(r",|\bcan\b(?! bo)|\b(?:muon|hay|dang|se|vua|nho|phai)\b")
# Brackets that the lesson itself recommends: a blank for personal data or for a document to paste.
_ALLOWED_BLANK = _rx(
    r"ho ten|ho va ten|\bten\b|can cuoc|cccd|dien thoai|dinh danh|dia chi|ngay sinh|\bdan\b|ma so|email"
)
MAX_BLANKS = 1

_TIPS = {
    "role": "Thêm vai trò cho AI, ví dụ: «Bạn là cán bộ văn phòng UBND xã, giỏi soạn văn bản hành chính».",
    "task": "Nói rõ việc cần làm bằng một động từ: viết, soạn, tóm tắt, giải thích, liệt kê…",
    "context": "Thêm bối cảnh: viết cho ai (người dân, học sinh lớp 5…), để làm gì, trong hoàn cảnh nào.",
    "format": "Nêu định dạng mong muốn: gạch đầu dòng, bảng, số đoạn, dạng công văn hay thông báo.",
    "limits": "Đặt giới hạn: độ dài (không quá 200 từ), giọng văn, điều cần tránh, chỉ dùng thông tin đã cho.",
}
_FILLERS = {
    "role": "Bạn là [vai trò phù hợp, ví dụ: cán bộ văn phòng UBND xã giỏi soạn văn bản].",
    "task": "Nhiệm vụ: [việc cần làm, ví dụ: soạn thông báo…].",
    "context": "Bối cảnh: [viết cho ai, để làm gì, trong hoàn cảnh nào].",
    "format": "Định dạng: [ví dụ: gạch đầu dòng, 3 đoạn, dạng thông báo].",
    "limits": "Giới hạn: [độ dài, giọng văn, điều cần tránh].",
}

# Markers of documents that must not leave the office.
_INTERNAL = (
    (_rx(r"\btuyet mat\b"), "tuyệt mật"),
    (_rx(r"\btoi mat\b"), "tối mật"),
    (
        _rx(
            r"\b(?:tai lieu|van ban|ho so|cong van|thong tin|muc|bao cao|do)\s+mat\b(?!\s*(?:khau|ma|ong|do|troi|dat))"
            r"|\bmat\s*[:\-–]|^\s*mat\b|\bdong dau mat\b"
        ),
        "mật",
    ),
    (_rx(r"\bluu hanh noi bo\b"), "lưu hành nội bộ"),
    (_rx(r"\bnoi bo\b"), "nội bộ"),
    (_rx(r"\bkhong pho bien\b"), "không phổ biến"),
    (
        _rx(r"\bdu thao\b(?: \w+){0,4} chua (?:ban hanh|cong bo|phat hanh)|\bchua (?:ban hanh|cong bo)\b"),
        "dự thảo chưa ban hành",
    ),
    (_rx(r"\bbi mat nha nuoc\b"), "bí mật nhà nước"),
)


def _flat(text: str) -> str:
    return strip_diacritics(fold_case(text))


def _internal_markers(flat: str) -> list[str]:
    found: list[str] = []
    for pattern, name in _INTERNAL:
        if pattern.search(flat) and not any(name in other for other in found):
            found.append(name)
    # "lưu hành nội bộ" already says "nội bộ"; "tối mật"/"tuyệt mật" already say "mật".
    return [name for name in found if not any(name != other and name in other for other in found)]


def _content(text: str) -> list[str]:
    """The words of ``text`` that say something: not function words, not part names, not placeholders."""
    return [w for w in _WORD.findall(text) if w not in _STOP and (len(w) > 1 or w.isdigit())]


def _clauses(flat: str) -> list[tuple[str | None, str]]:
    """Sentences and lines as (label part or None, text with placeholders and empty words removed)."""
    out: list[tuple[str | None, str]] = []
    for raw in re.split(r"[\n.!?;]+(?:\s|$)|\n", flat):
        label = None
        match = _LABEL.match(raw)
        if match:
            label = _LABEL_PART[match.group(1)]
            raw = raw[match.end() :]
        text = _GUIDING.sub(" ", _PLACEHOLDER.sub(" ", raw))
        text = re.sub(r"\s+", " ", _EMPTY.sub(" ", text)).strip(" ,:-–")
        if text or label:
            out.append((label, text))
    return out


def _blanks(flat: str) -> list[str]:
    """Template placeholders left unfilled (not the blanks for personal data that the lesson recommends)."""
    return [m.group(0) for m in _PLACEHOLDER.finditer(flat) if not _ALLOWED_BLANK.search(m.group(0))]


def _find(clauses: list[tuple[str | None, str]]) -> dict[str, str]:
    """For each part, the first piece of text that gives it real content."""
    found: dict[str, str] = {}
    for label, text in clauses:
        words = _content(text)
        if label and len(words) >= 2 and label not in found:
            found[label] = text
        role = _ROLE.search(text)
        if role:
            start = role.start(1) if role.group(1) is not None else role.start(2)
            end = _ROLE_END.search(text, start)
            phrase = text[start : end.start() if end else len(text)]
            if "role" not in found and _content(phrase):
                found["role"] = text[role.start() : start + len(phrase)]
            text = text[: role.start()] + " " + text[start + len(phrase) :]
            words = _content(text)
        if "task" not in found:
            for task in _TASK.finditer(text):
                if _content(task.group(1)):
                    found["task"] = text
                    break
        for key, pattern in _PATTERNS.items():
            if key not in found and pattern.search(text) and len(words) >= 2:
                found[key] = text
    return found


_MISSING = {
    "role": "chưa thấy AI đóng vai ai hay người viết là ai (ví dụ «Bạn là cán bộ văn phòng…», «Em là giáo viên…»)",
    "task": "chưa thấy việc cần AI làm cùng nội dung của việc đó (ví dụ «Soạn thông báo họp giao ban tháng»)",
    "context": "chưa thấy bối cảnh: viết cho ai, để làm gì, khi nào, ở đâu",
    "format": "chưa thấy kết quả cần trình bày ra sao (tiêu đề, gạch đầu dòng, bảng, số đoạn…)",
    "limits": "chưa thấy giới hạn: độ dài, giọng văn, điều AI phải tránh",
}


def check_prompt(text: str, *, min_parts: int = PASS_MIN_PARTS) -> PromptReport:
    """Judge a prompt part by part on its content, warn about personal and internal data, propose a better prompt.

    ``min_parts`` is the pass threshold; the exercises pass their item's ``min_score`` (the bank uses
    ``PASS_MIN_PARTS``, as ``hocai prompt-check`` does)."""
    prompt = clean(text)
    flat = _flat(prompt)
    found = _find(_clauses(flat)) if prompt else {}
    criteria = {key: key in found for key in CRITERIA}
    reasons = {
        key: (f"có nội dung: «{_excerpt(prompt, found[key])}»" if criteria[key] else _MISSING[key]) for key in CRITERIA
    }
    entities = pii.find_entities(text)
    warnings: list[str] = []
    if entities:
        kinds = []
        for entity in entities:
            name = pii.LABEL_NAMES_VI.get(entity.label, entity.label)
            if name not in kinds:
                kinds.append(name)
        warnings.append(
            f"Câu lệnh có dữ liệu cá nhân ({', '.join(kinds)}). Không gửi dữ liệu cá nhân cho dịch vụ AI công cộng: "
            "hãy che đi hoặc thay bằng thông tin giả."
        )
    markers = _internal_markers(flat)
    if markers:
        warnings.append(
            f"Câu lệnh có dấu hiệu tài liệu không được công khai ({', '.join(f'«{m}»' for m in markers)}). "
            "Không đưa tài liệu mật, tài liệu nội bộ hay dự thảo chưa ban hành vào dịch vụ AI bên ngoài."
        )
    score = sum(criteria.values())
    verdict = _verdict(criteria, score, warnings, len(_blanks(flat)), min_parts)
    tips = [_TIPS[key] for key in CRITERIA if not criteria[key]]
    if prompt and all(criteria.values()):
        tips.append("Câu lệnh đã đủ năm phần. Hãy đọc kỹ câu trả lời của AI và kiểm tra lại số liệu trước khi dùng.")
    return PromptReport(
        score=score,
        criteria=criteria,
        tips=tips,
        warnings=warnings,
        pii=entities,
        improved=_improve(text, criteria) if prompt else "",
        passes=verdict is None,
        reasons=reasons,
        found={key: found[key] for key in CRITERIA if key in found},
        verdict=verdict or f"Câu lệnh đạt: có {score}/5 tiêu chí có nội dung cụ thể.",
        min_parts=min_parts,
    )


def _verdict(criteria: dict[str, bool], score: int, warnings: list[str], blanks: int, min_parts: int) -> str | None:
    """None when the prompt passes; otherwise the first reason it does not, in Vietnamese."""
    if warnings:
        return "Câu lệnh chưa đạt: " + warnings[0][0].lower() + warnings[0][1:]
    if blanks > MAX_BLANKS:
        return (
            f"Câu lệnh chưa đạt: còn {blanks} chỗ trống của mẫu chưa điền (trong ngoặc, «...», «XXX»); "
            "hãy thay bằng nội dung cụ thể của việc này."
        )
    if score < min_parts:
        return f"Câu lệnh chưa đạt: mới có {score}/5 tiêu chí có nội dung cụ thể, cần ít nhất {min_parts}."
    if not criteria["task"]:
        return "Câu lệnh chưa đạt: chưa nói rõ cần AI làm việc gì, với nội dung cụ thể."
    if not (criteria["role"] or criteria["context"]):
        return "Câu lệnh chưa đạt: cần có vai trò hoặc bối cảnh với nội dung cụ thể (ai viết, viết cho ai, để làm gì)."
    return None


def _excerpt(prompt: str, flat_piece: str, width: int = 60) -> str:
    """A short piece of the prompt around what was found, with its diacritics (the folded text keeps offsets)."""
    flat = _flat(prompt)
    words = flat_piece.split()
    at = flat.find(" ".join(words[:3])) if words else -1
    if at < 0 or len(flat) != len(prompt):
        piece = flat_piece
    else:
        piece = prompt[at : at + width]
    return piece if len(piece) < width else piece[:width].rstrip() + "…"


def _improve(text: str, criteria: dict[str, bool]) -> str:
    """The prompt with personal data masked, preceded and followed by templates for the missing parts."""
    masked = clean(pii.redact(text).text)
    lines: list[str] = []
    if not criteria["role"]:
        lines.append(_FILLERS["role"])
    if criteria["task"]:
        lines.append(masked)
    else:
        lines.append(_FILLERS["task"])
        lines.append(f"Nội dung: {masked}")
    for key in ("context", "format", "limits"):
        if not criteria[key]:
            lines.append(_FILLERS[key])
    return "\n".join(lines)


def to_json(report: PromptReport) -> dict:
    """The ``hocai prompt-check --json`` record: the verdict, and per part whether it was found and why."""
    return {
        "passes": report.passes,
        "verdict": report.verdict,
        "score": report.score,
        "min_parts": report.min_parts,
        "criteria": dict(report.criteria),
        "parts": {
            key: {"name": CRITERIA_VI[key], "found": report.criteria[key], "reason": report.reasons.get(key, "")}
            for key in CRITERIA
        },
        "tips": list(report.tips),
        "warnings": list(report.warnings),
        "pii": [{"start": e.start, "end": e.end, "label": e.label, "text": e.text} for e in report.pii],
        "improved": report.improved,
    }
