"""The exercises through the real nbgrader pipeline: validate, generate, submit from answers, autograde.

Submissions are written by ``hocai course submit-answers`` (the path a paper form or a scripted
participant takes); autograde runs with ``RestoreInstructorCode`` first among nbgrader's sanitising
preprocessors, and scores are read from the gradebook.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import nbformat
import pytest

from hocai.cli import main as hocai_main
from hocai_grader.answers import answer_key, shown_questions, submit_answers
from hocai_grader.preprocessors import SANITIZE_PREPROCESSORS
from hocai_grader.workspace import init_course

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
NAMES = [f"bai0{i}" for i in range(1, 9)]
STUDENTS = [
    "hv_all",
    "hv_wrong",
    "hv_blank",
    "hv_part",
    "hv_nfd",
    "hv_cheat1",
    "hv_cheat2",
    "hv_cheat3",
    "hv_cheat4",
    "hv_cheat5",
    "hv_plain",
]


def _key(course, name: str, student: str) -> dict:
    """The key of ``student``'s own form (their variants and option order)."""
    return answer_key(str(course.root), name, student)


def wrong_answers(course, name: str, student: str) -> dict:
    """An answer to every question of ``student``'s form that is valid on that form but not correct."""
    key = _key(course, name, student)
    wrong = {}
    for spec in shown_questions(str(course.root), name, student):
        value, kind = key.get(spec["id"]), spec["type"]
        if kind == "single":
            wrong[spec["id"]] = "A" if value != "A" else "B"
        elif kind in ("multiple", "mark_pii"):
            wrong[spec["id"]] = [o["id"] for o in spec["options"] if o["id"] not in value]
        elif kind in ("matching", "scam", "ordering"):
            wrong[spec["id"]] = value[1:] + value[:1]
        elif kind in ("short", "rewrite_prompt"):
            wrong[spec["id"]] = "không biết"
    return wrong


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    course = init_course(tmp_path_factory.mktemp("khoa") / "lop", source=EXERCISES)
    with course.gradebook() as gb:
        for sid in STUDENTS:
            gb.update_or_create_student(sid, first_name="Học", last_name=f"Viên {sid}")
    api = _api(course, restore=True)
    for name in NAMES:
        result = api.generate_assignment(name, force=True)
        assert result["success"], result.get("log")
    return course


def _api(course, *, restore: bool):
    from nbgrader.apps import NbGraderAPI

    config = course.config
    if restore:
        config.Autograde.sanitize_preprocessors = SANITIZE_PREPROCESSORS
    return NbGraderAPI(coursedir=course.coursedir(), config=config)


def _grade(course, name: str, student: str, *, restore: bool = True) -> float:
    result = _api(course, restore=restore).autograde(name, student, force=True)
    assert result["success"], result.get("log")
    with course.gradebook() as gb:
        return gb.find_submission(name, student).score


def _add_cells(course, name: str, student: str, sources: list[str], *, into_key: str | None = None) -> None:
    path = course.submitted / student / name / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for offset, source in enumerate(sources):
        nb.cells.insert(2 + offset, nbformat.v4.new_code_cell(source))
    if into_key is not None:
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "dap_an_giang_vien")
        cell.source = into_key
    nbformat.write(nb, path)


def test_source_notebooks_pass_nbgrader_validate():
    paths = [str(EXERCISES / n / f"{n}.ipynb") for n in NAMES]
    run = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "validate", *paths], capture_output=True, text=True, timeout=600
    )
    assert run.stdout.count("Success! Your notebook passes all the tests.") == len(NAMES), run.stdout[-3000:]


def test_released_notebooks_hold_no_answers(course):
    for name in NAMES:
        source = json.dumps(nbformat.read(course.release / name / f"{name}.ipynb", as_version=4), ensure_ascii=False)
        assert "register_key(" not in source and "BEGIN SOLUTION" not in source
        assert "check.expect" not in source and "HIDDEN TESTS" not in source
        original = (EXERCISES / name / f"{name}.ipynb").read_text(encoding="utf-8")
        assert "register_key(" in original


