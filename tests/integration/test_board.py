"""The instructor's live board (issue 18, item 3) on a real course: states from homes, exchange and gradebook;
the web service refuses anyone without the trainer token."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

from hocai.exercise import storage, submit
from hocai_grader import board
from hocai_grader.answers import submit_answers
from hocai_grader.release import release
from hocai_grader.workspace import init_course

ROOT = Path(__file__).resolve().parents[2]
STUDENTS = ("hv1", "hv2", "hv3", "hv4")


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """hv1 graded, hv2 submitted, hv3 answering, hv4 nothing; homes as the hub leaves them."""
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    base = tmp_path_factory.mktemp("bang")
    source = base / "exercises"
    (source / "bai01").mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / "bai01" / "bai01.ipynb", source / "bai01")
    course = init_course(base / "lop", source=source)
    with course.gradebook() as gb:
        for sid in STUDENTS:
            gb.update_or_create_student(sid, first_name="Học", last_name=f"Viên {sid}")
    release(course, "bai01")
    homes = {sid: base / "homes" / sid for sid in STUDENTS}
    for sid in ("hv1", "hv2", "hv3"):
        (homes[sid] / "bai01").mkdir(parents=True)
        storage.save("q1", "A", homes[sid] / "bai01", assignment="bai01")
    submit.record("lessons", "01-ai-la-gi", home=homes["hv1"])
    submit.record("lessons", "../../etc/passwd", home=homes["hv1"])  # not a lesson: never shown
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    (course.exchange / course.course_id / "inbound" / f"hv2+bai01+{stamp}").mkdir(parents=True)
    submit_answers(str(course.root), "hv1", "bai01", {"q1": "A"})
    api = course.api()
    result = api.autograde("bai01", "hv1", force=True)
    assert result["success"], result.get("log")
    return course, homes


def test_each_participant_has_the_state_the_kit_recorded(klass):
    course, homes = klass
    _, rows = board.build(course.root, homes)
    by = {r.username: r for r in rows}
    assert {u: r.states["bai01"] for u, r in by.items()} == {
        "hv1": board.GRADED,
        "hv2": board.SUBMITTED,
        "hv3": board.IN_PROGRESS,
        "hv4": board.NOT_STARTED,
    }
    assert by["hv1"].lessons == ["01-ai-la-gi"]
    assert by["hv1"].max_score > 0 and by["hv4"].last_activity == 0
    assert [r.username for r in board.stuck(rows, 10, now=time.time() + 3600)] == [
        r.username for r in rows if not r.completed
    ]
    assert "hv4" in [r.username for r in board.stuck(rows, 10)]
    assert "hv3" not in [r.username for r in board.stuck(rows, 10)]


def test_opening_the_exercise_is_in_progress_before_any_answer(klass, tmp_path):
    """JupyterLab's first checkpoint of the notebook, written when it is opened, is the «đang làm» signal."""
    course, homes = klass
    opened = tmp_path / "hv4"
    (opened / "bai01" / ".ipynb_checkpoints").mkdir(parents=True)
    _, rows = board.build(course.root, {**homes, "hv4": opened})
    assert next(r for r in rows if r.username == "hv4").states["bai01"] == board.NOT_STARTED
    (opened / "bai01" / ".ipynb_checkpoints" / "bai01-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    _, rows = board.build(course.root, {**homes, "hv4": opened})
    row = next(r for r in rows if r.username == "hv4")
    assert row.states["bai01"] == board.IN_PROGRESS and row.last_activity > time.time() - 60
    assert "hv4" not in [r.username for r in board.stuck(rows, 10)]


def test_a_link_planted_in_a_home_is_not_followed(klass, tmp_path):
    course, homes = klass
    fake = tmp_path / "hv4"
    (fake / ".local" / "share" / "hocai").mkdir(parents=True)
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"lessons": {"01-ai-la-gi": "x"}}), encoding="utf-8")
    (fake / ".local" / "share" / "hocai" / "progress.json").symlink_to(secret)
    (fake / "bai01").mkdir()
    (fake / "bai01" / "answers.json").symlink_to(secret)
    (fake / "bai01" / ".ipynb_checkpoints").mkdir()
    (fake / "bai01" / ".ipynb_checkpoints" / "bai01-checkpoint.ipynb").symlink_to(secret)
    _, rows = board.build(course.root, {**homes, "hv4": fake})
    row = next(r for r in rows if r.username == "hv4")
    assert row.lessons == [] and row.states["bai01"] == board.NOT_STARTED


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextlib.contextmanager
def running_board(course_root: Path):
    """The board service (hocai.hub.board) on a free port in a thread of this process; its base URL."""
    from tornado import ioloop

    from hocai.hub import board as service

    port = _free_port()
    loop_box = {}

    def run():
        import asyncio

        asyncio.set_event_loop(asyncio.new_event_loop())
        service.make_app(course_root).listen(port, "127.0.0.1")
        loop_box["loop"] = ioloop.IOLoop.current()
        loop_box["loop"].start()

    threading.Thread(target=run, daemon=True).start()
    for _ in range(50):
        if "loop" in loop_box:
            break
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop_box["loop"].add_callback(loop_box["loop"].stop)


