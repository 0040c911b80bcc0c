"""The course workspace (nbgrader layout, outside the repository) and ``hocai course init``.

The kit's own commands build nbgrader's configuration from ``hocai_course.toml`` (data, never executed);
``nbgrader_config.py`` is written only so plain nbgrader and the formgrader see the same course.
"""

from __future__ import annotations

import grp
import json
import os
import shutil
import stat
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from hocai import settings as kit_settings
from hocai.errors import UserError
from hocai.fileio import write_text_atomic
from hocai.paths import EXERCISES, ROOT
from hocai.text import nfc

SETTINGS = "hocai_course.toml"
INSTRUCTOR_GROUP = "hocai-gv"  # the hub's instructor group (hocai.hub.settings), when this machine has it
FOLDERS = ("source", "release", "submitted", "autograded", "feedback", "exchange", "backups")
PRIVATE_FOLDERS = ("source", "submitted", "autograded", "feedback", "backups")
KIT_STUBS = {
    "code_stub": "# VIẾT CÂU TRẢ LỜI CỦA BẠN Ở ĐÂY\nraise NotImplementedError()",
    "text_stub": "VIẾT CÂU TRẢ LỜI CỦA BẠN Ở ĐÂY",
}
NBGRADER_STUBS = {"code_stub": "# YOUR CODE HERE\nraise NotImplementedError()", "text_stub": "YOUR ANSWER HERE"}


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def settings_text(course_id: str, exchange: Path, stubs: dict) -> str:
    """Stubs: Vietnamese for the kit's exercises; nbgrader's own for a foreign course, so that submissions
    made against its original release still read as unchanged answers."""
    tables = {
        "": {"course_id": course_id},
        "release": dict(stubs),
        "completion": {
            "min_percent": kit_settings.PASS_PERCENT,
            "all_assignments_required": kit_settings.Completion.all_assignments_required,
        },
        "autograde": asdict(kit_settings.AutogradeLimits()),
        "exchange": {"root": str(exchange)},
    }
    lines = ["# Cấu hình khóa học của bộ công cụ hocai (sửa được bằng tay).", ""]
    for table, values in tables.items():
        if table:
            lines += ["", f"[{table}]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def instructor_gid() -> int | None:
    try:
        return grp.getgrnam(INSTRUCTOR_GROUP).gr_gid
    except KeyError:
        return None


def protect(path: str | os.PathLike, mode: int = 0o640) -> None:
    """Make a file the instructor wrote private: group ``hocai-gv`` (where it exists) gets ``mode``'s group
    bits, nobody else anything. Folders get the same with search bits (and setgid with the group)."""
    path = Path(path)
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return
    gid = instructor_gid()
    if gid is not None and info.st_gid != gid:
        try:
            os.chown(path, -1, gid, follow_symlinks=False)
        except OSError:
            gid = None
    mode &= 0o770 if gid is not None else 0o700
    if stat.S_ISDIR(info.st_mode):
        mode |= (mode & 0o444) >> 2 | (0o2000 if gid is not None else 0)
    os.chmod(path, mode)


def write_private(path: str | os.PathLike, text: str, mode: int = 0o640) -> None:
    """Replace ``path`` atomically by ``text`` in a file that was never readable by others (see ``protect``)."""
    write_text_atomic(path, text, before_replace=lambda tmp: protect(tmp, mode))


def create_private(path: str | os.PathLike, mode: int = 0o640) -> Path:
    """An (empty) private file at ``path`` before anyone else writes into it; an existing one is made private."""
    path = Path(path)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_APPEND, 0o600))
    protect(path, mode)
    return path


def _tools_on_path() -> None:
    """nbgrader runs ``alembic`` by name when it creates a gradebook: the environment's bin/ must be on PATH."""
    tools = str(Path(sys.executable).parent)
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = tools + os.pathsep + os.environ.get("PATH", "")


