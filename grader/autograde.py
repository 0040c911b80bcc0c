"""``hocai course autograde``: nbgrader's autograde with every kernel sandboxed and submissions in parallel.

nbgrader's ``Autograde`` converter does the work in two halves around ``Execute``. Here the grader process
runs both halves (sanitize: gradebook submission, overwritten cells, restored instructor code; then
IgnorePattern … SaveAutoGrades) and is the only writer of the gradebook; worker threads only drive
sandboxed kernels (hocai_grader.sandbox), which see a private copy of one submission and nothing else.
``--jobs N``: N submissions execute at once while the kernels of the next N boot, since kernel start is
most of a submission's time; gradebook engines are reused across nbgrader's many Gradebook() opens.
Re-running is safe: a submission whose content is unchanged and already graded is skipped; the gradebook is
backed up first; ``autograde_log.json`` keeps per-submission status (ok | timeout | crash | limit).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import random
import shutil
import sqlite3
import stat
import threading
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbconvert.writers import FilesWriter
from nbgrader.api import MissingEntry
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter
from nbgrader.preprocessors import AssignLatePenalties, IgnorePattern, LimitOutput, SaveAutoGrades

from hocai.errors import UserError
from hocai.fileio import file_lock
from hocai_grader.collect import submission_problem
from hocai_grader.progress import bar
from hocai_grader.sandbox import (
    KERNEL_DIED,
    LIMIT_EXITS,
    MAX_SANDBOX_FILE,
    Limits,
    SandboxedRun,
    reap_orphans,
    sandbox_problem,
)
from hocai_grader.workspace import Course, create_private, protect, write_private

LOG_NAME = "autograde_log.json"
UID_BASE = 61000
UID_SPAN = 4000
NOTES = {
    "ok": "Chấm xong.",
    "timeout": "Có ô chạy quá thời gian cho phép nên bị dừng; ô đó không được điểm.",
    "limit": "Bài vượt giới hạn tài nguyên (bộ nhớ, số tiến trình hoặc độ dài đầu ra); phần vượt bị chặn.",
    "crash": "Trình chạy Python của bài bị dừng giữa chừng; các ô còn lại không được điểm.",
}
IGNORED_NOTE = "Chỉ chấm sổ tay và answers.json; đã bỏ qua {n} tệp hoặc thư mục khác trong bài nộp."
# What the graded copy takes from a submission besides its notebooks: the answers, and what nbgrader's
# feedback needs. Nothing else of a submission is read, walked or copied.
KEPT_FILES = ("answers.json", "timestamp.txt", "submission_secret.txt")
LIMIT_ERRORS = {"MemoryError", "BlockingIOError", "RecursionError"}
# nbgrader's autograde_preprocessors after Execute, less the final CheckCellMetadata: the metadata was
# validated in the sanitize half and a sandboxed kernel cannot change it (its jsonschema check costs ~50 ms).
AFTER_EXECUTE = [IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades, AssignLatePenalties]


def log_path(course_dir: str | Path) -> Path:
    return Path(course_dir) / LOG_NAME


def _read_log(course_dir) -> dict:
    path = log_path(course_dir)
    if not path.exists():
        return {"entries": [], "unknown": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {"entries": [], "unknown": []}
    data.setdefault("entries", [])
    data.setdefault("unknown", [])
    return data


def load_log(course_dir: str | Path) -> list[dict]:
    """One entry per (student, assignment) graded: status, Vietnamese note, score, content digest."""
    return list(_read_log(course_dir)["entries"])


def _write_log(course_dir: Path, entries: dict[tuple[str, str], dict], unknown: list[dict]) -> None:
    data = {"entries": sorted(entries.values(), key=lambda e: (e["assignment"], e["student"])), "unknown": unknown}
    write_private(log_path(course_dir), json.dumps(data, ensure_ascii=False, indent=1))


def backup_gradebook(course: Course) -> Path | None:
    """A consistent copy of the gradebook through sqlite3's backup API."""
    if not course.db_path.exists():
        return None
    course.backups.mkdir(exist_ok=True)
    protect(course.backups, 0o770)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = create_private(course.backups / f"gradebook-{stamp}.db")
    src = sqlite3.connect(f"file:{course.db_path}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def read_regular(path: Path, limit: int | None = None) -> bytes | None:
    """The bytes of ``path`` when it is a regular file (never through a link, never a FIFO or device) of at
    most ``limit`` bytes; None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (limit is not None and info.st_size > limit):
            return None
        data = handle.read() if limit is None else handle.read(limit + 1)
    return data if limit is None or len(data) <= limit else None


def submission_digest(folder: Path, notebooks: list[str] | None = None) -> str:
    """Content hash of what is graded in a submitted folder (its notebooks and answers.json, looked up by
    name: the folder is never walked): unchanged content means nothing to regrade."""
    if notebooks is None:
        with os.scandir(folder) as entries:
            notebooks = sorted(e.name for e in entries if e.name.endswith(".ipynb"))
    h = hashlib.sha256()
    for name in sorted(notebooks) + ["answers.json"]:
        data = read_regular(folder / name)
        if data is not None:
            h.update(name.encode() + b"\0")
            h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _count_others(folder: Path, graded: set[str]) -> int:
    """Entries of the submission's top folder that are not graded (not walked further)."""
    try:
        with os.scandir(folder) as entries:
            return sum(1 for e in entries if e.name not in graded and e.name != ".ipynb_checkpoints")
    except OSError:
        return 0


def _has_hocai_questions(notebook: Path) -> bool:
    nb = nbformat.read(notebook, as_version=4)
    return any("hocai" in cell.metadata for cell in nb.cells)


@dataclass
class Job:
    assignment: str
    student: str
    folder: Path
    digest: str
    notebooks: list[Path] = field(default_factory=list)
    prepared: list[tuple[nbformat.NotebookNode, dict]] = field(default_factory=list)
    status: str = "ok"
    seconds: float = 0.0
    ignored: int = 0


class _KeptFilesOnly(BaseConverter):
    """Stands in for BaseConverter.init_assignment, which walks and copies a whole submission (a folder
    nested 1,500 deep ends it with RecursionError, 30,000 files keep it busy for minutes, and every file
    reached the kernel): the graded copy takes only ``KEPT_FILES``, each a regular file of at most 1 MB."""

    def init_assignment(self, assignment_id: str, student_id: str) -> None:
        source = Path(self._format_source(assignment_id, student_id))
        dest = Path(self._format_dest(assignment_id, student_id))
        dest.mkdir(parents=True, exist_ok=True)
        for folder in (dest.parent.parent, dest.parent, dest):
            protect(folder, 0o770)
        for name in KEPT_FILES:
            data = read_regular(source / name, MAX_SANDBOX_FILE)
            if data is not None:
                (dest / name).write_bytes(data)
                protect(dest / name)


class KitAutograde(Autograde, _KeptFilesOnly):
    """nbgrader's Autograde, driven one submission at a time by the kit (same preprocessors, same gradebook);
    graded copies are the instructor's alone (0640)."""

    def setup(self, restore_code: bool) -> None:
        self.permissions = 640
        self.writer = FilesWriter(parent=self, config=self.config)
        self.exporter = self.exporter_class(parent=self, config=self.config)
        sanitize = list(self.sanitize_preprocessors)
        if restore_code:
            from hocai_grader.preprocessors import BindParticipant, RestoreInstructorCode

            sanitize.insert(0, RestoreInstructorCode)
            sanitize.append(BindParticipant)
        self.sanitize_preprocessors = sanitize

    def prepare(self, job: Job) -> None:
        """Sanitize half (grader process): submission row, source files, overwritten cells."""
        self._sanitizing = True
        dest = Path(self._format_dest(job.assignment, job.student))
        if dest.exists():
            shutil.rmtree(dest)
        self.notebooks = [str(p) for p in job.notebooks]
        self.init_assignment(job.assignment, job.student)
        self._init_preprocessors()
        for notebook in self.notebooks:
            BaseConverter.convert_single_notebook(self, notebook)
        self._sanitizing = False
        for notebook in self.notebooks:
            path = dest / Path(notebook).name
            resources = self.init_single_notebook_resources(str(path))
            job.prepared.append((nbformat.read(path, as_version=4), resources))

    def save(self, job: Job) -> None:
        """Grading half (grader process): the executed notebooks' scores into the gradebook."""
        self._sanitizing = False
        self.exporter._preprocessors = []
        for pp in AFTER_EXECUTE:
            self.exporter.register_preprocessor(pp)
        for nb, resources in job.prepared:
            output, resources = self.exporter.from_notebook_node(nb, resources=resources)
            self.write_single_notebook(output, resources)
        self.set_permissions(job.assignment, job.student)


def _execute(job: Job, limits: Limits, uid: int | None, config, turn: threading.Semaphore) -> Job:
    """Worker thread: run each prepared notebook in its own sandbox; never touches the gradebook.

    The kernel is launched before waiting for a turn, so it boots while other submissions run; at most
    ``jobs`` submissions execute at once. When the grader runs as root, each submission's kernel runs as
    its own unprivileged uid, so the process limit counts only that submission's processes.
    """
    start = time.monotonic()
    statuses = []
    for nb, _ in job.prepared:
        for attempt in range(2):
            try:
                with SandboxedRun(job.folder, limits, uid, config) as run, turn:
                    ep = run.execute(nb)
                break
            except RuntimeError:  # the kernel did not start: try once more before calling it a crash
                if attempt:
                    raise
                time.sleep(1)
        statuses.append(_status(nb, ep))
    job.seconds = time.monotonic() - start
    for status in ("crash", "timeout", "limit"):
        if status in statuses:
            job.status = status
            break
    return job


def _status(nb, ep) -> str:
    if getattr(ep, "limit_hit", None):
        return "limit"
    if ep.kernel_died:
        return "limit" if ep.truncated or ep.exit_status in LIMIT_EXITS else "crash"
    errors = {
        o.get("ename")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    }
    if "CellTimeoutError" in errors:
        return "timeout"
    if ep.truncated or errors & LIMIT_ERRORS:
        return "limit"
    if KERNEL_DIED in errors:
        return "crash"
    return "ok"


def _logger(course: Course) -> logging.Logger:
    log = logging.getLogger(f"hocai.autograde.{course.root}")
    log.setLevel(logging.INFO)
    log.propagate = False
    if not log.handlers:
        handler = logging.FileHandler(create_private(course.root / "autograde.log"), encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s [%(levelname)s] %(message)s"))
        log.addHandler(handler)
    return log


def ensure_generated(course: Course, assignment: str) -> None:
    """The assignment must be in the gradebook (nbgrader generate_assignment) before grading."""
    with course.gradebook() as gb:
        if any(a.name == assignment for a in gb.assignments):
            return
    result = course.api().generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise UserError(f"Không tạo được bài «{assignment}» từ thư mục source/; xem chi tiết trong nhật ký nbgrader.")


@dataclass
class Summary:
    graded: list[dict]
    skipped: int
    unknown: list[dict]
    backup: Path | None
    seconds: float


def autograde(
    course: Course, assignment: str | None = None, jobs: int = 2, force: bool = False, progress: bool = True
) -> Summary:
    with _single_run(course), _shared_engines():
        return _autograde(course, assignment, jobs, force, progress)


def _autograde(course: Course, assignment: str | None, jobs: int, force: bool, progress: bool) -> Summary:
    if problem := sandbox_problem():
        raise UserError(problem)
    reap_orphans()
    if jobs < 1:
        raise UserError("Số bài chấm cùng lúc (--jobs) phải từ 1 trở lên.")
    started = time.monotonic()
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    names = course.require_assignment(assignment)
    known = course.students()
    old = _read_log(course.root)
    entries = {(e["student"], e["assignment"]): e for e in old["entries"]}
    unknown: list[dict] = []
    todo: list[Job] = []
    skipped = 0
    for name in names:
        expected = sorted(p.name for p in (course.source / name).glob("*.ipynb"))
        graded_names = set(expected) | set(KEPT_FILES)
        for folder in sorted(course.submitted.glob(f"*/{name}")):
            student = folder.parent.name
            if folder.is_symlink() or not folder.is_dir():
                continue
            if student not in known:
                unknown.append(
                    {
                        "student": student,
                        "assignment": name,
                        "note": "Không có trong danh sách học viên nên không chấm.",
                    }
                )
                continue
            if problem := submission_problem(folder, course):
                unknown.append({"student": student, "assignment": name, "note": problem})
                continue
            digest = submission_digest(folder, expected)
            previous = entries.get((student, name))
            graded_copy = course.autograded / student / name
            if (
                not force
                and previous
                and previous.get("digest") == digest
                and previous.get("status") != "crash"
                and graded_copy.is_dir()
            ):
                skipped += 1
                continue
            notebooks = [folder / n for n in expected if _is_regular(folder / n)]
            todo.append(Job(name, student, graded_copy, digest, notebooks, ignored=_count_others(folder, graded_names)))
    backup = None
    graded: list[dict] = []
    if course.db_path.exists():
        protect(course.db_path, 0o660)
    if todo:
        for name in sorted({job.assignment for job in todo}):
            ensure_generated(course, name)
        backup = backup_gradebook(course)
        graded = _run(course, todo, jobs, entries, unknown, progress)
    _write_log(course.root, entries, unknown)
    return Summary(graded, skipped, unknown, backup, time.monotonic() - started)


@contextmanager
def _shared_engines():
    """nbgrader opens a new SQLAlchemy engine for each Gradebook it opens (about a dozen per submission),
    discarding SQLAlchemy's compiled-statement cache every time; one engine per database for the run keeps
    it. Only the grader's main thread opens gradebooks, so sharing the engine is safe."""
    import nbgrader.api as nbapi

    original = nbapi.create_engine
    engines: dict = {}

    def shared(url, **kwargs):
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = original(url, **kwargs)
        return engines[key]

    nbapi.create_engine = shared
    try:
        yield
    finally:
        nbapi.create_engine = original
        for engine in engines.values():
            engine.dispose()


@contextmanager
def _single_run(course: Course):
    """One autograde at a time per course: the grader process must be the gradebook's only writer."""
    path = create_private(course.root / ".autograde.lock")
    with file_lock(path, busy="Đang có một lần chấm khác chạy trên khóa học này; hãy đợi nó xong rồi chạy lại."):
        yield


def _run(course: Course, todo: list[Job], jobs: int, entries: dict, unknown: list[dict], progress: bool) -> list[dict]:
    limits = Limits.from_mapping(course.autograde_settings)
    config = course.config
    converters: dict[str, KitAutograde] = {}
    log = _logger(course)
    uids = itertools.count(random.randrange(UID_SPAN))
    turn = threading.Semaphore(jobs)
    graded: list[dict] = []
    pending: dict[Future, Job] = {}

    def converter(name: str) -> KitAutograde:
        if name not in converters:
            conv = KitAutograde(coursedir=course.coursedir(assignment_id=name), config=config)
            conv.log = log
            source_notebooks = sorted((course.source / name).glob("*.ipynb"))
            conv.setup(restore_code=any(_has_hocai_questions(p) for p in source_notebooks))
            converters[name] = conv
        return converters[name]

    def finish(fut: Future, tick) -> None:
        job = pending.pop(fut)
        try:
            job = fut.result()
            converter(job.assignment).save(job)
        except Exception:  # noqa: BLE001 - one broken submission must not stop the class
            log.exception("autograde failed for %s/%s", job.student, job.assignment)
            job.status = "crash"
            _zero_submission(course, job)
        graded.append(_record(course, job, entries))
        _write_log(course.root, entries, unknown)
        tick()

    with (
        bar(total=len(todo), desc="Chấm bài", unit="bài", disable=not progress) as pbar,
        ThreadPoolExecutor(max_workers=2 * jobs, thread_name_prefix="hocai-grade") as pool,
    ):
        for job in todo:
            try:
                converter(job.assignment).prepare(job)
            except Exception:  # noqa: BLE001
                log.exception("could not prepare %s/%s", job.student, job.assignment)
                job.status = "crash"
                _zero_submission(course, job)
                graded.append(_record(course, job, entries))
                pbar.update(1)
                continue
            uid = UID_BASE + next(uids) % UID_SPAN if os.geteuid() == 0 else None
            pending[pool.submit(_execute, job, limits, uid, config, turn)] = job
            while len(pending) >= 3 * jobs:
                done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for fut in done:
                    finish(fut, lambda: pbar.update(1))
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in done:
                finish(fut, lambda: pbar.update(1))
    return graded


def _zero_submission(course: Course, job: Job) -> None:
    """A submission that could not be graded scores zero: never full marks by omission, never an old score.

    Only a missing submission row is expected (nbgrader failed before recording one, so no old score exists);
    any other gradebook error propagates, since a run that stops is better than a crash that keeps a score.
    """
    try:
        with course.gradebook() as gb:
            submission = gb.find_submission(job.assignment, job.student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    grade.auto_score = 0
            gb.db.commit()
    except MissingEntry:
        return


def _record(course: Course, job: Job, entries: dict) -> dict:
    with course.gradebook() as gb:
        try:
            submission = gb.find_submission(job.assignment, job.student)
            score, max_score = float(submission.score), float(submission.max_score)
        except MissingEntry:  # nothing recorded for it: zero out of the assignment's marks
            score = 0.0
            try:
                max_score = float(gb.find_assignment(job.assignment).max_score or 0)
            except MissingEntry:
                max_score = 0.0
    note = NOTES[job.status] + (" " + IGNORED_NOTE.format(n=job.ignored) if job.ignored else "")
    entry = {
        "student": job.student,
        "assignment": job.assignment,
        "status": job.status,
        "note": note,
        "ignored": job.ignored,
        "score": score,
        "max_score": max_score,
        "digest": job.digest,
        "seconds": round(job.seconds, 2),
        "graded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    entries[(job.student, job.assignment)] = entry
    return entry


def autograde_command(args) -> int:
    course = Course(args.dir)
    summary = autograde(course, args.assignment, jobs=args.jobs, force=getattr(args, "force", False))
    counts = {s: sum(1 for e in summary.graded if e["status"] == s) for s in NOTES}
    print(
        f"Đã chấm {len(summary.graded)} bài trong {summary.seconds:.1f} giây; bỏ qua {summary.skipped} bài "
        f"không đổi từ lần chấm trước."
    )
    if summary.backup:
        print(f"Đã sao lưu sổ điểm trước khi chấm: {summary.backup}")
    labels = {"timeout": "quá thời gian", "limit": "vượt giới hạn", "crash": "bị lỗi khi chấm"}
    for status, label in labels.items():
        if counts[status]:
            who = ", ".join(f"{e['student']} ({e['assignment']})" for e in summary.graded if e["status"] == status)
            print(f"Cần xem lại — {label}: {who}.")
    for entry in summary.graded:
        if entry.get("ignored"):
            print(f"Bài của «{entry['student']}» ({entry['assignment']}): " + IGNORED_NOTE.format(n=entry["ignored"]))
    for item in summary.unknown:
        print(f"Bỏ qua bài của «{item['student']}» ({item['assignment']}): {item['note']}")
    return 0
