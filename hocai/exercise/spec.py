"""Question kinds, the exact answer types each accepts, and the canonical form that is hashed and compared.

Every answer is plain JSON data: a ``str`` or a ``list`` of ``str`` (checked with ``type(x) is``, so no
subclass with a doctored ``__eq__`` or ``__hash__`` gets through). Canonical forms are what the salted
hashes in the hidden tests are computed from, so the notebook never holds the answer text.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hocai.text import clean, normalize_answer

# kind -> shape of the answer
KINDS = {
    "single": "id",
    "multiple": "set",
    "mark_pii": "set",
    "matching": "slots",
    "scam": "slots",
    "ordering": "order",
    "short": "text",
    "rewrite_prompt": "text",
    "reflection": "text",
}
SCAM_OPTIONS = [{"id": "LUA_DAO", "text": "Lừa đảo"}, {"id": "BINH_THUONG", "text": "Bình thường"}]
MAX_TEXT = 5000


class InvalidAnswer(ValueError):
    """An answer of the wrong type or shape; ``message`` is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def option_ids(spec: dict) -> list[str]:
    """Allowed ids for a choice-like question (options, or the items themselves for ordering)."""
    if spec["type"] == "scam":
        return [o["id"] for o in SCAM_OPTIONS]
    if spec["type"] == "ordering":
        return [i["id"] for i in spec["items"]]
    return [o["id"] for o in spec.get("options", [])]


def _is_str_list(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)


def _id(value: str) -> str:
    return normalize_answer(value).upper()


def canonical(kind: str, value: Any, *, tone_insensitive: bool = False) -> str | list[str]:
    """The comparison form of an answer; raises InvalidAnswer for any other type than the kind accepts."""
    shape = KINDS.get(kind)
    if shape is None:
        raise InvalidAnswer(f"Loại câu hỏi «{kind}» không có trong bộ công cụ.")
    if shape in ("id", "text"):
        if type(value) is not str:
            raise InvalidAnswer("Câu trả lời phải là một đoạn chữ.")
        if len(value) > MAX_TEXT:
            raise InvalidAnswer(f"Câu trả lời dài quá {MAX_TEXT} ký tự.")
        if shape == "id":
            return _id(value)
        if kind == "short":
            return normalize_answer(value, tone_insensitive=tone_insensitive)
        return clean(value)
    if not _is_str_list(value) or len(value) > 100:
        raise InvalidAnswer("Câu trả lời phải là một danh sách các lựa chọn.")
    ids = [_id(v) for v in value]
    if shape == "set":
        return sorted(set(ids))
    return ids


def is_blank(kind: str, value: Any) -> bool:
    """True when nothing was answered (an empty text, list or a list of empty slots)."""
    if value is None:
        return True
    if KINDS.get(kind) in ("id", "text"):
        return value == ""
    return value == [] or (type(value) is list and all(v == "" for v in value))


def validate(spec: dict, value: Any) -> str | list[str]:
    """Canonical answer after checking it fits the question (ids, lengths); InvalidAnswer otherwise."""
    kind = spec["type"]
    result = canonical(kind, value, tone_insensitive=bool(spec.get("tone_insensitive")))
    shape = KINDS[kind]
    allowed = option_ids(spec)
    if shape == "id" and result and result not in allowed:
        raise InvalidAnswer(f"Lựa chọn «{value}» không có; chỉ được chọn: {', '.join(allowed)}.")
    if shape in ("set", "slots", "order"):
        bad = [v for v in result if v and v not in allowed]
        if bad:
            raise InvalidAnswer(f"Lựa chọn «{bad[0]}» không có; chỉ được chọn: {', '.join(allowed)}.")
    if shape == "slots" and len(result) != len(spec["items"]):
        raise InvalidAnswer(f'Cần đúng {len(spec["items"])} lựa chọn, mỗi dòng một lựa chọn (để trống: "").')
    if shape == "order" and result and sorted(result) != sorted(allowed):
        raise InvalidAnswer(f"Cần sắp xếp đủ {len(allowed)} mục, mỗi mục một lần: {', '.join(allowed)}.")
    if shape == "text" and kind != "short":
        return clean(value)
    return result


def digest(salt: str, qid: str, canonical_answer: str | list[str]) -> str:
    """Salted SHA-256 of a canonical answer: what the hidden tests store instead of the answer."""
    payload = json.dumps([salt, qid, canonical_answer], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
