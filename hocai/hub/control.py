"""``hocai hub start|stop|status``: JupyterHub and its proxy as one background process group."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

from hocai import paths
from hocai import settings as kit_settings
from hocai.errors import UserError
from hocai.hub import require_root, settings
from hocai.net import bind_error

CONFIG = paths.ROOT / "deploy" / "jupyterhub_config.py"
PID_FILE = "hub-group.pid"


def unreachable_for_users() -> Path | None:
    """The first folder of the Python environment other users cannot pass through, if any.

    Spawned servers run as the participants: the venv, the interpreter it links to (pyenv puts it under
    /root) and the standard library must all be reachable by them (DESIGN §9).
    """
    for target in (Path(sys.prefix), Path(sys.executable).resolve(), Path(sys.base_prefix) / "lib"):
        for folder in [target, *target.parents] if target.is_dir() else list(target.parents):
            if not folder.stat().st_mode & stat.S_IXOTH:
                return folder
    return None


def secure_exchange(root: Path, course_id: str) -> Path:
    """nbgrader's exchange with safe modes: participants can drop submissions but not list, read or delete others'.

    nbgrader creates the root 777 and inbound 2733 (world-writable, no sticky bit): any participant could
    delete or rename others' submissions or the course folder. nbgrader insists the root be writable by
    all, so it gets the sticky bit (1777); the course folder belongs to root (755), inbound is 3733
    (write-only with sticky bit), feedback 711 (reachable only by its hashed name).
    """
    course = root / course_id
    for path, mode in (
        (root, 0o1777),
        (course, 0o755),
        (course / "outbound", 0o755),
        (course / "inbound", 0o3733),
        (course / "feedback", 0o711),
    ):
        path.mkdir(parents=True, exist_ok=True)
        os.chown(path, 0, 0)
        path.chmod(mode)
    return course


def _pid() -> int | None:
    path = settings.hub_dir() / PID_FILE
    try:
        pid = int(path.read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "hub/health", timeout=3) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(ip: str = "127.0.0.1", port: int = kit_settings.HUB_PORT, timeout_s: float = 120) -> str:
    require_root("chạy JupyterHub", "hocai hub …")
    from hocai.workshop import ensure_vietnamese_lab

    s = settings.load()
    if not s.get("allowed_users"):
        raise UserError("Chưa có tài khoản học viên; hãy chạy trước: hocai hub accounts THƯ_MỤC_KHÓA_HỌC --out THƯ_MỤC")
    if _pid():
        raise UserError("JupyterHub đã đang chạy; xem địa chỉ bằng: hocai hub status")
    blocked = unreachable_for_users()
    if blocked:
        raise UserError(
            f"Tài khoản học viên không vào được thư mục {blocked} chứa môi trường Python của bộ công cụ; "
            "hãy cài bộ công cụ và Python ở nơi mọi người đọc được (như /opt/hocai), hoặc mở quyền đi qua: "
            f"chmod o+x {blocked}"
        )
    if not settings.proxy_command():
        raise UserError("Thiếu configurable-http-proxy; hãy chạy: make install")
    service_port = int(s.get("service_port", kit_settings.APP_PORT))
    for p in (
        port,
        int(s.get("hub_port", kit_settings.HUB_API_PORT)),
        int(s.get("proxy_api_port", kit_settings.PROXY_API_PORT)),
        service_port,
    ):
        if bind_error(p, ip if p == port else "127.0.0.1") is not None:
            raise UserError(f"Cổng {p} đang bị chương trình khác dùng; hãy tắt chương trình đó hoặc chọn --port khác.")
    ensure_vietnamese_lab()
    secure_exchange(settings.exchange_root(), s["course_id"])
    settings.save(ip=ip, port=port)
    directory = settings.hub_dir()
    log = open(directory / "jupyterhub.log", "ab")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(CONFIG)],
        cwd=directory,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    (directory / PID_FILE).write_text(str(proc.pid))
    url = f"http://{'127.0.0.1' if ip in ('0.0.0.0', '') else ip}:{port}/"
    deadline = time.monotonic() + timeout_s
    while not _healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop()
            raise UserError(f"JupyterHub không khởi động được; xem nhật ký {directory / 'jupyterhub.log'}")
        time.sleep(0.5)
    return url


def stop(timeout_s: float = 30) -> bool:
    """Stop the hub and everything it started, even what its own clean-up left behind.

    JupyterHub starts its proxy, services and participants' servers in sessions of their own and stops them
    on the way out; when that takes longer than ``timeout_s`` (a slow server under load) the hub is killed
    and they would be orphaned, holding the ports the next ``hocai hub start`` needs.
    """
    pid = _pid()
    if pid is None:
        return False
    try:
        family = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    try:
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.3)
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _end(family)
    (settings.hub_dir() / PID_FILE).unlink(missing_ok=True)
    return True


def _end(processes: list[psutil.Process], grace_s: float = 10) -> None:
    """SIGTERM, then SIGKILL after ``grace_s``; a zombie counts as ended (in a container nobody may reap it)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in processes:
            try:
                p.send_signal(sig)
            except psutil.NoSuchProcess:
                pass
        deadline = time.monotonic() + grace_s
        while (processes := [p for p in processes if not _ended(p)]) and time.monotonic() < deadline:
            time.sleep(0.2)


def _ended(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def start_command(args) -> int:
    url = start(args.ip, args.port)
    print(f"JupyterHub đã chạy: {url}")
    print("Học viên đăng nhập bằng tên và mật khẩu trên phiếu đăng nhập. Dừng bằng: hocai hub stop")
    return 0


def stop_command(args) -> int:
    require_root("chạy JupyterHub", "hocai hub …")
    print("Đã dừng JupyterHub." if stop() else "JupyterHub không chạy.")
    return 0


def status_command(args) -> int:
    s = settings.load()
    pid = _pid()
    if pid is None:
        print("JupyterHub không chạy.")
        return 1
    url = f"http://{s.get('ip', '127.0.0.1')}:{s.get('port', kit_settings.HUB_PORT)}/"
    print(
        f"JupyterHub đang chạy (tiến trình {pid}) tại {url}; "
        f"{len(s.get('allowed_users', []))} tài khoản; "
        f"{'hoạt động bình thường' if _healthy(url) else 'chưa trả lời'}."
    )
    return 0
