"""System accounts for a class, made from the course roster, with login slips and a password list.

Only roster usernames are ever created or removed, never a reserved or pre-existing system account: the
kit marks its accounts in the GECOS field and refuses to touch any other. Home folders are private (700).
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import secrets
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hocai import paths
from hocai import settings as kit_settings
from hocai.errors import UserError
from hocai.hub import require_root, settings
from hocai_grader.export import write_rows_csv

# nbgrader's JupyterLab tools that only instructors should see.
INSTRUCTOR_PLUGINS = ("create-assignment", "formgrader", "course-list")
# Participants submit with the exercise's own «Nộp bài» button (hocai.exercise.submit), never this English panel.
# Its menu and the notebook toolbar's «Validate» are English too (nbgrader's extension has no translations).
PARTICIPANT_HIDDEN = (*INSTRUCTOR_PLUGINS, "assignment-list", "validate-assignment", "menu")
# No look-alike characters (0/o, 1/l/i): passwords are typed from paper by people new to keyboards.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    unit: str
    role: str
    password: str | None  # None: the account existed and kept its password


def make_password() -> str:
    chunk = lambda: "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4))  # noqa: E731
    return f"{chunk()}-{chunk()}-{chunk()}"


def _existing(username: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(username)
    except KeyError:
        return None


def is_kit_account(username: str) -> bool:
    entry = _existing(username)
    return entry is not None and entry.pw_gecos.startswith(settings.ACCOUNT_MARKER + " ")


def _system(argv: list[str], failure: str, stdin: str | None = None) -> None:
    """Run an account tool; its failure becomes one Vietnamese sentence with the tool's own reason."""
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise UserError(f"{failure}: {done.stderr.strip() or argv[0]}.")


def _ensure_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        _system(["groupadd", "--system", name], f"Không tạo được nhóm «{name}»")


COURSE_LINK = "khoa-hoc"  # in an instructor's home: the course, so formgrader finds it under the server root
NO_KERNEL = "cham-bang-lenh-hocai-course-autograde"  # formgrader must not run participants' code
LESSON_SKIP = frozenset({".ipynb_checkpoints", "__pycache__", "README.md"})


def formgrader_config_lines(home: Path) -> list[str]:
    """nbgrader settings for an instructor's formgrader: the course through ~/khoa-hoc, HTML sanitised.

    Formgrader refuses a course outside the server's root (every page an error) and renders participants'
    Markdown and outputs as raw HTML in the instructor's own origin: a ``<script>`` in a reflection would run
    with the instructor's rights. nbconvert's SanitizeHTML (bleach) cleans cells and outputs before rendering.
    Formgrader's own autograde and validate would run participants' code unsandboxed as the instructor: they
    get a kernel that does not exist, so they fail without running anything (``hocai course autograde``
    builds its configuration from hocai_course.toml and is not affected).
    """
    return [
        f"c.CourseDirectory.root = {str(home / COURSE_LINK)!r}\n",
        f"c.Execute.kernel_name = {NO_KERNEL!r}\n",
        "c.HTMLExporter.sanitize_html = True\n",
        "c.HTMLExporter.preprocessors = ['nbconvert.preprocessors.sanitize.SanitizeHTML']\n",
    ]


def _seed_home(username: str, role: str, course_dir: Path) -> list[str]:
    """Lessons in ~/bai-hoc and a per-user Jupyter config (formgrader for instructors only, DESIGN §9),
    written by a process running as the participant (hocai.hub.homecopy): root never writes in a home.

    Returns what could not be written, as Vietnamese sentences.
    """
    from hocai.hub.homecopy import write_home
    from hocai.widgets import my_progress
    from hocai.workshop import LAB_SERVER_CONFIG, LOCKED_CSS
    from hocai_grader.workspace import Course

    home = Path(pwd.getpwnam(username).pw_dir)
    formgrader = role == "instructor"
    hidden = {} if formgrader else {f"@jupyter/nbgrader:{p}": True for p in PARTICIPANT_HIDDEN}
    course = Course(course_dir)
    lines = [
        f"c = get_config()\nc.CourseDirectory.course_id = {course.course_id!r}\n",
        f"c.Exchange.root = {str(settings.exchange_root())!r}\n",
    ]
    if formgrader:
        lines += formgrader_config_lines(home)
    files = {
        ".jupyter/jupyter_server_config.json": json.dumps(
            {
                "ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": formgrader}},
                **LAB_SERVER_CONFIG,
            }
        ),
        ".jupyter/custom/custom.css": LOCKED_CSS,
        ".jupyter/labconfig/page_config.json": json.dumps({"disabledExtensions": hidden}),
        ".jupyter/nbgrader_config.py": "".join(lines),
    }
    if not formgrader:  # «Tiến độ của tôi»: their lessons, submissions and returned scores, in one place
        files[my_progress.NOTEBOOK] = my_progress.notebook_text()
    trees = {"bai-hoc": paths.NOTEBOOKS} if paths.NOTEBOOKS.is_dir() else {}
    links = {COURSE_LINK: str(course.root)} if formgrader else {}
    result = write_home(username, trees=trees, files=files, links=links, mode=0o700, skip=LESSON_SKIP)
    return result["errors"]


