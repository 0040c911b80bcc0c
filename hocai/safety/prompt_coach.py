"""Prompt coach: scores a Vietnamese prompt for an AI assistant on a five-part rubric.

The rubric is the one taught in the lessons — vai trò, nhiệm vụ, bối cảnh, định dạng, giới hạn — and the
coach also warns about personal data and internal documents, which must never be pasted into a public AI
service. The improved prompt fills the missing parts with a template and masks the personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hocai.safety import pii
from hocai.text import clean, fold_case, strip_diacritics

__all__ = ["PromptReport", "check_prompt", "to_json", "CRITERIA", "CRITERIA_VI"]

CRITERIA = ("role", "task", "context", "format", "limits")
CRITERIA_VI = {
    "role": "Vai trò",
    "task": "Nhiệm vụ",
    "context": "Bối cảnh",
    "format": "Định dạng",
    "limits": "Giới hạn",
}


@dataclass
class PromptReport:
    score: int
    criteria: dict[str, bool]
    tips: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pii: list[pii.Entity] = field(default_factory=list)
    improved: str = ""


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# Patterns run on the folded text without diacritics, so prompts typed without accents count too.
_CHECKS: dict[str, re.Pattern] = {
    "role": _rx(
        r"\b(?:ban|may) (?:la|dong vai|hay dong vai|dong vai tro|hay la|hay tuong tuong minh la|voi vai tro)\b"
        r"|\bdong vai\b|\bvoi (?:tu cach|vai tro) (?:la )?\w|\bhay la mot\b|\bla mot (?:chuyen gia|giao vien|can bo|nha|bien tap|thu ky|tro ly)"
        r"|\bvai tro\b|\bnhu (?:mot )?(?:chuyen gia|giao vien|nha bao|luat su|bac si|bien tap vien)\b"
    ),
    "task": _rx(
        r"\b(?:viet|soan|soan thao|tom tat|giai thich|liet ke|dich|phan tich|so sanh|de xuat|lap|tao|goi y|sua|chinh sua"
        r"|trinh bay|ke (?:lai|chuyen|ten|ra)|tra loi|thiet ke|xay dung|kiem tra|danh gia|huong dan|tong hop|viet lai|phan loai"
        r"|nhan xet|cham|lap ke hoach|dat (?:cau hoi|tieu de|ten)|chuyen (?:thanh|sang|doi))\b"
    ),
    "context": _rx(
        r"\b(?:cho|danh cho|gui|gui den|gui cho)\b (?:\w+ ){0,3}(?:nguoi dan|hoc sinh|phu huynh|can bo|nguoi cao tuoi|ba con"
        r"|lanh dao|dong nghiep|giao vien|hoi vien|doan vien|cong chuc|nhan dan|tre em|hoc vien|khach|ho dan|xa|phuong|thon|lop)"
        r"|\b(?:nguoi dan|hoc sinh|phu huynh|nguoi cao tuoi|ba con|hoi vien|doan vien|nhan dan|ho dan|nguoi doc|khach hang)\b"
        r"|\blop \d+\b|\bdoi tuong\b|\bmuc dich\b|\bboi canh\b|\bde (?:dung|phuc vu|tuyen truyen|hop|day|trinh bay|gui|dang|in|phat)\b"
        r"|\b(?:toi|chung toi|em|minh) (?:dang|la|can|muon|lam|phu trach|day)\b|\bsap toi\b|\bnhan dip\b|\bvi (?:sap|dang|co)\b"
        r"|\btai (?:xa|phuong|thon|truong|hoi nghi|buoi)\b"
    ),
    "format": _rx(
        r"\bgach dau dong\b|\bdau dong\b|\b(?:dang|lap|ke|thanh|mot|1) bang\b|\bbang (?:so sanh|tong hop|bieu|gom|co \d)\b|\bdanh sach\b|\b\d+ (?:y|muc|doan|cau|dong|buoc|phan|gach|diem|trang|slide|tu)\b"
        r"|\bdang (?:cong van|bang|thu|to trinh|bao cao|thong bao|bai|doan|danh sach|cau hoi|so do|email|tin nhan|ke hoach|kich ban)\b"
        r"|\btheo (?:mau|cau truc|dang)\b|\bdinh dang\b|\bde muc\b|\bco tieu de\b|\bdoan van\b|\btrinh bay (?:theo|thanh|duoi dang)\b"
        r"|\bmarkdown\b|\bjson\b|\bbullet\b|\bthe thuc\b|\bmau (?:cong van|bao cao|don)\b|\bthanh (?:\d+ )?(?:bang|muc|phan|doan)\b"
    ),
    "limits": _rx(
        r"\bkhong qua\b|\btoi da\b|\bit nhat\b|\bduoi \d+|\bkhoang \d+ (?:tu|chu|cau|dong|trang|phut)\b|\btrong (?:vong )?\d+ (?:tu|chu|cau|dong|trang|phut)\b"
        r"|\b\d+ (?:tu|chu)\b|\btranh (?:dung|nhac|viet|neu|tu|su dung|lap|thuat ngu|ngon ngu|cac|nhung)\b|\bchi dung\b|\bchi (?:su dung|neu|viet|tra loi)\b|\bkhong (?:dung|su dung|neu|viet|them|bia|dua)\b"
        r"|\bngan gon\b|\bvua du\b|\bgioi han\b|\bdo dai\b|\bgiong van\b|\bvan phong (?:trang trong|hanh chinh|de hieu)\b|\bde hieu\b"
        r"|\bkhong duoc\b|\bneu khong (?:biet|chac)\b|\bghi ro nguon\b|\bdung (?:tu ngu|ngon ngu) (?:don gian|de hieu)\b"
    ),
}

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
    "limits": "Giới hạn: không quá [200] từ, dùng từ ngữ dễ hiểu, chỉ dùng thông tin đã cho, không bịa số liệu.",
}

# Markers of documents that must not leave the office.
_INTERNAL = (
    (_rx(r"\btuyet mat\b"), "tuyệt mật"),
    (_rx(r"\btoi mat\b"), "tối mật"),
    (_rx(r"\b(?:tai lieu|van ban|ho so|cong van|thong tin|muc|bao cao|do)\s+mat\b(?!\s*(?:khau|ma|ong|do|troi|dat))|\bmat\s*[:\-–]|^\s*mat\b|\bdong dau mat\b"), "mật"),
    (_rx(r"\bluu hanh noi bo\b"), "lưu hành nội bộ"),
    (_rx(r"\bnoi bo\b"), "nội bộ"),
    (_rx(r"\bkhong pho bien\b"), "không phổ biến"),
    (_rx(r"\bdu thao\b(?: \w+){0,4} chua (?:ban hanh|cong bo|phat hanh)|\bchua (?:ban hanh|cong bo)\b"), "dự thảo chưa ban hành"),
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


def check_prompt(text: str) -> PromptReport:
    """Score a prompt on the five criteria, warn about personal and internal data, propose a better prompt."""
    prompt = clean(text)
    flat = _flat(prompt)
    criteria = {key: bool(_CHECKS[key].search(flat)) for key in CRITERIA}
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
    tips = [_TIPS[key] for key in CRITERIA if not criteria[key]]
    if prompt and all(criteria.values()):
        tips.append("Câu lệnh đã đủ năm phần. Hãy đọc kỹ câu trả lời của AI và kiểm tra lại số liệu trước khi dùng.")
    return PromptReport(
        score=sum(criteria.values()),
        criteria=criteria,
        tips=tips,
        warnings=warnings,
        pii=entities,
        improved=_improve(text, criteria) if prompt else "",
    )


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
    """The ``hocai prompt-check --json`` record."""
    return {
        "score": report.score,
        "criteria": dict(report.criteria),
        "tips": list(report.tips),
        "warnings": list(report.warnings),
        "pii": [{"start": e.start, "end": e.end, "label": e.label, "text": e.text} for e in report.pii],
        "improved": report.improved,
    }
