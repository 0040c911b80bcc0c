"""`hocai hub stop` ends what the hub started even when the hub dies before cleaning up.

A stand-in hub (a real process group, like the one `hocai hub start` launches) starts a child in a
session of its own, as JupyterHub does with its proxy and services, and ignores SIGTERM, as a hub busy
stopping slow servers does. No root and no JupyterHub needed: this is the path the full hub test only
reaches when the machine is slow.
"""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from hocai.hub import control

HUB = """
import signal, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print(child.pid, flush=True)
time.sleep(600)
"""


def test_stop_ends_children_the_hub_left_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("HOCAI_HUB_DIR", str(tmp_path))
    hub = subprocess.Popen([sys.executable, "-c", HUB], stdout=subprocess.PIPE, text=True, start_new_session=True)
    child = psutil.Process(int(hub.stdout.readline()))
    (tmp_path / control.PID_FILE).write_text(str(hub.pid))
    started = time.monotonic()
    assert control.stop(timeout_s=1) is True
    assert hub.wait(5) == -9
    assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
    assert time.monotonic() - started < 8
    assert not (tmp_path / control.PID_FILE).exists()
    assert control.stop() is False
