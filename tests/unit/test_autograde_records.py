"""A submission that crashes is zeroed and recorded with a number, and gradebook failures are not swallowed.

Issue 21: ``_zero_submission`` ended in ``except Exception: pass`` and ``_record`` did the same, so a crash
could silently keep a submission's old score and the autograde log could hold ``score: None``.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest

from hocai_grader import autograde
from hocai_grader.workspace import Course, init_course


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One course, made once (nbgrader's setup takes seconds); each test works on a copy."""
    tmp_path = tmp_path_factory.mktemp("mau")
    source = tmp_path / "nguon" / "bai01"
    source.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), source / "bai01.ipynb")
    course = init_course(tmp_path / "khoa", source=source.parent)
    with course.gradebook() as gb:
        gb.add_assignment("bai01")
        gb.add_notebook("bai01", "bai01")
        gb.add_grade_cell("kiemtra", "bai01", "bai01", max_score=4, cell_type="code")
        gb.add_student("an")
        gb.add_student("binh")
        gb.add_submission("bai01", "an")
        gb.find_grade("kiemtra", "bai01", "bai01", "an").auto_score = 4  # a full score from an earlier run
        gb.db.commit()
    return course.root


@pytest.fixture()
def course(template, tmp_path):
    shutil.copytree(template, tmp_path / "khoa", symlinks=True)
    return Course(tmp_path / "khoa")


def _job(course, student: str) -> autograde.Job:
    return autograde.Job("bai01", student, course.root / "autograded" / student / "bai01", "digest", status="crash")


def test_a_crashed_submission_loses_its_old_score(course):
    job = _job(course, "an")
    autograde._zero_submission(course, job)
    entry = autograde._record(course, job, {})
    assert (entry["score"], entry["max_score"]) == (0.0, 4.0)


def test_a_crash_before_any_record_scores_zero_not_none(course):
    job = _job(course, "binh")
    autograde._zero_submission(course, job)
    entry = autograde._record(course, job, {})
    assert (entry["score"], entry["max_score"]) == (0.0, 4.0)


def test_a_broken_gradebook_is_not_swallowed(course):
    course.db_path.write_bytes(b"not a database " * 100)
    with pytest.raises(Exception, match="(?i)database|file"):
        autograde._zero_submission(course, _job(course, "an"))
