"""«Nộp bài» through nbgrader's real exchange on one machine: release, a participant's folder, submit, collect."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from hocai.exercise import storage, submit
from hocai_grader.collect import collect
from hocai_grader.release import release
from hocai_grader.workspace import init_course, nbgrader_config_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    base = tmp_path_factory.mktemp("nop")
    source = base / "exercises"
    (source / "bai01").mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / "bai01" / "bai01.ipynb", source / "bai01")
    course = init_course(base / "lop", source=source)
    release(course, "bai01")
    return course


def _participant(course, tmp_path: Path) -> Path:
    """The participant's folder as «fetch» leaves it, with the course's exchange named in its config."""
    home = tmp_path / "home"
    folder = home / "bai01"
    shutil.copytree(course.exchange / course.course_id / "outbound" / "bai01", folder)
    (home / "nbgrader_config.py").write_text(nbgrader_config_text(course), encoding="utf-8")
    return folder


def test_released_exercise_ends_with_the_submit_button(released):
    nb = nbformat.read(released.exchange / released.course_id / "outbound" / "bai01" / "bai01.ipynb", as_version=4)
    assert 'show_submit("bai01")' in nb.cells[-1].source


def test_unanswered_items_are_named_in_vietnamese(released, tmp_path):
    folder = _participant(released, tmp_path)
    assert submit.unanswered(folder, "bai01")[:2] == ["Câu 1", "Câu 2"]
    assert any(m.startswith("Suy ngẫm") for m in submit.unanswered(folder, "bai01"))
    storage.save("q1", "A", folder)
    assert "Câu 1" not in submit.unanswered(folder, "bai01")


def test_submit_goes_through_the_exchange_and_collect_takes_it(released, tmp_path):
    folder = _participant(released, tmp_path)
    storage.save("q1", "A", folder, assignment="bai01")
    when = submit.submit(folder, "bai01", home=tmp_path)
    assert submit.last_submission("bai01", home=tmp_path) == when
    inbound = list((released.exchange / released.course_id / "inbound").iterdir())
    assert [p.name.split("+")[:2] for p in inbound] == [
        [os.environ.get("JUPYTERHUB_USER") or getpass.getuser(), "bai01"]
    ]
    storage.save("q2", ["A"], folder, assignment="bai01")
    again = submit.submit(folder, "bai01", home=tmp_path)
    assert submit.last_submission("bai01", home=tmp_path) == again
    found = collect(released, "bai01", warn=lambda m: None)
    me = os.environ.get("JUPYTERHUB_USER") or getpass.getuser()
    assert found["bai01"] == [me]
    saved = json.loads((released.submitted / me / "bai01" / "answers.json").read_text(encoding="utf-8"))
    assert saved["answers"]["q2"] == ["A"]  # the newest submission is the one collected


def test_refused_submission_is_one_vietnamese_sentence(released, tmp_path):
    folder = _participant(released, tmp_path)
    (tmp_path / "home" / "nbgrader_config.py").write_text(
        nbgrader_config_text(released).replace(str(released.exchange), str(tmp_path / "khong-co")), encoding="utf-8"
    )
    with pytest.raises(submit.SubmitError, match="^Không nộp được bài"):
        submit.submit(folder, "bai01", home=tmp_path)
    assert submit.last_submission("bai01", home=tmp_path) == ""
