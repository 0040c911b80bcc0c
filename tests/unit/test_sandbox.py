"""The sandbox's command line, limits, status flags, gradebook backup and change detection (no kernels)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace

from nbformat.v4 import new_code_cell, new_notebook, new_output

from hocai_grader.autograde import _status, backup_gradebook, submission_digest
from hocai_grader.sandbox import (
    BWRAP_ENV,
    CGROUP_ENV,
    SANDBOX_HOME,
    WORKDIR,
    Cgroup,
    Limits,
    cgroup_parent,
    kernel_command,
    private_copy,
    sandbox_prefix,
)
from hocai_grader.workspace import init_course


def _pairs(args: list[str], flag: str) -> list[tuple[str, str]]:
    return [(args[i + 1], args[i + 2]) for i, a in enumerate(args) if a == flag]


def test_prefix_isolates_the_kernel(tmp_path):
    answers, conn = tmp_path / "private" / "answers.json", tmp_path / "conn"
    limits = Limits(cpu_seconds=30, memory_mb=512, processes=16, file_mb=8, disk_mb=32)
    args = sandbox_prefix([answers], conn, limits, uid=61234)
    for flag in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--clearenv"):
        assert flag in args
    # The only writable host folder is the socket folder; the answers are read-only; the tmpfs are sized.
    assert _pairs(args, "--bind") == [(str(conn), str(conn))]
    ro = _pairs(args, "--ro-bind")
    assert (str(answers), f"{WORKDIR}/answers.json") in ro
    assert str(Path(sys.prefix)) in [src for src, _ in ro] and "/usr" in [src for src, _ in ro]
    assert all(not Path(src).is_relative_to(tmp_path) for src, _ in ro if src != str(answers))
    tmpfs = [args[i + 1] for i, a in enumerate(args) if a == "--tmpfs"]
    assert tmpfs == ["/tmp", SANDBOX_HOME]
    assert [args[i + 1] for i, a in enumerate(args) if a == "--size"] == [str(32 * 1024 * 1024)] * 2
    env = dict(_pairs(args, "--setenv"))
    assert env["TMPDIR"] == "/tmp" and env["IPYTHONDIR"].startswith("/tmp")
    assert "JPY_PARENT_PID" not in env
    assert "--reuid=61234" in args
    tail = args[args.index("prlimit") :]
    assert {"--cpu=30", f"--as={512 * 1024 * 1024}", "--nproc=16", f"--fsize={8 * 1024 * 1024}"} <= set(tail)
    assert args[-1] == "--"


def test_unprivileged_prefix_uses_a_user_namespace(tmp_path):
    args = sandbox_prefix([], tmp_path / "c", Limits(), uid=None)
    assert "--unshare-user" in args and "setpriv" not in args


def test_kernel_runs_isolated_and_bwrap_gets_no_secrets():
    command = kernel_command("/c/k.json")
    assert command[1:5] == ["-I", "-B", "-m", "ipykernel_launcher"]
    assert set(BWRAP_ENV) == {"PATH", "LANG"}


def test_private_copy_takes_only_answers_as_regular_files(tmp_path):
    folder, target = tmp_path / "nop", tmp_path / "rieng"
    folder.mkdir()
    target.mkdir()
    (folder / "answers.json").write_text('{"q1": "B"}')
    (folder / "ipykernel_launcher.py").write_text("x")
    (folder / "ipython_kernel_config.py").write_text("x")
    assert [p.name for p in private_copy(folder, target)] == ["answers.json"]
    assert sorted(p.name for p in target.iterdir()) == ["answers.json"]
    (folder / "answers.json").unlink()
    (folder / "answers.json").symlink_to(folder / "ipykernel_launcher.py")
    (target / "answers.json").unlink()
    assert private_copy(folder, target) == [] and not any(target.iterdir())


def test_limits_read_from_course_settings():
    import pytest

    from hocai.errors import UserError

    limits = Limits.from_mapping({"cell_timeout": "7", "memory_mb": 1024})
    assert (limits.cell_timeout, limits.memory_mb, limits.cpu_seconds) == (7, 1024, Limits().cpu_seconds)
    with pytest.raises(UserError, match="autograde.jobs"):  # an unknown key is refused, never silently ignored
        Limits.from_mapping({"jobs": 4})


def _nb(*errors: str):
    cells = [new_code_cell("x", outputs=[new_output("error", ename=e, evalue="", traceback=[])]) for e in errors]
    return new_notebook(cells=cells or [new_code_cell("x")])


def test_status_flags_timeouts_limits_and_crashes():
    ep = SimpleNamespace(kernel_died=False, truncated=False, exit_status=None)
    assert _status(_nb(), ep) == "ok"
    assert _status(_nb("AssertionError"), ep) == "ok"
    assert _status(_nb("CellTimeoutError"), ep) == "timeout"
    assert _status(_nb("MemoryError"), ep) == "limit"
    assert _status(_nb(), SimpleNamespace(kernel_died=False, truncated=True, exit_status=None)) == "limit"
    assert _status(_nb(), SimpleNamespace(kernel_died=True, truncated=False, exit_status=1)) == "crash"
    assert _status(_nb(), SimpleNamespace(kernel_died=True, truncated=False, exit_status=128 + 24)) == "limit"


def test_backup_is_a_consistent_sqlite_copy(tmp_path):
    course = init_course(tmp_path / "khoa", source=_tiny_source(tmp_path))
    with course.gradebook() as gb:
        gb.update_or_create_student("an")
    copy = backup_gradebook(course)
    assert copy.parent == course.backups and copy.name.startswith("gradebook-")
    con = sqlite3.connect(copy)
    assert con.execute("SELECT id FROM student").fetchall() == [("an",)]
    con.close()


def test_digest_follows_content(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    first = submission_digest(tmp_path)
    assert submission_digest(tmp_path) == first
    (tmp_path / "answers.json").write_text('{"q1": "B"}')
    assert submission_digest(tmp_path) != first


def _tiny_source(tmp_path: Path) -> Path:
    folder = tmp_path / "nguon" / "bai"
    folder.mkdir(parents=True)
    (folder / "bai.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    return folder.parent


def test_cgroup_is_used_only_when_memory_and_pids_are_delegated(tmp_path, monkeypatch):
    """The plumbing of the cgroup v2 path on a stand-in folder (this machine's cgroup v2 has no memory
    controller; the real path was checked on a cgroup v2 host: OOM kill at memory.max, forks stop at pids.max)."""
    import subprocess

    monkeypatch.setenv(CGROUP_ENV, str(tmp_path))
    (tmp_path / "cgroup.subtree_control").write_text("cpu pids\n")
    assert cgroup_parent() != tmp_path
    (tmp_path / "cgroup.subtree_control").write_text("cpu memory pids\n")
    assert cgroup_parent() == tmp_path
    group = Cgroup(tmp_path, Limits(memory_mb=300, processes=20))
    assert (group.path / "memory.max").read_text() == str(300 * 1024 * 1024)
    assert (group.path / "pids.max").read_text() == "20" and (group.path / "memory.oom.group").read_text() == "1"
    done = subprocess.run(group.wrap(["/bin/sh", "-c", "echo $$"]), capture_output=True, text=True)
    assert done.returncode == 0 and (group.path / "cgroup.procs").read_text().strip() == done.stdout.strip()
    (group.path / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert group.oom_killed()


def test_a_bubblewrap_without_sized_tmpfs_is_refused_up_front(tmp_path, monkeypatch):
    from hocai_grader.sandbox import bwrap_problem

    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'usage: bwrap [OPTIONS...] [--] COMMAND [ARGS...]\n    --tmpfs DEST'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    bwrap_problem.cache_clear()
    try:
        assert "quá cũ" in bwrap_problem()
        monkeypatch.setenv("PATH", str(tmp_path / "khong-co"))
        bwrap_problem.cache_clear()
        assert "Chưa cài bubblewrap" in bwrap_problem()
    finally:
        bwrap_problem.cache_clear()


def test_the_sandbox_uses_only_public_jupyter_client_hooks():
    """The kernel starts through a kernel provisioner, jupyter_client's public hook: no class of the sandbox
    overrides a private jupyter_client method (issue 21, item 4), so a release that reshapes one cannot
    quietly change how a participant's kernel is confined."""
    import inspect

    from hocai_grader import sandbox

    ours = [c for c in vars(sandbox).values() if inspect.isclass(c) and c.__module__ == sandbox.__name__]
    assert {"LimitedClient", "SandboxProvisioner", "SandboxKernelSpecs"} <= {c.__name__ for c in ours}
    for cls in ours:
        private = {
            name
            for name, value in vars(cls).items()
            if name.startswith("_") and not name.startswith("__") and inspect.isfunction(value)
        }
        for base in cls.__mro__[1:]:
            if base.__module__.startswith("jupyter_client"):
                assert not private & set(vars(base)), (cls.__name__, base.__name__, private & set(vars(base)))


