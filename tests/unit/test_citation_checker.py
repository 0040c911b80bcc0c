"""Lesson 5's citation checker does not mark correct text red (issue 16): effective dates and deadlines."""

from datetime import date

import pytest

from hocai.lessons import lesson05

TODAY = date(2026, 1, 15)


def _problems(text: str) -> list[str]:
    return [p for c in lesson05.find_citations(text, TODAY) for p in c.problems]


@pytest.mark.parametrize(
    "text",
    [
        "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 có hiệu lực từ ngày 01/01/2026.",
        "Luật Trí tuệ nhân tạo số 134/2025/QH15, thông qua ngày 10/12/2025, có hiệu lực từ ngày 01/03/2026.",
        "Kế hoạch số 12/KH-UBND yêu cầu hoàn thành trước ngày 31/12/2027.",
        "Thông báo số 5/TB-UBND: đăng ký đến hết ngày 25/3/2026.",
    ],
)
def test_effective_dates_and_deadlines_are_not_errors(text):
    assert _problems(text) == []


def test_an_effective_date_is_not_read_as_the_issue_date():
    [number] = [
        c
        for c in lesson05.find_citations(lesson05.nfc("Luật số 91/2025/QH15 có hiệu lực từ ngày 01/01/2026"), TODAY)
        if c.kind == "number"
    ]
    assert not number.problems and number.source


@pytest.mark.parametrize(
    "text, problem",
    [
        ("Nghị quyết số 05/2023/NQ-HĐND ngày 10/7/2025", lesson05.YEAR_MISMATCH),
        ("Quyết định số 15/QĐ-UBND ngày 30/5/2026 của Ủy ban nhân dân xã", lesson05.NOT_YET),
        ("Quyết định số 15/QĐ-UBND ban hành ngày 30/5/2026", lesson05.NOT_YET),
        ("hoàn thành trước ngày 31/4/2027", lesson05.NO_SUCH_DAY),
    ],
)
def test_real_red_flags_still_found(text, problem):
    problems = _problems(text)
    assert problems and problems[0].startswith(problem), problems


def test_course_sources_come_from_the_sources_file():
    assert "134/2025/QH15" in lesson05.REAL_SOURCES and "91/2025/QH15" in lesson05.REAL_SOURCES