class Course:
    """Paths, settings, nbgrader configuration and gradebook of one course workspace."""

    def __init__(self, root: str | Path):
        self.root = Path(root).expanduser().resolve()
        settings_path = self.root / SETTINGS
        if not settings_path.is_file():
            raise UserError(
                f"«{root}» không phải thư mục khóa học (thiếu {SETTINGS}); hãy tạo bằng «hocai course init»."
            )
        try:
            self.settings = tomllib.loads(settings_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            raise UserError(f"Tệp cấu hình «{settings_path}» bị lỗi, hãy sửa lại.") from None
        self.checked = kit_settings.course(self.settings, str(settings_path))  # typed, defaults filled in
        self.course_id = self.checked.course_id
        for name in FOLDERS:
            setattr(self, name, self.root / name)
        exchange = self.checked.exchange_root
        self.exchange = Path(exchange) if exchange else self.root / "exchange"
        self.db_path = self.root / "gradebook.db"
        self.db_url = f"sqlite:///{self.db_path}"

    @property
    def stubs(self) -> dict:
        return {**NBGRADER_STUBS, **self.checked.release}

    @property
    def autograde_settings(self) -> dict:
        """Every sandbox limit, the course's own or the default."""
        return asdict(self.checked.autograde)

    @property
    def config(self):
        from traitlets.config import Config

        c = Config()
        c.CourseDirectory.root = str(self.root)
        c.CourseDirectory.course_id = self.course_id
        c.CourseDirectory.db_url = self.db_url
        c.Exchange.root = str(self.exchange)
        c.Autograde.create_student = False
        c.Execute.timeout = self.checked.autograde.cell_timeout
        c.ClearSolutions.code_stub = {"python": self.stubs["code_stub"]}
        c.ClearSolutions.text_stub = self.stubs["text_stub"]
        c.GenerateAssignment.create_assignment = True
        return c

    def coursedir(self, **overrides):
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config)
        for key, value in overrides.items():
            setattr(coursedir, key, value)
        return coursedir

    def api(self):
        """nbgrader's Python API configured for this course (no nbgrader_config.py is executed)."""
        from nbgrader.apps import NbGraderAPI

        self.exchange.mkdir(parents=True, exist_ok=True)
        return NbGraderAPI(coursedir=self.coursedir(), config=self.config)

    @contextmanager
    def gradebook(self) -> Iterator:
        from nbgrader.api import Gradebook

        _tools_on_path()
        if not self.db_path.exists():
            create_private(self.db_path, 0o660)
        with Gradebook(self.db_url, self.course_id) as gb:
            yield gb

    def assignments(self) -> list[str]:
        """Source assignments: folders of source/ holding at least one notebook, in name order."""
        if not self.source.is_dir():
            return []
        return sorted(p.name for p in self.source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))

    def require_assignment(self, name: str | None) -> list[str]:
        """The named assignment (checked) or all of them."""
        names = self.assignments()
        if name is None:
            if not names:
                raise UserError(f"Khóa học «{self.root}» chưa có bài tập nào trong thư mục source/.")
            return names
        name = nfc(name)
        if name not in names:
            raise UserError(
                f"Không có bài tập «{name}» trong khóa học; các bài hiện có: {', '.join(names) or 'chưa có'}."
            )
        return [name]

    def students(self) -> set[str]:
        with self.gradebook() as gb:
            return {s.id for s in gb.students}


def _inside_repository(path: Path) -> bool:
    root = ROOT.resolve()
    return path == root or root in path.parents


def nbgrader_config_text(course: Course) -> str:
    return (
        "# Viết bởi hocai course init: để nbgrader và formgrader dùng cùng khóa học.\n"
        "# Các lệnh «hocai course» đọc hocai_course.toml, không chạy tệp này.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course.root)!r}\n"
        f"c.CourseDirectory.course_id = {course.course_id!r}\n"
        f"c.CourseDirectory.db_url = {course.db_url!r}\n"
        f"c.Exchange.root = {str(course.exchange)!r}\n"
        "c.Autograde.create_student = False\n"
        f"c.Execute.timeout = {course.checked.autograde.cell_timeout}\n"
        f"c.ClearSolutions.code_stub = {{'python': {course.stubs['code_stub']!r}}}\n"
        f"c.ClearSolutions.text_stub = {course.stubs['text_stub']!r}\n"
    )


def init_course(directory: str | Path, course_id: str = "hocai", source: str | Path | None = None) -> Course:
    root = Path(directory).expanduser().resolve()
    if _inside_repository(root):
        raise UserError(
            f"Thư mục khóa học phải nằm ngoài thư mục mã nguồn của bộ công cụ ({ROOT.resolve()}); "
            "hãy chọn nơi khác, ví dụ ~/khoa-hoc."
        )
    if (root / SETTINGS).exists():
        raise UserError(f"Thư mục «{root}» đã là một khóa học; không cần tạo lại.")
    if root.exists() and not root.is_dir():
        raise UserError(f"«{root}» là một tệp, không phải thư mục; hãy chọn nơi khác cho khóa học.")
    if root.exists() and any(root.iterdir()):
        raise UserError(f"Thư mục «{root}» đã có dữ liệu khác; hãy chọn một thư mục trống hoặc chưa có.")
    src = Path(source).expanduser().resolve() if source else EXERCISES
    if not src.is_dir() or not any(p.is_dir() and any(p.glob("*.ipynb")) for p in src.iterdir()):
        raise UserError(f"Thư mục bài tập nguồn «{src}» không có bài nào (cần dạng <tên bài>/<sổ tay>.ipynb).")
    if not course_id or not course_id.replace("-", "").replace("_", "").isalnum() or not course_id.isascii():
        raise UserError("Mã khóa học chỉ gồm chữ cái không dấu, chữ số, «-» và «_».")
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        src, root / "source", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "answers.json")
    )
    from hocai.exercise.authoring import stamp_course

    stamp_course(root / "source", course_id)
    for name in FOLDERS[1:]:
        (root / name).mkdir(exist_ok=True)
    for name in PRIVATE_FOLDERS:  # solutions, hidden tests, submissions, grades: never the participants'
        protect(root / name, 0o770)
    write_private(root / SETTINGS, settings_text(course_id, root / "exchange", NBGRADER_STUBS if source else KIT_STUBS))
    course = Course(root)
    write_private(root / "nbgrader_config.py", nbgrader_config_text(course))
    with course.gradebook():
        pass
    return course


def init_command(args) -> int:
    course = init_course(args.dir, course_id=args.course_id, source=args.source)
    names = course.assignments()
    print(f"Đã tạo khóa học «{course.course_id}» tại {course.root} với {len(names)} bài: {', '.join(names)}.")
    return 0
