"""``hocai course feedback``: nbgrader generate_feedback (HTML per participant), then release_feedback."""

from __future__ import annotations

from grader.progress import bar
from grader.release import _last_error
from grader.workspace import Course
from hocai.errors import UserError


def feedback(course: Course, assignment: str | None = None) -> dict[str, int]:
    """assignment → number of feedback files returned."""
    names = course.require_assignment(assignment)
    api = course.api()
    counts: dict[str, int] = {}
    for name in bar(names, desc="Tạo nhận xét"):
        if not any(course.autograded.glob(f"*/{name}")):
            counts[name] = 0
            continue
        result = api.generate_feedback(name, force=True)
        if not result.get("success"):
            raise UserError(f"Không tạo được nhận xét cho bài «{name}» ({_last_error(result)}).")
        result = api.release_feedback(name)
        if not result.get("success"):
            raise UserError(f"Không trả được nhận xét bài «{name}» vào {course.exchange} ({_last_error(result)}).")
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
