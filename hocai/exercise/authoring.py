"""Build and re-sync nbgrader source notebooks for the exercises (instructor side).

The committed notebooks in exercises/ are the source of truth; this module holds no questions or answers
(it is importable in participants' kernels). ``read_assignment`` turns a source notebook back into its
definition and ``build_notebook`` writes it out again, so after editing a question's metadata or the
answer key an author runs ``python -m hocai.exercise.authoring exercises/bai0N/bai0N.ipynb`` to
recompute the hidden tests' salted hashes and keep the question cells in step with the metadata.
"""

from __future__ import annotations

import ast
import copy
import json
import pprint
import re
import secrets
import sys
from pathlib import Path
from typing import Any

import nbformat

from hocai.exercise.spec import KINDS, canonical, digest, option_ids, validate
from hocai.text import nfc, strip_diacritics

SETUP_ID = "chuan_bi"
KEY_ID = "dap_an_giang_vien"
INTRO_ID = "gioi_thieu"
END_ID = "ket_thuc"
SUBMIT_ID = "nop_bai"
SUBMIT_SOURCE = (
    "# Nút «Nộp bài» — ô này đã khóa, không cần sửa.\n"
    'from hocai.exercise.submit import show_submit\nshow_submit("{name}")'
)
REFLECTION_PROMPT_ID = "suy_ngam_de_bai"
KEY_CALL = re.compile(r"register_key\((.*)\)\s*\n\s*### END SOLUTION", re.S)
SALT = re.compile(r'salt="([^"]+)"')

SPEC_KEYS = ("id", "type", "points", "prompt", "text", "original", "items", "options", "tone_insensitive", "min_score")


def _nbgrader(
    grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False, points: float | None = None
) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if grade:
        meta["points"] = points
    return meta


def _hidden(meta: dict) -> dict:
    meta["jupyter"] = {"source_hidden": True}
    return meta