def share_course(course) -> None:
    """Instructors (group) may work in the course folder; participants may only pass through to the exchange."""
    for parent in [course.root, *course.root.parents]:
        if not parent.stat().st_mode & 0o001:
            raise UserError(
                f"Học viên không vào được thư mục «{parent}» chứa khóa học; hãy đặt khóa học ở nơi như "
                "/srv/khoa-hoc rồi chạy lại."
            )
    gid = grp.getgrnam(settings.INSTRUCTOR_GROUP).gr_gid
    exchange = course.exchange.resolve()
    for folder, dirs, files in os.walk(course.root):  # never into the exchange: participants write there
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d != exchange]
        os.lchown(here, -1, gid)
        here.chmod(0o2771 if here == course.root else 0o2770)
        for name in [*dirs, *files]:
            path = here / name
            if path.is_symlink():
                os.lchown(path, -1, gid)
            elif name in files:
                os.lchown(path, -1, gid)
                path.chmod(0o660)
    from hocai.hub.control import secure_exchange

    secure_exchange(exchange, course.course_id)


def create_accounts(course_dir: Path) -> list[Account]:
    """Create missing accounts for everyone on the roster; existing kit accounts keep their password."""
    from hocai_grader import roster
    from hocai_grader.workspace import Course

    require_root("tạo tài khoản", "hocai hub accounts …")
    course = Course(course_dir)
    people = roster.load(course.root)
    if not people:
        raise UserError("Khóa học chưa có danh sách học viên; hãy chạy trước: hocai course roster THƯ_MỤC TỆP.csv")
    for person in people:
        if person.username in roster.RESERVED_USERNAMES or not roster.USERNAME_RE.match(person.username):
            raise UserError(f"Tên đăng nhập «{person.username}» không được phép dùng cho tài khoản lớp học.")
        if _existing(person.username) and not is_kit_account(person.username):
            raise UserError(
                f"Máy đã có tài khoản «{person.username}» không do bộ công cụ tạo; hãy đổi tên đăng nhập "
                "trong danh sách rồi nhập lại."
            )
    for group in (settings.PARTICIPANT_GROUP, settings.INSTRUCTOR_GROUP):
        _ensure_group(group)
    share_course(course)
    settings.save(course_dir=str(course.root), course_id=course.course_id)
    accounts = []
    for person in people:
        group = settings.INSTRUCTOR_GROUP if person.role == "instructor" else settings.PARTICIPANT_GROUP
        password = None
        if not _existing(person.username):
            gecos = f"{settings.ACCOUNT_MARKER} {course.course_id} {person.role}"
            _system(
                [
                    "useradd",
                    "--create-home",
                    "--shell",
                    "/bin/bash",
                    "--comment",
                    gecos,
                    "--user-group",
                    "--groups",
                    group,
                    person.username,
                ],
                f"Không tạo được tài khoản «{person.username}»",
            )
            password = make_password()
            _system(
                ["chpasswd"],
                f"Không đặt được mật khẩu cho «{person.username}»",
                stdin=f"{person.username}:{password}\n",
            )
        for error in _seed_home(person.username, person.role, course.root):
            print(f"Chú ý: {person.username}: {error}", file=sys.stderr)
        accounts.append(Account(person.username, person.full_name, person.unit, person.role, password))
    settings.save(
        allowed_users=sorted(a.username for a in accounts),
        instructors=sorted(a.username for a in accounts if a.role == "instructor"),
    )
    return accounts


def remove_accounts(course_dir: Path) -> list[str]:
    """Delete the class accounts (and their homes) the kit made for this course's roster."""
    from hocai_grader import roster

    require_root("tạo tài khoản", "hocai hub accounts …")
    removed = []
    for person in roster.load(Path(course_dir)):
        if is_kit_account(person.username):
            subprocess.run(["pkill", "-KILL", "-u", person.username], capture_output=True)
            _system(["userdel", "--remove", person.username], f"Không xóa được tài khoản «{person.username}»")
            removed.append(person.username)
    return removed


def default_url() -> str:
    """The address participants type: this machine's LAN address and the hub's port."""
    port = settings.load().get("port", kit_settings.HUB_PORT)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("192.0.2.1", 9))  # TEST-NET address: no packet is sent by connect() on UDP
            ip = sock.getsockname()[0]
    except OSError:
        ip = "127.0.0.1"
    return f"http://{ip}:{port}/"


def write_outputs(accounts: list[Account], out: Path, url: str) -> tuple[Path, Path]:
    from hocai.hub.slips import write_slips

    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)
    table = out / "accounts.csv"
    # Names and units are the participants' own text: neutralised, so opening the file in Excel runs nothing.
    rows = ([a.username, a.password or "(giữ mật khẩu cũ)", a.full_name, a.unit, a.role, url] for a in accounts)
    write_rows_csv(table, ["username", "password", "full_name", "unit", "role", "url"], rows)
    table.chmod(0o600)
    slips = out / "login-slips.pdf"
    write_slips([a for a in accounts if a.password], url, slips)
    slips.chmod(0o600)
    return table, slips


def accounts_command(args) -> int:
    course_dir = Path(args.dir)
    if getattr(args, "remove", False):
        removed = remove_accounts(course_dir)
        print(f"Đã xóa {len(removed)} tài khoản lớp học.")
        return 0
    accounts = create_accounts(course_dir)
    url = getattr(args, "url", None) or default_url()
    table, slips = write_outputs(accounts, Path(args.out), url)
    new = sum(a.password is not None for a in accounts)
    print(f"Đã tạo {new} tài khoản mới ({len(accounts) - new} tài khoản đã có giữ nguyên mật khẩu).")
    print(f"  Danh sách mật khẩu cho giảng viên: {table}")
    print(f"  Phiếu đăng nhập để in: {slips}")
    return 0
