"""JupyterHub for a class, for real: system accounts from a roster, login over HTTP, spawn, fetch, answer
and submit through the REST APIs; the instructor collects and autogrades; privacy between participants;
the Sân tập AI service behind hub login; a teardown that leaves no process, user or port behind.

Runs as root on loopback (as CI does); it creates and removes three system users.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path

import psutil
import pytest
import requests
from support import ClassHub

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = [("Nguyễn Thị Hubthử", "hubthua"), ("Trần Văn Hubthử", "hubthub"), ("Lê Minh Hubthử", "hubthuc")]
USERS = [username for _, username in PEOPLE]

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="the hub test creates system users: it needs root (CI runs it as root)",
)


def as_user(user: str, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True, timeout=30)


def bai01_key(course: Path, user: str) -> dict:
    """bai01 answered correctly on ``user``'s own form (variants and option order drawn for them)."""
    from hocai_grader.answers import answer_key

    return answer_key(str(course), "bai01", user)


@pytest.fixture
def class_hub(tiny_model_dir):
    hub = ClassHub(PEOPLE, tiny_model_dir)
    try:
        yield hub.start()
    finally:
        hub.close()


def test_a_class_on_jupyterhub(class_hub):
    course, base, passwords = class_hub.course, class_hub.base, class_hub.passwords
    assert set(passwords) == set(USERS) and (class_hub.slips / "login-slips.pdf").stat().st_size > 1000
    for user in USERS:
        entry = pwd.getpwnam(user)
        assert os.stat(entry.pw_dir).st_mode & 0o777 == 0o700
        assert (Path(entry.pw_dir) / "bai-hoc" / "01-ai-la-gi.ipynb").exists()
    assert base in class_hub.start_output
    hub_pid = int((class_hub.top / "hub" / "hub-group.pid").read_text())

    anonymous = requests.get(f"{base}services/san-tap-ai/health", timeout=30)
    assert anonymous.status_code == 403 and "đăng nhập" in anonymous.json()["error"]
    bad = requests.Session()
    bad.get(f"{base}hub/login", timeout=30)
    resp = bad.post(
        f"{base}hub/login", data={"username": "root", "password": "x", "_xsrf": bad.cookies.get("_xsrf")}, timeout=30
    )
    assert "hub/login" in resp.url or resp.status_code == 403

    a, b = (class_hub.participant(u) for u in USERS[:2])
    for p in (a, b):
        p.login()
        p.wait_server()
    assignments = a.server("GET", "assignments", params={"course_id": "lop-hub"}).json()
    assert assignments["success"] and any(x["assignment_id"] == "bai01" for x in assignments["value"]), assignments
    lab_settings = a.server("GET", "lab/api/settings/@jupyterlab/translation-extension:plugin").json()
    assert lab_settings["schema"]["properties"]["locale"]["default"] == "vi_VN"
    assert a.server("GET", "api/contents/bai01/bai01.ipynb").status_code == 200  # ready on first login
    page = a.server("GET", "lab").text
    assert "@jupyter/nbgrader:create-assignment" in page.split("disabledExtensions", 1)[1][:400]
    assert a.server("GET", "formgrader").status_code == 404  # formgrader: instructors only

    answers = {"version": 1, "assignment": "bai01", "answers": bai01_key(course, USERS[0])}
    put = a.server(
        "PUT",
        "api/contents/bai01/answers.json",
        json={"type": "file", "format": "text", "content": json.dumps(answers, ensure_ascii=False)},
    )
    assert put.status_code in (200, 201), put.text
    for p in (a, b):
        submitted = p.server("POST", "assignments/submit", data={"course_id": "lop-hub", "assignment_id": "bai01"})
        assert submitted.json()["success"], submitted.text

    # The service answers a logged-in participant (OAuth through the hub) and nobody else.
    page = a.http.get(f"{base}services/san-tap-ai/", headers={"Accept": "text/html"}, timeout=120)
    assert page.status_code == 200 and "services/san-tap-ai" in page.url
    health = a.http.get(f"{base}services/san-tap-ai/health", timeout=30)
    assert health.status_code == 200 and health.json()["status"] in {"ok", "loading"}

    # Participants cannot see each other's work or the instructor's files.
    inbound = course / "exchange" / "lop-hub" / "inbound"
    assert as_user("hubthua", "ls", str(inbound)).returncode != 0
    assert as_user("hubthua", "cat", f"{pwd.getpwnam('hubthub').pw_dir}/bai01/bai01.ipynb").returncode != 0
    for private in ("gradebook.db", "nbgrader_config.py", "source/bai01/bai01.ipynb"):
        assert as_user("hubthua", "cat", str(course / private)).returncode != 0
    assert as_user("hubthua", "rm", "-rf", str(inbound)).returncode != 0

    class_hub.hocai("course", "collect", str(course), "bai01")
    class_hub.hocai("course", "autograde", str(course), "bai01")
    from hocai_grader.workspace import Course

    with Course(course).gradebook() as gb:
        assert gb.find_submission("bai01", "hubthua").score == gb.find_assignment("bai01").max_score > 0
        assert gb.find_submission("bai01", "hubthub").score == 0

    hub_procs = [hub_pid] + [c.pid for c in psutil.Process(hub_pid).children(recursive=True)]
    user_procs = [p.pid for p in psutil.process_iter(["username"]) if p.info["username"] in USERS]
    assert user_procs, "participants' servers run as their own system users"
    class_hub.hocai("hub", "stop")
    class_hub.hocai("hub", "accounts", str(course), "--remove")
    gone, alive = psutil.wait_procs(
        [psutil.Process(p) for p in hub_procs + user_procs if psutil.pid_exists(p)], timeout=20
    )
    assert not alive, f"left running: {alive}"
    for user in USERS:
        assert subprocess.run(["id", user], capture_output=True).returncode != 0
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", class_hub.port))
