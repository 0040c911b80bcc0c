"""The instructor's workflow on the kit's exercises: init → release → (participant submits) → collect →
sandboxed parallel autograde → feedback; re-running changes nothing; a killed run resumes without loss."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hocai_grader.autograde import autograde, load_log
from hocai_grader.workspace import Course, init_course

ROOT = Path(__file__).resolve().parents[2]
HOCAI = [sys.executable, "-m", "hocai.cli"]
BIN = Path(sys.executable).parent
ENV = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def right(course, student: str) -> dict:
    """bai01 answered correctly on ``student``'s own form (each participant has their own variants)."""
    from hocai_grader.answers import answer_key

    return answer_key(str(course.root), "bai01", student)


def wrong(course, student: str) -> dict:
    from hocai_grader.answers import wrong_answers

    return wrong_answers(str(course.root), "bai01", student)


needs_kit = pytest.mark.skipif(
    not (ROOT / "exercises" / "bai01" / "bai01.ipynb").exists() or not shutil.which("bwrap"),
    reason="needs the kit's exercise bai01 and bubblewrap",
)


def hocai(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(HOCAI + list(args), capture_output=True, text=True, env=ENV, cwd=cwd, timeout=600)


def course_with(tmp_path: Path, students: list[str]) -> Course:
    course = init_course(tmp_path / "khoa")
    with course.gradebook() as gb:
        for s in students:
            gb.update_or_create_student(s)
    return course


def graded_rows(course: Course) -> list[tuple]:
    con = sqlite3.connect(course.db_path)
    try:
        subs = con.execute(
            "SELECT student_id, assignment_id, timestamp FROM submitted_assignment ORDER BY 1"
        ).fetchall()
        grades = con.execute("SELECT cell_id, notebook_id, auto_score FROM grade ORDER BY 1, 2").fetchall()
    finally:
        con.close()
    return subs + grades


def test_bad_input_is_one_vietnamese_sentence(tmp_path):
    inside = hocai("course", "init", str(ROOT / "khoa-thu"))
    assert inside.returncode == 2 and "ngoài thư mục mã nguồn" in inside.stderr
    assert not (ROOT / "khoa-thu").exists()
    missing = hocai("course", "autograde", str(tmp_path / "khong-co"))
    assert missing.returncode == 2 and "không phải thư mục khóa học" in missing.stderr
    assert "Traceback" not in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    source = tmp_path / "nguon" / "bai"
    source.mkdir(parents=True)
    shutil.copy(Path(__file__), source / "khong_phai_so_tay.py")
    empty = hocai("course", "init", str(tmp_path / "k2"), "--source", str(tmp_path / "nguon"))
    assert empty.returncode == 2 and "không có bài nào" in empty.stderr


@needs_kit
def test_release_collect_autograde_feedback(tmp_path):
    from hocai_grader.answers import submit_answers

    course = course_with(tmp_path, ["an", "binh"])
    assert hocai("course", "release", str(course.root), "bai99").returncode == 2
    run = hocai("course", "release", str(course.root), "bai01")
    assert run.returncode == 0, run.stderr
    assert (course.exchange / "hocai" / "outbound" / "bai01" / "bai01.ipynb").exists()

    # Each participant submits through nbgrader's own exchange, as on the laptop or JupyterHub; nbgrader names
    # the inbound folder after the OS account, so the test renames it after the participant.
    for student, answers in (("an", right(course, "an")), ("binh", wrong(course, "binh"))):
        made = submit_answers(str(course.root), student, "bai01", answers)
        work = tmp_path / f"home-{student}"
        work.mkdir()
        shutil.move(str(made), work / "bai01")
        (work / "bai01" / "timestamp.txt").unlink()
        sub = subprocess.run(
            [str(BIN / "nbgrader"), "submit", "bai01", "--course", "hocai", f"--Exchange.root={course.exchange}"],
            cwd=work,
            capture_output=True,
            text=True,
            env=ENV,
            timeout=300,
        )
        assert sub.returncode == 0, sub.stderr
        inbound = course.exchange / "hocai" / "inbound"
        for folder in inbound.iterdir():
            owner, rest = folder.name.split("+", 1)
            if owner not in ("an", "binh"):
                folder.rename(inbound / f"{student}+{rest}")
    shutil.rmtree(course.submitted)
    course.submitted.mkdir()
    run = hocai("course", "collect", str(course.root), "bai01")
    assert run.returncode == 0, run.stderr
    assert (course.submitted / "an" / "bai01" / "answers.json").exists()

    run = hocai("course", "autograde", str(course.root), "--jobs", "2")
    assert run.returncode == 0, run.stderr
    with course.gradebook() as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions("bai01")}
    assert scores == {"an": 12.0, "binh": 0.0}
    assert {(e["student"], e["status"]) for e in load_log(course.root)} == {("an", "ok"), ("binh", "ok")}
    assert len(list(course.backups.glob("gradebook-*.db"))) == 1

    before = graded_rows(course)
    again = hocai("course", "autograde", str(course.root))
    assert again.returncode == 0 and "bỏ qua 2" in again.stdout
    assert graded_rows(course) == before
    assert len(list(course.backups.glob("gradebook-*.db"))) == 1

    summary = autograde(course, "bai01", jobs=2, force=True, progress=False)
    assert len(summary.graded) == 2
    assert len(graded_rows(course)) == len(before)
    with course.gradebook() as gb:
        assert {s.student.id: s.score for s in gb.assignment_submissions("bai01")} == scores

    run = hocai("course", "feedback", str(course.root), "bai01")
    assert run.returncode == 0, run.stderr
    assert (course.feedback / "an" / "bai01" / "bai01.html").exists()
    assert len(list((course.exchange / "hocai" / "feedback").glob("*.html"))) == 2


def _sandbox_processes() -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = int(next(line for line in status.read_text().splitlines() if line.startswith("Uid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
        if 61000 <= uid < 65000:
            found.append(int(status.parent.name))
    return found


@needs_kit
def test_killed_run_resumes_without_loss_or_duplicates(tmp_path):
    from hocai_grader.answers import submit_answers
    from hocai_grader.release import release

    students = [f"hv{i}" for i in range(8)]
    course = course_with(tmp_path, students)
    release(course, "bai01")
    for i, s in enumerate(students):
        submit_answers(str(course.root), s, "bai01", right(course, s) if i % 2 == 0 else wrong(course, s))
    proc = subprocess.Popen(
        HOCAI + ["course", "autograde", str(course.root), "--jobs", "2"],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(load_log(course.root)) < 2 and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "autograde finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(load_log(course.root))
    assert 2 <= done_before < len(students)
    if os.geteuid() == 0:
        time.sleep(1)
        assert _sandbox_processes() == []

    run = hocai("course", "autograde", str(course.root), "--jobs", "2")
    assert run.returncode == 0, run.stderr
    with course.gradebook() as gb:
        subs = gb.assignment_submissions("bai01")
        scores = {s.student.id: s.score for s in subs}
    assert scores == {s: (12.0 if i % 2 == 0 else 0.0) for i, s in enumerate(students)}
    con = sqlite3.connect(course.db_path)
    assert con.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0] == len(students)
    assert con.execute("SELECT COUNT(*) FROM submitted_notebook").fetchone()[0] == len(students)
    con.close()
    log = json.loads((course.root / "autograde_log.json").read_text(encoding="utf-8"))
    assert sorted(e["student"] for e in log["entries"]) == students
