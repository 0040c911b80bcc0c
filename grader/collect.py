"""``hocai course collect``: submissions from the exchange (local or JupyterHub) into submitted/, safely.

On a hub collect runs as root over folders participants wrote, and nbgrader's own collect trusts them: a
folder named after another participant only draws a warning, the newest is chosen by a timestamp the
submitter writes (a forged 2099 wins forever), symlinks are followed (another home's answers, the course's
source notebook, /dev/zero), and one badly named folder stops the collect for everyone (security issue 14,
findings 3, 4 and 6). So the kit collects itself:

- a submission counts only if its folder (not a link) belongs to the participant it names, or to the
  account collecting (one machine, one account) or root, and its timestamp is not in the future;
- everything inside must be plain files and folders owned by that same account, read through directory
  descriptors with ``O_NOFOLLOW`` so that nothing swapped in later is followed;
- depth, file count and total size are capped while walking, before anything is copied whole, and the
  copy goes to a private folder that replaces the previous submission only when it is complete;
- whatever fails is skipped with one Vietnamese sentence, the participant's previous valid submission
  is used instead, and the others are collected as usual.

``submission_problem`` applies the same checks to a folder already in submitted/ (autograde calls it).
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hocai.errors import UserError
from hocai.settings import CollectLimits
from hocai_grader.progress import bar
from hocai_grader.workspace import Course

# nbgrader's inbound name: STUDENT+ASSIGNMENT+TIMESTAMP[+RANDOM]
INBOUND_NAME = re.compile(r"(?P<student>[^+]+)\+(?P<assignment>[^+]+)\+(?P<timestamp>[^+]+)(?:\+[^+]*)?")
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
IGNORED = {".ipynb_checkpoints", "__pycache__", "feedback"}  # nbgrader's CourseDirectory.ignore, less *.pyc
CLOCK_SKEW = timedelta(minutes=5)
CHUNK = 1 << 16


class Limits(CollectLimits):
    """What one submission may hold; ``[collect]`` in hocai_course.toml overrides the defaults (``hocai.settings``)."""

    @classmethod
    def of(cls, course: Course) -> CollectLimits:
        return course.checked.collect


class Rejected(Exception):
    """A submission that must not be collected or graded; the message is a Vietnamese clause."""


def _walk(
    root_fd: int,
    limits: Limits,
    owners: set[int] | None,
    on_dir: Callable[[str], None] | None = None,
    on_file: Callable[[int, str, str, os.stat_result, int], int] | None = None,
) -> None:
    """Walk the tree under ``root_fd`` without recursion and without following any link.

    At most ``max_depth`` directory descriptors are open at once. ``on_file(dir_fd, name, relpath, st,
    budget)`` returns the bytes it used; without it the size from lstat counts.
    """
    files, used = 0, 0
    stack = [(root_fd, os.scandir(root_fd), "", 0)]
    try:
        while stack:
            dfd, entries, rel, depth = stack[-1]
            entry = next(entries, None)
            if entry is None:
                entries.close()
                if dfd != root_fd:
                    os.close(dfd)
                stack.pop()
                continue
            name = entry.name
            if name in IGNORED or name.endswith(".pyc"):
                continue
            path = f"{rel}/{name}" if rel else name
            files += 1
            if files > limits.max_files:
                raise Rejected(f"có hơn {limits.max_files} tệp")
            st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
            if stat.S_ISLNK(st.st_mode):
                raise Rejected(f"«{path}» là liên kết (symlink)")
            if owners is not None and st.st_uid not in owners:
                raise Rejected(f"«{path}» thuộc về tài khoản khác")
            if stat.S_ISDIR(st.st_mode):
                if depth + 1 > limits.max_depth:
                    raise Rejected(f"thư mục lồng nhau quá {limits.max_depth} tầng")
                fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dfd)
                try:
                    if (os.fstat(fd).st_ino, os.fstat(fd).st_dev) != (st.st_ino, st.st_dev):
                        raise Rejected(f"«{path}» bị thay đổi trong lúc thu")
                    if on_dir:
                        on_dir(path)
                    stack.append((fd, os.scandir(fd), path, depth + 1))
                except BaseException:
                    os.close(fd)
                    raise
            elif stat.S_ISREG(st.st_mode):
                budget = limits.max_bytes - used
                if st.st_size > budget:
                    raise Rejected(f"tổng dung lượng quá {limits.max_mb:g} MB")
                used += on_file(dfd, name, path, st, budget) if on_file else st.st_size
            else:
                raise Rejected(f"«{path}» không phải tệp thường")
    finally:
        for dfd, entries, _, _ in stack:
            entries.close()
            if dfd != root_fd:
                os.close(dfd)


def _open_root(folder: Path) -> tuple[int, os.stat_result]:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        raise Rejected("không phải thư mục (hoặc là liên kết)") from None
    return fd, os.fstat(fd)


def submission_problem(folder: str | Path, course: Course | None = None) -> str | None:
    """Why a submission folder must not be graded (a link, a special file, too deep, too many files, too
    big), as one Vietnamese sentence; None when it is fine. Reads no file content, so it is safe to call
    before anything else touches the folder (autograde's digest and nbgrader's copy follow links)."""
    limits = Limits.of(course) if course else Limits()
    try:
        fd, _ = _open_root(Path(folder))
        try:
            _walk(fd, limits, None)
        finally:
            os.close(fd)
    except Rejected as why:
        return f"Bài nộp bị từ chối: {why}."
    except OSError as exc:
        return f"Bài nộp bị từ chối: không đọc được ({exc.strerror})."
    return None


def _copy(src_fd: int, dest: Path, limits: Limits, owners: set[int]) -> None:
    """Copy the tree under ``src_fd`` into ``dest`` (new), refusing links, special files and strangers' files."""
    dest.mkdir(mode=0o770)

    def on_dir(path: str) -> None:
        (dest / path).mkdir(mode=0o770)

    def on_file(dfd: int, name: str, path: str, st: os.stat_result, budget: int) -> int:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dfd)
        try:
            now = os.fstat(fd)
            if not stat.S_ISREG(now.st_mode) or (now.st_ino, now.st_dev) != (st.st_ino, st.st_dev):
                raise Rejected(f"«{path}» bị thay đổi trong lúc thu")
            if now.st_uid not in owners:
                raise Rejected(f"«{path}» thuộc về tài khoản khác")
            copied = 0
            with open(dest / path, "xb") as out:
                while chunk := os.read(fd, CHUNK):
                    copied += len(chunk)
                    if copied > budget:
                        raise Rejected(f"tổng dung lượng quá {limits.max_mb:g} MB")
                    out.write(chunk)
            return copied
        finally:
            os.close(fd)

    _walk(src_fd, limits, owners, on_dir, on_file)


