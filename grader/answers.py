"""Questions of an assignment, and submissions made from answers collected on a paper form.

``hocai course questions DIR ASSIGNMENT [--participant NAME] [--json]`` lists what each question accepts
(from the question cells' ``hocai`` metadata); with a participant, exactly the variants and option order
that person's notebook shows. ``hocai course answer-key DIR ASSIGNMENT --participant NAME [--json]`` is the
instructor's key for that form, in the shape ``submit-answers`` takes.
``hocai course submit-answers DIR PARTICIPANT ASSIGNMENT ANSWERS.json`` writes the same nbgrader submission
a participant's own submit would: the released notebook, answers.json and timestamp.txt under
DIR/submitted/PARTICIPANT/ASSIGNMENT/.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import nbformat

from hocai.errors import UserError
from hocai.exercise import storage, variants
from hocai.exercise.spec import SCAM_OPTIONS, InvalidAnswer, validate
from hocai.text import clean, nfc

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's own submit format
PARTICIPANT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
ASSIGNMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
TYPE_NAMES = {
    "single": "chọn một đáp án",
    "multiple": "chọn nhiều đáp án",
    "matching": "nối cặp",
    "ordering": "sắp xếp thứ tự",
    "short": "trả lời ngắn",
    "mark_pii": "đánh dấu dữ liệu cá nhân",
    "scam": "nhận diện lừa đảo",
    "rewrite_prompt": "viết lại câu lệnh",
    "reflection": "suy ngẫm (chấm tay)",
}


def _course_dir(folder: str) -> Path:
    root = Path(folder).expanduser()
    if not (root / "source").is_dir() and not (root / "release").is_dir():
        raise UserError(f"Thư mục «{folder}» không phải thư mục khóa học (chạy «hocai course init» trước).")
    return root


def _notebooks(root: Path, assignment: str, where: str) -> list[Path]:
    if not ASSIGNMENT_ID.match(assignment):
        raise UserError(f"Tên bài «{assignment}» không hợp lệ.")
    return sorted((root / where / assignment).glob("*.ipynb"))


def load_questions(folder: str, assignment: str) -> list[dict]:
    """Every question of ``assignment`` in notebook order, with the notebook it belongs to."""
    root = _course_dir(folder)
    paths = _notebooks(root, assignment, "source") or _notebooks(root, assignment, "release")
    if not paths:
        raise UserError(f"Không tìm thấy bài «{assignment}» trong khóa học.")
    questions = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            spec = cell.get("metadata", {}).get("hocai")
            if spec:
                questions.append({**json.loads(json.dumps(spec)), "notebook": path.stem})
    return questions


def course_id(folder: str) -> str:
    """The course id the notebooks were stamped with at ``course init`` (the draws depend on it)."""
    from hocai_grader.workspace import SETTINGS, Course

    root = _course_dir(folder)
    return Course(root).course_id if (root / SETTINGS).is_file() else "hocai"


def _participant(name: str) -> str:
    name = nfc(name).strip()
    if not PARTICIPANT_ID.match(name):
        raise UserError(f"Tên đăng nhập «{name}» không hợp lệ.")
    return name


def shown_questions(folder: str, assignment: str, participant: str) -> list[dict]:
    """The questions as ``participant``'s notebook shows them (variant and option order drawn for them)."""
    course, who = course_id(folder), _participant(participant)
    shown = []
    for spec in load_questions(folder, assignment):
        if variants.has_variants(spec):
            shown.append({**variants.shown(spec, course, who, assignment)[0], "notebook": spec["notebook"]})
        else:
            shown.append(spec)
    return shown


