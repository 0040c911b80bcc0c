"""Run one submission's notebook in a bubblewrap sandbox (docs/ARCHITECTURE.md §6 and §8, rule 2).

The kernel sees a read-only Python environment, a sized tmpfs for /tmp and for its home (its working folder
included) and, read-only in that folder, a private copy of the submission's answers.json: no other file of
a submission ever enters the sandbox, so nothing a participant names ``ipykernel_launcher.py`` or
``ipython_kernel_config.py`` can shadow a module or configure the kernel, and the interpreter runs isolated
(``-I``). No network, its own PID namespace, per-process limits on CPU time, address space, processes and file
size, and per-submission limits on memory and processes: a cgroup v2 when one can be delegated, otherwise
a watchdog that adds up the whole sandbox's memory and kills it when over. bwrap itself starts with an
almost empty environment (it is PID 1 inside, readable at /proc/1/environ). The kernel talks to the grader
over ZMQ ``ipc`` sockets in a folder bound into the sandbox, because TCP cannot cross ``--unshare-net``;
that folder is the only host disk the sandbox can write, and what it holds counts against the limit.
nbgrader's own ``Execute`` preprocessor drives the kernel. The kernel is started by ``SandboxProvisioner``,
a jupyter_client kernel provisioner (the public hook for how a kernel is launched, killed and cleaned up),
named by the run's in-memory kernelspec: no private method of jupyter_client is overridden.
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client import protocol_version_info
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory, LocalProvisioner
from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Dict, Instance, Integer, List, Unicode, default

from hocai import settings
from hocai.paths import ROOT
from hocai.settings import AutogradeLimits

SANDBOX_HOME = "/home/hocvien"
WORKDIR = f"{SANDBOX_HOME}/bai"
KERNEL_DIED = "KernelDied"
OUTPUT_TRUNCATED = "… [Đầu ra quá dài, phần còn lại đã bị cắt bỏ.]\n"
# bwrap exits 128 + signal when the kernel is killed: CPU time, file size, memory exhaustion (SEGV/ABRT in C
# code that cannot allocate) and SIGKILL are what the limits produce.
LIMIT_EXITS = {128 + 24, 128 + 25, 128 + 11, 128 + 6, 128 + 9}
KERNEL_DIED_NOTE = "Bài làm đã làm dừng trình chạy Python (vượt giới hạn hoặc bị lỗi), ô này không được chấm."
# The only files of a submission the kernel gets (read-only); the notebook itself arrives cell by cell.
SANDBOX_FILES = ("answers.json",)
HOSTNAME = "hocai-sandbox"
MAX_SANDBOX_FILE = 1_000_000
# What bwrap itself runs with: it stays PID 1 in the sandbox, and /proc/1/environ is readable from inside.
BWRAP_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
CGROUP_ENV = settings.env_var("sandbox_cgroup")
WATCH_SECONDS = 0.1
# The kernelspec name of a sandboxed run and the name its provisioner is registered under (pyproject.toml).
SANDBOX_KERNEL = "hocai-sandbox"
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
RECONNECT_MS = 10


# One submission's sandbox limits: the course's [autograde] table, each default and check defined once there.
Limits = AutogradeLimits


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def bwrap_problem() -> str | None:
    """Why this machine's bubblewrap cannot hold the sandbox (a sized tmpfs needs 0.8 or later), as one
    Vietnamese sentence; None when it can."""
    path = bwrap_path()
    if path is None:
        return "Chưa cài bubblewrap (lệnh bwrap) nên không thể chấm an toàn; hãy cài gói «bubblewrap» rồi chạy lại."
    try:
        usage = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=10, env=BWRAP_ENV)
    except (OSError, subprocess.TimeoutExpired):
        return "Không chạy được bubblewrap (lệnh bwrap) nên không thể chấm an toàn."
    if "--size" not in usage.stdout + usage.stderr:
        return (
            "Bản bubblewrap trên máy quá cũ (cần từ 0.8 trở lên để giới hạn dung lượng ghi) nên không thể chấm "
            "an toàn; hãy cập nhật gói «bubblewrap» rồi chạy lại."
        )
    return None


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


def sandbox_prefix(files: list[Path], conn_dir: Path, limits: Limits, uid: int | None) -> list[str]:
    """The bwrap + privilege drop + prlimit words that go before the kernel's own command line.

    ``files`` are bound read-only into the kernel's working folder, which lives on the home tmpfs: whatever
    the kernel writes stays in memory, within ``disk_mb``, and vanishes with the sandbox.
    """
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
    args = [
        bwrap_path() or "bwrap",
        "--die-with-parent",
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        HOSTNAME,
        "--clearenv",
    ]
    for key, value in env.items():
        args += ["--setenv", key, value]
    # The tmpfs come before the environment: a checkout under /tmp (as in CI) must stay visible on top.
    size = str(limits.disk_mb * 1024 * 1024)
    args += _system_binds()
    args += [
        "--size",
        size,
        "--perms",
        "1777",
        "--tmpfs",
        "/tmp",
        "--size",
        size,
        "--perms",
        "1777",
        "--tmpfs",
        SANDBOX_HOME,
    ]
    args += _environment_binds(existing={Path("/tmp"), Path(SANDBOX_HOME)})
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "0777", "--dir", WORKDIR]
    for file in files:
        args += ["--ro-bind", str(file), f"{WORKDIR}/{file.name}"]
    args += ["--bind", str(conn_dir), str(conn_dir), "--chdir", WORKDIR]
    if uid is None:
        args += ["--unshare-user"]
    else:
        args += [
            "--cap-add",
            "CAP_SETUID",
            "--cap-add",
            "CAP_SETGID",
            "--",
            "setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--no-new-privs",
            "--inh-caps=-all",
            "--bounding-set=-all",
        ]
    args += [
        "--",
        "prlimit",
        f"--cpu={limits.cpu_seconds}",
        f"--as={limits.memory_mb * 1024 * 1024}",
        f"--nproc={limits.processes}",
        f"--fsize={limits.file_mb * 1024 * 1024}",
        "--nofile=256",
        "--core=0",
        "--",
    ]
    return args


def kernel_command(connection_file: str) -> list[str]:
    """ipykernel, isolated (-I: no working folder or script folder on sys.path, no PYTHON* variables, no user
    site) so that no file in the working folder can stand in for a module."""
    return [
        str(Path(sys.prefix) / "bin" / "python"),
        "-I",
        "-B",
        "-m",
        "ipykernel_launcher",
        "-f",
        connection_file,
        "--HistoryManager.hist_file=:memory:",
        "--IPKernelApp.capture_fd_output=False",
    ]


def _cgroup2_mounts() -> list[Path]:
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return []
    return [Path(line.split()[1]) for line in lines if len(line.split()) > 2 and line.split()[2] == "cgroup2"]


def _own_cgroup2() -> str | None:
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            if line.startswith("0::"):
                return line[3:]
    except OSError:
        pass
    return None


def cgroup_parent() -> Path | None:
    """A cgroup v2 folder where this process may create one child per sandbox with the memory and pids
    controllers: ``HOCAI_SANDBOX_CGROUP`` (for example a systemd unit's delegated cgroup), or this process's
    own cgroup when it already delegates them (a root grader in a cgroup namespace). None means the
    watchdog does the sandbox-wide accounting instead."""
    candidates = [Path(settings.kit().sandbox_cgroup)] if settings.kit().sandbox_cgroup else []
    own = _own_cgroup2()
    if own is not None:
        candidates += [mount / own.lstrip("/") for mount in _cgroup2_mounts()]
    for folder in candidates:
        try:
            enabled = set((folder / "cgroup.subtree_control").read_text().split())
        except OSError:
            continue
        if {"memory", "pids"} <= enabled and os.access(folder, os.W_OK):
            return folder
    return None


class Cgroup:
    """One sandbox's cgroup v2: memory (files in tmpfs included) and process count for all its processes."""

    def __init__(self, parent: Path, limits: Limits):
        self.path = parent / f"hocai-sandbox-{secrets.token_hex(6)}"
        self.path.mkdir()
        try:
            (self.path / "memory.max").write_text(str(limits.memory_mb * 1024 * 1024))
            (self.path / "pids.max").write_text(str(limits.processes))
            for name, value in (("memory.swap.max", "0"), ("memory.oom.group", "1")):
                try:
                    (self.path / name).write_text(value)
                except OSError:
                    pass
        except OSError:
            self.remove()
            raise

    def wrap(self, command: list[str]) -> list[str]:
        """The command, started inside the cgroup before it runs (no process of it is ever outside)."""
        return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.path / "cgroup.procs"), *command]

    def oom_killed(self) -> bool:
        try:
            events = dict(line.split() for line in (self.path / "memory.events").read_text().splitlines())
        except (OSError, ValueError):
            return False
        return int(events.get("oom_kill", 0)) > 0 or int(events.get("oom_group_kill", 0)) > 0

    def remove(self) -> None:
        try:
            (self.path / "cgroup.kill").write_text("1")
        except OSError:
            pass
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.02)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except (OSError, ValueError):
        pass
    return out


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (a sandbox's processes cannot leave its PID namespace)."""
    seen, todo = [], [pid]
    while todo:
        current = todo.pop()
        seen.append(current)
        todo += _children(current)
    return seen


def _kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and every descendant (the sandbox's init first: its PID namespace dies with it)."""
    for member in _tree(pid):
        try:
            os.kill(member, signal.SIGKILL)
        except OSError:
            pass


def reap_orphans() -> list[int]:
    """Kill sandboxes left behind by a grader killed while it was starting one (bubblewrap's own
    parent-death signal is set a moment after it starts): a sandbox whose bwrap was adopted by init."""
    reaped = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry.name}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == 1 and argv and argv[0].endswith(b"bwrap") and HOSTNAME.encode() in argv:
            _kill_tree(int(entry.name))
            reaped.append(int(entry.name))
    return reaped


def _private_memory(pid: int) -> int:
    """Bytes of anonymous and shared memory this process accounts for (proportional set: forks that share
    pages are not counted twice)."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith(("Pss_Anon:", "Pss_Shmem:")):
                    total += int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return total


PAGE = os.sysconf("SC_PAGE_SIZE")


def _resident(pid: int) -> int:
    """Resident bytes (cheap; never less than what ``_private_memory`` counts)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _used(path: str) -> int:
    try:
        st = os.statvfs(path)
    except OSError:
        return 0
    return (st.f_blocks - st.f_bfree) * st.f_frsize


def _folder_bytes(folder: Path) -> int:
    total = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
                except OSError:
                    pass
    except OSError:
        pass
    return total


class Watchdog(threading.Thread):
    """Sandbox-wide accounting: every 0.1 s, the memory of all the sandbox's processes, its tmpfs files, its
    process count and what it wrote to the host (the socket folder); over a limit, the sandbox is killed."""

    def __init__(self, pid: int, conn_dir: Path, limits: Limits, memory: bool):
        super().__init__(daemon=True, name=f"hocai-watch-{pid}")
        self.pid, self.conn_dir, self.limits, self.memory = pid, conn_dir, limits, memory
        self.exceeded: str | None = None
        self.peak = 0
        self._stop = threading.Event()

    def measure(self) -> tuple[int, int, int]:
        """(memory bytes, processes, host bytes) of the sandbox now."""
        pids = _tree(self.pid)
        memory = 0
        if self.memory:
            inner = pids[1] if len(pids) > 1 else self.pid
            files = _used(f"/proc/{inner}/root/tmp") + _used(f"/proc/{inner}/root{SANDBOX_HOME}")
            memory = sum(_resident(p) for p in pids) + files
            if memory > self.limits.memory_mb * 1024 * 1024:  # resident memory is an upper bound: look closer
                memory = sum(_private_memory(p) for p in pids) + files
        return memory, len(pids) - 1, _folder_bytes(self.conn_dir)

    def run(self) -> None:
        limit = self.limits.memory_mb * 1024 * 1024
        # bwrap and its init process, setpriv and prlimit exec into the kernel: two processes are the sandbox's own.
        while not self._stop.wait(WATCH_SECONDS):
            memory, processes, host = self.measure()
            self.peak = max(self.peak, memory)
            if memory > limit:
                self.exceeded = "memory"
            elif self.memory and processes > self.limits.processes + 2:
                self.exceeded = "processes"
            elif host > 1024 * 1024:
                self.exceeded = "disk"
            if self.exceeded:
                _kill_tree(self.pid)
                return

    def stop(self) -> None:
        self._stop.set()


class LimitedClient(AsyncKernelClient):
    """A kernel client whose sockets drop any single message bigger than a few megabytes, retry the local
    ipc connection every 10 ms (the kernel binds its sockets a moment after start) and do not idle 200 ms
    flushing IOPub once the kernel answered: kernel start is the bulk of each submission's time.

    The socket options are the defaults of its own zmq context (pyzmq applies a context's options to every
    socket it creates), so no socket-making method of jupyter_client is overridden.
    """

    @default("context")
    def _limited_context(self) -> zmq.asyncio.Context:
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        return context

    def stop_channels(self) -> None:
        super().stop_channels()
        if not self.context.closed:
            self.context.destroy(linger=100)

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
                    self._adapt_protocol(msg)
                    break
            if not await ensure_async(self.is_alive()):
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0.02))
            except Empty:
                break

    def _adapt_protocol(self, reply: dict) -> None:
        """What jupyter_client does with a kernel_info reply: adapt messages to an older protocol's major."""
        major = int(reply["content"]["protocol_version"].split(".")[0])
        if major != protocol_version_info[0]:
            self.session.adapt_version = major


