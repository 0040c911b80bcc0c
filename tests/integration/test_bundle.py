"""An offline bundle for real (issue 20): ``hocai bundle`` here, then, in a network namespace with no network
(root), install.sh builds a fresh environment from it, installs a Debian package from it, copies the teaching
model, and the class opens: JupyterLab answers and the Sân tập AI service answers an AI call. A damaged or
incomplete bundle gets one Vietnamese sentence and nothing is installed.

The bundle carries one small Debian package (hello) instead of the kit's list, so the test stays quick;
benchmarks/bundle.py builds the full one. Wheels come from pip's cache, as ``make install`` left it.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import HOCAI, free_port

pytestmark = pytest.mark.slow

SMALL_DEB = "hello"
PROBE = r"""
import json, sys, time, urllib.request
lab_url, app_url = sys.argv[1], sys.argv[2]
out = {}
with urllib.request.urlopen(lab_url, timeout=30) as r:
    out["lab_status"], out["lab_is_jupyterlab"] = r.status, b"JupyterLab" in r.read()
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    with urllib.request.urlopen(app_url + "health", timeout=30) as r:
        out["health"] = json.loads(r.read())
    if out["health"].get("status") == "ok":
        break
    time.sleep(1)
body = json.dumps({"prompt": "Bình dân học vụ", "max_tokens": 8, "temperature": 0}).encode()
req = urllib.request.Request(app_url + "v1/completions", body, {"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=120) as r:
    out["ai_status"], out["ai"] = r.status, json.loads(r.read())
print(json.dumps(out, ensure_ascii=False))
"""


def offline_env(**extra: str) -> dict[str, str]:
    """The environment of a trainer's shell: none of this test run's venv, pip settings or kit variables."""
    venv_bin = str(Path(sys.executable).parent)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("HOCAI_", "PIP_", "VIRTUAL_ENV", "JUPYTER", "PYTHON"))
    }
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return {**env, **extra}


def deb_installed(name: str) -> bool:
    done = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}", name], capture_output=True, text=True)
    return done.stdout.startswith("ii")


@pytest.fixture(scope="module")
def netns():
    """A network namespace with only a loopback: ``ip netns exec NAME`` runs a command with no network."""
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("dpkg-query"):
        pytest.skip("needs root, iproute2 and dpkg (a network namespace, a Debian package install)")
    name = f"hocai-bundle-{os.getpid()}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"], check=True)
        yield ["ip", "netns", "exec", name]
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=False)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, default_model):
    """A bundle built by the command a trainer runs where there is internet."""
    out = tmp_path_factory.mktemp("usb") / "hocai-usb"
    started = time.monotonic()
    done = subprocess.run(
        [HOCAI, "bundle", str(out), "--apt-packages", SMALL_DEB],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "TQDM_DISABLE": "1"},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    print(f"bundle built in {time.monotonic() - started:.0f} s")
    return out


def run_install(netns: list[str], bundle: Path, target: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*netns, "bash", str(bundle / "install.sh"), "--no-start", str(target)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=offline_env(),
    )


def test_damaged_or_incomplete_bundle_is_refused_and_nothing_installed(bundle, netns, tmp_path):
    wheels = sorted((bundle / "wheels").glob("*.whl"), key=lambda p: p.stat().st_size)
    victim = wheels[len(wheels) // 2]
    target = tmp_path / "kit"
    original = victim.read_bytes()
    try:
        middle = len(original) // 2
        victim.write_bytes(original[:middle] + bytes([original[middle] ^ 0xFF]) + original[middle + 1 :])
        done = run_install(netns, bundle, target)
    finally:
        victim.write_bytes(original)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"Bộ cài bị hỏng: tệp «wheels/{victim.name}» không khớp mã kiểm tra (USB lỗi hoặc chép chưa xong); "
        "hãy chép lại cả thư mục bộ cài từ máy gốc rồi chạy lại."
    )
    assert not target.exists() and list(tmp_path.iterdir()) == []

    weights = bundle / "models" / "hocai-teaching-gpt2" / "model.safetensors"
    aside = tmp_path.parent / f"{tmp_path.name}-weights"
    weights.rename(aside)
    try:
        done = run_install(netns, bundle, target)
    finally:
        aside.rename(weights)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Bộ cài chưa đủ: thiếu tệp «models/hocai-teaching-gpt2/model.safetensors»; hãy chép lại cả thư mục bộ "
        "cài từ máy gốc rồi chạy lại."
    )
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_offline_install_then_class_answers(bundle, netns, tmp_path):
    connect = "import socket; socket.create_connection(('pypi.org', 443), 5)"
    reach = subprocess.run([*netns, sys.executable, "-c", connect], capture_output=True, text=True, timeout=60)
    assert reach.returncode != 0  # really no network: not even a name lookup
    had_deb = deb_installed(SMALL_DEB)
    target = tmp_path / "hocai"
    started = time.monotonic()
    try:
        done = run_install(netns, bundle, target)
        seconds = time.monotonic() - started
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "Đã cài xong" in done.stdout
        print(f"offline install: {seconds:.0f} s")
        assert deb_installed(SMALL_DEB)  # from the bundle's apt repository, with no network
    finally:
        if not had_deb and deb_installed(SMALL_DEB):
            subprocess.run(["dpkg", "--purge", SMALL_DEB], capture_output=True, check=False)

    venv = target / ".venv"
    assert (venv / ".hocai-installed").is_file() and not list(target.glob(".venv.*"))
    assert not (target / ".hocai-bundle-partial").exists()
    assert (venv / "node" / "node_modules" / ".bin" / "configurable-http-proxy").exists()
    assert (target / "models" / "store" / "hocai-teaching-gpt2" / "model.safetensors").is_file()
    assert (venv / "bin" / "hocai").read_text(encoding="utf-8").startswith(f"#!{venv}/bin/python")
    assert not list(venv.glob("lib/python3*/site-packages/nvidia*"))
    torch_version = subprocess.run(
        [venv / "bin" / "python", "-c", "import torch; print(torch.__version__)"],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.strip()
    assert torch_version == "2.13.0+cpu"

    lab_port, app_port = free_port(), free_port()
    env = offline_env(HOCAI_STATE_DIR=str(tmp_path / "state"), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    proc = subprocess.Popen(
        [
            *netns,
            str(venv / "bin" / "hocai"),
            "start",
            "--lab-port",
            str(lab_port),
            "--app-port",
            str(app_port),
            "--no-browser",
        ],
        cwd=target,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        urls: dict[str, str] = {}
        seen: list[str] = []
        deadline = time.monotonic() + 240
        while len(urls) < 2 and time.monotonic() < deadline and proc.poll() is None:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            seen.append(line)
            for marker in ("JupyterLab", "Sân tập AI"):
                if marker in line and "http" in line:
                    urls[marker] = line[line.index("http") :].strip()
        assert len(urls) == 2, "".join(seen)
        assert urls["JupyterLab"].startswith(f"http://127.0.0.1:{lab_port}/")
        probe = subprocess.run(
            [*netns, str(venv / "bin" / "python"), "-c", PROBE, urls["JupyterLab"], urls["Sân tập AI"]],
            capture_output=True,
            text=True,
            timeout=400,
            env=env,
        )
        assert probe.returncode == 0, probe.stderr[-3000:]
        result = json.loads(probe.stdout)
        assert result["lab_status"] == 200 and result["lab_is_jupyterlab"]
        assert result["health"]["status"] == "ok", result
        assert "hocai-teaching-gpt2" in json.dumps(result["health"])  # the model copied from the bundle
        assert result["ai_status"] == 200 and result["ai"]["choices"][0]["text"].strip()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
