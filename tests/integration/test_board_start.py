"""`hocai start --course DIR` (issue 18): the single-laptop class also opens the instructors' live board, behind a
trainer token printed in its address; without the token it answers 403, and a folder that is no course is one
Vietnamese sentence."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request

from support import HOCAI, Workshop, free_port


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_start_with_a_course_opens_the_board(tiny_model_dir, tmp_path):
    course = tmp_path / "khoa-hoc"
    roster = tmp_path / "ds.csv"
    roster.write_text("Họ và tên,Tên đăng nhập\nLê Thị Laptop,hvlaptop\n", encoding="utf-8")
    env = {**os.environ, "HOCAI_STATE_DIR": str(tmp_path / "state"), "HOCAI_MODEL": str(tiny_model_dir)}
    for args in (
        ["course", "init", str(course), "--course-id", "lop-may"],
        ["course", "roster", str(course), str(roster)],
    ):
        done = subprocess.run([HOCAI, *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    running = Workshop(env, free_port(), free_port(), "--course", str(course), "--board-port", str(free_port()))
    try:
        url = running.wait_for("Bảng tiến độ").split(": ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:") and "?token=" in url
        base, token = url.split("?token=")
        status, body = _get(f"{base}data.json?token={token}")
        assert status == 200 and [r["username"] for r in json.loads(body)["rows"]] == ["hvlaptop"]
        assert _get(f"{base}data.json")[0] == 403 and _get(f"{base}?token=doan-bua")[0] == 403
        status, page = _get(url)
        assert status == 200 and "Bảng tiến độ lớp học" in page.decode("utf-8")
    finally:
        assert running.stop() == 0


def test_a_folder_that_is_no_course_is_one_sentence(tmp_path, tiny_model_dir):
    env = {**os.environ, "HOCAI_STATE_DIR": str(tmp_path / "state"), "HOCAI_MODEL": str(tiny_model_dir)}
    done = subprocess.run(
        [
            HOCAI,
            "start",
            "--no-browser",
            "--lab-port",
            str(free_port()),
            "--app-port",
            str(free_port()),
            "--course",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("Không thấy khóa học"), done.stderr