class SandboxProvisioner(LocalProvisioner):
    """jupyter_client's kernel provisioner for the sandbox: starts ipykernel inside bwrap, talking over ipc
    sockets in a folder private to this kernel, and owns that folder, the cgroup and the watchdog.

    Registered as the ``hocai-sandbox`` entry point of ``jupyter_client.kernel_provisioners``
    (pyproject.toml) and chosen by the kernelspec ``sandbox_kernel_spec`` builds; its traits come from that
    kernelspec's ``metadata.kernel_provisioner.config``.
    """

    files = List(Unicode(), config=True, help="host files bound read-only into the kernel's working folder")
    run_as = Integer(None, allow_none=True, config=True, help="uid the kernel drops to when the grader runs as root")
    limits = Dict(config=True, help="the Limits of this sandbox, as a table")

    conn_dir: Path | None = None
    cgroup: Cgroup | None = None
    watchdog: Watchdog | None = None

    @property
    def sandbox_limits(self) -> Limits:
        return Limits.from_mapping(self.limits)

    async def pre_launch(self, **kwargs):
        """The socket folder and the connection file in it, then the kernelspec's command behind bwrap, setpriv
        and prlimit (inside a fresh cgroup when one can be delegated), started from / with bwrap's own
        almost empty environment and no standard streams."""
        km = self.parent
        if self.conn_dir is None:
            self.conn_dir = Path(tempfile.mkdtemp(prefix="hocai-k")).resolve()
        km.transport = "ipc"
        km.connection_file = str(self.conn_dir / "k.json")
        km.ip = str(self.conn_dir / "k")
        kwargs = await super().pre_launch(**kwargs)
        if self.run_as is not None:
            os.chown(self.conn_dir, self.run_as, self.run_as)
            os.chown(km.connection_file, self.run_as, self.run_as)
        limits = self.sandbox_limits
        command = sandbox_prefix([Path(f) for f in self.files], self.conn_dir, limits, self.run_as) + kwargs["cmd"]
        parent = cgroup_parent() if self.cgroup is None else None
        if parent is not None:
            try:
                self.cgroup = Cgroup(parent, limits)
            except OSError:
                self.cgroup = None
        kwargs["cmd"] = self.cgroup.wrap(command) if self.cgroup else command
        kwargs.update(
            cwd="/", env=dict(BWRAP_ENV), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        return kwargs

    async def launch_kernel(self, cmd, **kwargs):
        info = await super().launch_kernel(cmd, **kwargs)
        self.watchdog = Watchdog(self.process.pid, self.conn_dir, self.sandbox_limits, memory=self.cgroup is None)
        self.watchdog.start()
        return info

    async def kill(self, restart: bool = False) -> None:
        """Kill the whole sandbox at once (its contents are thrown away) and reap it, so that the manager's
        wait finds it gone instead of polling every 100 ms; a signal to the process group would miss what
        runs in the sandbox's own PID namespace."""
        process = self.process
        if process is not None and process.poll() is None:
            _kill_tree(process.pid)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def lock_socket_folder(self) -> None:
        """Once the kernel has bound its sockets, a root grader takes the folder back: nothing more can be
        created on the host disk from inside."""
        if self.run_as is not None and self.conn_dir is not None:
            os.chown(self.conn_dir, 0, 0)
            os.chmod(self.conn_dir, 0o755)

    def limit_hit(self) -> str | None:
        """Which limit the sandbox as a whole went over and was killed for (memory, processes, disk), if any."""
        if self.cgroup is not None and self.cgroup.oom_killed():
            return "memory"
        return self.watchdog.exceeded if self.watchdog is not None else None

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart=restart)
        if not restart:
            self.release()

    def release(self) -> None:
        """Stop the watchdog, remove the cgroup and the socket folder (safe to call twice, or when the kernel
        never started)."""
        if self.watchdog is not None:
            self.watchdog.stop()
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        if self.conn_dir is not None:
            shutil.rmtree(self.conn_dir, ignore_errors=True)
            self.conn_dir = None


