"""The teaching model's build progress (issue 20, a fast first start): the file beside the model, the sentence every
AI call answers while it builds, the page's status line, and a service that picks the model up without a restart."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time

import pytest

from hocai.ai import build_progress
from hocai.ai.build_default import STEPS_ENV, steps_from_env
from hocai.errors import UserError

SENTENCE_40 = "Mô hình AI đang được tạo (40%). Hãy thử lại sau ít phút."


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_sentence_and_the_status_line():
    assert build_progress.building_message(40) == SENTENCE_40
    assert build_progress.status_line(40) == "Mô hình đang được tạo: 40%"


def test_progress_is_written_beside_the_model_atomically_and_readable_by_the_service(tmp_path):
    target = tmp_path / "store" / "hocai-teaching-gpt2"
    build_progress.write(target, 40.7)
    path = build_progress.progress_path(target)
    assert path.parent == target.parent and path.name == ".hocai-teaching-gpt2.progress.json"
    assert not target.exists()  # never inside the model folder: the store would take it for a model
    assert json.loads(path.read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary file left
    assert build_progress.read(target) == {"status": "building", "percent": 40}
    build_progress.write(target, 250)
    assert build_progress.read(target)["percent"] == 100
    build_progress.clear(target)
    build_progress.clear(target)  # twice is fine
    assert build_progress.read(target) is None


def test_a_killed_build_or_a_damaged_file_counts_as_no_build(tmp_path):
    target = tmp_path / "m"
    build_progress.write(target, 40, pid=_dead_pid())
    assert build_progress.read(target) is None
    path = build_progress.progress_path(target)
    for junk in (
        "{",
        "[]",
        '{"status": "building", "percent": 40, "pid": true}',
        '{"status": "building", "percent": 40}',
        '{"status": "error", "message": "  "}',
    ):
        path.write_text(junk, encoding="utf-8")
        assert build_progress.read(target) is None, junk
    path.write_text(json.dumps({"status": "building", "percent": "x", "pid": os.getpid()}), encoding="utf-8")
    assert build_progress.read(target) == {"status": "building", "percent": 0}


def test_a_failed_build_says_why(tmp_path):
    build_progress.fail(tmp_path / "m", "Kho văn bản quá ít chữ để tạo mô hình.")
    assert build_progress.read(tmp_path / "m") == {
        "status": "error",
        "message": "Kho văn bản quá ít chữ để tạo mô hình.",
    }


def test_the_reporter_writes_only_when_the_percent_changes(tmp_path, monkeypatch):
    writes = []
    monkeypatch.setattr(build_progress, "write", lambda target, percent: writes.append(percent))
    report = build_progress.Reporter(tmp_path / "m")
    for step in range(1000):
        report(5 + 92 * (step + 1) / 1000)
    assert writes == sorted(set(writes)) and len(writes) == 93 and writes[-1] == 97


def test_build_steps_setting(monkeypatch):
    monkeypatch.delenv(STEPS_ENV, raising=False)
    assert steps_from_env() is None
    monkeypatch.setenv(STEPS_ENV, "30")
    assert steps_from_env() == 30
    monkeypatch.setenv(STEPS_ENV, "ba mươi")
    with pytest.raises(UserError, match=STEPS_ENV):
        steps_from_env()


def test_page_status_line_while_building():
    from hocai.app.ui import status_line

    line = status_line({"status": "building", "percent": 40, "message": SENTENCE_40})
    assert line.startswith("**Trạng thái:** Mô hình đang được tạo: 40%.")


@pytest.fixture
def empty_store(tmp_path, monkeypatch):
    monkeypatch.setenv("HOCAI_MODEL_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("HOCAI_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "store").mkdir()
    return tmp_path / "store"


@pytest.fixture
def playground(empty_store):
    """``playground()``: a started service on the empty store (local backend), closed after the test."""
    pytest.importorskip("torch", reason="torch is installed only in .venv (scripts/test-other-python.sh)")
    from hocai.app.config import load_config
    from hocai.app.service import Playground

    made = []

    def make():
        made.append(Playground(load_config(backend="local")))
        made[-1].start()
        return made[-1]

    yield make
    for service in made:
        service.close()


def _wait(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_service_says_building_then_picks_the_model_up_without_a_restart(empty_store, playground, tiny_model_dir):
    target = empty_store / "hocai-teaching-gpt2"
    build_progress.write(target, 40)
    service = playground()
    health = service.health()
    assert (health["status"], health["percent"], health["message"]) == ("building", 40, SENTENCE_40)
    assert health["teaching_model"] is True  # the assistant answers from the lessons meanwhile
    with pytest.raises(UserError) as caught:
        service.next_words("Bình dân học vụ")
    assert caught.value.message == SENTENCE_40
    with pytest.raises(UserError, match=r"đang được tạo \(40%\)"):
        service.chat("Xin chào")

    build_progress.write(target, 70)
    assert service.health()["percent"] == 70
    _wait(lambda: service.backend.message == build_progress.building_message(70))  # AI calls follow too

    staging = empty_store / ".hocai-teaching-gpt2.build-test"
    shutil.copytree(tiny_model_dir, staging)
    os.replace(staging, target)  # as store.install lands a build
    build_progress.clear(target)
    _wait(lambda: service.health()["status"] == "ok")
    assert len(service.next_words("Xin chào", 3)) == 3


def test_service_says_when_the_build_stopped_without_a_model(empty_store, playground):
    target = empty_store / "hocai-teaching-gpt2"
    build_progress.write(target, 10)
    service = playground()
    assert service.health()["status"] == "building"
    build_progress.fail(target, "Kho văn bản quá ít chữ để tạo mô hình.")
    health = service.health()
    assert (health["status"], health["message"]) == ("error", "Kho văn bản quá ít chữ để tạo mô hình.")
    assert "percent" not in health


def test_lesson_cells_show_the_sentence_as_information_not_as_an_error():
    import ipywidgets as widgets

    from hocai.widgets.ai_box import health_card, service_box
    from hocai.widgets.style import BAD, INFO

    assert build_progress.is_building_message(SENTENCE_40)
    assert not build_progress.is_building_message("Sân tập AI chưa chạy hoặc không trả lời. Hãy báo giảng viên.")
    assert not build_progress.is_building_message(None)
    card = str(health_card({"status": "building", "percent": 40, "message": SENTENCE_40}))
    assert SENTENCE_40 in card and INFO in card and BAD not in card

    def building(_text: str) -> str:
        raise UserError(SENTENCE_40)

    def broken(_text: str) -> str:
        raise UserError("Mô hình gặp lỗi khi tạo câu trả lời; hãy thử lại hoặc báo giảng viên.")

    for fn, colour in ((building, INFO), (broken, BAD)):
        box = service_box(fn, label="Thử", example="Xin chào")
        shown = box.children[-1].value  # the result line, under the button
        assert isinstance(box.children[-1], widgets.HTML) and f"color:{colour}" in shown, shown
