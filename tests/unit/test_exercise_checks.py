"""Exercise checks, answer storage, the committed source notebooks, and widget answers across a kernel restart."""

from __future__ import annotations

import ast
import json
import unicodedata
from pathlib import Path

import nbformat
import pytest

from hocai.exercise import bank, check, key, storage
from hocai.exercise.authoring import KEY_ID, SETUP_ID, build_notebook, hashes, read_assignment
from hocai.exercise.spec import InvalidAnswer, canonical, digest, validate

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
NAMES = [f"bai0{i}" for i in range(1, 9)]
SALT = "test-salt"


def _nb(name: str) -> nbformat.NotebookNode:
    return nbformat.read(EXERCISES / name / f"{name}.ipynb", as_version=4)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    key.register_key({})
    return tmp_path


def _expect(qid: str, kind: str, answer, **kw) -> None:
    question = {"id": qid, "type": kind, "answer": answer, **kw}
    check.expect(qid, kind, hashes(question, SALT), salt=SALT, **kw)


# --- canonical forms and types -------------------------------------------------------------------


def test_text_forms_compare_equal_after_normalising():
    forms = ["khóa", "khoá", unicodedata.normalize("NFD", "khoá"), "  KHÓA ", "Khóa."]
    assert len({digest(SALT, "q", canonical("short", f)) for f in forms}) == 1


def test_tones_matter_unless_the_question_says_otherwise():
    assert canonical("short", "con nguoi") != canonical("short", "con người")
    assert canonical("short", "con ngươi", tone_insensitive=True) == canonical(
        "short", "con người", tone_insensitive=True
    )


@pytest.mark.parametrize(
    "kind, value",
    [
        ("single", 1),
        ("single", ["A"]),
        ("single", None),
        ("multiple", "A,B"),
        ("multiple", [1, 2]),
        ("matching", {"1": "A"}),
        ("short", b"abc"),
        ("ordering", ("1", "2")),
    ],
)
def test_other_types_are_rejected(kind, value):
    with pytest.raises(InvalidAnswer):
        canonical(kind, value)


