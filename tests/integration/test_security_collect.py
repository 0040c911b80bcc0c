"""A hostile participant against ``hocai course collect`` and ``hocai course autograde`` (security issue 14,
findings 3, 4 and 6): forged owners and future timestamps, links and special files, folders nested 1,500
deep, 30,000 files and badly named entries in the exchange's inbound folder and in a local submitted/.

Real course folders, the real command line; the inbound folders are made as nbgrader submit makes them,
owned by the account that made them (``chown`` needs root: CI runs as root).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hocai_grader.workspace import Course, init_course

ROOT = Path(__file__).resolve().parents[2]
HOCAI = [sys.executable, "-m", "hocai.cli"]
ENV = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
NOBODY = 65534  # another account: stands for a participant who is not the one the folder names
RIGHT = {"version": 1, "assignment": "bai01", "answers": {"q1": "B"}}
WRONG = {"version": 1, "assignment": "bai01", "answers": {"q1": "A"}}

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="folders owned by another account need root (CI runs as root)"),
    pytest.mark.skipif(not (ROOT / "exercises" / "bai01" / "bai01.ipynb").exists(), reason="the kit's bai01 is absent"),
]


def stamp(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def hocai(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(HOCAI + list(args), capture_output=True, text=True, env=ENV, timeout=timeout)


@pytest.fixture
def course(tmp_path) -> Course:
    course = init_course(tmp_path / "khoa")
    (course.exchange / course.course_id / "inbound").mkdir(parents=True)
    yield course
    subprocess.run(["rm", "-rf", str(tmp_path)], capture_output=True)  # rmtree recurses: 1,500 deep is too deep


def inbound_submission(
    course: Course, student: str, when: str, answers: dict, owner: int = 0, suffix: str = "x"
) -> Path:
    """A submission folder as nbgrader submit leaves it in inbound, made by the account ``owner``."""
    folder = course.exchange / course.course_id / "inbound" / f"{student}+bai01+{when}+{suffix}"
    folder.mkdir()
    (folder / "bai01.ipynb").write_text("{}", encoding="utf-8")
    (folder / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    (folder / "timestamp.txt").write_text(when, encoding="utf-8")
    for path in (folder, *folder.iterdir()):
        os.lchown(path, owner, owner)
    return folder


def collected(course: Course, student: str) -> dict:
    return json.loads((course.submitted / student / "bai01" / "answers.json").read_text(encoding="utf-8"))


def nest(folder: Path, depth: int) -> None:
    """``depth`` folders inside each other, made relative to a descriptor (the path would be too long)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)


def many_files(folder: Path, count: int) -> None:
    for i in range(count):
        (folder / f"f{i:05d}").touch()


def test_forged_owner_and_future_timestamp_are_not_collected(course):
    """Finding 3: another account's folder named after a participant, a 2099 timestamp: neither counts."""
    real = inbound_submission(course, "an", stamp(-timedelta(minutes=30)), RIGHT, owner=0)
    inbound_submission(course, "an", "2099-01-01 00:00:00.000000 UTC", WRONG, owner=NOBODY, suffix="f1")
    inbound_submission(course, "an", stamp(-timedelta(minutes=1)), WRONG, owner=NOBODY, suffix="f2")
    inbound_submission(course, "binh", "2099-01-01 00:00:00.000000 UTC", WRONG, owner=0, suffix="f3")
    inbound_submission(course, "nobody", stamp(-timedelta(minutes=5)), RIGHT, owner=NOBODY)
    run = hocai("course", "collect", str(course.root), "bai01")
    assert run.returncode == 0, run.stderr
    assert collected(course, "an") == RIGHT
    assert (course.submitted / "an" / "bai01" / "timestamp.txt").read_text() == real.name.split("+")[2]
    assert not (course.submitted / "binh").exists()
    assert collected(course, "nobody") == RIGHT  # a folder owned by the participant it names is collected
    assert "do tài khoản «nobody» tạo" in run.stderr and "ở tương lai" in run.stderr

    later = inbound_submission(course, "an", stamp(), WRONG, owner=0, suffix="later")
    run = hocai("course", "collect", str(course.root), "bai01")
    assert run.returncode == 0, run.stderr
    assert collected(course, "an") == WRONG, "the participant's real later submission replaces the earlier one"
    assert (course.submitted / "an" / "bai01" / "timestamp.txt").read_text() == later.name.split("+")[2]


