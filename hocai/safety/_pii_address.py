"""Home addresses: chains of address parts (số nhà, ngõ, hẻm, kiệt, thôn, ấp, đường, phường, xã, quận…).

A chain is an address when it has at least two parts one of which is below the district (a house
number, a street, a hamlet, a ward or commune), or one part right after "địa chỉ", "trú tại"… A lone
"tỉnh Nghệ An" or "huyện Krông Pắc, tỉnh Đắk Lắk" names a region, not someone's home.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hocai.safety._pii_lexicon import ADDRESS_KEYWORDS, PROVINCES
from hocai.safety._pii_patterns import LO, ORG_WORDS, UP, ends_with, lead

_KW_HOUSE = r"số nhà|nhà số|số|ngõ|ngách|hẻm|kiệt"
_KW_UNIT = r"tổ dân phố|tdp|tổ|khu phố|kp|thôn|xóm|ấp"
# Words that are address parts only in lower case ("bản 3", but "Bản Giốc", "Sóc Trăng" are names).
_KW_LOWER = r"bản|buôn|làng|khối|tiểu khu|khu|đội|khóm|sóc|lô|căn hộ|phòng"
_KW_STREET = r"đường|phố|đại lộ"
_KW_ADMIN = r"phường|xã|thị trấn|quận|huyện|thị xã|thành phố|tỉnh|p\.|x\.|tt\.|q\.|h\.|tx\.|tp\.|tp"
_PLACE_CAP = rf"(?!(?:{ADDRESS_KEYWORDS})(?![{LO}]))[{UP}][{LO}]{{0,6}}(?:'[{UP}]?[{LO}]{{1,6}})?"
_PLACE_NAME = rf"(?:{_PLACE_CAP}|\d{{1,2}})(?:(?:[ ]+|[ ]?-[ ]?){_PLACE_CAP}){{0,4}}(?:(?<=Tháng)[ ]+\d{{1,2}})?"
_ANY_KW = rf"(?:(?i:{_KW_HOUSE}|{_KW_UNIT}|{_KW_STREET}|{_KW_ADMIN})|{_KW_LOWER})(?![\w])"
_NUMBER = r"\d{1,4}[A-Za-z]?(?:/\d{1,4}[A-Za-z]?)*"
_PART = (
    rf"(?P<house>(?i:{_KW_HOUSE})[ ]*{_NUMBER}(?![\w/])(?:[ ]+(?!{_ANY_KW}){_PLACE_NAME})?)"
    rf"|(?P<street>(?i:{_KW_STREET})[ ]+(?:{_PLACE_NAME}|{_NUMBER}))"
    rf"|(?P<unit>(?:(?i:{_KW_UNIT})|{_KW_LOWER})[ ]*(?:{_NUMBER}|{_PLACE_NAME}))"
    rf"|(?P<admin>(?i:{_KW_ADMIN})[ ]*(?:{_PLACE_NAME}|\d{{1,2}}))"
)
# Administrative parts precise enough to point at a home (a district or province alone is not).
_LOCAL = ("phường", "xã", "thị trấn", "p.", "x.", "tt.")
_PART_PLAIN = re.sub(r"\(\?P<\w+>", "(?:", _PART)
_PART_RE = re.compile(rf"(?<![\w.])(?:{_PART})(?![\w])")
_SEP = r"(?:[ ]*[,\-–][ ]*|[ ]+)"
_PROVINCE = "|".join(re.escape(p) for p in sorted(PROVINCES, key=len, reverse=True))
_ADDRESS = re.compile(
    rf"(?=[\d{lead(_KW_HOUSE, _KW_UNIT, _KW_STREET, _KW_ADMIN, _KW_LOWER)[4:-2]}])(?<![\w./])"
    rf"(?:(?P<bare>{_NUMBER}[ ]+{_PLACE_NAME}[ ]*,[ ]*)(?=(?i:{_KW_ADMIN}|{_KW_UNIT}|{_KW_STREET})))?"
    rf"(?:{_PART_PLAIN})"
    rf"(?:{_SEP}(?:{_PART_PLAIN})(?![\w]))*"
    rf"(?:[ ]*,[ ]*(?P<province>{_PROVINCE}))?(?![\w])"
)
_ADDRESS_WORDS = tuple(
    "địa chỉ|thường trú|tạm trú|trú tại|cư trú|nơi ở|nơi ở hiện tại|nơi ở hiện nay|quê quán|nguyên quán|"
    "ở tại|ngụ tại|sống tại|nhà ở|chỗ ở|nơi sinh|giao hàng đến|giao tới|địa chỉ liên hệ|hktt|đc|đ/c".split("|")
)


def find_addresses(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, "ADDRESS") for chains of address parts."""
    for m in _ADDRESS.finditer(text):
        start, end = m.span()
        span = text[start:end].rstrip(" ,-–")
        end = start + len(span)
        parts = list(_PART_RE.finditer(span))
        count = len(parts) + (1 if m.group("province") else 0) + (1 if m.group("bare") else 0)
        local = m.group("bare") or any(not p.group("admin") or p.group().lower().startswith(_LOCAL) for p in parts)
        before = text[max(0, start - 40) : start]
        if not ends_with(before, _ADDRESS_WORDS) and (count < 2 or not local):
            continue
        if not ends_with(before, ORG_WORDS):
            yield start, end, "ADDRESS"