class SandboxKernelSpecs(KernelSpecManager):
    """Hands the kernel manager the one kernelspec of a sandboxed run, built in memory: nothing is read from
    or installed into the Jupyter data folders, where another kernelspec could stand in for it."""

    spec = Instance(KernelSpec)

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name != SANDBOX_KERNEL:
            raise NoSuchKernel(kernel_name)
        return self.spec


def sandbox_kernel_spec(files: list[Path], uid: int | None, limits: Limits) -> KernelSpec:
    """The kernelspec of one sandboxed run: ipykernel (``kernel_command``) started by the ``hocai-sandbox``
    provisioner, interrupted by a message (a SIGINT to the process group would end bwrap itself)."""
    config = {"files": [str(f) for f in files], "run_as": uid, "limits": asdict(limits)}
    return KernelSpec(
        name=SANDBOX_KERNEL,
        argv=kernel_command("{connection_file}"),
        language="python",
        display_name="Python 3 (hộp cát chấm bài)",
        interrupt_mode="message",
        metadata={"kernel_provisioner": {"provisioner_name": SANDBOX_KERNEL, "config": config}},
    )


def provisioner_problem() -> str | None:
    """Why the sandbox's kernel provisioner cannot be used, as one Vietnamese sentence; None when it can. The
    entry point must exist and name this module's class: stale metadata (an old ``hocai.egg-info`` in the working
    folder) could name a class elsewhere."""
    factory = KernelProvisionerFactory.instance()
    available = factory.is_provisioner_available(sandbox_kernel_spec([], None, Limits()))
    if available and factory.get_provisioner_entries().get(SANDBOX_KERNEL) == f"{__name__}:SandboxProvisioner":
        return None
    return (
        "Bộ chấm chưa được cài đặt đúng (phần chạy hộp cát «hocai-sandbox» không có hoặc trỏ sai chỗ) nên "
        "không thể chấm an toàn; hãy cài lại bộ công cụ bằng «make install»."
    )