def _parse_time(text: str) -> datetime | None:
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text.strip())
    except (ValueError, OverflowError, TypeError):
        return None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _uid(student: str) -> int | None:
    try:
        return pwd.getpwnam(student).pw_uid
    except KeyError:
        return None


def _existing_time(dest: Path) -> datetime | None:
    """Timestamp of the submission already collected; one in the future (forged) counts as none."""
    try:
        stamp = _parse_time((dest / "timestamp.txt").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return stamp if stamp and stamp <= _now() + CLOCK_SKEW else None


def _candidates(inbound: Path, assignment: str, warn: Callable[[str], None]) -> dict[str, list[tuple]]:
    """student → [(timestamp, timestamp text, folder, owner uid)], newest first; bad entries warned and skipped."""
    found: dict[str, list[tuple]] = {}
    me = os.geteuid()
    with os.scandir(inbound) as entries:
        names = sorted(e.name for e in entries)
    for name in names:
        match = INBOUND_NAME.fullmatch(name)
        if not match or match["assignment"] != assignment:
            if f"+{assignment}+" in name or name.endswith(f"+{assignment}"):
                warn(f"Bỏ qua «{name}»: tên không đúng dạng TÊN+BÀI+THỜI_GIAN.")
            continue
        student = match["student"]
        if not STUDENT_ID.fullmatch(student):
            warn(f"Bỏ qua «{name}»: tên đăng nhập «{student}» không hợp lệ.")
            continue
        stamp = _parse_time(match["timestamp"])
        if stamp is None:
            warn(f"Bỏ qua «{name}»: thời gian nộp không đọc được.")
            continue
        if stamp > _now() + CLOCK_SKEW:
            warn(f"Bỏ qua «{name}»: thời gian nộp ở tương lai.")
            continue
        try:
            st = os.stat(inbound / name, follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode):
            warn(f"Bỏ qua «{name}»: không phải thư mục bài nộp.")
            continue
        if st.st_uid not in {_uid(student), me, 0}:
            try:
                owner = pwd.getpwuid(st.st_uid).pw_name
            except KeyError:
                owner = str(st.st_uid)
            warn(f"Bỏ qua «{name}»: mang tên «{student}» nhưng do tài khoản «{owner}» tạo.")
            continue
        found.setdefault(student, []).append((stamp, match["timestamp"], inbound / name, st.st_uid))
    for records in found.values():
        records.sort(key=lambda r: r[0], reverse=True)
    return found


def _collect_one(
    course: Course, student: str, assignment: str, records: list[tuple], limits: Limits, warn: Callable[[str], None]
) -> bool:
    """Copy the participant's newest valid submission unless submitted/ already has it; True if copied."""
    dest = course.submitted / student / assignment
    have = _existing_time(dest) if dest.is_dir() else None
    for stamp, stamp_text, folder, owner in records:
        if have is not None and stamp <= have:
            return False
        try:
            fd, st = _open_root(folder)
        except Rejected as why:
            warn(f"Bỏ qua bài nộp «{folder.name}»: {why}.")
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{assignment}.", dir=dest.parent))
        try:
            if st.st_uid != owner:
                raise Rejected("thư mục bị thay đổi trong lúc thu")
            _copy(fd, work / assignment, limits, {owner})
            (work / assignment / "timestamp.txt").write_text(stamp_text, encoding="utf-8")
            if dest.is_dir() and not dest.is_symlink():
                shutil.rmtree(dest)
            elif dest.is_symlink() or dest.exists():
                dest.unlink()
            os.replace(work / assignment, dest)
            return True
        except Rejected as why:
            warn(f"Bỏ qua bài nộp «{folder.name}» của «{student}»: {why}.")
        except OSError as exc:
            warn(f"Bỏ qua bài nộp «{folder.name}» của «{student}»: không đọc được ({exc.strerror}).")
        finally:
            os.close(fd)
            shutil.rmtree(work, ignore_errors=True)
    try:
        dest.parent.rmdir()  # made for a submission that was refused: leave no empty folder behind
    except OSError:
        pass
    return False


def collect(
    course: Course, assignment: str | None = None, warn: Callable[[str], None] | None = None
) -> dict[str, list[str]]:
    """assignment → participants whose submission is now in submitted/."""
    warn = warn or (lambda message: print(f"Chú ý: {message}", file=sys.stderr))
    names = course.require_assignment(assignment)
    inbound = course.exchange / course.course_id / "inbound"
    if not inbound.is_dir():
        raise UserError(
            f"Thư mục trao đổi {course.exchange} chưa có bài nào của khóa «{course.course_id}»; "
            "hãy phát bài («hocai course release») trước."
        )
    limits = Limits.of(course)
    found: dict[str, list[str]] = {}
    for name in bar(names, desc="Thu bài"):
        for student, records in _candidates(inbound, name, warn).items():
            _collect_one(course, student, name, records, limits, warn)
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
