"""Dates of birth: a date or a year only where a birth word announces it (sinh ngày, ngày sinh, SN…).

Event dates, deadlines and years in plans are not personal data. Years before 1920 (historical
figures) and the encyclopedic "Tên (sinh ngày …)" of public figures are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hocai.safety._pii_patterns import lead

CURRENT_YEAR = 2026

_DATE = (
    r"(?P<d1>(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y1>\d{4}))"
    r"|(?P<d2>(?P<c>\d{1,2})[ ]+tháng[ ]+(?P<e>\d{1,2})[ ]*,?[ ]+năm[ ]+(?P<y2>\d{4}))"
    r"|(?P<d3>(?P<f>\d{1,2})[/.\-](?P<y3>\d{4}))"
)
_DOB = re.compile(
    rf"{lead('n|s|d')}(?<![\w])(?:(?P<full>(?i:ngày,? tháng,? năm sinh|ngày/tháng/năm sinh|ngày sinh|sinh ngày|"
    rf"sinh vào ngày|"
    rf"sinh vào|dob|date of birth)|(?<!học )(?<!sinh )(?i:sinh)(?=[ ]*(?:ngày[ ]*)?\d))"
    rf"|(?P<year>(?i:năm sinh|sinh năm|sn|ns|sinh)))"
    rf"[ ]*(?::|-|là)?[ ]*(?:ngày[ ]+)?(?:(?P<date>{_DATE})|(?P<yonly>\d{{4}}))(?![\w]|[/.\-]\d)"
)


def _date_ok(m: re.Match) -> bool:
    year = int(m.group("y1") or m.group("y2") or m.group("y3") or m.group("yonly"))
    if not 1920 <= year <= CURRENT_YEAR:
        return False
    day, month = (m.group("a"), m.group("b")) if m.group("d1") else (m.group("c"), m.group("e"))
    if m.group("d3"):
        day, month = "1", m.group("f")
    if day is None:
        return True
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def _in_parentheses(text: str, pos: int) -> bool:
    """True inside "(…" on the same line: the encyclopedic "Name (sinh …)" of a public figure."""
    lo = max(0, pos - 80)
    line = max(lo, text.rfind("\n", lo, pos) + 1)
    return text.rfind("(", line, pos) > text.rfind(")", line, pos)


def find_birth_dates(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, "DATE_OF_BIRTH") for dates a birth context word announces."""
    for m in _DOB.finditer(text):
        if not _date_ok(m) or _in_parentheses(text, m.start()):
            continue
        key = "date" if m.group("date") else "yonly"
        yield m.start(key), m.end(key), "DATE_OF_BIRTH"