def test_questions_command_lists_ids_types_points_options(course, capsys):
    assert hocai_main(["course", "questions", str(course.root), "bai07", "--participant", "hv_all", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    kinds = {q["id"]: q["type"] for q in data["questions"]}
    assert kinds["q1"] == "scam" and kinds["suy_ngam"] == "reflection"
    scam = data["questions"][0]
    assert [o["id"] for o in scam["options"]] == ["LUA_DAO", "BINH_THUONG"] and len(scam["items"]) == 5
    assert data["points"] == 13
    assert hocai_main(["course", "questions", str(course.root), "bai09"]) == 2


def test_all_correct_scores_100_over_the_module(course, tmp_path):
    total = 0.0
    for name in NAMES:
        answers = tmp_path / f"{name}.json"
        answers.write_text(json.dumps(_key(course, name, "hv_all"), ensure_ascii=False), encoding="utf-8")
        assert hocai_main(["course", "submit-answers", str(course.root), "hv_all", name, str(answers)]) == 0
        score = _grade(course, name, "hv_all")
        with course.gradebook() as gb:
            assert score == gb.find_assignment(name).max_score
        total += score
    assert total == 100


def test_wrong_blank_and_partial(course):
    submit_answers(str(course.root), "hv_wrong", "bai01", wrong_answers(course, "bai01", "hv_wrong"))
    assert _grade(course, "bai01", "hv_wrong") == 0
    submit_answers(str(course.root), "hv_blank", "bai01", {})
    assert _grade(course, "bai01", "hv_blank") == 0
    key = _key(course, "bai01", "hv_part")
    part = {"q1": key["q1"], "q3": key["q3"], "q5": key["q5"], "q6": wrong_answers(course, "bai01", "hv_part")["q6"]}
    submit_answers(str(course.root), "hv_part", "bai01", part)
    assert _grade(course, "bai01", "hv_part") == 6


def test_nfd_spaces_case_and_old_tone_placement_score_the_same(course):
    key = _key(course, "bai07", "hv_nfd")
    variant = dict(key)
    variant["q5"] = unicodedata.normalize("NFD", "  KHOÁ ")  # old tone placement, NFD, case, spaces
    variant["q2"] = f" {key['q2'].lower()} "
    variant["q3"] = [v.lower() for v in key["q3"]]
    submit_answers(str(course.root), "hv_nfd", "bai07", variant)
    saved = json.loads((course.submitted / "hv_nfd" / "bai07" / "answers.json").read_text(encoding="utf-8"))
    assert saved["answers"]["q5"] == unicodedata.normalize("NFC", "KHOÁ")
    assert _grade(course, "bai07", "hv_nfd") == 13


EQ_CHEAT = """
import hocai.exercise.storage as s
class Yes(str):
    def __eq__(self, other): return True
    __hash__ = str.__hash__
s.load = lambda folder=None: {f"q{i}": Yes("A") for i in range(1, 11)}
"""
PATCH_CHEAT = """
import hocai.exercise.check as c
c.expect = lambda *a, **k: None
c.expect_shown = lambda *a, **k: None
c.rewritten_prompt = lambda *a, **k: None
"""
AST_CHEAT = """
import ast
class Strip(ast.NodeTransformer):
    def visit_Expr(self, node):
        return None if "check" in ast.unparse(node) else node
    def visit_Raise(self, node): return None
    def visit_Assert(self, node): return None
get_ipython().ast_transformers.append(Strip())
"""


@pytest.mark.parametrize(
    "student, cells, into_key",
    [
        ("hv_cheat1", [EQ_CHEAT], None),
        ("hv_cheat2", [PATCH_CHEAT], None),
        ("hv_cheat3", [AST_CHEAT], None),
        ("hv_cheat4", [], PATCH_CHEAT),
    ],
)
def test_cheating_cells_score_no_more_than_honest_answers(course, student, cells, into_key):
    key = _key(course, "bai01", student)
    submit_answers(str(course.root), student, "bai01", {"q1": key["q1"]})
    _add_cells(course, "bai01", student, cells, into_key=into_key)
    assert _grade(course, "bai01", student) == 2


def test_non_string_types_in_answers_json_earn_nothing(course):
    key = _key(course, "bai01", "hv_cheat5")
    submit_answers(str(course.root), "hv_cheat5", "bai01", {"q1": key["q1"]})
    path = course.submitted / "hv_cheat5" / "bai01" / "answers.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["answers"].update({"q2": {"A": True}, "q3": 3, "q4": [key["q4"]], "q5": True, "q6": None})
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _grade(course, "bai01", "hv_cheat5") == 2


def test_without_restore_a_patched_check_would_score(course):
    """Shows the threat RestoreInstructorCode removes: plain nbgrader runs the participant's cell."""
    submit_answers(str(course.root), "hv_plain", "bai01", {})
    _add_cells(course, "bai01", "hv_plain", [PATCH_CHEAT])
    assert _grade(course, "bai01", "hv_plain", restore=False) == 12


@pytest.mark.parametrize(
    "args, answers, words",
    [
        (["khong_co", "bai01"], {"q1": "B"}, "Không có học viên"),
        (["hv_all", "bai01"], {"q9": "B"}, "q9"),
        (["hv_all", "bai01"], {"q1": "Z"}, "chỉ được chọn"),
        (["hv_all", "bai01"], {"q2": "A"}, "danh sách"),
        (["hv_all", "bai01"], {"q1": 1}, "đoạn chữ"),
        (["hv_all", "bai02"], {"q2": ["1", "2"]}, "đủ 4 mục"),
    ],
)
def test_submit_answers_rejects_bad_input_in_vietnamese(course, tmp_path, capsys, args, answers, words):
    file = tmp_path / "a.json"
    file.write_text(json.dumps(answers), encoding="utf-8")
    before = sorted(p.name for p in (course.submitted).glob("*/*"))
    assert hocai_main(["course", "submit-answers", str(course.root), *args, str(file)]) == 2
    assert words in capsys.readouterr().err
    assert sorted(p.name for p in (course.submitted).glob("*/*")) == before