def sandbox_problem() -> str | None:
    """Why this machine cannot hold the sandbox (bubblewrap, then the kit's installation); None when it can."""
    return bwrap_problem() or provisioner_problem()


class SandboxedExecute(Execute):
    """nbgrader's Execute with a per-cell output cap and a dead kernel scored as an error, not as a pass."""

    max_output_bytes = Integer(256 * 1024)

    def reset_execution_trackers(self):
        super().reset_execution_trackers()
        self._output_bytes: dict[int, int] = {}
        self.truncated = False
        self.kernel_died = False
        self.exit_status: int | None = None
        self.limit_hit: str | None = None

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        lock = getattr(self.km.provisioner, "lock_socket_folder", None)
        if lock is not None:
            lock()
        return kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

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
        cell.outputs = [
            NotebookNode(
                output_type="error",
                ename=KERNEL_DIED,
                evalue=KERNEL_DIED_NOTE,
                traceback=[f"{KERNEL_DIED}: {KERNEL_DIED_NOTE}"],
            )
        ]
        return cell, resources


def _exit_status(km) -> int | None:
    process = getattr(getattr(km, "provisioner", None), "process", None)
    return process.poll() if process is not None else None


def private_copy(folder: Path, target: Path) -> list[Path]:
    """Copy the files a kernel may see (answers.json) from ``folder`` into ``target``: regular files only,
    opened without following links, at most 1 MB each; nothing else of the folder is looked at."""
    copied = []
    for name in SANDBOX_FILES:
        try:
            fd = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SANDBOX_FILE:
                continue
            with os.fdopen(os.dup(fd), "rb") as src:
                data = src.read(MAX_SANDBOX_FILE + 1)
        finally:
            os.close(fd)
        if len(data) > MAX_SANDBOX_FILE:
            continue
        path = target / name
        path.write_bytes(data)
        path.chmod(0o444)
        copied.append(path)
    return copied


