"""What the kit's wheel installs (issue 21, item 8): the instructor workflow keeps its folder ``grader/`` at the
top of the repository but installs as ``hocai_grader``, so no bare ``grader`` lands in site-packages, where
another distribution may own that name; every package folder of the checkout is in the wheel; the sandbox's
kernel provisioner is registered under its installed name.

The wheel is built from a copy of the packaged files (never in the checkout, where a build leaves a
``hocai.egg-info`` that shadows the installed metadata) without build isolation: offline, a few seconds.
"""

from __future__ import annotations

import ast
import configparser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ("pyproject.toml", "setup.py", "README.md", "hocai", "grader")
SOURCES = ("hocai", "grader", "tests", "benchmarks")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    pytest.importorskip("setuptools.build_meta", reason="the build backend is not installed here (offline: no fetch)")
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    for name in PACKAGED:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            str(src),
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("hocai-*.whl")
    with zipfile.ZipFile(built) as zf:
        yield zf


def _dist_info(wheel: zipfile.ZipFile, name: str) -> str:
    (path,) = [p for p in wheel.namelist() if p.endswith(f".dist-info/{name}")]
    return wheel.read(path).decode()


def test_the_wheel_installs_no_bare_grader(wheel):
    tops = {name.split("/")[0] for name in wheel.namelist() if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"hocai", "hocai_grader"}
    assert "hocai_grader/sandbox.py" in wheel.namelist() and "hocai_grader/__init__.py" in wheel.namelist()
    record_tops = {line.split(",")[0].split("/")[0] for line in _dist_info(wheel, "RECORD").splitlines() if line}
    assert "grader" not in record_tops and "grader" not in _dist_info(wheel, "top_level.txt").split()


def test_every_package_folder_of_the_checkout_is_in_the_wheel(wheel):
    names = set(wheel.namelist())
    for package, installed in (("hocai", "hocai"), ("grader", "hocai_grader")):
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT / package)
            if "__pycache__" not in relative.parts:
                assert f"{installed}/{relative.as_posix()}" in names, path


def test_every_file_the_packages_hold_is_in_the_wheel(wheel):
    """Data read at run time (the assistant's background counts, the bundle's installer, the lab's
    translations) must be installed too, not only found in a checkout."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: which files are the packages' own is unknown")
    tracked = subprocess.run(
        ["git", "ls-files", "hocai", "grader"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    names = set(wheel.namelist())
    missing = [path for path in tracked if path.replace("grader/", "hocai_grader/", 1) not in names]
    assert tracked and not missing


def test_the_sandbox_provisioner_is_registered_under_the_installed_name(wheel):
    entry_points = configparser.ConfigParser()
    entry_points.read_string(_dist_info(wheel, "entry_points.txt"))
    assert dict(entry_points["jupyter_client.kernel_provisioners"]) == {
        "hocai-sandbox": "hocai_grader.sandbox:SandboxProvisioner"
    }
    from hocai_grader.sandbox import SANDBOX_KERNEL, SandboxProvisioner

    assert SANDBOX_KERNEL == "hocai-sandbox" and SandboxProvisioner.__module__ == "hocai_grader.sandbox"


def test_no_module_imports_the_bare_name_grader():
    """``grader`` imports only from a checkout's root (the working folder on sys.path), never once installed."""
    found = []
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                if any(name == "grader" or name.startswith("grader.") for name in names):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found
