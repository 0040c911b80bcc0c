"""A hostile participant against a real class hub (security issue 14, findings 1, 3 and 14).

One hub for the module (it is slow to start): two participants and an instructor, real system accounts,
real servers spawned by the hub. Root must never write inside a home a participant can rearrange; a
folder forged in the exchange must not replace another participant's work; the instructor's formgrader
works on the hub and shows a participant's ``<script>`` as text.

Runs as root on loopback (as CI does); it creates and removes three system users.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from support import ClassHub

PEOPLE = [("Nguyễn Văn Tấncông", "hbmat"), ("Trần Thị Nạnnhân", "hbnan"), ("Lê Thị Giảngviên", "hbgv", "giảng viên")]
COURSE_ID = "lop-baove"
XSS = "<script>document.title='hocai-xss'</script>"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.geteuid() != 0 or shutil.which("useradd") is None,
        reason="the hub test creates system users: it needs root (CI runs it as root)",
    ),
]

# The attack of security-repro/race_swap_home_folder.py: when the folder NAME appears in the home, exchange
# it atomically (renameat2 RENAME_EXCHANGE) with a symlink to TARGET; stop after the first swap.
SWAPPER = r"""
import ctypes, os, select, struct, sys, time
target, name, max_s = sys.argv[1], sys.argv[2].encode(), float(sys.argv[3])
libc = ctypes.CDLL("libc.so.6", use_errno=True)
home = sys.argv[4]
link, dest = f"{home}/.s".encode(), f"{home}/{sys.argv[2]}".encode()
os.symlink(target, link)
fd = libc.inotify_init()
libc.inotify_add_watch(fd, home.encode(), 0x100)
print("armed", flush=True)
deadline, swaps = time.monotonic() + max_s, 0
while time.monotonic() < deadline and not swaps:
    if not select.select([fd], [], [], 0.5)[0]:
        continue
    buf, i = os.read(fd, 4096), 0
    while i < len(buf):
        _wd, mask, _c, ln = struct.unpack_from("iIII", buf, i)
        if buf[i + 16:i + 16 + ln].rstrip(b"\0") == name and mask & 0x40000000:
            swaps += libc.syscall(316, -100, link, -100, dest, 2) == 0
        i += 16 + ln
