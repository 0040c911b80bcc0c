"""The one atomic-write helper and the one file-lock helper (issue 21: six copies, three locks before)."""

from __future__ import annotations

import stat
import subprocess
import sys
import time

import pytest

from hocai.errors import UserError
from hocai.fileio import atomic_path, file_lock, write_text_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "bao-cao.xlsx"
    target.write_text("cũ", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            assert tmp.parent == tmp_path and tmp.suffix == ".xlsx" and tmp != target
            tmp.write_text("mới, dở dang", encoding="utf-8")
            raise RuntimeError("writer failed")
    assert target.read_text(encoding="utf-8") == "cũ"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.xlsx"]


def test_a_written_file_replaces_the_old_one_privately(tmp_path):
    target = tmp_path / "answers.json"
    target.write_text("{}", encoding="utf-8")
    target.chmod(0o644)
    seen = []
    write_text_atomic(
        target, '{"a": "Việt"}\n', before_replace=lambda tmp: seen.append(stat.S_IMODE(tmp.stat().st_mode))
    )
    assert target.read_text(encoding="utf-8") == '{"a": "Việt"}\n'
    assert seen == [0o600] and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json"]


HOLD = """
import sys, time
from hocai.fileio import file_lock
with file_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_held_lock_refuses_at_once_with_the_given_sentence(tmp_path):
    path = tmp_path / ".autograde.lock"
    proc = _holder(path, 30)
    try:
        start = time.monotonic()
        with pytest.raises(UserError, match="Đang có một lần chấm khác"):
            with file_lock(path, busy="Đang có một lần chấm khác chạy trên khoá học này."):
                pass
        assert time.monotonic() - start < 5
    finally:
        proc.kill()
        proc.wait()
    with file_lock(path, busy="không được bận"):
        assert path.exists()


def test_a_held_lock_is_waited_for_and_the_wait_explained(tmp_path, capsys):
    path = tmp_path / ".model.lock"
    proc = _holder(path, 1.0)
    try:
        with file_lock(path, waiting="Một tiến trình khác đang tải mô hình; đang chờ…"):
            assert proc.poll() is not None or proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        proc.wait()
    assert "đang chờ" in capsys.readouterr().err
