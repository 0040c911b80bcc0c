"""``hocai start``: one command that opens a workshop on this machine.

Starts JupyterLab (Vietnamese UI, nbgrader extensions, opened on ``notebooks/``) and the Sân tập AI service
as child processes, restarts a child that dies mid-class, and stops both on Ctrl-C. A missing teaching model is
built in the background by a third child, after the other two answer: the class opens at once, the service
says «Mô hình đang được tạo: 40%» and picks the model up when it lands. Anything a trainer can
fix (a busy port, a second start, no model) is one Vietnamese sentence, never a traceback.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from hocai import paths, settings
from hocai.errors import UserError
from hocai.net import bind_error

LAB_SETTINGS = {
    "@jupyterlab/translation-extension:plugin": {"locale": "vi_VN"},
    # No news feed or update check: the kit works offline and calls nobody.
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # Participants never open lesson code (issue 16): a locked text cell keeps no editor on double-click, and
    # the View menu loses «expand code»; hidden and read-only cells come from hocai.lessons.harden. A lesson
    # opened before JupyterLab has its kernel list (a busy machine) starts Python at once instead of asking
    # «Chọn Kernel» (CI, 2026-12-05: the dialog blocked the «Chạy» menu).
    "@jupyterlab/notebook-extension:tracker": {"showEditorForReadOnlyMarkdown": False, "autoStartDefaultKernel": True},
    "@jupyterlab/mainmenu-extension:plugin": {
        "menus": [
            {
                "id": "jp-mainmenu-view",
                "items": [
                    {"command": "notebook:show-cell-code", "disabled": True},
                    {"command": "notebook:show-all-cell-code", "disabled": True},
                ],
            }
        ]
    },
}
# JupyterLab extensions a participant never uses (the sys-prefix page_config.json, as `jupyter labextension
# disable --level=sys_prefix` writes it).
LAB_DISABLED = {"@jupyterlab/debugger-extension": True}
# Loaded by JupyterLab's custom CSS (LabApp.custom_css, LAB_SERVER_CONFIG): a hidden code cell shows
# only «…», not its first line, and clicking it does not open the code; no per-cell toolbar (move, delete).
LOCKED_CSS = """/* hocai (issue 16): participants never see or open the code of a lesson. */
.jp-Notebook .jp-CodeCell .jp-InputPlaceholder .jp-PlaceholderText { display: none; }
.jp-Notebook .jp-CodeCell .jp-InputPlaceholder,
.jp-Notebook .jp-CodeCell .jp-InputCollapser { pointer-events: none; }
.jp-Notebook .jp-cell-toolbar { display: none !important; }
"""
LAB_SERVER_CONFIG = {"LabApp": {"custom_css": True}}
STARTUP_TIMEOUT_S = 120
MAX_RESTARTS = 3


def ensure_vietnamese_lab(prefix: Path | None = None) -> Path:
    """Make Vietnamese the default JupyterLab language (DESIGN §9: overrides.json in the environment) and
    switch off the debugger: participants never debug, and its toolbar button's tooltip is sometimes drawn
    before the translation is loaded, in English (CI, 2026-12-04)."""
    root = Path(prefix or sys.prefix)
    _merge_json(root / "etc" / "jupyter" / "labconfig" / "page_config.json", {"disabledExtensions": LAB_DISABLED})
    return _merge_json(root / "share" / "jupyter" / "lab" / "settings" / "overrides.json", LAB_SETTINGS)


def _merge_json(target: Path, updates: dict[str, dict]) -> Path:
    """Merge ``updates`` one level deep into the JSON object in ``target``, keeping what others wrote there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    current: dict = {}
    if target.exists():
        try:
            current = json.loads(target.read_text(encoding="utf-8"))
        except ValueError:
            current = {}
    if not isinstance(current, dict):
        current = {}
    merged = {**current, **{k: {**_as_dict(current.get(k)), **v} for k, v in updates.items()}}
    if merged != current:
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(merged, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(target)
    return target


def _as_dict(value: object) -> dict:
    """A list counts as its names set to true (page_config.json's format before jupyterlab_server 2.10)."""
    if isinstance(value, list):
        return {name: True for name in value if isinstance(name, str)}
    return value if isinstance(value, dict) else {}


def ensure_locked_lab() -> Path | None:
    """Write LOCKED_CSS where JupyterLab (and Notebook 7) serve custom CSS from: the user's Jupyter config dir.
    A custom.css the user wrote themselves is left alone (None); LabApp.custom_css is turned on at launch."""
    from jupyter_core.paths import jupyter_config_dir

    css = Path(jupyter_config_dir()) / "custom" / "custom.css"
    try:
        if css.exists():
            current = css.read_text(encoding="utf-8")
            if current == LOCKED_CSS:
                return css
            if not current.startswith(LOCKED_CSS.splitlines()[0]):
                return None
        css.parent.mkdir(parents=True, exist_ok=True)
        tmp = css.with_suffix(".tmp")
        tmp.write_text(LOCKED_CSS, encoding="utf-8")
        tmp.replace(css)
    except OSError:
        return None
    return css


def _check_ports(lab_port: int, app_port: int) -> None:
    if lab_port == app_port:
        raise UserError(
            "Cổng của JupyterLab và của Sân tập AI phải khác nhau, ví dụ: hocai start --lab-port 8888 --app-port 7860"
        )
    for port, option in ((lab_port, "--lab-port"), (app_port, "--app-port")):
        if not 0 < port < 65536:
            raise UserError(f"Số cổng {port} không hợp lệ; hãy chọn một số từ 1024 đến 65535.")
        if bind_error(port) is not None:
            raise UserError(
                f"Cổng {port} đang bị một chương trình khác dùng; hãy tắt chương trình đó "
                f"hoặc chọn cổng khác, ví dụ: hocai start {option} {port + 1}"
            )


class StartLock:
    """One workshop per machine state folder: a second ``hocai start`` is told where the first one is."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / "start.lock"
        self.info_path = state_dir / "start.json"
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            where = ""
            try:
                where = " tại " + json.loads(self.info_path.read_text(encoding="utf-8"))["lab_url"]
            except (OSError, ValueError, KeyError):
                pass
            raise UserError(
                f"Lớp học đã đang chạy trên máy này{where}; hãy dùng cửa sổ đó, "
                "hoặc dừng nó bằng Ctrl-C trước khi mở lại."
            ) from None
        self._fh = fh

    def publish(self, info: dict) -> None:
        self.info_path.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")

    def release(self) -> None:
        if self._fh:
            self.info_path.unlink(missing_ok=True)
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def _resolve_model() -> bool:
    """Make sure the service will have a model; True when the teaching model must be built (in the background)."""
    config = settings.service()  # what the service will read: hocai.toml [service], then the environment
    configured = "" if config.model == settings.ServiceSettings.model else config.model
    if config.backend != "local":
        return False
    if configured:
        from hocai.ai import store

        if not store.is_installed(store.resolve(configured)):
            raise UserError(store.missing_message(configured))
        return False
    try:
        from hocai.ai import build_default as bd
    except ImportError:
        raise UserError("Chưa có mô hình AI cho Sân tập AI; hãy chạy: hocai models build-default") from None
    return not bd.is_current(bd.default_target(), steps=bd.steps_from_env())


BUILDING_NOTE = (
    "Lưu ý: mô hình AI đang được tạo ở chế độ nền (vài phút). Bài học và Sân tập AI đã dùng được; "
    "các phần cần mô hình AI sẽ chạy khi tạo xong."
)


@dataclass
class Child:
    """A supervised child process with its own log file and process group."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen | None = None
    restarts: int = 0
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=paths.ROOT,
        )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace_s: float = 10.0) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass
        else:
            # The leader exited; kill anything it left in its group.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self._log:
            self._log.close()
            self._log = None


