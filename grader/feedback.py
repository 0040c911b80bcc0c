"""``hocai course feedback``: nbgrader generate_feedback (HTML per participant), then release_feedback.

The course's copies under feedback/ are the instructor's alone (each holds the submission's secret, which
names the participant's released copy); the released copies in the exchange are readable, as nbgrader
intends: only someone holding that secret can find them.
"""

from __future__ import annotations

import os

from hocai.errors import UserError
from hocai_grader.progress import bar
from hocai_grader.release import _last_error
from hocai_grader.workspace import Course, protect


def _protect_feedback(course: Course, name: str) -> None:
    """feedback/<participant>/<assignment>/ as the instructor's (a shallow, kit-made tree: no walk below it)."""
    if course.feedback.is_dir():
        protect(course.feedback, 0o770)
    for folder in course.feedback.glob(f"*/{name}"):
        if folder.is_symlink() or not folder.is_dir():
            continue
        protect(folder.parent, 0o770)
        protect(folder, 0o770)
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    protect(entry.path)


def _readable_released(course: Course, mine: set[str]) -> None:
    """Released copies keep the mode nbgrader copied from feedback/ (now private): make ours readable."""
    released = course.exchange / course.course_id / "feedback"
    for path in released.glob("*.html") if released.is_dir() else []:
        info = path.lstat()
        if path.name in mine and path.is_file() and not path.is_symlink() and info.st_uid == os.geteuid():
            path.chmod(0o644)


def feedback(course: Course, assignment: str | None = None) -> dict[str, int]:
    """assignment → number of feedback files returned."""
    names = course.require_assignment(assignment)
    from traitlets.config import Config

    api = course.api()
    api.update_config(Config({"GenerateFeedback": {"permissions": 640}}))
    counts: dict[str, int] = {}
    for name in bar(names, desc="Tạo nhận xét"):
        if not any(course.autograded.glob(f"*/{name}")):
            counts[name] = 0
            continue
        released = course.exchange / course.course_id / "feedback"
        before = {p.name: p.stat().st_mtime_ns for p in released.glob("*.html")} if released.is_dir() else {}
        result = api.generate_feedback(name, force=True)
        if not result.get("success"):
            raise UserError(f"Không tạo được nhận xét cho bài «{name}» ({_last_error(result)}).")
        _protect_feedback(course, name)
        result = api.release_feedback(name)
        if not result.get("success"):
            raise UserError(f"Không trả được nhận xét bài «{name}» vào {course.exchange} ({_last_error(result)}).")
        after = {p.name: p.stat().st_mtime_ns for p in released.glob("*.html")} if released.is_dir() else {}
        _readable_released(course, {n for n, t in after.items() if before.get(n) != t})
        counts[name] = sum(1 for _ in course.feedback.glob(f"*/{name}/*.html"))
    return counts


def feedback_command(args) -> int:
    course = Course(args.dir)
    counts = feedback(course, args.assignment)
    for name, count in counts.items():
        if count:
            print(f"Bài «{name}»: đã tạo và trả {count} tệp nhận xét.")
        else:
            print(f"Bài «{name}»: chưa có bài nào được chấm nên chưa có nhận xét.")
    return 0
