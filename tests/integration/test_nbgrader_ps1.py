"""A course no one here wrote: nbgrader's documentation course ps1 goes through ``hocai course`` and every
grade cell scores what nbgrader's own autograded reference copies show."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import determine_grade, is_grade

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("HOCAI_SHARED_DATA", ROOT / ".." / "shared" / "data")) / "nbgrader-ps1"
HOCAI = [sys.executable, "-m", "hocai.cli"]

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"nbgrader's ps1 course is absent ({SHARED})")


def reference_scores() -> dict[tuple[str, str, str], tuple[float | None, float]]:
    """(student, notebook, grade_id) → (auto score, max score) by nbgrader's own rule on its autograded copies."""
    scores = {}
    for path in sorted((SHARED / "autograded").glob("*/ps1/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if is_grade(cell):
                scores[(path.parts[-3], path.stem, cell.metadata.nbgrader["grade_id"])] = determine_grade(cell)
    return scores


def test_ps1_scores_match_nbgrader_reference(tmp_path):
    course_dir = tmp_path / "ps1-course"
    run = subprocess.run(
        HOCAI + ["course", "init", str(course_dir), "--course-id", "ps1", "--source", str(SHARED / "source")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    from hocai_grader.workspace import Course

    course = Course(course_dir)
    assert course.assignments() == ["ps1"]
    with course.gradebook() as gb:
        gb.update_or_create_student("bitdiddle", first_name="Ben", last_name="Bitdiddle")
        gb.update_or_create_student("hacker", first_name="Alyssa", last_name="Hacker")
    for student in ("bitdiddle", "hacker"):
        shutil.copytree(SHARED / "submitted" / student / "ps1", course.submitted / student / "ps1")

    run = subprocess.run(
        HOCAI + ["course", "autograde", str(course_dir), "--jobs", "2"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr

    expected = reference_scores()
    assert len(expected) == 16
    with course.gradebook() as gb:
        for (student, notebook, grade_id), (score, max_score) in expected.items():
            grade = gb.find_grade(grade_id, notebook, "ps1", student)
            assert grade.max_score == max_score, (student, notebook, grade_id)
            assert grade.auto_score == score, (student, notebook, grade_id, grade.auto_score, score)
        totals = {s: gb.find_submission("ps1", s).score for s in ("bitdiddle", "hacker")}
    assert totals == {"bitdiddle": 1.5, "hacker": 3.0}
    from hocai_grader.autograde import load_log

    assert {(e["student"], e["status"]) for e in load_log(course_dir)} == {("bitdiddle", "ok"), ("hacker", "ok")}
