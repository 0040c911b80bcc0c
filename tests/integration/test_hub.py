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
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import pytest
import requests

from hocai.exercise.authoring import read_assignment

ROOT = Path(__file__).resolve().parents[2]
HOCAI = str(Path(sys.executable).with_name("hocai"))
ROSTER = "Họ và tên,Đơn vị,Tên đăng nhập\nNguyễn Thị Hubthử,Xã Tân Hòa,hubthua\nTrần Văn Hubthử,Xã Tân Hòa,hubthub\n" \
         "Lê Minh Hubthử,Trường TH Tân Hòa,hubthuc\n"
USERS = ["hubthua", "hubthub", "hubthuc"]

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="the hub test creates system users: it needs root (CI runs it as root)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hocai(*args, env, check=True):
    result = subprocess.run([HOCAI, *args], env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def as_user(user: str, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True, timeout=30)


def bai01_key() -> dict:
    nb = nbformat.read(ROOT / "exercises" / "bai01" / "bai01.ipynb", as_version=4)
    return {q["id"]: q["answer"] for q in read_assignment(nb)["questions"]}


class Participant:
    def __init__(self, base: str, name: str, password: str):
        self.base, self.name, self.password = base, name, password
        self.http = requests.Session()

    def login(self) -> None:
        self.http.get(f"{self.base}hub/login", timeout=30)
        xsrf = self.http.cookies.get("_xsrf")
        resp = self.http.post(f"{self.base}hub/login", data={"username": self.name, "password": self.password,
                                                              "_xsrf": xsrf}, timeout=120)
        assert resp.ok and "hub/login" not in resp.url, f"login failed for {self.name}: {resp.status_code}"

    def wait_server(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # A page visit completes the server's OAuth with the hub and sets its cookies (_xsrf included).
            page = self.http.get(f"{self.base}user/{self.name}/lab", headers={"Accept": "text/html"}, timeout=60)
            if page.status_code == 200 and f"/user/{self.name}/lab" in page.url:
                if self.http.get(f"{self.base}user/{self.name}/api/status", timeout=30).status_code == 200:
                    return
            time.sleep(2)
        raise AssertionError(f"server of {self.name} did not start")

    def _xsrf(self) -> dict:
        token = next((c.value for c in self.http.cookies if c.name == "_xsrf" and self.name in (c.path or "")), None)
        return {"X-XSRFToken": token or self.http.cookies.get("_xsrf", "")}

    def server(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, f"{self.base}user/{self.name}/{path}", headers=self._xsrf(), timeout=120,
                                 **kwargs)


@pytest.fixture
def reachable_environment():
    """CI's interpreter may live under /root (pyenv): let participants pass through, for this test only."""
    from hocai.hub.control import unreachable_for_users

    opened = []
    while (folder := unreachable_for_users()) is not None:
        opened.append((folder, folder.stat().st_mode))
        folder.chmod(folder.stat().st_mode | 0o001)
    yield
    for folder, mode in reversed(opened):
        folder.chmod(mode)


@pytest.fixture
def hub_env(tiny_model_dir, reachable_environment):
    top = Path(tempfile.mkdtemp(prefix="hocai-hubtest-"))
    top.chmod(0o755)
    env = {**os.environ, "HOCAI_HUB_DIR": str(top / "hub"), "HOCAI_MODEL": str(tiny_model_dir),
           "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    ports = {"hub_port": free_port(), "proxy_api_port": free_port(), "service_port": free_port()}
    (top / "hub").mkdir(mode=0o700)
    (top / "hub" / "settings.json").write_text(json.dumps(ports))
    yield top, env
    hocai("hub", "stop", env=env, check=False)
    hocai("hub", "accounts", str(top / "khoa-hoc"), "--remove", env=env, check=False)
    for user in USERS:  # whatever happened above, leave no account behind
        if subprocess.run(["id", user], capture_output=True).returncode == 0:
            subprocess.run(["userdel", "--remove", user], capture_output=True)
    shutil.rmtree(top, ignore_errors=True)


def test_a_class_on_jupyterhub(hub_env, tmp_path):
    top, env = hub_env
    course = top / "khoa-hoc"
    hocai("course", "init", str(course), "--course-id", "lop-hub", env=env)
    (tmp_path / "ds.csv").write_text(ROSTER, encoding="utf-8")
    hocai("course", "roster", str(course), str(tmp_path / "ds.csv"), env=env)
    hocai("course", "release", str(course), "bai01", env=env)
    out = top / "phieu"
    hocai("hub", "accounts", str(course), "--out", str(out), "--url", "http://127.0.0.1/", env=env)
    passwords = {r["username"]: r["password"] for r in
                 __import__("csv").DictReader(open(out / "accounts.csv", encoding="utf-8-sig"))}
    assert set(passwords) == set(USERS) and (out / "login-slips.pdf").stat().st_size > 1000
    for user in USERS:
        entry = pwd.getpwnam(user)
        assert os.stat(entry.pw_dir).st_mode & 0o777 == 0o700
        assert (Path(entry.pw_dir) / "bai-hoc" / "01-ai-la-gi.ipynb").exists()

    port = free_port()
    started = hocai("hub", "start", "--port", str(port), env=env)
    base = f"http://127.0.0.1:{port}/"
    assert base in started.stdout
    hub_pid = int((top / "hub" / "hub-group.pid").read_text())

    anonymous = requests.get(f"{base}services/san-tap-ai/health", timeout=30)
    assert anonymous.status_code == 403 and "đăng nhập" in anonymous.json()["error"]
    bad = requests.Session()
    bad.get(f"{base}hub/login", timeout=30)
    resp = bad.post(f"{base}hub/login", data={"username": "root", "password": "x",
                                              "_xsrf": bad.cookies.get("_xsrf")}, timeout=30)
    assert "hub/login" in resp.url or resp.status_code == 403

    a, b = (Participant(base, u, passwords[u]) for u in USERS[:2])
    for p in (a, b):
        p.login()
        p.wait_server()
    assignments = a.server("GET", "assignments", params={"course_id": "lop-hub"}).json()
    assert assignments["success"] and any(x["assignment_id"] == "bai01" for x in assignments["value"]), assignments
    lab_settings = a.server("GET", "lab/api/settings/@jupyterlab/translation-extension:plugin").json()
    assert lab_settings["schema"]["properties"]["locale"]["default"] == "vi_VN"
    assert a.server("GET", "api/contents/bai01/bai01.ipynb").status_code == 200  # ready on first login

    answers = {"version": 1, "assignment": "bai01", "answers": bai01_key()}
    put = a.server("PUT", "api/contents/bai01/answers.json",
                   json={"type": "file", "format": "text", "content": json.dumps(answers, ensure_ascii=False)})
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

    hocai("course", "collect", str(course), "bai01", env=env)
    hocai("course", "autograde", str(course), "bai01", env=env)
    from grader.workspace import Course

    with Course(course).gradebook() as gb:
        assert gb.find_submission("bai01", "hubthua").score == gb.find_assignment("bai01").max_score > 0
        assert gb.find_submission("bai01", "hubthub").score == 0

    hub_procs = [hub_pid] + [c.pid for c in psutil.Process(hub_pid).children(recursive=True)]
    user_procs = [p.pid for p in psutil.process_iter(["username"]) if p.info["username"] in USERS]
    assert user_procs, "participants' servers run as their own system users"
    hocai("hub", "stop", env=env)
    hocai("hub", "accounts", str(course), "--remove", env=env)
    gone, alive = psutil.wait_procs([psutil.Process(p) for p in hub_procs + user_procs if psutil.pid_exists(p)],
                                    timeout=20)
    assert not alive, f"left running: {alive}"
    for user in USERS:
        assert subprocess.run(["id", user], capture_output=True).returncode != 0
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
