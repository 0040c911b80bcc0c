"""Run one submission's notebook in a bubblewrap sandbox (DESIGN.md §6, §8).

The kernel sees a private copy of its own submission folder, a read-only Python environment and tmpfs for
TMPDIR/HOME/IPYTHONDIR; no network, its own PID namespace, limits on CPU time, address space, processes and
file size. It talks to the grader over ZMQ ``ipc`` sockets in a folder bound into the sandbox, because TCP
cannot cross ``--unshare-net``. nbgrader's own ``Execute`` preprocessor drives it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from queue import Empty
from pathlib import Path

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import channel_socket_types
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Instance, Integer, Unicode

from hocai.paths import ROOT

SANDBOX_HOME = "/home/hocvien"
WORKDIR = f"{SANDBOX_HOME}/bai"
KERNEL_DIED = "KernelDied"
OUTPUT_TRUNCATED = "… [Đầu ra quá dài, phần còn lại đã bị cắt bỏ.]\n"
# bwrap exits 128 + signal when the kernel is killed: CPU time, file size, memory exhaustion (SEGV/ABRT in C
# code that cannot allocate) and SIGKILL are what the limits produce.
LIMIT_EXITS = {128 + 24, 128 + 25, 128 + 11, 128 + 6, 128 + 9}
KERNEL_DIED_NOTE = "Bài làm đã làm dừng trình chạy Python (vượt giới hạn hoặc bị lỗi), ô này không được chấm."


@dataclass(frozen=True)
class Limits:
    """Per-kernel limits; the course's hocai_course.toml [autograde] table can change them."""

    cell_timeout: int = 10
    cpu_seconds: int = 120
    memory_mb: int = 2048
    processes: int = 64
    file_mb: int = 64
    output_kb: int = 256

    @classmethod
    def from_mapping(cls, table: dict) -> "Limits":
        known = {k: int(v) for k, v in table.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _system_binds() -> list[str]:
    """Read-only /usr and the merged-/usr symlinks (or real folders) the dynamic loader needs."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives"):
        args += ["--ro-bind-try", name, name]
    return args


def _environment_binds(existing: set[Path] = frozenset()) -> list[str]:
    """The virtual environment, the interpreter it links to and the kit's runtime package, read-only.

    ``existing`` folders are already mounted in the sandbox (its tmpfs): they are not created again.
    """
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
    hocai_pkg = ROOT / "hocai"
    if hocai_pkg.is_dir():
        paths.add(hocai_pkg)
    args: list[str] = []
    made: set[Path] = set(existing)
    for path in sorted(paths, key=lambda p: len(p.parts)):
        if any(parent in paths for parent in path.parents):
            continue
        for parent in reversed(path.parents[:-1]):
            if parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", str(path), str(path)]
    return args


def sandbox_prefix(workdir: Path, conn_dir: Path, limits: Limits, uid: int | None) -> list[str]:
    """The bwrap + privilege drop + prlimit words that go before the kernel's own command line."""
    env = {
        "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
        "HOME": SANDBOX_HOME,
        "TMPDIR": "/tmp",
        "IPYTHONDIR": "/tmp/.ipython",
        "JUPYTER_CONFIG_DIR": "/tmp/.jupyter",
        "JUPYTER_DATA_DIR": "/tmp/.jupyter-data",
        "LANG": "C.UTF-8",
        "USER": "hocvien",
        "LOGNAME": "hocvien",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "MALLOC_ARENA_MAX": "2",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "NBGRADER_EXECUTION": "autograde",
        "HOCAI_AUTOGRADE": "1",
    }
    args = [bwrap_path() or "bwrap", "--die-with-parent", "--unshare-net", "--unshare-pid", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try", "--hostname", "hocai-sandbox", "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    # The tmpfs come before the environment: a checkout under /tmp (as in CI) must stay visible on top.
    args += _system_binds() + ["--perms", "1777", "--tmpfs", "/tmp", "--perms", "1777", "--tmpfs", SANDBOX_HOME]
    args += _environment_binds(existing={Path("/tmp"), Path(SANDBOX_HOME)})
    args += ["--proc", "/proc", "--dev", "/dev",
             "--bind", str(workdir), WORKDIR, "--bind", str(conn_dir), str(conn_dir), "--chdir", WORKDIR]
    if uid is None:
        args += ["--unshare-user"]
    else:
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                 "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
                 "--inh-caps=-all", "--bounding-set=-all"]
    args += ["--", "prlimit", f"--cpu={limits.cpu_seconds}", f"--as={limits.memory_mb * 1024 * 1024}",
             f"--nproc={limits.processes}", f"--fsize={limits.file_mb * 1024 * 1024}", "--nofile=256",
             "--core=0", "--"]
    return args


class LimitedClient(AsyncKernelClient):
    """A kernel client whose sockets drop any single message bigger than a few megabytes, retry the local
    ipc connection every 10 ms (the kernel binds its sockets a moment after start) and do not idle 200 ms
    flushing IOPub once the kernel answered: kernel start is the bulk of each submission's time."""

    max_message_bytes = Integer(8 * 1024 * 1024)

    async def wait_for_ready(self, timeout=None):
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:
                    await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0.02))
            except Empty:
                break

    def _create_connected_socket(self, channel, identity=None):
        url = self._make_url(channel)
        sock = self.context.socket(channel_socket_types[channel])
        sock.linger = 1000
        sock.setsockopt(zmq.MAXMSGSIZE, self.max_message_bytes)
        sock.setsockopt(zmq.RECONNECT_IVL, 10)
        if identity:
            sock.identity = identity
        sock.connect(url)
        return sock


