"""Shared pieces of the personal-data patterns: Vietnamese letter classes and fast-matching helpers."""

from __future__ import annotations

import re

from hocai.safety._pii_lexicon import NON_NAME_WORDS

_LETTERS = [chr(c) for c in range(0x41, 0x1EFA) if chr(c).isalpha() and (c < 0x250 or c >= 0x1E00)]
UP = "".join(c for c in _LETTERS if c.isupper())
LO = "".join(c for c in _LETTERS if c.islower())

_NON_NAME = "|".join(sorted(NON_NAME_WORDS, key=len, reverse=True))
# One capitalised syllable of a name ("Hương", "H'Nhi"), not a word that starts an organisation or a title.
CAP = rf"(?!(?:{_NON_NAME})(?![{LO}]))[{UP}][{LO}]{{0,6}}(?:'[{UP}]?[{LO}]{{1,6}})?"
# One syllable of a name written in capitals ("NGUYỄN", "NGUYEN").
UPW = rf"(?!(?:{_NON_NAME.upper()})(?![{UP}]))[{UP}]{{1,7}}"


def lead(*alternations: str) -> str:
    """A lookahead on the possible first letters: lets the regex engine skip other positions fast."""
    firsts = {w[0] for alt in alternations for w in alt.split("|") if w}
    chars = sorted({c for f in firsts for c in (f, f.upper(), f.lower())})
    return "(?=[" + "".join(re.escape(c) for c in chars) + "])"


def ends_with(before: str, words: tuple[str, ...]) -> bool:
    """True when ``before`` ends with one of ``words`` (lower case) as whole words."""
    tail = before.rstrip(" :").lower()
    for word in words:
        if tail.endswith(word) and (len(tail) == len(word) or not tail[-len(word) - 1].isalnum()):
            return True
    return False


ORG_WORDS = tuple(
    "ủy ban nhân dân|uỷ ban nhân dân|ubnd|hđnd|hội đồng nhân dân|công an|đảng ủy|đảng bộ|trường|trạm y tế|"
    "bưu điện|chi nhánh|văn phòng|mặt trận|huyện ủy|tỉnh ủy|thành ủy|quận ủy|ban chỉ huy quân sự|kho bạc|"
    "chi cục thuế|tòa án nhân dân|viện kiểm sát nhân dân|sở|bộ|phòng|ban".split("|")
)
