"""Debian packages the kit needs at run time, with every dependency a fresh system of the same release lacks.

"Fresh" is modelled as this machine's packages marked Essential or of priority required, plus what they
depend on: apt resolves the requested packages against that minimal status file instead of this machine's,
and downloads the whole set (``--download-only`` into the bundle). Packages for this machine's release and
architecture only; install.sh refuses them on another release rather than mixing archives.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from hocai.errors import UserError

# Beside the Makefile's APT_PACKAGES: python3 (a minimal Debian has none), nodejs (configurable-http-proxy),
# make (HUONG-DAN.txt and the README open a class with «make start»; a desktop Debian lacks it).
EXTRA_PACKAGES = ["python3", "nodejs", "make"]
FALLBACK_PACKAGES = ["bubblewrap", "chromium", "fonts-dejavu-core", "poppler-utils"]
_NAME = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")


def default_packages(root: Path) -> list[str]:
    """The Makefile's APT_PACKAGES (one list to keep up to date) and EXTRA_PACKAGES."""
    names = FALLBACK_PACKAGES
    makefile = root / "Makefile"
    if makefile.is_file():
        match = re.search(r"^APT_PACKAGES\s*:?=\s*(.+)$", makefile.read_text(encoding="utf-8"), re.M)
        if match:
            names = match.group(1).split()
    return list(dict.fromkeys([*names, *EXTRA_PACKAGES]))


def check_names(names: list[str]) -> list[str]:
    for name in names:
        if not _NAME.match(name):
            raise UserError(f"Tên gói Debian «{name}» không hợp lệ.")
    return list(dict.fromkeys(names))


def release(os_release: Path = Path("/etc/os-release")) -> dict[str, str]:
    """This machine's distribution: {"id", "codename", "version"} from os-release."""
    fields: dict[str, str] = {}
    if os_release.is_file():
        for line in os_release.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            fields[key] = value.strip().strip('"')
    return {
        "id": fields.get("ID", ""),
        "codename": fields.get("VERSION_CODENAME", ""),
        "version": fields.get("VERSION_ID", ""),
    }


def _paragraphs(status: str) -> dict[str, tuple[dict[str, str], str]]:
    """Installed packages of a dpkg status file: {name: (fields, paragraph)}."""
    packages = {}
    for paragraph in status.split("\n\n"):
        fields: dict[str, str] = {}
        last = None
        for line in paragraph.splitlines():
            if line[:1] in (" ", "\t") and last:
                fields[last] += " " + line.strip()
                continue
            key, _, value = line.partition(":")
            fields[key] = value.strip()
            last = key
        if "Package" in fields and fields.get("Status", "").endswith(" installed"):
            packages[fields["Package"]] = (fields, paragraph.strip("\n"))
    return packages


def minimal_status(status: str) -> str:
    """The part of a dpkg status file a fresh install has: Essential and required packages, and their
    Depends/Pre-Depends closure (each alternative satisfied by the first installed one)."""
    packages = _paragraphs(status)
    provides: dict[str, str] = {}
    for name, (fields, _) in packages.items():
        for item in fields.get("Provides", "").split(","):
            virtual = item.strip().split(" ")[0]
            if virtual:
                provides.setdefault(virtual, name)
    todo = [n for n, (f, _) in packages.items() if f.get("Priority") == "required" or f.get("Essential") == "yes"]
    keep: set[str] = set()
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        fields = packages[name][0]
        for relation in ("Pre-Depends", "Depends"):
            for group in fields.get(relation, "").split(","):
                for alternative in group.split("|"):
                    dep = alternative.strip().split(" ")[0].split(":")[0]
                    found = dep if dep in packages else provides.get(dep)
                    if found:
                        todo.append(found)
                        break
    return "\n\n".join(packages[name][1] for name in sorted(keep)) + "\n"


def download(dest: Path, names: list[str]) -> list[Path]:
    """Download ``names`` and what a fresh system of this release lacks into ``dest``; return the .deb files."""
    if not shutil.which("apt-get") or not shutil.which("dpkg"):
        raise UserError(
            "Máy này không dùng apt (Debian/Ubuntu): không tạo được phần gói hệ thống; "
            "hãy thêm --no-debs hoặc tạo bộ cài trên máy Debian."
        )
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    if arch != "amd64":
        raise UserError(f"Máy này có kiến trúc {arch}, bộ cài dành cho amd64 (x86_64): hãy thêm --no-debs.")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        status = Path(work) / "status"
        status.write_text(minimal_status(_read_status()), encoding="utf-8")
        (dest / "partial").mkdir(exist_ok=True)
        command = [
            "apt-get",
            "install",
            "--download-only",
            "-y",
            "-qq",
            "-o",
            f"Dir::State::status={status}",
            "-o",
            f"Dir::Cache::Archives={dest}/",
            "-o",
            "APT::Install-Recommends=false",
            "-o",
            "Debug::NoLocking=1",
            *names,
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        )
        shutil.rmtree(dest / "partial", ignore_errors=True)
        (dest / "lock").unlink(missing_ok=True)
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or ["?"])[-1]
            raise UserError(f"Không tải được gói Debian ({detail}); hãy chạy «apt-get update» (cần mạng) rồi thử lại.")
    index(dest)
    return sorted(dest.glob("*.deb"))


def index(folder: Path) -> Path:
    """A flat repository's Packages file, so apt on the target resolves against these .debs and what is
    installed there, and installs only what is missing (never a blanket ``dpkg -i`` of every file)."""
    from hocai.bundle.manifest import sha256_file

    paragraphs = []
    for deb in sorted(folder.glob("*.deb")):
        control = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True).stdout
        paragraphs.append(
            f"{control.rstrip()}\nFilename: ./{deb.name}\nSize: {deb.stat().st_size}\nSHA256: {sha256_file(deb)}\n"
        )
    target = folder / "Packages"
    target.write_text("\n".join(paragraphs), encoding="utf-8")
    return target


def _read_status() -> str:
    return Path("/var/lib/dpkg/status").read_text(encoding="utf-8", errors="replace")
