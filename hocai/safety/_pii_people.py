"""People's names: a family name and capitalised syllables, an honorific and a name, or a form label.

"Nguyễn Thị Hương", "chị Lan", "Họ và tên: …", "tôi là …", "chủ tài khoản: NGUYEN VAN AN". Place and
organisation names that look like names ("Hà Nội", "Thành phố Hồ Chí Minh", "đường Lê Lợi",
"Trường THCS …") are left to the address rules or ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hocai.safety._pii_lexicon import FAMILY_NAMES, HONORIFICS, PLACE_NAMES, PLACE_PREFIXES, strip_marks
from hocai.safety._pii_patterns import CAP, ORG_WORDS, UP, UPW, ends_with, lead

_families = sorted({*FAMILY_NAMES, *(strip_marks(f) for f in FAMILY_NAMES)}, key=len, reverse=True)
_FAMILY = "|".join(_families)
_FAMILY_UP = "|".join(f.upper() for f in _families)

_PERSON_FAMILY = re.compile(rf"(?=[{UP}])(?<![\w])(?:{_FAMILY})(?:[ ]+{CAP}){{1,3}}(?![\w])")
_PERSON_UPPER = re.compile(rf"(?=[{UP}])(?<![\w])(?:{_FAMILY_UP})(?:[ ]+{UPW}){{1,3}}(?![\w])")
_PERSON_HONORIFIC = re.compile(
    rf"{lead(HONORIFICS)}(?<![\w])(?P<h>(?i:{HONORIFICS}))[ ]+(?P<name>{CAP}(?:[ ]+{CAP}){{0,3}})(?![\w])"
)
# An all-capitals name inside a longer all-capitals run is a heading ("SƠ YẾU LÝ LỊCH"), not a name.
_CAPS_AROUND = re.compile(rf"[{UP}]{{3,}}[ ]+$")
_CAPS_AFTER = re.compile(rf"[ ]+[{UP}]{{2,}}")
_KINSHIP = frozenset(HONORIFICS.split("|"))
_ORG_HEADS = frozenset("Trường Sở Phòng Bộ Ban Ủy Uỷ Hội Viện Cục Tòa Công Ngân Trung Chi Đội Đoàn".split())
_NAME_LABELS = tuple(
    "họ và tên|họ tên|họ, tên|tên học sinh|tên học viên|tên|người khai|người làm đơn|người đại diện|người nhận|"
    "người gửi|người liên hệ|chủ tài khoản|chủ tk|chủ hộ|người giám hộ|phụ huynh|người viết đơn|"
    "người lập biên bản|thư ký|chủ trì|người bảo lãnh|học sinh|giáo viên|bố|mẹ|cha|vợ|chồng|con|"
    "người được khen thưởng|họ tên bố|họ tên mẹ|họ tên cha|giáo viên chủ nhiệm|gvcn|người nộp|người đề nghị".split("|")
)
_NAME_PHRASES = tuple(
    "tôi|tôi tên|tên tôi|tên|mình|mình tên|em|em tên|con tên|cháu tên|tên con|tên cháu|tên em".split("|")
)
# Blanks (not line breaks) around a colon; found from each colon outwards so that a long run of spaces
# costs linear time, not a scan from every space.
_BLANKS_AFTER = re.compile(r"[^\S\n]*")
_BLANKS = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != "\n")
_IS_OR_NAMED = re.compile(rf"(?<![\w])(?:là|tên)[ ]+(?=[{UP}])")
_NAME_AT = re.compile(
    rf"(?:(?i:{HONORIFICS})[ ]+)?(?P<name>{CAP}(?:[ ]+{CAP}){{0,4}}|{UPW}(?:[ ]+{UPW}){{1,4}})(?![\w])"
)
_PARENS_TAIL = re.compile(r"[^\S\n]*\([^)\n]{0,40}\)$")


_PLACE_WORDS = tuple(w.replace("\\.", ".") for w in PLACE_PREFIXES.split("|"))
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“(\-–•]\s*|\n\s*|^\s*)$")
_PLACES = frozenset(PLACE_NAMES) | {
    "Bà Rịa",
    "Cô Tô",
    "Con Cuông",
    "Bác Ái",
    "Bà Chiểu",
    "Bà Đen",
    "Ông Lãnh",
    "Bà Triệu",
    "Ông Ích Khiêm",
    "Hồ Chí Minh",
    "Bà Điểm",
    "Bà Nà",
    "Bà Hom",
    "Bà Quẹo",
}


def _place_before(before: str) -> bool:
    tail = before.rstrip()
    if tail.lower().endswith(" số"):
        tail = tail[:-3]
    return ends_with(tail, _PLACE_WORDS)


def _is_place(name: str, before: str) -> bool:
    words = name.split()
    if " ".join(words[:2]) in _PLACES or name in _PLACES or "Hồ Chí Minh" in name:
        return True
    return _place_before(before)


def _names_after_labels(text: str) -> Iterator[tuple[int, int, str]]:
    """Names right after a form label ("Họ và tên:") or "tôi là", "tên là"."""
    for colon in re.finditer(":", text):
        window = text[max(0, colon.start() - 120) : colon.start()]
        before = _PARENS_TAIL.sub("", window.rstrip(_BLANKS)[-60:])
        if ends_with(before, _NAME_LABELS):
            found = _NAME_AT.match(text, _BLANKS_AFTER.match(text, colon.end()).end())
            if found and found.group("name") not in _PLACES and found.group("name").lower() not in _KINSHIP:
                yield found.start("name"), found.end("name"), "PERSON"
    for m in _IS_OR_NAMED.finditer(text):
        word_end = m.start() + (2 if text.startswith("là", m.start()) else 3)
        before = text[max(0, m.start() - 20) : word_end]
        if ends_with(before, _NAME_PHRASES) or ends_with(text[max(0, m.start() - 20) : m.start()], _NAME_PHRASES):
            found = _NAME_AT.match(text, m.end())
            if found and not _is_place(found.group("name"), ""):
                yield found.start("name"), found.end("name"), "PERSON"


def find_people(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, "PERSON") spans; a span may be yielded twice by different rules."""
    yield from _names_after_labels(text)
    for m in _PERSON_FAMILY.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        if m.group().startswith("Y ") and m.group().count(" ") < 2:
            continue
        if not _is_place(m.group(), before) and not ends_with(before, ORG_WORDS):
            yield m.start(), m.end(), "PERSON"
    for m in _PERSON_UPPER.finditer(text):
        if not (_CAPS_AROUND.search(text[max(0, m.start() - 12) : m.start()]) or _CAPS_AFTER.match(text, m.end())):
            yield m.start(), m.end(), "PERSON"
    for m in _PERSON_HONORIFIC.finditer(text):
        honorific = m.group("h")
        before = text[max(0, m.start() - 24) : m.start()]
        if honorific[0].isupper() and not _SENTENCE_START.search(before):
            continue
        name = m.group("name")
        if len(name) < 2 or name.lower() in _KINSHIP:
            continue
        if name.split()[0] in _ORG_HEADS and _CAPS_AFTER.match(text, m.start("name") + len(name.split()[0])):
            continue
        if f"{honorific} {name.split()[0]}" in _PLACES or _is_place(name, before) or ends_with(before, ORG_WORDS):
            continue
        yield m.start("name"), m.end("name"), "PERSON"
