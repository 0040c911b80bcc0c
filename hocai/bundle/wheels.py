"""Wheels of the kit's dependencies for Linux x86_64 and the chosen Python versions, torch as the CPU build.

The requirement list is read from pyproject.toml (dependencies, the test extra, the build backend), so the
bundle installs what ``make install`` installs. torch is fetched first, on its own, and refused unless it is
the CPU build: a CUDA build would drag gigabytes of nvidia-* wheels a laptop without a GPU never uses.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

from hocai.errors import UserError

TORCH = "torch==2.13.0"
# Debian 12 has glibc 2.36, Ubuntu 22.04 2.35: wheels built for glibc 2.35 or older. pip takes the tags
# literally (a manylinux_2_28 wheel does not match manylinux_2_35), so every one is listed.
PLATFORM = "manylinux_2_35_x86_64"
PLATFORMS = [f"manylinux_2_{minor}_x86_64" for minor in range(35, 4, -1)] + [
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
]
_VERSION = re.compile(r"^3\.\d{1,2}$")
_GPU_ONLY = ("nvidia_", "nvidia-", "triton-", "cuda_", "cuda-")


def running_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def check_versions(versions: list[str]) -> list[str]:
    """The chosen Python versions, validated and without duplicates."""
    result: list[str] = []
    for version in versions:
        if not _VERSION.match(version):
            raise UserError(f"Phiên bản Python «{version}» không hợp lệ; hãy viết dạng 3.11.")
        if version not in result:
            result.append(version)
    return result or [running_python()]


def requirements(root: Path) -> list[str]:
    """What ``make install`` installs: torch, the kit's dependencies and test extra, its build backend, pip."""
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    project = data.get("project", {})
    reqs = [
        TORCH,
        *project.get("dependencies", []),
        *project.get("optional-dependencies", {}).get("test", []),
        *data.get("build-system", {}).get("requires", []),
        "pip",
        "wheel",
    ]
    return list(dict.fromkeys(reqs))


def _pip_download(dest: Path, version: str, args: list[str]) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "-q",
        "--disable-pip-version-check",
        "-d",
        str(dest),
        "--only-binary=:all:",
        *[f"--platform={tag}" for tag in PLATFORMS],
        "--implementation",
        "cp",
        "--python-version",
        version,
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise UserError(f"Không tải được gói Python cho Python {version} ({tail}); máy này có mạng tới PyPI không?")


def is_cpu_torch(wheel: Path) -> bool:
    """A CPU build: tagged +cpu, or at least requiring no nvidia-* package."""
    if "+cpu" in wheel.name:
        return True
    with zipfile.ZipFile(wheel) as archive:
        meta = next((n for n in archive.namelist() if n.endswith(".dist-info/METADATA")), None)
        text = archive.read(meta).decode("utf-8", "replace") if meta else ""
    return not re.search(r"^Requires-Dist: nvidia", text, re.M) and "+cu" not in wheel.name


def gpu_only(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.glob("*.whl") if p.name.lower().startswith(_GPU_ONLY))


def download(dest: Path, versions: list[str], root: Path) -> list[Path]:
    """Fetch every wheel into ``dest`` (pip's cache makes a second bundle quick); return them."""
    dest.mkdir(parents=True, exist_ok=True)
    for version in versions:
        with tempfile.TemporaryDirectory() as probe:
            _pip_download(Path(probe), version, ["--no-deps", TORCH])
            found = sorted(Path(probe).glob("torch-*.whl"))
            if not found or not is_cpu_torch(found[0]):
                name = found[0].name if found else "không có"
                raise UserError(
                    f"Không tìm được bản torch 2.13.0 chỉ dùng CPU cho Python {version} (pip đưa ra: {name}); "
                    "bộ cài không chứa bản CUDA nhiều GB — hãy bỏ phiên bản Python này."
                )
            found[0].replace(dest / found[0].name)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
            req.write("\n".join(requirements(root)) + "\n")
        try:
            _pip_download(dest, version, ["-r", req.name])
        finally:
            Path(req.name).unlink()
    bad = gpu_only(dest)
    if bad:
        raise UserError(f"Bộ cài sẽ chứa gói chỉ dành cho GPU ({', '.join(bad[:3])}); đã dừng.")
    return sorted(dest.glob("*.whl"))
