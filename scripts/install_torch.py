"""Install torch as the CPU build, on purpose (issue 20, item 3): never PyPI's default CUDA build.

On Linux, ``pip install torch==2.13.0`` takes PyPI's default wheel, whose nvidia-* dependencies weigh gigabytes
a laptop without a GPU never uses. ``make install`` runs this script with the new environment's Python, before
the kit, so the pin in pyproject.toml is already satisfied by the CPU build when the kit is installed:

    python scripts/install_torch.py install       torch from a local CPU wheel pip finds (its find-links: this
                                                  machine's wheel folder, a bundle), else PyTorch's CPU index
    python scripts/install_torch.py check         fail in Vietnamese if any nvidia-* package got in
    python scripts/install_torch.py requirements  the kit's dependencies without torch (make test-other-python)

Standard library only: it runs before anything else is installed, on any Python the kit accepts.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# Distributions that exist only to drive an NVIDIA GPU (PyPI's Linux torch requires them).
_GPU_ONLY = re.compile(r"^(nvidia[-_.]|cuda[-_.]|triton$)", re.I)
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def is_gpu_only(name: str) -> bool:
    return bool(_GPU_ONLY.match(_normalise(name)))


def kit_requirements(root: Path = ROOT) -> list[str]:
    """The kit's dependencies and its test extra, as ``make install`` installs them."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project.get("optional-dependencies", {}).get("test", [])]


def torch_requirement(root: Path = ROOT) -> str:
    """The torch pin from pyproject.toml (one place says which torch the kit runs on)."""
    for req in kit_requirements(root):
        match = _NAME.match(req)
        if match and _normalise(match.group(1)) == "torch":
            return req.strip()
    raise SystemExit("pyproject.toml không ghi phiên bản torch.")


def without_torch(root: Path = ROOT) -> list[str]:
    return [r for r in kit_requirements(root) if not ((m := _NAME.match(r)) and _normalise(m.group(1)) == "torch")]


@dataclass(frozen=True)
class Candidate:
    """The torch wheel pip would take: where from, which version, what it requires."""

    url: str
    version: str
    requires: tuple[str, ...]

    @property
    def cpu_build(self) -> bool:
        """No GPU-only requirement and no CUDA tag: PyTorch's +cpu wheels, or a macOS one."""
        if re.search(r"\+cu\d|\+rocm", self.version):
            return False
        return not any((m := _NAME.match(r)) and is_gpu_only(m.group(1)) for r in self.requires)

    @property
    def path(self) -> Path | None:
        parts = urllib.parse.urlsplit(self.url)
        return Path(urllib.request.url2pathname(parts.path)) if parts.scheme == "file" else None


def pip_command(python: str = sys.executable) -> list[str]:
    return [python, "-m", "pip", "--disable-pip-version-check"]


def local_candidate(requirement: str, pip: list[str], env: dict | None = None) -> Candidate | None:
    """The torch wheel pip finds without any index (find-links only: a local folder, a bundle), or None.

    Asks pip itself (``--dry-run --no-index --report``), so pip's own configuration, platform tags and
    version choice decide, as they will in the real install.
    """
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        done = subprocess.run(
            [
                *pip,
                "install",
                "--dry-run",
                "--quiet",
                "--no-deps",
                "--ignore-installed",
                "--no-index",
                "--report",
                str(report),
                requirement,
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        if done.returncode != 0 or not report.is_file():
            return None
        items = json.loads(report.read_text(encoding="utf-8")).get("install", [])
    if not items:
        return None
    meta = items[0].get("metadata", {})
    return Candidate(
        url=items[0].get("download_info", {}).get("url", ""),
        version=meta.get("version", ""),
        requires=tuple(meta.get("requires_dist", []) or ()),
    )


def plan(requirement: str, local: Candidate | None) -> tuple[str, list[str]]:
    """Where torch comes from and the pip arguments: the local CPU wheel by its path when pip finds one, else
    PyTorch's CPU index. A local wheel that is a CUDA build is passed over, never installed.
    """
    if local is not None and local.cpu_build and local.path is not None:
        return str(local.path), ["install", "--quiet", str(local.path)]
    # The CPU index's wheels carry the local label +cpu; asking for it keeps pip from taking a CUDA build that
    # its find-links or extra indexes may also offer under the plain version.
    return CPU_INDEX, ["install", "--quiet", "--index-url", CPU_INDEX, cpu_pin(requirement)]


def cpu_pin(requirement: str) -> str:
    """``torch==2.13.0`` -> ``torch==2.13.0+cpu``: only a CPU build satisfies it."""
    return requirement if "+" in requirement or "==" not in requirement else f"{requirement}+cpu"


def gpu_packages(path: list[str] | None = None) -> list[str]:
    """Installed distributions (in ``path``, default sys.path) that only serve an NVIDIA GPU."""
    found = importlib.metadata.distributions(**({"path": path} if path is not None else {}))
    names = {_normalise(d.metadata["Name"] or "") for d in found}
    return sorted(n for n in names if n and is_gpu_only(n))


def check(path: list[str] | None = None) -> int:
    """0, or 1 with one Vietnamese sentence on stderr when a GPU-only package is installed."""
    bad = gpu_packages(path)
    if bad:
        more = f" và {len(bad) - 3} gói khác" if len(bad) > 3 else ""
        print(
            f"Lỗi: môi trường Python có gói CUDA chỉ dùng cho card đồ họa NVIDIA ({', '.join(bad[:3])}{more}), "
            "nặng nhiều GB mà lớp học không cần; hãy xóa thư mục .venv rồi chạy lại «make start».",
            file=sys.stderr,
        )
        return 1
    return 0


def install(pip: list[str] | None = None, path: list[str] | None = None) -> int:
    """Install torch's CPU build with ``pip`` (default: this Python's), then check the environment at ``path``."""
    pip = pip or pip_command()
    requirement = torch_requirement()
    where, args = plan(requirement, local_candidate(requirement, pip))
    print(f"Cài {requirement} bản CPU từ {where}")
    if subprocess.run([*pip, *args]).returncode != 0:
        print(
            f"Lỗi: không cài được {requirement} bản CPU từ {where}: máy cần mạng tới địa chỉ này, hoặc cài "
            "từ bộ cài ngoại tuyến (make start BUNDLE=thư-mục-bộ-cài).",
            file=sys.stderr,
        )
        return 1
    return check(path)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "install"
    if command == "install":
        return install()
    if command == "check":
        return check()
    if command == "requirements":
        print("\n".join(without_torch()))
        return 0
    print("Cách dùng: python scripts/install_torch.py [install|check|requirements]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    os.environ.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    sys.exit(main(sys.argv[1:]))