def test_links_and_special_files_are_not_followed(course, tmp_path):
    """Finding 4: a symlink to another home's answers, to the source notebook or to /dev/zero, a FIFO, a
    hard link to another account's file: the submission is refused and the previous valid one stays."""
    victim = tmp_path / "home-victim"
    victim.mkdir(mode=0o700)
    (victim / "answers.json").write_text(json.dumps(RIGHT), encoding="utf-8")
    (victim / "answers.json").chmod(0o600)
    os.chown(victim / "answers.json", NOBODY, NOBODY)
    targets = {
        "cuop": victim / "answers.json",
        "nguon": course.source / "bai01" / "bai01.ipynb",
        "khong": Path("/dev/zero"),
    }
    for i, (student, target) in enumerate(targets.items()):
        inbound_submission(course, student, stamp(-timedelta(hours=1)), WRONG, suffix="cu")
        folder = inbound_submission(course, student, stamp(-timedelta(minutes=10 - i)), WRONG)
        (folder / "answers.json").unlink()
        (folder / "answers.json").symlink_to(target)
    fifo = inbound_submission(course, "ong", stamp(-timedelta(minutes=3)), WRONG)
    os.mkfifo(fifo / "cho.txt")
    hard = inbound_submission(course, "cung", stamp(-timedelta(minutes=2)), WRONG)
    (hard / "answers.json").unlink()
    os.link(victim / "answers.json", hard / "answers.json")
    inbound_submission(course, "dung", stamp(-timedelta(minutes=1)), RIGHT)

    run = hocai("course", "collect", str(course.root), "bai01", timeout=120)
    assert run.returncode == 0, run.stderr
    assert collected(course, "dung") == RIGHT
    for student in [*targets, "ong", "cung"]:
        if student in targets:
            assert collected(course, student) == WRONG, f"{student}: the earlier, valid submission is kept"
        else:
            assert not (course.submitted / student).exists(), student
    for path in course.submitted.rglob("*"):
        assert not path.is_symlink() and (path.is_dir() or path.is_file()), path
        assert path.is_dir() or path.stat().st_size < 10_000, path
    assert "liên kết" in run.stderr and "không phải tệp thường" in run.stderr
    assert "thuộc về tài khoản khác" in run.stderr


def test_stalls_and_bad_names_in_inbound_do_not_stop_collect(course):
    """Finding 6, collect: a badly named empty folder, a dangling symlink, 1,500 folders deep and 30,000
    files are each skipped with a Vietnamese sentence; everyone else is collected, quickly."""
    inbound = course.exchange / course.course_id / "inbound"
    (inbound / "rac+bai01+khong-phai-thoi-gian").mkdir()
    (inbound / f"treo+bai01+{stamp()}+x").symlink_to(inbound / "khong-co")
    deep = inbound_submission(course, "sau", stamp(-timedelta(minutes=2)), WRONG)
    nest(deep, 1500)
    crowd = inbound_submission(course, "nhieu", stamp(-timedelta(minutes=2)), WRONG)
    many_files(crowd, 30_000)
    inbound_submission(course, "zung", stamp(-timedelta(minutes=1)), RIGHT)

    started = time.monotonic()
    run = hocai("course", "collect", str(course.root), "bai01", timeout=300)
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    assert collected(course, "zung") == RIGHT
    assert not (course.submitted / "sau").exists() and not (course.submitted / "nhieu").exists()
    assert "không đọc được" in run.stderr and "không phải thư mục" in run.stderr
    assert "lồng nhau" in run.stderr and "tệp" in run.stderr
    assert "Traceback" not in run.stderr
    assert seconds < 60, seconds


def test_autograde_refuses_deep_huge_and_linked_local_submissions(course, tmp_path):
    """Findings 4 and 6, autograde: in a local submitted/, 1,500 folders deep, 30,000 files and an
    answers.json linked to another participant's are refused with a note; the honest one is graded."""
    from hocai_grader.answers import submit_answers
    from hocai_grader.release import release

    students = ["dung", "sau", "nhieu", "lienket"]
    with course.gradebook() as gb:
        for student in students:
            gb.update_or_create_student(student)
    release(course, "bai01")
    folders = {s: submit_answers(str(course.root), s, "bai01", {"q1": "B"}) for s in students}
    nest(folders["sau"], 1500)
    many_files(folders["nhieu"], 30_000)
    (folders["lienket"] / "answers.json").unlink()
    (folders["lienket"] / "answers.json").symlink_to(folders["dung"] / "answers.json")

    started = time.monotonic()
    run = hocai("course", "autograde", str(course.root), "bai01", timeout=600)
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    log = json.loads((course.root / "autograde_log.json").read_text(encoding="utf-8"))
    assert {e["student"] for e in log["entries"]} == {"dung"}
    refused = {e["student"]: e["note"] for e in log["unknown"]}
    assert set(refused) == {"sau", "nhieu", "lienket"}
    assert all(note.startswith("Bài nộp bị từ chối") for note in refused.values()), refused
    assert not any((course.autograded / s).exists() for s in ("sau", "nhieu", "lienket"))
    assert seconds < 300, seconds