def _registered_key(folder: str, assignment: str) -> dict[str, Any]:
    """The key registered in the source notebooks' instructor cell (never in a released notebook)."""
    import ast

    from hocai.exercise.authoring import KEY_CALL, KEY_ID

    root = _course_dir(folder)
    paths = _notebooks(root, assignment, "source")
    if not paths:
        raise UserError(f"Không tìm thấy bản nguồn (có đáp án) của bài «{assignment}» trong khóa học.")
    key: dict[str, Any] = {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") != KEY_ID:
                continue
            call = KEY_CALL.search(cell.source)
            if call:
                tree = ast.parse(f"f({call.group(1)})", mode="eval").body
                key.update(ast.literal_eval(tree.args[0]))
    return key


def answer_key(folder: str, assignment: str, participant: str) -> dict[str, Any]:
    """The correct answers for ``participant``'s form, as ``submit-answers`` takes them."""
    course, who = course_id(folder), _participant(participant)
    key = _registered_key(folder, assignment)
    result: dict[str, Any] = {}
    for spec in load_questions(folder, assignment):
        if spec["type"] == "reflection" or spec["id"] not in key:
            continue
        if variants.has_variants(spec):
            plan = variants.plan_for(spec, course, who, assignment)
            result[spec["id"]] = variants.from_bank(spec["type"], key[spec["id"]][plan.variant], plan)
        else:
            result[spec["id"]] = key[spec["id"]]
    return result


def answer_key_command(args) -> int:
    key = answer_key(args.dir, args.assignment, args.participant)
    if args.json:
        print(json.dumps(key, ensure_ascii=False, indent=1))
    else:
        print(f"Đáp án bài {args.assignment} của học viên {args.participant}:")
        for qid, value in key.items():
            print(f"{qid}: {', '.join(value) if type(value) is list else value}")
    return 0


def _public(spec: dict) -> dict:
    entry = {
        "id": spec["id"],
        "type": spec["type"],
        "points": spec["points"],
        "notebook": spec["notebook"],
        "prompt": spec.get("prompt", ""),
    }
    if spec["type"] == "scam":
        entry["options"] = SCAM_OPTIONS
    elif "options" in spec:
        entry["options"] = spec["options"]
    for field in ("items", "text", "original", "tone_insensitive", "min_score", "objective", "variant"):
        if field in spec:
            entry[field] = spec[field]
    if variants.has_variants(spec):
        entry["variants"] = spec["variants"]
    return entry


def _describe(spec: dict) -> str:
    head = f"{spec['id']} — {TYPE_NAMES.get(spec['type'], spec['type'])}, {spec['points']:g} điểm"
    if variants.has_variants(spec):
        lines = [f"{head}, {len(spec['variants'])} biến thể (mỗi học viên nhận một biến thể, lựa chọn được xáo trộn):"]
        for number, variant in enumerate(spec["variants"], 1):
            lines.append(
                f"  Biến thể {number}: "
                + _describe({**variant, "id": spec["id"], "type": spec["type"], "points": spec["points"]}).split(
                    ": ", 1
                )[1]
            )
        return "\n".join(lines)
    lines = [f"{head}: {spec.get('prompt', '')}"]
    if spec.get("text"):
        lines.append(f"    Văn bản: {spec['text']}")
    if spec.get("original"):
        lines.append(f"    Câu lệnh cần viết lại: {spec['original']}")
    for item in spec.get("items", []):
        lines.append(f"    {item['id']}. {item['text']}")
    options = SCAM_OPTIONS if spec["type"] == "scam" else spec.get("options", [])
    if options:
        lines.append("    Lựa chọn: " + "; ".join(f"{o['id']} = {o['text']}" for o in options))
    return "\n".join(lines)


def questions_command(args) -> int:
    participant = getattr(args, "participant", None)
    if participant:
        questions = shown_questions(args.dir, args.assignment, participant)
    else:
        questions = load_questions(args.dir, args.assignment)
    if args.json:
        payload = {
            "assignment": args.assignment,
            "questions": [_public(q) for q in questions],
            "points": sum(q["points"] for q in questions),
        }
        if participant:
            payload["participant"] = participant
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        for spec in questions:
            print(_describe(spec))
        print(f"Tổng điểm chấm tự động: {sum(q['points'] for q in questions):g}")
    return 0


def read_answers_file(path: str) -> dict[str, Any]:
    """The answers in a JSON file: {"q1": "B", ...} or {"answers": {...}}; strict UTF-8."""
    try:
        raw = Path(path).read_bytes()
    except OSError:
        raise UserError(f"Không đọc được tệp câu trả lời «{path}».") from None
    if len(raw) > storage.MAX_BYTES:
        raise UserError("Tệp câu trả lời quá lớn.")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UserError("Tệp câu trả lời phải được lưu bằng mã UTF-8.") from None
    except ValueError as exc:
        raise UserError(f"Tệp câu trả lời không đúng định dạng JSON (dòng {getattr(exc, 'lineno', '?')}).") from None
    if type(data) is dict and type(data.get("answers")) is dict:
        data = data["answers"]
    if type(data) is not dict:
        raise UserError('Tệp câu trả lời phải là một đối tượng JSON dạng {"q1": "B", ...}.')
    return storage.to_nfc(data)


def validate_answers(questions: list[dict], answers: dict[str, Any]) -> dict[str, Any]:
    """Answers checked against the questions (ids, types, options); stored form; UserError otherwise."""
    specs = {q["id"]: q for q in questions}
    result: dict[str, Any] = {}
    for qid, value in answers.items():
        spec = specs.get(qid)
        if spec is None:
            raise UserError(f"Câu «{qid}» không có trong bài (các câu: {', '.join(specs)}).")
        try:
            if spec["type"] == "reflection":
                if type(value) is not str:
                    raise InvalidAnswer("Câu suy ngẫm phải là một đoạn chữ.")
                result[qid] = clean(value)
                continue
            stored = validate(spec, value)
        except InvalidAnswer as exc:
            raise UserError(f"Câu «{qid}»: {exc.message}") from None
        result[qid] = clean(value) if spec["type"] == "short" else stored
    return result


def _alembic_on_path() -> None:
    """nbgrader's Gradebook runs the ``alembic`` command: find it beside this interpreter."""
    bindir = os.path.dirname(sys.executable)
    if shutil.which("alembic") is None and os.path.exists(os.path.join(bindir, "alembic")):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def _check_participant(root: Path, participant: str) -> None:
    if not PARTICIPANT_ID.match(participant):
        raise UserError(f"Tên đăng nhập «{participant}» không hợp lệ.")
    db = root / "gradebook.db"
    if not db.is_file():
        raise UserError("Khóa học chưa có sổ điểm: hãy nhập danh sách học viên trước.")
    from nbgrader.api import Gradebook, MissingEntry

    _alembic_on_path()
    with Gradebook(f"sqlite:///{db}") as gb:
        try:
            gb.find_student(participant)
        except MissingEntry:
            raise UserError(f"Không có học viên «{participant}» trong danh sách lớp.") from None


def submit_answers(folder: str, participant: str, assignment: str, answers: dict[str, Any]) -> Path:
    """Write DIR/submitted/PARTICIPANT/ASSIGNMENT/ from validated answers; replaces an earlier one."""
    root = _course_dir(folder)
    participant = nfc(participant).strip()
    _check_participant(root, participant)
    released = _notebooks(root, assignment, "release")
    if not released:
        raise UserError(f"Bài «{assignment}» chưa được phát (chạy «hocai course release» trước).")
    questions = shown_questions(folder, assignment, participant)
    stored = validate_answers(questions, answers)
    reflections = {q["id"]: stored.pop(q["id"]) for q in questions if q["type"] == "reflection" and q["id"] in stored}
    dest = root / "submitted" / participant / assignment
    staging = dest.with_name(f".{assignment}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for path in released:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in reflections and cell.cell_type == "markdown":
                cell.source = reflections[grade_id]
        nbformat.write(nb, staging / path.name)
    storage.write(stored, staging, assignment=assignment, participant=participant)
    stamp = datetime.datetime.now(datetime.UTC).strftime(TIMESTAMP_FORMAT)
    (staging / "timestamp.txt").write_text(stamp, encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)
    return dest


def submit_answers_command(args) -> int:
    answers = read_answers_file(args.answers)
    dest = submit_answers(args.dir, args.participant, args.assignment, answers)
    print(f"Đã nộp bài {args.assignment} cho học viên {args.participant}: {dest}")
    return 0


def wrong_answers(folder: str, assignment: str, participant: str) -> dict[str, Any]:
    """For each question of ``participant``'s form, an answer that is valid on that form but not correct
    (tests and benchmarks submit it as the «wrong» participant)."""
    key = answer_key(folder, assignment, participant)
    wrong: dict[str, Any] = {}
    for spec in shown_questions(folder, assignment, participant):
        qid, kind, value = spec["id"], spec["type"], key.get(spec["id"])
        if value is None:
            continue
        if kind == "single":
            wrong[qid] = next(o["id"] for o in spec["options"] if o["id"] != value)
        elif kind in ("multiple", "mark_pii"):
            wrong[qid] = [o["id"] for o in spec["options"] if o["id"] not in value] or value[:-1]
        elif kind in ("matching", "scam", "ordering"):
            wrong[qid] = value[1:] + value[:1] if len(set(value)) > 1 else [""] * len(value)
        else:
            wrong[qid] = "không biết"
    return wrong
