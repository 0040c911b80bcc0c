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

from hocai import paths
from hocai.errors import UserError
from hocai.hub import settings

CONFIG = paths.ROOT / "deploy" / "jupyterhub_config.py"
PID_FILE = "hub-group.pid"


def _require_root() -> None:
    if os.geteuid() != 0:
        raise UserError("Cần quyền quản trị (root) để chạy JupyterHub; hãy chạy lại bằng: sudo hocai hub …")


def _readable_by_all(path: Path) -> bool:
    """Spawned users must read the environment: every folder up to it needs o+x, the files o+r."""
    for parent in [path, *path.parents]:
        if not parent.stat().st_mode & stat.S_IXOTH:
            return False
    return bool(path.joinpath("bin", "python").stat().st_mode & stat.S_IROTH)


def secure_exchange(root: Path, course_id: str) -> Path:
    """nbgrader's exchange with safe modes: participants can drop submissions but not list, read or delete others'.

    nbgrader creates the root 777 and inbound 2733 (world-writable, no sticky bit): any participant could
    delete or rename others' submissions. Here the root and course folder belong to root (755), inbound is
    3733 (write-only with sticky bit), feedback 711 (reachable only by its hashed name).
    """
    course = root / course_id
    for path, mode in ((root, 0o755), (course, 0o755), (course / "outbound", 0o755),
                       (course / "inbound", 0o3733), (course / "feedback", 0o711)):
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


def start(ip: str = "127.0.0.1", port: int = 8000, timeout_s: float = 120) -> str:
    _require_root()
    from hocai.workshop import ensure_vietnamese_lab, port_is_free

    s = settings.load()
    if not s.get("allowed_users"):
        raise UserError("Chưa có tài khoản học viên; hãy chạy trước: hocai hub accounts THƯ_MỤC_KHOÁ_HỌC --out THƯ_MỤC")
    if _pid():
        raise UserError("JupyterHub đã đang chạy; xem địa chỉ bằng: hocai hub status")
    if not _readable_by_all(Path(sys.prefix)):
        raise UserError(f"Môi trường Python {sys.prefix} không đọc được với tài khoản học viên (ví dụ nằm trong /root); "
                        "hãy đặt bộ công cụ ở thư mục mọi người đọc được, như /opt/hocai, rồi cài lại.")
    if not settings.proxy_command():
        raise UserError("Thiếu configurable-http-proxy; hãy chạy: make install")
    service_port = int(s.get("service_port", 7860))
    for p in (port, int(s.get("hub_port", 8081)), int(s.get("proxy_api_port", 8001)), service_port):
        if not port_is_free(p, ip if p == port else "127.0.0.1"):
            raise UserError(f"Cổng {p} đang bị chương trình khác dùng; hãy tắt chương trình đó hoặc chọn --port khác.")
    ensure_vietnamese_lab()
    secure_exchange(settings.exchange_root(), s["course_id"])
    settings.save(ip=ip, port=port)
    directory = settings.hub_dir()
    log = open(directory / "jupyterhub.log", "ab")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("jupyterhub")), "-f", str(CONFIG)], cwd=directory,
                            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
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
    pid = _pid()
    if pid is None:
        return False
    try:
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.3)
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    (settings.hub_dir() / PID_FILE).unlink(missing_ok=True)
    return True


def start_command(args) -> int:
    url = start(args.ip, args.port)
    print(f"JupyterHub đã chạy: {url}")
    print("Học viên đăng nhập bằng tên và mật khẩu trên phiếu đăng nhập. Dừng bằng: hocai hub stop")
    return 0


def stop_command(args) -> int:
    _require_root()
    print("Đã dừng JupyterHub." if stop() else "JupyterHub không chạy.")
    return 0


def status_command(args) -> int:
    s = settings.load()
    pid = _pid()
    if pid is None:
        print("JupyterHub không chạy.")
        return 1
    url = f"http://{s.get('ip', '127.0.0.1')}:{s.get('port', 8000)}/"
    print(f"JupyterHub đang chạy (tiến trình {pid}) tại {url}; "
          f"{len(s.get('allowed_users', []))} tài khoản; {'hoạt động bình thường' if _healthy(url) else 'chưa trả lời'}.")
    return 0
