"""Each participant is graded on the form they were shown: their own variants and option order.

Three paths, on a real course: the paper form (``course questions/answer-key --participant`` →
``submit-answers`` → nbgrader autograde with the kit's preprocessors and the kit's sandboxed autograde), and
the participant's own notebook run in a real kernel without a hub (the identity comes from the environment,
answers are clicked into the widgets). Two participants with different forms both score full marks with
their own answers; the same answers moved to the other participant do not. Then item statistics and the
report's item sheet.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from hocai.cli import main as hocai_main
from hocai_grader.answers import answer_key, shown_questions, submit_answers
from hocai_grader.preprocessors import SANITIZE_PREPROCESSORS
from hocai_grader.workspace import init_course

ROOT = Path(__file__).resolve().parents[2]
A, B, C, D = "annv", "binhtt", "chilk", "dungpv"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    course = init_course(tmp_path_factory.mktemp("bien-the") / "lop", course_id="lop-bien-the")
    with course.gradebook() as gb:
        for sid in (A, B, C, D):
            gb.update_or_create_student(sid)
    result = _api(course).generate_assignment("bai01", force=True)
    assert result["success"], result.get("log")
    return course


def _api(course):
    from nbgrader.apps import NbGraderAPI

    config = course.config
    config.Autograde.sanitize_preprocessors = SANITIZE_PREPROCESSORS
    return NbGraderAPI(coursedir=course.coursedir(), config=config)


def _grade(course, student: str) -> float:
    result = _api(course).autograde("bai01", student, force=True)
    assert result["success"], result.get("log")
    with course.gradebook() as gb:
        return gb.find_submission("bai01", student).score


def test_the_two_participants_have_different_forms(course):
    a, b = (shown_questions(str(course.root), "bai01", p) for p in (A, B))
    assert [q["variant"] for q in a if "variant" in q] != [q["variant"] for q in b if "variant" in q]
    assert answer_key(str(course.root), "bai01", A) != answer_key(str(course.root), "bai01", B)
    stamped = (course.source / "bai01" / "bai01.ipynb").read_text(encoding="utf-8")
    assert 'course=\\"lop-bien-the\\"' in stamped


def test_paper_forms_grade_the_form_each_participant_got(course, tmp_path, capsys):
    for who in (A, B):
        assert hocai_main(["course", "answer-key", str(course.root), "bai01", "--participant", who, "--json"]) == 0
        key = tmp_path / f"{who}.json"
        key.write_text(capsys.readouterr().out, encoding="utf-8")
        assert hocai_main(["course", "submit-answers", str(course.root), who, "bai01", str(key)]) == 0
        assert "Đã nộp bài" in capsys.readouterr().out
        assert _grade(course, who) == 12
    moved = answer_key(str(course.root), "bai01", A)
    submit_answers(str(course.root), C, "bai01", moved)
    assert _grade(course, C) < 12
    saved = json.loads((course.submitted / C / "bai01" / "answers.json").read_text(encoding="utf-8"))
    assert saved["participant"] == C


def test_questions_json_is_the_participants_form(course, capsys):
    assert hocai_main(["course", "questions", str(course.root), "bai01", "--participant", A, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["participant"] == A and data["points"] == 12
    q1 = data["questions"][0]
    assert [o["id"] for o in q1["options"]] == ["A", "B", "C", "D"] and "variants" not in q1
    assert q1["objective"] == "bai01.1" and q1["variant"] in (0, 1, 2)
    assert hocai_main(["course", "answer-key", str(course.root), "bai01", "--participant", "x y"]) == 2
    assert "không hợp lệ" in capsys.readouterr().err


def _run_as(participant: str, folder: Path, cells: list[str]) -> list:
    """Run the released notebook's cells, then ``cells``, in a real kernel whose environment names
    ``participant`` (as JupyterHub does), in ``folder``; returns the extra cells' outputs."""
    from nbclient import NotebookClient

    nb = nbformat.read(folder / "bai01.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type == "code"] + [nbformat.v4.new_code_cell(s) for s in cells]
    env = {k: v for k, v in os.environ.items() if k not in ("NBGRADER_EXECUTION", "HOCAI_PARTICIPANT")}
    env["JUPYTERHUB_USER"] = participant
    client = NotebookClient(nb, resources={"metadata": {"path": str(folder)}}, timeout=120, kernel_name="python3")
    with client.setup_kernel(env=env, cwd=str(folder)):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    setup = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    (folder.parent / "setup-output.txt").write_text(setup, encoding="utf-8")
    return [c.outputs for c in nb.cells[-len(cells) :]]


def test_own_notebook_without_a_hub_is_graded_on_what_it_showed(course, tmp_path):
    key = answer_key(str(course.root), "bai01", D)
    work = tmp_path / D / "bai01"
    shutil.copytree(course.release / "bai01", work)
    answer = (
        "import json\nfrom hocai.exercise.question_form import SHOWN\n"
        f"key = json.loads({json.dumps(json.dumps(key, ensure_ascii=False))})\n"
        "for qid, value in key.items():\n"
        "    view = SHOWN[qid]\n"
        "    if view.spec['type'] == 'single':\n"
        "        view.control.value = value\n"
        "    elif view.spec['type'] == 'short':\n"
        "        view.control.value = value\n"
        "    elif view.spec['type'] == 'multiple':\n"
        "        for row in view.control.children:\n"
        "            button = row.children[0]\n"
        "            button.value = button.description.split()[-1] in value\n"
        "    elif view.spec['type'] == 'matching':\n"
        "        for row, v in zip(view.control.children, value):\n"
        "            row.children[1].value = v\n"
        "print(json.dumps({q: v.spec for q, v in SHOWN.items()}, ensure_ascii=False))"
    )
    outputs = _run_as(D, work, [answer])
    assert f"dành cho «{D}»" in (work.parent / "setup-output.txt").read_text(encoding="utf-8")
    shown = json.loads(outputs[0][-1]["text"])
    paper = {q["id"]: q for q in shown_questions(str(course.root), "bai01", D)}
    for qid, spec in shown.items():
        assert spec["prompt"] == paper[qid]["prompt"] and spec.get("options") == paper[qid].get("options")
    saved = json.loads((work / "answers.json").read_text(encoding="utf-8"))
    assert saved["participant"] == D and saved["answers"] == key
    target = course.submitted / D / "bai01"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(work, target)
    (target / "timestamp.txt").write_text("2026-01-05 08:00:00.000000 UTC", encoding="utf-8")
    assert _grade(course, D) == 12
    # The same answers.json in another participant's submission earns less.
    other = submit_answers(str(course.root), B, "bai01", answer_key(str(course.root), "bai01", B))
    shutil.copy(work / "answers.json", other / "answers.json")
    assert _grade(course, B) < 12
    graded = (course.autograded / B / "bai01" / "bai01.ipynb").read_text(encoding="utf-8")
    assert f"trên đề của «{D}», bài được chấm trên đề của «{B}»" in graded
    assert f"Chấm trên đề của học viên «{B}»" in graded


@pytest.mark.skipif(not shutil.which("bwrap"), reason="the kit's sandboxed autograde needs bubblewrap")
def test_sandboxed_autograde_binds_the_graded_participant(course):
    from hocai_grader.autograde import autograde

    for who in (A, B):
        submit_answers(str(course.root), who, "bai01", answer_key(str(course.root), "bai01", who))
    submit_answers(str(course.root), C, "bai01", answer_key(str(course.root), "bai01", B))
    autograde(course, "bai01", jobs=2, force=True, progress=False)
    with course.gradebook() as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions("bai01")}
    assert scores[A] == scores[B] == 12 and scores[C] < 12


