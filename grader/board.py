"""The instructor's live board: one row per participant, from where the kit already records progress.

Sources, all read-only and none trusted beyond what it can prove:
- the gradebook (grader/report.py): score, completion, «đã chấm»;
- the exchange's inbound folder, through collect's own checks (grader/collect.py ``_candidates``: a folder
  counts only if the participant it names owns it): «đã nộp» and when;
- each participant's home, when the board can see it (JupyterHub, the board runs as root): only ``lstat``
  of ~/baiNN/answers.json (a saved answer) and of ~/baiNN/.ipynb_checkpoints/baiNN-checkpoint.ipynb, the
  checkpoint JupyterLab writes the first time the notebook is opened (the fetch copies no checkpoint): either
  one makes the exercise «đang làm», so a participant shows as working as soon as they open it, before any
  answer. A participant can fake neither to look further than «đang làm». Also a size-capped, ``O_NOFOLLOW``
  read of the participant's own ~/.local/share/hocai/progress.json for the lessons they finished, filtered
  to the kit's lesson names. Nothing in a home is written or followed.

Nothing personal beyond the roster's columns (name, unit) is shown; export reuses grader/export.py.
"""

from __future__ import annotations

import json
import os
import pwd
import stat
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hocai_grader.report import COMPLETED, Report, build_report

NOT_STARTED, IN_PROGRESS, SUBMITTED, GRADED = "chưa làm", "đang làm", "đã nộp", "đã chấm"
STATES = (NOT_STARTED, IN_PROGRESS, SUBMITTED, GRADED)
PROGRESS = Path(".local") / "share" / "hocai" / "progress.json"
MAX_PROGRESS_BYTES = 64_000
CHECKPOINTS = ".ipynb_checkpoints"  # JupyterLab's FileCheckpoints folder beside the notebook


@dataclass
class BoardRow:
    username: str
    full_name: str
    unit: str
    lessons: list[str]
    states: dict[str, str]
    score: float
    max_score: float
    percent: float
    completed: bool
    last_activity: float  # seconds since the epoch; 0 when nothing was seen
    notes: list[str] = field(default_factory=list)


def lesson_names() -> list[str]:
    """The kit's lessons as notebooks/NN-name stems (00, the trainer's guide, is not a lesson)."""
    from hocai import paths

    folder = Path(paths.NOTEBOOKS)
    return sorted(p.stem for p in folder.glob("[0-9][0-9]-*.ipynb") if not p.name.startswith("00-"))


def _home(username: str) -> Path | None:
    try:
        return Path(pwd.getpwnam(username).pw_dir)
    except KeyError:
        return None


def _uid(username: str) -> int | None:
    try:
        return pwd.getpwnam(username).pw_uid
    except KeyError:
        return None


def _owned_file(path: Path, uid: int | None) -> os.stat_result | None:
    """lstat of a plain file the participant owns (or None): never follows a link."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or (uid is not None and st.st_uid != uid and os.geteuid() == 0):
        return None
    return st


def _read_progress(path: Path, uid: int | None) -> tuple[dict, float]:
    """The participant's own progress.json, read without following links and capped in size."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return {}, 0.0
    try:
        st = os.fstat(fd)
        if (
            not stat.S_ISREG(st.st_mode)
            or st.st_size > MAX_PROGRESS_BYTES
            or (uid is not None and st.st_uid != uid and os.geteuid() == 0)
        ):
            return {}, 0.0
        data = json.loads(os.read(fd, MAX_PROGRESS_BYTES).decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}, 0.0
    finally:
        os.close(fd)
    return (data if type(data) is dict else {}), st.st_mtime


def _submissions(course) -> dict[tuple[str, str], float]:
    """(participant, assignment) → newest valid submission time, as collect would accept it."""
    from hocai_grader.collect import _candidates

    inbound = course.exchange / course.course_id / "inbound"
    found: dict[tuple[str, str], float] = {}
    if not inbound.is_dir():
        return found
    for assignment in course.assignments():
        for student, records in _candidates(inbound, assignment, lambda _m: None).items():
            found[(student, assignment)] = records[0][0].timestamp()
    return found


def build(course_dir: str | Path, homes: dict[str, Path] | None = None) -> tuple[Report, list[BoardRow]]:
    """The board's rows. ``homes`` maps participants to their home (default: the system's accounts)."""
    from hocai_grader.workspace import Course

    course = Course(course_dir)
    report = build_report(course.root)
    assignments = sorted(set(report.assignments) | set(course.assignments()))
    submitted = _submissions(course)
    known_lessons = set(lesson_names())
    rows = []
    for row in report.rows:
        home = (homes or {}).get(row.username) if homes is not None else _home(row.username)
        uid = _uid(row.username) if homes is None else None
        lessons: list[str] = []
        activity = 0.0
        states = {}
        if home is not None:
            data, mtime = _read_progress(home / PROGRESS, uid)
            recorded = data.get("lessons") if type(data.get("lessons")) is dict else {}
            lessons = sorted(name for name in recorded if name in known_lessons)
            activity = max(activity, mtime if recorded else 0.0)
        for assignment in assignments:
            score = row.scores.get(assignment)
            when = submitted.get((row.username, assignment))
            answers = _owned_file(home / assignment / "answers.json", uid) if home is not None else None
            opened = (
                _owned_file(home / assignment / CHECKPOINTS / f"{assignment}-checkpoint.ipynb", uid)
                if home is not None
                else None
            )
            if answers is not None:
                activity = max(activity, answers.st_mtime)
            if opened is not None:
                activity = max(activity, opened.st_mtime)
            if when:
                activity = max(activity, when)
            if score is not None:
                states[assignment] = GRADED
            elif when:
                states[assignment] = SUBMITTED
            elif (answers is not None and answers.st_size > 0) or opened is not None:
                states[assignment] = IN_PROGRESS
            else:
                states[assignment] = NOT_STARTED
        rows.append(
            BoardRow(
                row.username,
                row.full_name,
                row.unit,
                lessons,
                states,
                row.score,
                row.max_score,
                row.percent,
                row.status == COMPLETED,
                activity,
                list(row.notes),
            )
        )
    return report, rows


def stuck(rows: list[BoardRow], minutes: float, now: float | None = None) -> list[BoardRow]:
    """Participants not yet completed with no progress for ``minutes`` (or none at all)."""
    now = time.time() if now is None else now
    return [r for r in rows if not r.completed and now - r.last_activity >= minutes * 60]


def as_json(course_dir: str | Path, homes: dict[str, Path] | None = None) -> dict:
    report, rows = build(course_dir, homes)
    return {
        "course_id": report.course_id,
        "assignments": sorted({a for r in rows for a in r.states}),
        "lessons": lesson_names(),
        "now": time.time(),
        "rows": [asdict(r) for r in rows],
    }