class SandboxedRun:
    """One notebook's sandbox. Construction makes the private copy and launches the kernel, which boots
    while the caller waits for its turn; ``execute`` runs the notebook; ``close`` kills the sandbox."""

    def __init__(self, folder: Path, limits: Limits, uid: int | None, config=None):
        self.limits, self.config = limits, config
        self._tmp = tempfile.TemporaryDirectory(prefix="hocai-s")
        self.private = Path(self._tmp.name) / "bai"
        self.private.mkdir()
        files = private_copy(Path(folder), self.private)
        specs = SandboxKernelSpecs(spec=sandbox_kernel_spec(files, uid, limits))
        self.km = AsyncKernelManager(
            kernel_name=SANDBOX_KERNEL, kernel_spec_manager=specs, client_factory=LimitedClient
        )
        try:
            run_sync(self.km.start_kernel)()
        except BaseException:
            self.close()
            raise

    def execute(self, nb: NotebookNode) -> SandboxedExecute:
        """Run ``nb`` in place; the executor it returns says whether the kernel died, output was cut or the
        sandbox as a whole went over a limit."""
        ep = SandboxedExecute(
            config=self.config,
            timeout=self.limits.cell_timeout,
            max_output_bytes=self.limits.output_kb * 1024,
            startup_timeout=60,
        )
        try:
            ep.preprocess(nb, {"metadata": {"path": "/"}}, km=self.km)
        except DeadKernelError:
            ep.kernel_died = True
            ep.exit_status = _exit_status(self.km)
        finally:
            if ep.kc is not None:
                ep.kc.stop_channels()
        ep.limit_hit = self.km.provisioner.limit_hit()
        return ep

    def close(self) -> None:
        try:
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        finally:
            if self.km.provisioner is not None:
                self.km.provisioner.release()
            self._tmp.cleanup()

    def __enter__(self) -> SandboxedRun:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