def _http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _wait_ready(children: list[tuple[Child, str]], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    pending = list(children)
    while pending:
        for child, url in list(pending):
            if not child.alive():
                raise UserError(f"Không khởi động được {child.name}; xem chi tiết trong tệp nhật ký {child.log_path}")
            if _http_ok(url):
                pending.remove((child, url))
        if pending and time.monotonic() > deadline:
            raise UserError(
                f"{pending[0][0].name} khởi động quá lâu; xem tệp nhật ký {pending[0][0].log_path} rồi thử lại."
            )
        if pending:
            time.sleep(0.3)


def _board(course: str | None, port: int, env: dict[str, str], logs: Path) -> tuple[Child | None, str]:
    """The instructors' live board for this machine's class (hocai.hub.board), behind the trainer token
    (the configured one, else a new one printed in the board's address); none without ``--course``."""
    if not course:
        return None, ""
    from hocai import settings

    folder = Path(course).expanduser().resolve()
    if not (folder / "hocai_course.toml").is_file():
        raise UserError(f"Không thấy khóa học trong «{course}»; hãy tạo bằng: hocai course init {course}")
    if bind_error(port) is not None:
        raise UserError(
            f"Cổng {port} đang bị một chương trình khác dùng; hãy chọn cổng khác, "
            f"ví dụ: hocai start --board-port {port + 1}"
        )
    token = settings.kit().trainer_token or secrets.token_urlsafe(16)
    child = Child(
        "Bảng tiến độ",
        [sys.executable, "-m", "hocai.hub.board", str(folder), "--port", str(port)],
        {**env, settings.env_var("trainer_token"): token},
        logs / "bang-tien-do.log",
    )
    return child, f"http://127.0.0.1:{port}/?token={token}"


def start_command(args: argparse.Namespace) -> int:
    _check_ports(args.lab_port, args.app_port)
    lock = StartLock(paths.STATE)
    lock.acquire()
    children: list[Child] = []
    builder: Child | None = None
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        needs_build = _resolve_model()
        if needs_build:
            from hocai.ai import build_default as bd
            from hocai.ai import build_progress

            # Published before the service starts, so its first answer already says the model is being built.
            try:
                build_progress.write(bd.default_target(), 0)
            except OSError:
                raise UserError(
                    f"Không ghi được vào kho mô hình {bd.default_target().parent}; hãy cho phép ghi "
                    "vào thư mục đó hoặc chọn kho khác bằng biến HOCAI_MODEL_STORE."
                ) from None
        ensure_vietnamese_lab()
        ensure_locked_lab()
        token = secrets.token_hex(16)
        app_url = f"http://127.0.0.1:{args.app_port}/"
        lab_base = f"http://127.0.0.1:{args.lab_port}/"
        env = {**os.environ, settings.env_var("service_url"): app_url, "PYTHONUNBUFFERED": "1"}
        logs = paths.STATE / "logs"
        app = Child(
            "Sân tập AI",
            [sys.executable, "-m", "hocai.cli", "app", "--port", str(args.app_port)],
            env,
            logs / "san-tap-ai.log",
        )
        lab = Child(
            "JupyterLab",
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--ip=127.0.0.1",
                f"--port={args.lab_port}",
                "--ServerApp.port_retries=0",
                "--ServerApp.open_browser=False",
                f"--ServerApp.root_dir={paths.ROOT}",
                "--ServerApp.default_url=/lab/tree/notebooks",
                f"--IdentityProvider.token={token}",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.custom_css=True",
            ]
            + (["--allow-root"] if os.geteuid() == 0 else []),
            env,
            logs / "jupyterlab.log",
        )
        children = [app, lab]
        board, board_url = _board(getattr(args, "course", None), getattr(args, "board_port", 0), env, logs)
        children += [board] if board else []
        for child in children:
            child.start()
        _wait_ready(
            [(app, app_url + "health"), (lab, lab_base + "api/status?token=" + token)]
            + ([(board, board_url.replace("/?", "/data.json?"))] if board else []),
            STARTUP_TIMEOUT_S,
        )
        if needs_build:  # after the lessons and the service answer: they start without competing for the cores
            builder = Child(
                "Mô hình AI", [sys.executable, "-m", "hocai.ai.build_default"], env, logs / "tao-mo-hinh.log"
            )
            builder.start()
        service_health = json.loads(urllib.request.urlopen(app_url + "health", timeout=5).read())
        lab_url = f"{lab_base}lab/tree/notebooks?token={token}"
        lock.publish({"lab_url": lab_url, "app_url": app_url, "pid": os.getpid()})
        print("Lớp học đã sẵn sàng.", flush=True)
        print(f"  Bài học (JupyterLab): {lab_url}", flush=True)
        print(f"  Sân tập AI:           {app_url}", flush=True)
        if board:
            print(f"  Bảng tiến độ (chỉ giảng viên): {board_url}", flush=True)
        if service_health.get("status") == "error":
            print(f"Lưu ý: {service_health.get('message', 'mô hình AI chưa dùng được')}", flush=True)
        elif builder is not None:
            print(BUILDING_NOTE, flush=True)
        print("Nhấn Ctrl-C để dừng lớp học.", flush=True)
        if not args.no_browser:
            webbrowser.open(lab_url)
        while not stopping:
            if builder is not None and not builder.alive():
                done = builder.proc.returncode == 0
                print(
                    "Mô hình AI đã tạo xong; Sân tập AI đang nạp mô hình."
                    if done
                    else f"Lưu ý: chưa tạo được mô hình AI; xem tệp nhật ký {builder.log_path}",
                    flush=True,
                )
                builder.stop()
                builder = None
            for child in children:
                if not stopping and not child.alive():
                    if child.restarts >= MAX_RESTARTS:
                        raise UserError(f"{child.name} dừng nhiều lần; xem tệp nhật ký {child.log_path}")
                    child.restarts += 1
                    print(f"{child.name} vừa dừng bất ngờ; đang khởi động lại…", flush=True)
                    child.stop()
                    child.start()
            time.sleep(0.5)
        print("Đang dừng lớp học…", flush=True)
        return 0
    finally:
        if builder is not None:  # a build stopped half-way leaves no model; the next start builds again
            builder.stop()
        for child in reversed(children):
            child.stop()
        lock.release()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if children:
            print("Đã dừng lớp học.", flush=True)
