"""``hocai course release``: nbgrader generate_assignment, then release to the course's exchange.

The exchange is DIR/exchange on one machine, or the JupyterHub exchange named in hocai_course.toml
([exchange] root) on a workshop server.
"""

from __future__ import annotations

from hocai.errors import UserError
from hocai_grader.progress import bar
from hocai_grader.workspace import Course


def _last_error(result: dict) -> str:
    lines = [ln for ln in (result.get("log") or "").splitlines() if ln.startswith(("[ERROR]", "[CRITICAL]"))]
    return lines[-1].split("]", 1)[1].strip() if lines else "xem nhật ký nbgrader"


def release(course: Course, assignment: str | None = None) -> list[str]:
    names = course.require_assignment(assignment)
    api = course.api()
    api.config.ReleaseAssignment.force = True
    for name in bar(names, desc="Phát bài tập"):
        result = api.generate_assignment(name, force=True, create=True)
        if not result.get("success"):
            raise UserError(f"Không tạo được bản phát của bài «{name}» ({_last_error(result)}).")
        result = api.release_assignment(name)
        if not result.get("success"):
            raise UserError(
                f"Không phát được bài «{name}» vào thư mục trao đổi {course.exchange} ({_last_error(result)})."
            )
    return names


def release_command(args) -> int:
    course = Course(args.dir)
    names = release(course, args.assignment)
    print(f"Đã phát {len(names)} bài ({', '.join(names)}) vào {course.exchange}.")
    return 0