def _markdown(source: str, grade_id: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(nfc(source))
    cell.metadata = {"nbgrader": _nbgrader(grade_id, locked=True)}
    return cell


def _code(source: str, metadata: dict) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(nfc(source))
    cell.metadata = metadata
    return cell


def _submit_cell(name: str) -> nbformat.NotebookNode:
    """The exercise's last cell: the «Nộp bài» button (hocai.exercise.submit), locked and hidden; it names
    its assignment, so it works even when run before the setup cell."""
    return _code(SUBMIT_SOURCE.format(name=name), _hidden({"nbgrader": _nbgrader(SUBMIT_ID, locked=True)}))


def _question_source(spec_literal: str, name: str, test: str) -> str:
    """A question cell that stands on its own: it imports what it calls and names its assignment, so run
    first or after a kernel restart it does the setup itself (``show_question``), never a NameError."""
    return (
        "from hocai.exercise import check, show_question\n"
        f"spec = {spec_literal}\n"
        f'show_question(spec, assignment="{name}")\n'
        "### BEGIN HIDDEN TESTS\n"
        f"{test}\n"
        "### END HIDDEN TESTS"
    )


def _key_source(register_call: str) -> str:
    """The instructor's key cell; it imports its own names so running it first is harmless too."""
    return (
        "# Ô này dành cho giảng viên. Học viên không cần làm gì ở đây.\n"
        "from hocai.exercise import instructor_key, register_key\n"
        "with instructor_key():\n"
        "    pass\n"
        "    ### BEGIN SOLUTION\n"
        f"    {register_call}\n"
        "    ### END SOLUTION"
    )


def _literal(value: Any, indent: int = 0) -> str:
    text = pprint.pformat(value, width=110 - indent, sort_dicts=False)
    return text.replace("\n", "\n" + " " * indent)


def question_spec(question: dict) -> dict:
    """The public part of a question (what the cell shows and its metadata holds): no answer."""
    spec = {k: copy.deepcopy(question[k]) for k in SPEC_KEYS if k in question}
    if spec["type"] not in KINDS or spec["type"] == "reflection":
        raise ValueError(f"{spec['id']}: unknown question type {spec['type']!r}")
    return spec


def hashes(question: dict, salt: str, accepted: list[str] | None = None) -> list[str]:
    """Salted hashes of every accepted canonical answer to ``question``."""
    kind = question["type"]
    answers = [question["answer"], *(accepted or [])]
    tone_insensitive = bool(question.get("tone_insensitive"))
    return sorted(
        {digest(salt, question["id"], canonical(kind, a, tone_insensitive=tone_insensitive)) for a in answers}
    )


def _check_call(question: dict, salt: str, accepted: list[str] | None) -> str:
    qid, kind = question["id"], question["type"]
    if kind == "rewrite_prompt":
        return f'check.rewritten_prompt("{qid}", min_score={int(question["min_score"])})'
    extra = ", tone_insensitive=True" if question.get("tone_insensitive") else ""
    return f'check.expect("{qid}", "{kind}", {hashes(question, salt, accepted)!r}, salt="{salt}"{extra})'


def _validate_question(question: dict) -> None:
    spec = question_spec(question)
    validate(spec, question["answer"])
    if spec["type"] == "ordering" and question["answer"] == option_ids(spec):
        raise ValueError(f"{spec['id']}: the shown order must not already be the answer")
    if spec["type"] in ("matching", "scam") and "" in question["answer"]:
        raise ValueError(f"{spec['id']}: the key leaves a slot empty")


def _setup_cell(name: str) -> nbformat.NotebookNode:
    """The locked, hidden cell that prepares the exercise (``start``)."""
    setup = (
        "# Chuẩn bị bài tập — ô này đã khóa, không cần sửa.\n"
        "import os, sys\n"
        "sys.path[:] = [p for p in sys.path if p not in ('', '.')"
        " and os.path.realpath(p) != os.path.realpath(os.getcwd())]\n"
        "from hocai.exercise import check, instructor_key, register_key, show_question, start\n"
        f'start("{name}")'
    )
    return _code(setup, _hidden({"nbgrader": _nbgrader(SETUP_ID, locked=True)}))


def _finish(cells: list, name: str, reflection: dict, outro: str) -> nbformat.NotebookNode:
    """``cells`` followed by the reflection, the outro and «Nộp bài», as a notebook whose cell ids are grade ids."""
    cells.append(_markdown(f"## Suy ngẫm\n\n{reflection['prompt']}", REFLECTION_PROMPT_ID))
    answer = nbformat.v4.new_markdown_cell(nfc(reflection["guide"]))
    answer.metadata = {
        "hocai": {"id": reflection["id"], "type": "reflection", "points": 0, "prompt": reflection["prompt"]},
        "nbgrader": _nbgrader(reflection["id"], grade=True, solution=True, points=0),
    }
    cells.append(answer)
    cells.append(_markdown(outro, END_ID))
    cells.append(_submit_cell(name))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for cell in nb.cells:
        cell.id = cell.metadata["nbgrader"]["grade_id"]
    return nb


def build_notebook(assignment: dict) -> nbformat.NotebookNode:
    """A complete nbgrader source notebook for ``assignment`` (see exercises/README.md for the layout)."""
    name, salt = assignment["name"], assignment["salt"]
    questions = assignment["questions"]
    accepted = assignment.get("accepted", {})
    for question in questions:
        _validate_question(question)
    cells = [_markdown(assignment["intro"], INTRO_ID)]
    cells.append(_setup_cell(name))
    key = {q["id"]: q["answer"] for q in questions}
    key_source = _key_source(f"register_key({_literal(key, 4)},\n                 accepted={_literal(accepted, 17)})")
    cells.append(_code(key_source, _hidden({"nbgrader": _nbgrader(KEY_ID, solution=True)})))
    for question in questions:
        spec = question_spec(question)
        source = _question_source(_literal(spec, 7), name, _check_call(question, salt, accepted.get(spec["id"])))
        meta = {"hocai": spec, "nbgrader": _nbgrader(spec["id"], grade=True, locked=True, points=spec["points"])}
        cells.append(_code(source, _hidden(meta)))
    return _finish(cells, name, assignment["reflection"], assignment["outro"])


INTRO = """# Bài tập {number}: {title}

Bài gồm {count} câu hỏi chấm tự động (tổng {points:g} điểm) và một câu suy ngẫm để giảng viên đọc và nhận xét.
Mỗi học viên nhận một đề riêng: câu hỏi và thứ tự các lựa chọn có thể khác với người ngồi bên cạnh.

**Cách làm (không cần biết lập trình):**

1. Bấm nút ⏩ trên thanh công cụ (hoặc menu **Chạy → Chạy tất cả các ô**) để các câu hỏi hiện ra.
2. Trả lời bằng cách bấm chọn hoặc gõ chữ. Sau mỗi lần trả lời, dòng **✓ Đã lưu** hiện ra: câu trả lời đã được ghi lại.
3. Bạn có thể đóng bài và mở lại sau, câu trả lời vẫn còn. Muốn sửa, chỉ cần chọn lại.
4. Cuối bài có một câu **Suy ngẫm**: bấm đúp chuột vào ô trả lời để viết.
5. Làm xong, lưu bài (Ctrl + S) rồi bấm nút **Nộp bài** ở cuối bài. Nộp lại được: bài nộp sau cùng được chấm."""
OUTRO = """## Hoàn thành

Bạn đã làm xong bài. Hãy kiểm tra mỗi câu đều có dòng **✓ Đã lưu**, lưu bài (Ctrl + S) \
rồi bấm nút **Nộp bài** ngay bên dưới."""
START_CALL = re.compile(r'^start\("([^"]+)"(?:, course="([^"]*)")?\)$', re.M)
# A question cell's own call (see _question_source); ``course init`` stamps the course here too.
QUESTION_CALL = re.compile(r'^show_question\(spec, assignment="([^"]+)"(?:, course="([^"]*)")?\)$', re.M)


def slot_hashes(slot: dict, salt: str) -> list[list[str]]:
    """Per variant, the salted hashes of every accepted answer, in the bank's ids."""
    from hocai.exercise.check import slot_id

    kind, result = slot["type"], []
    for number, variant in enumerate(slot["variants"]):
        tone = bool(variant.get("tone_insensitive", slot.get("tone_insensitive")))
        answers = [variant["answer"], *variant.get("accepted", [])]
        if tone:  # «gõ có dấu hoặc không dấu đều được»: the answer typed with no marks at all counts too
            answers += [strip_diacritics(a) for a in answers]
        result.append(
            sorted(
                {digest(salt, slot_id(slot["id"], number), canonical(kind, a, tone_insensitive=tone)) for a in answers}
            )
        )
    return result


def _validate_slot(slot: dict) -> None:
    from hocai.exercise import variants

    for number, variant in enumerate(slot["variants"]):
        spec = variants.shown_spec(
            slot,
            variants.Plan(
                number, [o["id"] for o in variant.get("options", [])], [i["id"] for i in variant.get("items", [])]
            ),
        )
        if slot["type"] != "mark_pii":
            spec["options"] = variant.get("options", [])
        validate(spec, variant["answer"])
        if slot["type"] in ("matching", "scam") and "" in variant["answer"]:
            raise ValueError(f"{slot['id']}#{number + 1}: the key leaves a slot empty")


def build_from_bank(bank: dict) -> nbformat.NotebookNode:
    """The nbgrader source notebook of a bank assignment (see exercises/README.md for the layout)."""
    from hocai.exercise.bank import public_slot

    name, salt = bank["name"], bank["salt"]
    slots = bank["questions"]
    for slot in slots:
        _validate_slot(slot)
    intro = INTRO.format(
        number=int(name[-2:]), title=bank["title"], count=len(slots), points=sum(s["points"] for s in slots)
    )
    cells = [_markdown(intro, INTRO_ID)]
    cells.append(_setup_cell(name))
    key = {s["id"]: [v["answer"] for v in s["variants"]] for s in slots}
    key_source = _key_source(f"register_key({_literal(key, 4)})")
    cells.append(_code(key_source, _hidden({"nbgrader": _nbgrader(KEY_ID, solution=True)})))
    for slot in slots:
        public = public_slot(slot)
        if slot["type"] == "rewrite_prompt":
            test = f"check.rewritten_prompt(spec, min_score={int(slot['min_score'])})"
        else:
            test = (
                f'check.expect_shown(spec, {_literal(slot_hashes(slot, salt), 21)},\n                   salt="{salt}")'
            )
        source = _question_source(_literal(public, 7), name, test)
        meta = {"hocai": public, "nbgrader": _nbgrader(slot["id"], grade=True, locked=True, points=slot["points"])}
        cells.append(_code(source, _hidden(meta)))
    return _finish(cells, name, bank["reflection"], OUTRO)


def stamp_course(folder: Path, course_id: str) -> None:
    """Write the course id into each source notebook's setup call and question calls (``course init``):
    participants' forms are drawn per course, and the released notebooks carry it in every cell that may
    run first."""
    course = json.dumps(course_id)
    for path in sorted(Path(folder).glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        changed = False
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            new = QUESTION_CALL.sub(
                lambda m: f'show_question(spec, assignment="{m.group(1)}", course={course})', cell.source
            )
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == SETUP_ID:
                new = START_CALL.sub(lambda m: f'start("{m.group(1)}", course={course})', new)
            changed = changed or new != cell.source
            cell.source = new
        if changed:
            write(nb, path)


def bind_participant(source: str, participant: str) -> str:
    """The setup cell's source naming the participant being graded (only in the grader's executed copy)."""
    return START_CALL.sub(lambda m: m.group(0)[:-1] + f", participant={json.dumps(participant)})", source)


def read_assignment(nb: nbformat.NotebookNode) -> dict:
    """The definition ``build_notebook`` turns back into ``nb`` (questions, key, salt, texts)."""
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    key_cell = cells[KEY_ID].source
    call = KEY_CALL.search(key_cell)
    if call is None:
        raise ValueError("the answer key cell has no register_key(...) call")
    tree = ast.parse(f"f({call.group(1)})", mode="eval").body
    key = ast.literal_eval(tree.args[0])
    accepted = next((ast.literal_eval(k.value) for k in tree.keywords if k.arg == "accepted"), {})
    name = re.search(r'start\("([^"]+)"\)', cells[SETUP_ID].source).group(1)
    questions, reflection, salt = [], None, None
    for cell in nb.cells:
        spec = cell.metadata.get("hocai")
        if not spec:
            continue
        if spec["type"] == "reflection":
            reflection = {"id": spec["id"], "prompt": spec["prompt"], "guide": cell.source}
            continue
        found = SALT.search(cell.source)
        salt = salt or (found.group(1) if found else None)
        questions.append({**copy.deepcopy(dict(spec)), "answer": key[spec["id"]]})
    return {
        "name": name,
        "salt": salt or new_salt(name),
        "intro": cells[INTRO_ID].source,
        "outro": cells[END_ID].source,
        "questions": questions,
        "accepted": accepted,
        "reflection": reflection,
    }


def new_salt(name: str) -> str:
    """A fresh per-assignment salt."""
    return f"{name}-{secrets.token_hex(8)}"


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def rebuild(path: Path) -> None:
    """Re-create a source notebook from its own content (after editing questions or the key)."""
    nb = nbformat.read(path, as_version=4)
    write(build_notebook(read_assignment(nb)), path)


def build_bank_file(path: Path) -> Path:
    """exercises/bank/baiNN.toml → exercises/baiNN/baiNN.ipynb."""
    from hocai.exercise import bank

    data = bank.load(path.stem, path.parent)
    target = path.parent.parent / data["name"] / f"{data['name']}.ipynb"
    write(build_from_bank(data), target)
    return target


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    for path in paths:
        if path.suffix == ".toml":
            print(f"Đã cập nhật {build_bank_file(path)}")
            continue
        rebuild(path)
        print(f"Đã cập nhật {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