class SandboxKernelManager(AsyncKernelManager):
    """Starts ipykernel inside bwrap, talking over ipc sockets in a folder private to this kernel."""

    workdir = Unicode(help="host folder bound read-write as the kernel's working folder")
    run_as = Instance(int, allow_none=True, help="uid the kernel drops to when the grader runs as root")
    limits = Instance(Limits, args=())

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.client_class = "grader.sandbox.LimitedClient"
        self._conn_dir = Path(tempfile.mkdtemp(prefix="hocai-k"))
        self.connection_file = str(self._conn_dir / "k.json")

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        if self.run_as is not None:
            os.chown(self._conn_dir, self.run_as, self.run_as)
            os.chown(self.connection_file, self.run_as, self.run_as)

    def format_kernel_cmd(self, extra_arguments=None):
        kernel = [str(Path(sys.prefix) / "bin" / "python"), "-m", "ipykernel_launcher", "-f", self.connection_file,
                  "--HistoryManager.hist_file=:memory:", "--IPKernelApp.capture_fd_output=False"]
        return sandbox_prefix(Path(self.workdir), self._conn_dir, self.limits, self.run_as) + kernel

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        kw["cwd"] = self.workdir
        kw["stdout"] = kw["stderr"] = kw["stdin"] = subprocess.DEVNULL
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_interrupt_kernel(self):
        """Ask ipykernel to interrupt itself: a SIGINT to the process group would end bwrap itself."""
        self._connect_control_socket()
        msg = self.session.msg("interrupt_request", content={})
        self.session.send(self._control_socket, msg)

    interrupt_kernel = _async_interrupt_kernel

    async def _async_shutdown_kernel(self, now=False, restart=False):
        """Kill the sandbox at once (its contents are thrown away) rather than polling every 100 ms for its end."""
        process = getattr(self.provisioner, "process", None)
        if now and process is not None and process.poll() is None:
            process.kill()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        await super()._async_shutdown_kernel(now=now, restart=restart)

    shutdown_kernel = _async_shutdown_kernel

    def remove_connection_folder(self) -> None:
        shutil.rmtree(self._conn_dir, ignore_errors=True)


class SandboxedExecute(Execute):
    """nbgrader's Execute with a per-cell output cap and a dead kernel scored as an error, not as a pass."""

    max_output_bytes = Integer(256 * 1024)

    def reset_execution_trackers(self):
        super().reset_execution_trackers()
        self._output_bytes: dict[int, int] = {}
        self.truncated = False
        self.kernel_died = False
        self.exit_status: int | None = None

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {}), ensure_ascii=False))
        used = self._output_bytes.get(cell_index, 0)
        self._output_bytes[cell_index] = used + size
        if used + size <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if used <= self.max_output_bytes:
            self.truncated = True
            note = NotebookNode(output_type="stream", name="stderr", text=OUTPUT_TRUNCATED)
            outs.append(note)
        return None

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if not self.kernel_died:
            try:
                return super().preprocess_cell(cell, resources, index)
            except CellTimeoutError:  # the cell ended but its output kept coming (a flood of print)
                cell.outputs.append(NotebookNode(output_type="error", **self.error_on_timeout))
                return cell, resources
            except DeadKernelError:
                self.kernel_died = True
                self.exit_status = _exit_status(self.km)
        cell.outputs = [NotebookNode(output_type="error", ename=KERNEL_DIED, evalue=KERNEL_DIED_NOTE,
                                     traceback=[f"{KERNEL_DIED}: {KERNEL_DIED_NOTE}"])]
        return cell, resources


def _exit_status(km) -> int | None:
    process = getattr(getattr(km, "provisioner", None), "process", None)
    return process.poll() if process is not None else None


class SandboxedRun:
    """One notebook's sandbox. Construction makes the private copy and launches the kernel, which boots
    while the caller waits for its turn; ``execute`` runs the notebook; ``close`` kills the sandbox."""

    def __init__(self, folder: Path, limits: Limits, uid: int | None, config=None):
        self.limits, self.config = limits, config
        self._tmp = tempfile.TemporaryDirectory(prefix="hocai-s")
        self.private = Path(self._tmp.name) / "bai"
        shutil.copytree(folder, self.private, symlinks=False, ignore=shutil.ignore_patterns("*.ipynb"))
        if uid is not None:
            for path in [self.private, *self.private.rglob("*")]:
                os.chown(path, uid, uid, follow_symlinks=False)
        self.km = SandboxKernelManager(workdir=str(self.private), run_as=uid, limits=limits, kernel_name="python3")
        try:
            run_sync(self.km.start_kernel)()
        except BaseException:
            self.close()
            raise

    def execute(self, nb: NotebookNode) -> SandboxedExecute:
        """Run ``nb`` in place; the executor it returns says whether the kernel died or output was cut."""
        ep = SandboxedExecute(config=self.config, timeout=self.limits.cell_timeout,
                              max_output_bytes=self.limits.output_kb * 1024, startup_timeout=60)
        try:
            ep.preprocess(nb, {"metadata": {"path": str(self.private)}}, km=self.km)
        except DeadKernelError:
            ep.kernel_died = True
            ep.exit_status = _exit_status(self.km)
        finally:
            if ep.kc is not None:
                ep.kc.stop_channels()
        return ep

    def close(self) -> None:
        try:
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        finally:
            self.km.remove_connection_folder()
            self._tmp.cleanup()

    def __enter__(self) -> "SandboxedRun":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run_notebook(nb: NotebookNode, folder: Path, limits: Limits, uid: int | None, config=None) -> SandboxedExecute:
    """Execute ``nb`` (in place) in a sandbox over a private copy of ``folder``; returns the finished executor."""
    with SandboxedRun(folder, limits, uid, config) as run:
        return run.execute(nb)