def test_service_needs_the_trainer_token_and_exports_the_report(klass, monkeypatch):
    from hocai.hub import board as service

    course, _ = klass
    monkeypatch.setenv(service.TOKEN_ENV, "bi-mat-giang-vien")
    with running_board(course.root) as base:
        for path in ("/", "/data.json", "/export.csv"):
            status, body = _get(base + path)
            assert status == 403 and "Chỉ giảng viên" in body.decode("utf-8")
            assert _get(base + path, "doan-bua")[0] == 403
        status, body = _get(base + "/data.json", "bi-mat-giang-vien")
        assert status == 200
        data = json.loads(body)
        assert {r["username"] for r in data["rows"]} == set(STUDENTS)
        status, page = _get(base + "/", "bi-mat-giang-vien")
        assert status == 200 and "Bảng tiến độ" in page.decode("utf-8") and "viewport" in page.decode("utf-8")
        status, csv = _get(base + "/export.csv", "bi-mat-giang-vien")
        assert status == 200 and "hv1" in csv.decode("utf-8-sig")
        assert _get(base + "/export.xlsx", "bi-mat-giang-vien")[1][:2] == b"PK"


def test_the_board_counts_the_assistants_questions_by_section(klass, service, monkeypatch):
    """Issue 23, item 5: what the class asks the assistant, counted per lesson section, on the board; never the
    question's text. A service that cannot be reached leaves the board working, without the counts."""
    from hocai.hub import board as service_module

    course, _ = klass
    question = "Làm sao nhận ra cuộc gọi video deepfake giả giọng người quen?"
    asked = json.dumps({"question": question}).encode()
    request = urllib.request.Request(service.url + "api/assistant", asked, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        reply = json.loads(response.read())
    assert reply["status"] == "answer", reply
    top = reply["sources"][0]
    monkeypatch.setenv(service_module.TOKEN_ENV, "bi-mat-giang-vien")
    monkeypatch.setenv("HOCAI_SERVICE_URL", service.url)
    with running_board(course.root) as base:
        status, body = _get(base + "/data.json", "bi-mat-giang-vien")
        assert status == 200
        counts = json.loads(body)["assistant"]
        row = next(r for r in counts["sections"] if (r["lesson"], r["section"]) == (top["lesson"], top["section"]))
        assert row["status"] == "answer" and row["questions"] >= 1 and counts["total"] >= 1
        assert "deepfake giả giọng" not in body.decode("utf-8")
        page = _get(base + "/", "bi-mat-giang-vien")[1].decode("utf-8")
        assert "Câu hỏi gửi trợ giảng AI" in page and "drawAssistant(data.assistant)" in page
        monkeypatch.setenv("HOCAI_SERVICE_URL", f"http://127.0.0.1:{_free_port()}/")
        status, body = _get(base + "/data.json", "bi-mat-giang-vien")
        data = json.loads(body)
        assert status == 200 and data["assistant"] is None and len(data["rows"]) == len(STUDENTS)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a folder to another account")
def test_a_submission_made_in_someone_elses_name_does_not_count(klass):
    """A participant can set JUPYTERHUB_USER in their kernel; the folder's owner still gives them away."""
    course, homes = klass
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    forged = course.exchange / course.course_id / "inbound" / f"hv4+bai01+{stamp}"
    forged.mkdir()
    os.chown(forged, 65534, 65534)
    try:
        _, rows = board.build(course.root, homes)
        assert next(r for r in rows if r.username == "hv4").states["bai01"] == board.NOT_STARTED
    finally:
        forged.rmdir()