def test_str_subclass_with_always_true_eq_is_rejected():
    class Yes(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    with pytest.raises(InvalidAnswer):
        canonical("single", Yes("A"))
    with pytest.raises(InvalidAnswer):
        canonical("multiple", [Yes("A")])


def test_multiple_ignores_order_but_ordering_does_not():
    assert canonical("multiple", ["b", "A"]) == canonical("multiple", ["A", "B"])
    assert canonical("ordering", ["2", "1"]) != canonical("ordering", ["1", "2"])


def test_validate_checks_options_and_shapes():
    spec = {
        "id": "q",
        "type": "matching",
        "items": [{"id": "1", "text": "x"}, {"id": "2", "text": "y"}],
        "options": [{"id": "A", "text": "a"}, {"id": "B", "text": "b"}],
    }
    assert validate(spec, ["b", ""]) == ["B", ""]
    for bad in (["A"], ["A", "C"], "A"):
        with pytest.raises(InvalidAnswer):
            validate(spec, bad)


# --- checks read answers.json fresh --------------------------------------------------------------


def test_check_reads_answers_json_fresh(here):
    with pytest.raises(check.CheckFailed, match="chưa có câu trả lời"):
        _expect("q1", "single", "B")
    storage.save("q1", "A")
    with pytest.raises(check.CheckFailed, match="chưa đúng"):
        _expect("q1", "single", "B")
    storage.save("q1", "b")
    _expect("q1", "single", "B")


def test_check_rejects_non_string_values_written_to_the_file(here):
    (here / "answers.json").write_text(json.dumps({"q1": ["B"], "q2": 5, "q3": {"x": "y"}}), encoding="utf-8")
    for qid in ("q1", "q2", "q3"):
        with pytest.raises(check.CheckFailed):
            _expect(qid, "single", "B")


def test_short_answer_accepts_listed_alternatives(here):
    storage.save("q5", "Phong  toả")
    question = {"id": "q5", "type": "short", "answer": "khóa"}
    check.expect("q5", "short", hashes(question, SALT, ["phong tỏa"]), salt=SALT)
    with pytest.raises(check.CheckFailed):
        check.expect("q5", "short", hashes(question, SALT), salt=SALT)


def test_storage_is_nfc_atomic_and_tolerant(here):
    storage.save("q1", unicodedata.normalize("NFD", "Nguyễn"), assignment="bai01")
    data = json.loads((here / "answers.json").read_text(encoding="utf-8"))
    assert data["answers"]["q1"] == "Nguyễn" and data["assignment"] == "bai01"
    assert not list(here.glob(".answers-*"))
    (here / "answers.json").write_bytes(b"\xff\xfe not json")
    assert storage.load() == {}


def test_rewritten_prompt_needs_score_and_no_personal_data(here):
    question = next(q for q in bank.load("bai03")["questions"] if q["type"] == "rewrite_prompt")
    variant = question["variants"][0]
    storage.save(question["id"], variant["original"])
    with pytest.raises(check.CheckFailed, match="dữ liệu cá nhân"):
        check.rewritten_prompt(question["id"], min_score=question["min_score"])
    storage.save(question["id"], "Viết thông báo họp.")
    with pytest.raises(check.CheckFailed, match="tiêu chí"):
        check.rewritten_prompt(question["id"], min_score=question["min_score"])
    storage.save(question["id"], variant["answer"])
    check.rewritten_prompt(question["id"], min_score=question["min_score"])


def test_legacy_notebook_round_trips():
    """A course's own notebook in the single-variant layout still builds and reads back the same."""
    assignment = {
        "name": "bai99",
        "salt": SALT,
        "intro": "# Bài",
        "outro": "Hết",
        "accepted": {"q2": ["hai"]},
        "reflection": {"id": "suy_ngam", "prompt": "Viết", "guide": "Gợi ý"},
        "questions": [
            {**SPEC, "answer": "B"},
            {"id": "q2", "type": "short", "points": 1, "prompt": "Gõ", "answer": "2"},
        ],
    }
    nb = build_notebook(assignment)
    assert read_assignment(nb) == assignment


# --- the committed source notebooks --------------------------------------------------------------


def test_module_has_100_autograded_points_and_one_reflection_each():
    total = 0
    for name in NAMES:
        cells = _nb(name).cells
        total += sum(
            c.metadata.nbgrader["points"]
            for c in cells
            if c.metadata.get("hocai", {}).get("type") not in (None, "reflection")
        )
        reflections = [c for c in cells if c.metadata.get("hocai", {}).get("type") == "reflection"]
        assert len(reflections) == 1 and reflections[0].metadata.nbgrader.points == 0
    assert total == 100


@pytest.mark.parametrize("name", NAMES)
def test_code_cells_are_locked_hidden_and_known_to_nbgrader(name):
    nb = _nb(name)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        assert meta.get("grade_id"), cell.source[:60]
        if cell.cell_type == "code":
            assert cell.metadata["jupyter"]["source_hidden"] is True
            assert meta["locked"] or meta["grade_id"] == KEY_ID
        spec = cell.metadata.get("hocai")
        if spec and spec["type"] != "reflection":
            body = ast.parse(cell.source.split("### BEGIN HIDDEN TESTS")[0]).body
            literal = next(n for n in body if isinstance(n, ast.Assign) and n.targets[0].id == "spec").value
            assert ast.literal_eval(literal) == spec and meta["points"] == spec["points"]
            assert len(spec["variants"]) >= 3 and "objective" in spec
            assert "### BEGIN HIDDEN TESTS" in cell.source and meta["grade"] is True
    assert "sys.path" in next(c for c in nb.cells if c.metadata.nbgrader.grade_id == SETUP_ID).source
    assert not (EXERCISES / name / "answers.json").exists()


# --- widgets: an answer survives a kernel restart ------------------------------------------------

SPEC = {
    "id": "q1",
    "type": "single",
    "points": 2,
    "prompt": "Chọn B",
    "options": [{"id": "A", "text": "Một"}, {"id": "B", "text": "Hai"}],
}


def test_widget_answer_survives_kernel_restart(tmp_path, monkeypatch):
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    setup = (
        "from hocai.exercise import show_question, start\n"
        "from hocai.exercise.question_form import SHOWN\nstart('bai01')"
    )
    show = f"show_question({SPEC!r})"
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(s)
            for s in (setup, show, "SHOWN['q1'].control.value = 'B'", "print(SHOWN['q1'].status.value)")
        ]
    )
    km = KernelManager(kernel_name="python3")
    client = NotebookClient(nb, km=km, resources={"metadata": {"path": str(tmp_path)}}, timeout=60)
    with client.setup_kernel(cwd=str(tmp_path)):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        assert "Đã lưu" in nb.cells[3].outputs[0]["text"]
        assert json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))["answers"] == {"q1": "B"}
        km.restart_kernel(now=True)
        client.kc.wait_for_ready(timeout=60)
        again = [
            nbformat.v4.new_code_cell(s)
            for s in (setup, show, "print(SHOWN['q1'].control.value, '|', SHOWN['q1'].status.value)")
        ]
        for index, cell in enumerate(again):
            client.execute_cell(cell, index)
        text = again[2].outputs[0]["text"]
        assert text.startswith("B |") and "lưu từ trước" in text
