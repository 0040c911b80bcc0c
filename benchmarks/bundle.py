"""The offline bundle: its size (goal ≤ 2 GB without optional models) and the offline install time (goal ≤ 5 min
on 2 cores).

Builds the full bundle (the kit's Debian packages, configurable-http-proxy, the teaching model, no catalogue
models) in a temporary folder, then installs from it into a fresh folder inside a network namespace with no
network (``unshare -n``, root). Baseline in the same run, from the same wheels: a bare ``pip install --no-index``
of torch and the kit into a new venv, the least any offline install must do; the difference is what install.sh
adds (checksums, the kit's files, the model, the rename into place). Debian packages already on this machine
are skipped by install.sh, as on any machine that has them: the apt step is timed only when something is missing.

    .venv/bin/python benchmarks/bundle.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOCAI = str(Path(sys.executable).with_name("hocai"))
GOAL_BYTES = 2e9
GOAL_INSTALL_S = 300


def offline(command: str) -> list[str]:
    """A shell command run with no network: a new network namespace with only a loopback."""
    return ["unshare", "-n", "bash", "-c", f"ip link set lo up; {command}"]


def clean_env() -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOCAI_", "PIP_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return env


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"failed: {command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds, done


def size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="build the bundle here and keep it (default: a temporary folder)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "bundle.json"))
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (unshare -n)")
    work = Path(tempfile.mkdtemp(prefix="hocai-bundle-bench-"))
    bundle = Path(args.keep) if args.keep else work / "usb"
    load = os.getloadavg()[0]
    try:
        build_s, _ = timed([HOCAI, "bundle", str(bundle)], env={**os.environ, "TQDM_DISABLE": "1"}, timeout=3600)
        manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
        parts = {name: size(bundle / name) for name in ("wheels", "debs", "node", "models", "hocai-kit.tar.gz")}
        total = size(bundle)

        check_s, _ = timed(offline(f"bash '{bundle}/install.sh' --check"), timeout=600)
        target = work / "hocai"
        install_s, done = timed(
            offline(f"bash '{bundle}/install.sh' --no-start '{target}'"), env=clean_env(), timeout=1800
        )
        apt_ran = "Cài gói hệ thống" in done.stdout

        venv = work / "baseline-venv"
        python = f"python{sys.version_info.major}.{sys.version_info.minor}"
        env = {**clean_env(), "PIP_CONFIG_FILE": os.devnull}
        baseline_s, _ = timed(
            offline(
                f"{python} -m venv '{venv}' && '{venv}/bin/pip' install -q --no-index --find-links '{bundle}/wheels' "
                f"torch==2.13.0 -e '{target}[test]'"
            ),
            env=env,
            cwd=target,
            timeout=1800,
        )
        venv_bytes = size(target / ".venv")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": round(load, 2),
            "python": platform.python_version(),
        },
        "bundle": {
            "bytes": total,
            "parts_bytes": parts,
            "files": manifest["file_count"],
            "python_versions": manifest["python_versions"],
            "apt_packages": manifest["apt_packages"],
            "models": manifest["models"],
            "build_s": round(build_s, 1),
        },
        "install": {
            "check_s": round(check_s, 1),
            "offline_install_s": round(install_s, 1),
            "apt_step_ran": apt_ran,
            "venv_bytes": venv_bytes,
        },
        "baseline_bare_pip_install_s": round(baseline_s, 1),
        "goals": {
            "bundle_bytes_max": GOAL_BYTES,
            "install_s_max": GOAL_INSTALL_S,
            "size_met": total <= GOAL_BYTES,
            "install_met": install_s <= GOAL_INSTALL_S,
        },
    }
    mb = {k: round(v / 1e6, 1) for k, v in parts.items()}
    print(
        f"bundle: {total / 1e6:.0f} MB ({manifest['file_count']} files; {mb}), built in {build_s:.0f} s "
        f"[goal ≤ {GOAL_BYTES / 1e9:.0f} GB: {'met' if result['goals']['size_met'] else 'NOT met'}]"
    )
    print(
        f"offline install: {install_s:.0f} s (checksums alone {check_s:.1f} s; Debian step "
        f"{'ran' if apt_ran else 'skipped, all present'}) [goal ≤ {GOAL_INSTALL_S} s: "
        f"{'met' if result['goals']['install_met'] else 'NOT met'}]; baseline bare pip install from the same "
        f"wheels: {baseline_s:.0f} s; environment {venv_bytes / 1e9:.2f} GB; load {load:.2f} on {os.cpu_count()} "
        "CPUs"
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