def test_the_kernelspec_names_the_registered_sandbox_provisioner(tmp_path):
    """The run's kernelspec picks the provisioner by its entry point name, with the run's files, uid and limits
    as the provisioner's settings; interrupts go by message, since a SIGINT to the group would end bwrap."""
    from jupyter_client.provisioning import KernelProvisionerFactory

    from hocai_grader.sandbox import SANDBOX_KERNEL, SandboxProvisioner, provisioner_problem, sandbox_kernel_spec

    limits = Limits(memory_mb=300, processes=9)
    spec = sandbox_kernel_spec([tmp_path / "answers.json"], 61234, limits)
    assert spec.interrupt_mode == "message"
    assert "{connection_file}" in spec.argv and spec.argv[1:5] == ["-I", "-B", "-m", "ipykernel_launcher"]
    assert provisioner_problem() is None
    provisioner = KernelProvisionerFactory.instance().create_provisioner_instance("k", spec, parent=None)
    assert type(provisioner) is SandboxProvisioner and SANDBOX_KERNEL == "hocai-sandbox"
    assert provisioner.files == [str(tmp_path / "answers.json")] and provisioner.run_as == 61234
    assert provisioner.sandbox_limits == limits


def test_client_sockets_cap_messages_and_reconnect_fast(tmp_path):
    """The client's socket options come from its own zmq context: a message over 8 MB is dropped, a kernel still
    binding its ipc sockets is retried every 10 ms; stopping the channels ends the context."""
    import zmq

    from hocai_grader.sandbox import MAX_MESSAGE_BYTES, LimitedClient

    client = LimitedClient(
        transport="ipc", ip=str(tmp_path / "k"), shell_port=1, iopub_port=2, stdin_port=3, hb_port=4, control_port=5
    )
    for socket in (client.connect_shell(), client.connect_iopub(), client.connect_control()):
        assert socket.getsockopt(zmq.MAXMSGSIZE) == MAX_MESSAGE_BYTES == 8 * 1024 * 1024
        assert socket.getsockopt(zmq.RECONNECT_IVL) == 10
        socket.close()
    client.stop_channels()
    assert client.context.closed
