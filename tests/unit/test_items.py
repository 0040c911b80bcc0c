"""Item statistics: the point-biserial discrimination and the flags an instructor sees."""

from __future__ import annotations

import pytest

from hocai_grader.items import _flags, _stat, point_biserial


def test_point_biserial_follows_the_rest_of_the_score():
    assert point_biserial([1, 1, 0, 0], [90, 80, 30, 20]) == pytest.approx(0.98, abs=0.01)
    assert point_biserial([0, 0, 1, 1], [90, 80, 30, 20]) == pytest.approx(-0.98, abs=0.01)
    assert point_biserial([1, 1, 1, 1], [90, 80, 30, 20]) is None  # everyone right: undefined
    assert point_biserial([1, 0], [90, 20]) is None  # too few people


def test_flags_for_easy_hard_and_non_discriminating_items():
    assert _flags(0.97, 0.5) == ["too_easy"]
    assert _flags(0.1, 0.5) == ["too_hard"]
    assert _flags(0.6, 0.05) == ["not_discriminating"]
    assert _flags(0.6, 0.4) == [] and _flags(None, None) == []


def test_stat_counts_answered_and_facility():
    stat = _stat("bai01", "q1", 2, "bai01.1", [(1.0, 80, True), (0.0, 40, True), (0.0, 10, False), (1.0, 70, True)])
    assert (stat.graded, stat.answered, stat.facility, stat.variant) == (4, 3, 0.5, 2)
    assert stat.discrimination > 0.8 and stat.flags == []


def test_no_flag_from_too_few_people():
    few = _stat("bai01", "q1", 1, "bai01.1", [(0.0, 50, True)] * 4)
    many = _stat("bai01", "q1", 1, "bai01.1", [(0.0, 50, True)] * 5)
    assert few.flags == [] and many.flags == ["too_hard"]
