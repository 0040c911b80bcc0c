"""``hocai course collect``: nbgrader's collect from the exchange (local or JupyterHub) into submitted/."""

from __future__ import annotations

from grader.progress import bar
from grader.release import _last_error
from grader.workspace import Course
from hocai.errors import UserError


def collect(course: Course, assignment: str | None = None) -> dict[str, list[str]]:
    """assignment → participants whose submission is now in submitted/."""
    names = course.require_assignment(assignment)
    if not (course.exchange / course.course_id).is_dir():
        raise UserError(f"Thư mục trao đổi {course.exchange} chưa có bài nào của khoá «{course.course_id}»; "
                        "hãy phát bài («hocai course release») trước.")
    api = course.api()
    found: dict[str, list[str]] = {}
    for name in bar(names, desc="Thu bài"):
        result = api.collect(name, update=True)
        if not result.get("success"):
            raise UserError(f"Không thu được bài «{name}» ({_last_error(result)}).")
        found[name] = sorted(p.parent.name for p in course.submitted.glob(f"*/{name}") if p.is_dir())
    return found


def collect_command(args) -> int:
    course = Course(args.dir)
    found = collect(course, args.assignment)
    known = course.students()
    for name, people in found.items():
        print(f"Bài «{name}»: đã có {len(people)} bài nộp.")
        strangers = [p for p in people if p not in known]
        if strangers:
            print(f"  Chú ý: {', '.join(strangers)} không có trong danh sách học viên; bài của họ sẽ không được chấm.")
    return 0
