"""The item bank (exercises/bank): objectives covered, no surface cues, parallel variants, fair short answers,
and the committed source notebooks built from it; the per-participant draw is stable and grades what it shows."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import nbformat
import pytest

from hocai.exercise import bank, check, variants
from hocai.exercise.authoring import build_from_bank, slot_hashes
from hocai.exercise.spec import KINDS

ROOT = Path(__file__).resolve().parents[2]
NAMES = [f"bai0{i}" for i in range(1, 9)]
BANKS = {name: bank.load(name) for name in NAMES}
CHOICE = ("single", "multiple")


def _slots(kind: str | None = None):
    for name, data in BANKS.items():
        for slot in data["questions"]:
            if kind is None or slot["type"] == kind:
                yield name, slot


def _lesson_objectives(name: str) -> list[str]:
    """The numbered «Mục tiêu» list at the top of the lesson notebook, without the cited sources."""
    path = next((ROOT / "notebooks").glob(f"{name[-2:]}-*.ipynb"))
    first = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
    section = first.split("## Mục tiêu", 1)[1]
    found = re.findall(r"^\d\. (.+?)(?:\s*\*\(|$)", section, re.M)
    return [re.sub(r"\s+", " ", f).strip() for f in found]


def test_every_lesson_objective_is_listed_and_has_a_graded_item():
    listed = bank.objectives()
    for name in NAMES:
        assert [listed[f"{name}.{n}"] for n in range(1, 4)] == _lesson_objectives(name)
    used = {slot["objective"] for _, slot in _slots()}
    assert used <= set(listed), used - set(listed)
    assert used == set(listed), set(listed) - used


def test_the_module_is_100_points_of_every_kind_with_three_variants_per_slot():
    total = sum(slot["points"] for _, slot in _slots())
    assert total == 100
    assert {slot["type"] for _, slot in _slots()} == set(KINDS) - {"reflection"}
    for name, slot in _slots():
        assert len(slot["variants"]) >= 3, (name, slot["id"])
        assert 5 <= len(BANKS[name]["questions"]) <= 10


def test_single_choice_key_is_seldom_the_longest_option():
    variants_ = [v for _, s in _slots("single") for v in s["variants"]]
    longest = 0
    for v in variants_:
        lengths = {o["id"]: len(o["text"]) for o in v["options"]}
        if lengths[v["answer"]] == max(lengths.values()):
            longest += 1
    n = statistics.mean(len(v["options"]) for v in variants_)
    assert longest / len(variants_) <= 1 / n + 0.10, (longest, len(variants_))


def test_options_are_of_similar_length():
    for name, slot in _slots():
        if slot["type"] not in CHOICE:
            continue
        for v in slot["variants"]:
            keys = v["answer"] if isinstance(v["answer"], list) else [v["answer"]]
            key_len = statistics.mean(len(o["text"]) for o in v["options"] if o["id"] in keys)
            others = [len(o["text"]) for o in v["options"] if o["id"] not in keys]
            assert 0.7 <= key_len / statistics.mean(others) <= 1.35, (name, slot["id"], v["prompt"][:40])


def test_multiple_choice_has_a_varying_number_of_correct_options():
    counts = []
    for name, slot in _slots("multiple"):
        for v in slot["variants"]:
            assert 1 <= len(v["answer"]) <= len(v["options"]) - 1, (name, slot["id"])
            counts.append(len(v["answer"]))
    assert len(set(counts)) >= 3 and counts.count(3) / len(counts) < 0.5, counts


def test_questions_say_what_form_is_expected():
    for name, slot in _slots():
        for v in slot["variants"]:
            prompt = v["prompt"]
            if slot["type"] == "short":
                assert "(Gõ" in prompt, (name, slot["id"])
            if slot["type"] == "multiple":
                assert "Chọn tất cả đáp án đúng; có thể chỉ có một đáp án đúng" in prompt
            if slot["type"] == "matching":
                once = "Mỗi lựa chọn dùng đúng một lần" in prompt
                assert once or "Một lựa chọn có thể dùng cho nhiều dòng" in prompt, (name, slot["id"])
                if once:
                    assert sorted(v["answer"]) == [o["id"] for o in v["options"]], (name, slot["id"])


def test_scam_and_pii_items_cannot_be_passed_by_marking_everything():
    for _, slot in _slots("scam"):
        for v in slot["variants"]:
            assert set(v["answer"]) == {"LUA_DAO", "BINH_THUONG"}
    for _, slot in _slots("mark_pii"):
        for v in slot["variants"]:
            assert 0 < len(v["answer"]) < len(v["options"])


def test_mark_pii_keys_agree_with_the_safety_toolkit():
    from hocai.safety.pii import find_entities

    for _, slot in _slots("mark_pii"):
        for v in slot["variants"]:
            found = {e.text for e in find_entities(v["text"])}
            assert found == {o["text"] for o in v["options"] if o["id"] in v["answer"]}, v["text"]


def test_model_prompts_pass_and_originals_fail():
    for _, slot in _slots("rewrite_prompt"):
        for v in slot["variants"]:
            assert check.prompt_reason("q", v["answer"], min_score=slot["min_score"]) is None
            assert check.prompt_reason("q", v["original"], min_score=slot["min_score"]) is not None


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_built_from_the_bank(name):
    nb = nbformat.read(ROOT / "exercises" / name / f"{name}.ipynb", as_version=4)
    rebuilt = build_from_bank(BANKS[name])
    assert [(c.cell_type, c.source, c.metadata) for c in rebuilt.cells] == [
        (c.cell_type, c.source, c.metadata) for c in nb.cells
    ]
    released_part = json.dumps([c.metadata.get("hocai") for c in nb.cells], ensure_ascii=False)
    assert '"answer"' not in released_part and '"accepted"' not in released_part


# --- the draw ------------------------------------------------------------------------------------


def test_draw_is_stable_and_depends_on_course_participant_and_assignment():
    slot = BANKS["bai01"]["questions"][0]
    first = variants.plan_for(slot, "lop-a", "annv", "bai01")
    assert variants.plan_for(slot, "lop-a", "annv", "bai01") == first
    others = [
        variants.plan_for(slot, course, who, "bai01")
        for course in ("lop-a", "lop-b")
        for who in ("annv", "binhtt", "chilt", "dungpv", "emnt")
    ]
    assert len({p.variant for p in others}) == 3 and len({tuple(p.options) for p in others}) > 3


def test_every_variant_and_option_position_is_drawn():
    slot = BANKS["bai01"]["questions"][0]
    plans = [variants.plan_for(slot, "lop", f"hv{i}", "bai01") for i in range(600)]
    assert {p.variant for p in plans} == {0, 1, 2}
    key_positions = [p.options.index(slot["variants"][p.variant]["answer"]) for p in plans]
    for position in range(4):
        assert 0.18 < key_positions.count(position) / len(plans) < 0.32


@pytest.mark.parametrize("name", NAMES)
def test_each_participants_key_earns_full_marks_and_a_neighbours_does_not(name):
    data = BANKS[name]
    salt = data["salt"]
    graded = [s for s in data["questions"] if s["type"] != "rewrite_prompt"]
    hashes = {s["id"]: slot_hashes(s, salt) for s in graded}
    moved_full = 0
    for i in range(30):
        me, neighbour = f"hv{i}", f"hv{i + 1}"
        mine = {}
        for slot in graded:
            plan = variants.plan_for(slot, "lop", me, name)
            mine[slot["id"]] = variants.from_bank(slot["type"], slot["variants"][plan.variant]["answer"], plan)
            assert check.earned(slot, hashes[slot["id"]], mine[slot["id"]], plan, salt=salt) is None
        wrong = [
            check.earned(
                slot, hashes[slot["id"]], mine[slot["id"]], variants.plan_for(slot, "lop", neighbour, name), salt=salt
            )
            for slot in graded
        ]
        moved_full += all(w is None for w in wrong)
    assert moved_full == 0


def test_short_answers_accept_the_lessons_synonyms():
    slot = next(s for s in BANKS["bai05"]["questions"] if s["type"] == "short")
    hashes = slot_hashes(slot, "s")
    for value in ("kiểm tra", "Đối chiếu", "  KIEM CHUNG ", "xác minh", "đối chiếu với văn bản gốc"):
        for number in range(len(slot["variants"])):
            assert check.earned(slot, hashes, value, variants.Plan(number), salt="s") is None, value
    assert check.earned(slot, hashes, "hỏi lại chatbot", variants.Plan(0), salt="s") == "Câu q5: chưa đúng."
    slot = next(s for s in BANKS["bai06"]["questions"] if s["type"] == "short")
    hashes = slot_hashes(slot, "s")
    for value in ("con người", "cán bộ", "người ký", "nguoi dung"):
        assert check.earned(slot, hashes, value, variants.Plan(0), salt="s") is None, value
    assert check.earned(slot, hashes, "AI", variants.Plan(0), salt="s") is not None


def test_an_answer_in_another_forms_labels_is_invalid_not_an_error():
    slot = next(s for s in BANKS["bai02"]["questions"] if s["type"] == "ordering")
    plan = variants.plan_for(slot, "lop", "an", "bai02")
    hashes = slot_hashes(slot, "s")
    assert check.earned(slot, hashes, ["9", "1", "2", "3"], plan, salt="s") == "Câu q2: câu trả lời không hợp lệ."
    assert check.earned(slot, hashes, ["1"], plan, salt="s") is not None


def test_course_stamp_and_graded_participant_are_literal_arguments(tmp_path):
    import ast

    from hocai.exercise.authoring import SETUP_ID, bind_participant, stamp_course

    folder = tmp_path / "source" / "bai01"
    folder.mkdir(parents=True)
    nbformat.write(build_from_bank(BANKS["bai01"]), folder / "bai01.ipynb")
    foreign = tmp_path / "source" / "khac"
    foreign.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('start("khac")')]), foreign / "k.ipynb")
    stamp_course(tmp_path / "source", "lop-tan-hoa")
    setup = next(
        c
        for c in nbformat.read(folder / "bai01.ipynb", as_version=4).cells
        if c.metadata["nbgrader"]["grade_id"] == SETUP_ID
    ).source
    assert setup.endswith('start("bai01", course="lop-tan-hoa")')
    assert nbformat.read(foreign / "k.ipynb", as_version=4).cells[0].source == 'start("khac")'
    bound = bind_participant(setup, 'x"); import os; os.system("id")  #')
    call = ast.parse(bound).body[-1].value
    assert [k.arg for k in call.keywords] == ["course", "participant"]
    assert ast.literal_eval(call.keywords[1].value) == 'x"); import os; os.system("id")  #'
    assert len(ast.parse(bound).body) == len(ast.parse(setup).body)