print("swaps", swaps, flush=True)
"""


def as_user(user: str, *cmd: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True, timeout=timeout)


def home(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


def bait(folder: Path) -> Path:
    """A root-owned folder with a secret file: what a participant would like to own."""
    folder.mkdir(mode=0o755)
    (folder / "bi-mat").write_text("chỉ root được đọc", encoding="utf-8")
    (folder / "bi-mat").chmod(0o600)
    return folder


def snapshot(folder: Path) -> list[tuple]:
    return sorted((p.name, p.lstat().st_uid, p.lstat().st_mode) for p in [folder, *folder.iterdir()])


def stamp(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


@pytest.fixture(scope="module")
def hub(tiny_model_dir):
    running = ClassHub(PEOPLE, tiny_model_dir, course_id=COURSE_ID)
    try:
        yield running.start()
    finally:
        running.close()


def test_accounts_again_writes_nothing_outside_a_home(hub):
    """Finding 1 (_seed_home): ~/.jupyter and ~/bai-hoc turned into links to a root folder, then the trainer
    runs `hocai hub accounts` again: nothing there changes, the others' homes are still seeded."""
    target = bait(hub.top / "cua-root-1")
    mine = home("hbmat")
    done = as_user(
        "hbmat",
        "sh",
        "-c",
        f"rm -rf {mine}/.jupyter {mine}/bai-hoc && ln -s {target} {mine}/.jupyter"
        f" && ln -s {target}/bai-hoc {mine}/bai-hoc",
    )
    assert done.returncode == 0, done.stderr
    before = snapshot(target)
    run = hub.hocai(
        "hub", "accounts", str(hub.course), "--out", str(hub.top / "phieu-2"), "--url", "http://127.0.0.1/", check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert snapshot(target) == before
    assert "hbmat" in run.stderr and "Traceback" not in run.stderr
    other = home("hbnan") / ".jupyter" / "nbgrader_config.py"
    assert other.is_file() and other.stat().st_uid == pwd.getpwnam("hbnan").pw_uid


def test_fetch_on_spawn_cannot_be_redirected(hub):
    """Finding 1 (fetch_released): while the released folder is being copied into the home at spawn, the
    participant swaps it for a link to a root folder; nothing there becomes theirs, the server starts."""
    outbound = hub.course / "exchange" / COURSE_ID / "outbound" / "bai99"
    outbound.mkdir()
    for i in range(3000):  # a slow copy: the swap lands in the middle of it
        (outbound / f"t{i:04d}.txt").write_text("x")
    target = bait(hub.top / "cua-root-2")
    before = snapshot(target)
    script = hub.top / "swapper.py"
    script.write_text(SWAPPER, encoding="utf-8")
    script.chmod(0o644)
    swapper = subprocess.Popen(
        [
            "runuser",
            "-u",
            "hbmat",
            "--",
            sys.executable,
            "-I",
            str(script),
            str(target),
            "bai99",
            "150",
            str(home("hbmat")),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert swapper.stdout.readline().strip() == "armed"
        participant = hub.participant("hbmat")
        participant.login()
        participant.wait_server()
        out, _ = swapper.communicate(timeout=150)
    finally:
        if swapper.poll() is None:
            swapper.kill()
    assert "swaps 1" in out, "the swap did not happen: the test proves nothing"
    assert snapshot(target) == before
    shutil.rmtree(outbound)


def test_forged_submission_in_the_exchange_is_not_collected(hub):
    """Finding 3 on the hub: one participant makes a folder in inbound named after another, dated 2099."""
    inbound = hub.course / "exchange" / COURSE_ID / "inbound"
    real = inbound / f"hbnan+bai01+{stamp(-timedelta(minutes=1))}+that"
    forged = inbound / "hbnan+bai01+2099-01-01 00:00:00.000000 UTC+gia"
    newer = inbound / f"hbnan+bai01+{stamp(-timedelta(seconds=10))}+gia"
    for user, folder, answer in (("hbnan", real, "B"), ("hbmat", forged, "A"), ("hbmat", newer, "A")):
        answers = json.dumps({"version": 1, "assignment": "bai01", "answers": {"q1": answer}})
        made = as_user(
            user,
            "sh",
            "-c",
            f"mkdir '{folder}' && printf '%s' '{answers}' > '{folder}/answers.json' && chmod -R a+rX '{folder}'",
        )
        assert made.returncode == 0, made.stderr
    run = hub.hocai("course", "collect", str(hub.course), "bai01")
    assert "do tài khoản «hbmat» tạo" in run.stderr and "ở tương lai" in run.stderr
    collected = json.loads((hub.course / "submitted" / "hbnan" / "bai01" / "answers.json").read_text())
    assert collected["answers"] == {"q1": "B"}


def test_formgrader_works_for_the_instructor_and_shows_scripts_as_text(hub):
    """Finding 14: on the hub the instructor's formgrader opens (the course is outside their home) and a
    reflection holding <script> reaches the page as text, never as a script."""
    questions = json.loads(hub.hocai("course", "questions", str(hub.course), "bai01", "--json").stdout)
    reflection = next(q["id"] for q in questions["questions"] if q["type"] == "reflection")
    answers = hub.top / "phieu.json"
    answers.write_text(json.dumps({reflection: f"Tôi sẽ kiểm chứng. {XSS}"}, ensure_ascii=False), encoding="utf-8")
    hub.hocai("course", "submit-answers", str(hub.course), "hbmat", "bai01", str(answers))
    hub.hocai("course", "autograde", str(hub.course), "bai01")
    from hocai_grader.workspace import Course

    with Course(hub.course).gradebook() as gb:
        submission = gb.find_submission_notebook("bai01", "bai01", "hbmat").id

    instructor = hub.participant("hbgv")
    instructor.login()
    instructor.wait_server()
    manage = instructor.server("GET", "formgrader/manage_assignments")
    # nbgrader answers a course outside the server's root with its error page (and status 200)
    assert manage.status_code == 200 and 'id="error-' not in manage.text, manage.text[-500:]
    page = instructor.server("GET", f"formgrader/submissions/{submission}/")
    assert page.status_code == 200 and 'id="error-' not in page.text, page.text[-500:]
    assert "Tôi sẽ kiểm chứng." in page.text
    assert XSS not in page.text and "document.title='hocai-xss'</script>" not in page.text

    # Formgrader's own autograde would run the participant's code unsandboxed, as the instructor.
    marker = Path(f"/tmp/hocai-formgrader-{os.getpid()}")
    notebook = hub.course / "submitted" / "hbmat" / "bai01" / "bai01.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell(f"open({str(marker)!r}, 'w').write('x')"))
    nbformat.write(nb, notebook)
    for path in notebook.parent.iterdir():  # readable by the instructors' group, as formgrader needs
        path.chmod(path.stat().st_mode | 0o040)
    graded = instructor.server("POST", "formgrader/api/submission/bai01/hbmat/autograde").json()
    assert not marker.exists()
    assert graded["success"] is False and "cham-bang-lenh-hocai" in graded["log"], graded["log"][-3000:]
