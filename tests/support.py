"""Helpers shared by the test folders (importable because tests/ holds the root conftest.py)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from hocai.net import free_port

HOCAI = str(Path(sys.executable).with_name("hocai"))


class Workshop:
    """`hocai start` as a participant's trainer runs it, with its printed addresses."""

    def __init__(self, env: dict[str, str], lab_port: int, app_port: int, *extra: str):
        self.proc = subprocess.Popen(
            [HOCAI, "start", "--lab-port", str(lab_port), "--app-port", str(app_port), "--no-browser", *extra],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, marker: str, timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            seen.append(line)
            if marker in line:
                return line
        raise AssertionError(f"{marker!r} not printed; output was:\n{''.join(seen)}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=60)


def refused_start(env: dict[str, str], lab_port: int | None = None) -> subprocess.CompletedProcess:
    """`hocai start` that must stop at once with one Vietnamese sentence: its exit code and output (60 s at most)."""
    return subprocess.run(
        [HOCAI, "start", "--lab-port", str(lab_port or free_port()), "--app-port", str(free_port()), "--no-browser"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def greedy_chat_whole_and_streamed(oa) -> tuple:
    """The same greedy chat asked of an OpenAI client whole and streamed: (whole reply, streamed chunks, text pieces).

    Greedy decoding, so the stream must spell the whole reply (sampling may stop early); that is checked here.
    """
    asked = dict(
        model="tiny-teaching", max_tokens=10, temperature=0, messages=[{"role": "user", "content": "Xin chào các bạn"}]
    )
    whole = oa.chat.completions.create(**asked)
    chunks = list(oa.chat.completions.create(stream=True, **asked))
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert "".join(pieces) == whole.choices[0].message.content
    return whole, chunks, pieces


LINES = [
    "Xin chào các bạn, hôm nay chúng ta học về trí tuệ nhân tạo.",
    "Cán bộ xã dùng máy tính để soạn văn bản và trả lời người dân.",
    "Mô hình ngôn ngữ đoán từ tiếp theo dựa trên các từ đứng trước.",
    "Không gửi số điện thoại, số căn cước hay số tài khoản cho người lạ.",
    "Trời hôm nay đẹp, bà con ra đồng sớm để gặt lúa.",
]


@contextlib.contextmanager
def lab_class(model_dir: Path, tmp_path_factory, settings: dict[str, dict]):
    """`hocai start` on ``model_dir`` with JupyterLab ``settings`` ({"docmanager-extension/plugin": {...}}) and
    private state/workspaces; yields {"lab_base", "token"}. Browser tests turn autosave off in ``settings`` so
    the lessons in the checkout never get a run's outputs written into them."""
    folder = tmp_path_factory.mktemp("lab-settings")
    for plugin, values in settings.items():
        path = folder / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = {
        **os.environ,
        "HOCAI_STATE_DIR": str(tmp_path_factory.mktemp("state")),
        "HOCAI_MODEL": str(model_dir),
        "JUPYTERLAB_SETTINGS_DIR": str(folder),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("workspaces")),
    }
    running = Workshop(env, free_port(), free_port())
    try:
        lab_url = running.wait_for("JupyterLab").split(": ", 1)[1].strip()
        yield {"lab_base": lab_url.split("lab/tree")[0], "token": lab_url.split("token=")[1]}
    finally:
        running.stop()


def close_sessions(lab: dict) -> None:
    """Shut every kernel session of a lab_class down, so the next test starts from none."""
    import httpx

    base, token = lab["lab_base"], lab["token"]
    for session in httpx.get(f"{base}api/sessions?token={token}", timeout=30).json():
        httpx.delete(f"{base}api/sessions/{session['id']}?token={token}", timeout=30)


def build_tiny_model(folder: Path, *, teaching: bool = True, n_positions: int = 256) -> Path:
    """A random 2-layer GPT-2 and a BPE tokenizer saved with save_pretrained (about 1 s)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    raw.train_from_iterator(LINES * 4, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw, eos_token="<|endoftext|>", bos_token="<|endoftext|>", pad_token="<|endoftext|>"
    )
    tokenizer.save_pretrained(folder)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=n_positions,
        n_embd=64,
        n_layer=2,
        n_head=2,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    import torch

    torch.manual_seed(0)
    GPT2LMHeadModel(config).save_pretrained(folder)
    meta = {"name": folder.name, "teaching_model": teaching, "built_from": "tests (random weights)"}
    (folder / "hocai_model.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


class HubParticipant:
    """One participant's browser session with the hub, over HTTP."""

    def __init__(self, base: str, name: str, password: str):
        import requests

        self.base, self.name, self.password = base, name, password
        self.http = requests.Session()

    def login(self) -> None:
        self.http.get(f"{self.base}hub/login", timeout=30)
        xsrf = self.http.cookies.get("_xsrf")
        resp = self.http.post(
            f"{self.base}hub/login", data={"username": self.name, "password": self.password, "_xsrf": xsrf}, timeout=120
        )
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

    def server(self, method: str, path: str, **kwargs):
        return self.http.request(
            method, f"{self.base}user/{self.name}/{path}", headers=self._xsrf(), timeout=120, **kwargs
        )


class ClassHub:
    """A whole class on JupyterHub (root only): course, roster, released bai01, accounts, hub on free ports.

    Used by the hub integration and browser tests and by benchmarks/hub_memory.py; `close()` removes the
    hub, the accounts and the folders whatever state they are in.
    """

    def __init__(self, people: list[tuple[str, ...]], model_dir: Path, course_id: str = "lop-hub"):
        import os
        import tempfile

        from hocai.hub.control import unreachable_for_users

        self.usernames = [person[1] for person in people]
        self.course_id = course_id
        self._opened = []
        while (folder := unreachable_for_users()) is not None:  # CI's pyenv lives under /root
            self._opened.append((folder, folder.stat().st_mode))
            folder.chmod(folder.stat().st_mode | 0o001)
        self.top = Path(tempfile.mkdtemp(prefix="hocai-hubtest-"))
        self.top.chmod(0o755)
        self.course = self.top / "khoa-hoc"
        self.env = {
            **os.environ,
            "HOCAI_HUB_DIR": str(self.top / "hub"),
            "HOCAI_MODEL": str(model_dir),
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        }
        (self.top / "hub").mkdir(mode=0o700)
        (self.top / "hub" / "settings.json").write_text(
            json.dumps({"hub_port": free_port(), "proxy_api_port": free_port(), "service_port": free_port()})
        )
        self._people = people
        self.passwords: dict[str, str] = {}

    def start(self) -> ClassHub:
        """Course, roster, release, accounts, hub: everything a trainer does before class."""
        import csv

        people, course_id = self._people, self.course_id
        self.hocai("course", "init", str(self.course), "--course-id", course_id)
        roster = self.top / "ds.csv"
        roster.write_text(
            "Họ và tên,Tên đăng nhập,Vai trò\n"
            + "".join(  # (name, username[, role])
                f"{p[0]},{p[1]},{p[2] if len(p) > 2 else 'học viên'}\n" for p in people
            ),
            encoding="utf-8",
        )
        self.hocai("course", "roster", str(self.course), str(roster))
        self.hocai("course", "release", str(self.course), "bai01")
        self.slips = self.top / "phieu"
        self.hocai("hub", "accounts", str(self.course), "--out", str(self.slips), "--url", "http://127.0.0.1/")
        with open(self.slips / "accounts.csv", encoding="utf-8-sig") as fh:
            self.passwords = {r["username"]: r["password"] for r in csv.DictReader(fh)}
        self.port = free_port()
        self.start_output = self.hocai("hub", "start", "--port", str(self.port)).stdout
        self.base = f"http://127.0.0.1:{self.port}/"
        return self

    def hocai(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([HOCAI, *args], env=self.env, capture_output=True, text=True, timeout=600)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def participant(self, username: str) -> HubParticipant:
        return HubParticipant(self.base, username, self.passwords[username])

    def close(self) -> None:
        import shutil

        self.hocai("hub", "stop", check=False)
        self.hocai("hub", "accounts", str(self.course), "--remove", check=False)
        for user in self.usernames:  # whatever happened above, leave no account behind
            if subprocess.run(["id", user], capture_output=True).returncode == 0:
                subprocess.run(["userdel", "--remove", user], capture_output=True)
        shutil.rmtree(self.top, ignore_errors=True)
        for folder, mode in reversed(self._opened):
            folder.chmod(mode)


def run_all_until(page, selector: str, attempts: int = 3, wait_ms: int = 45_000) -> None:
    """JupyterLab's Run All, repeated if the click was dropped or the kernel was not ready, until
    ``selector`` shows (DESIGN §9: a Run All clicked before the kernel is idle can be lost)."""
    import re

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Chạy$")).click()
        # The language pack leaves some items in English; accept either wording.
        page.locator(".lm-Menu-itemLabel", has_text=re.compile("^(Run All Cells|Chạy tất cả các ô)$")).click()
        try:
            page.wait_for_selector(selector, timeout=wait_ms)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