def test_item_statistics_and_report_sheet(course, tmp_path, capsys):
    import openpyxl

    assert hocai_main(["course", "items", str(course.root), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    whole = [s for s in stats if s["variant"] is None]
    assert [s["question"] for s in whole] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert all(s["graded"] == 4 and 0 <= s["facility"] <= 1 for s in whole)
    per_variant = [s for s in stats if s["question"] == "q1" and s["variant"] is not None]
    assert [s["variant"] for s in per_variant] == [1, 2, 3] and sum(s["graded"] for s in per_variant) == 4
    assert all(set(s["flags"]) <= {"too_easy", "too_hard", "not_discriminating"} for s in stats)
    assert hocai_main(["course", "items", str(course.root)]) == 0
    assert "độ dễ" in capsys.readouterr().out
    out = tmp_path / "bao-cao.xlsx"
    assert hocai_main(["course", "report", str(course.root), "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    sheet = book["Thống kê câu hỏi"]
    assert sheet["A1"].value == "Bài" and sheet.max_row == 1 + len(stats)
    page = tmp_path / "bao-cao.html"
    assert hocai_main(["course", "report", str(course.root), "--out", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert text.count("<h2>Thống kê câu hỏi</h2>") == 1 and text.rstrip().endswith("</body></html>")
    assert "<script" not in text
