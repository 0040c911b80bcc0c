"""An exercise works whichever cell runs first: a question cell run before the setup cell, or after a kernel
restart (as participants do), shows its question, records the answer, and the autograder gives the points.

Real course (``course init`` with a course id, nbgrader ``generate_assignment``), the released notebook in a
real kernel whose environment names the participant (as JupyterHub does), then nbgrader autograde with the
kit's preprocessors on what that kernel saved.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from hocai_grader.answers import answer_key, shown_questions
from hocai_grader.preprocessors import SANITIZE_PREPROCESSORS
from hocai_grader.workspace import init_course

WHO = "lanpt"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from nbgrader.apps import NbGraderAPI

    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    course = init_course(tmp_path_factory.mktemp("thu-tu-o") / "lop", course_id="lop-thu-tu")
    with course.gradebook() as gb:
        gb.update_or_create_student(WHO)
    config = course.config
    config.Autograde.sanitize_preprocessors = SANITIZE_PREPROCESSORS
    api = NbGraderAPI(coursedir=course.coursedir(), config=config)
    result = api.generate_assignment("bai01", force=True)
    assert result["success"], result.get("log")
    return course, api


def _cells(folder: Path) -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(folder / "bai01.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if c.cell_type == "code"}


def _run(client, source: str) -> str:
    """Run one cell; return its text output after checking it raised nothing and printed no traceback."""
    cell = nbformat.v4.new_code_cell(source)
    client.nb.cells = [cell]
    client.execute_cell(cell, 0)  # raises CellExecutionError on any error
    assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    assert "Traceback" not in text and "Error" not in text, text
    return text


def test_released_cells_name_their_assignment_and_course(course):
    course, _ = course
    cells = _cells(course.release / "bai01")
    questions = [c.source for gid, c in cells.items() if gid.startswith("q")]
    assert len(questions) == 6
    assert all('show_question(spec, assignment="bai01", course="lop-thu-tu")' in s for s in questions)
    assert all(s.startswith("from hocai.exercise import") for s in questions)
    assert 'show_submit("bai01")' in cells["nop_bai"].source
    assert "from hocai.exercise import instructor_key" in cells["dap_an_giang_vien"].source


def test_question_first_and_after_restart_records_answers_that_grade(course, tmp_path):
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    course, api = course
    key = answer_key(str(course.root), "bai01", WHO)
    paper = {q["id"]: q for q in shown_questions(str(course.root), "bai01", WHO)}
    work = tmp_path / WHO / "bai01"
    shutil.copytree(course.release / "bai01", work)
    cells = _cells(work)
    env = {k: v for k, v in os.environ.items() if k not in ("NBGRADER_EXECUTION", "HOCAI_PARTICIPANT")}
    env["JUPYTERHUB_USER"] = WHO
    km = KernelManager(kernel_name="python3")
    client = NotebookClient(nbformat.v4.new_notebook(), km=km, resources={"metadata": {"path": str(work)}}, timeout=120)
    shown = "from hocai.exercise.question_form import SHOWN\nprint(json.dumps(SHOWN[{q!r}].spec, ensure_ascii=False))"
    answer = (
        "from hocai.exercise.question_form import SHOWN\n"
        "SHOWN[{q!r}].control.value = {v!r}\nprint(SHOWN[{q!r}].status.value)"
    )
    with client.setup_kernel(env=env, cwd=str(work)):
        # A fresh kernel: question 4 is the first cell run, before the setup cell.
        out = _run(client, cells["q4"].source)
        assert f"dành cho «{WHO}»" in out  # it did the setup itself, for this participant
        spec = json.loads(_run(client, "import json\n" + shown.format(q="q4")))
        assert spec["prompt"] == paper["q4"]["prompt"] and spec["options"] == paper["q4"]["options"]
        assert "Đã lưu" in _run(client, answer.format(q="q4", v=key["q4"]))
        # After a restart, question 1 first again; then the setup cell and the question once more (idempotent).
        km.restart_kernel(now=True)
        client.kc.wait_for_ready(timeout=60)
        _run(client, cells["q1"].source)
        assert "Đã lưu" in _run(client, answer.format(q="q1", v=key["q1"]))
        _run(client, cells["chuan_bi"].source)
        _run(client, cells["q1"].source)
        again = _run(client, "import json\n" + shown.format(q="q1"))
        assert json.loads(again)["options"] == paper["q1"]["options"]
        # The key cell and the «Nộp bài» cell run first after a restart: no error either.
        km.restart_kernel(now=True)
        client.kc.wait_for_ready(timeout=60)
        _run(client, cells["dap_an_giang_vien"].source)
        _run(client, cells["nop_bai"].source)
        _run(client, cells["q6"].source)
    saved = json.loads((work / "answers.json").read_text(encoding="utf-8"))
    assert saved["participant"] == WHO and saved["assignment"] == "bai01"
    assert saved["answers"] == {"q1": key["q1"], "q4": key["q4"]}
    target = course.submitted / WHO / "bai01"
    shutil.copytree(work, target)
    (target / "timestamp.txt").write_text("2026-01-05 08:00:00.000000 UTC", encoding="utf-8")
    result = api.autograde("bai01", WHO, force=True)
    assert result["success"], result.get("log")
    with course.gradebook() as gb:
        assert gb.find_submission("bai01", WHO).score == 4  # q1 and q4, 2 points each, on this form
