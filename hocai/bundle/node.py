"""configurable-http-proxy (JupyterHub's proxy) with its node modules, as ``make install`` installs it with npm.

Carried as one tar.gz: a USB stick's FAT file system has no symlinks (node_modules/.bin) and copies
thousands of small files slowly. install.sh unpacks it into the environment's node/ folder, where
hocai.hub.settings looks for it.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from hocai.errors import UserError

PACKAGE = "configurable-http-proxy@4"
ARCHIVE = "configurable-http-proxy.tar.gz"


def available() -> bool:
    return shutil.which("npm") is not None


def pack(dest: Path) -> Path:
    """npm-install the proxy into a scratch prefix (npm's cache makes it quick) and pack node_modules."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as prefix:
        done = subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--no-save", "--prefix", prefix, PACKAGE],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not (Path(prefix) / "node_modules" / ".bin" / "configurable-http-proxy").exists():
            detail = (done.stderr.strip().splitlines() or ["?"])[-1]
            raise UserError(f"Không tải được {PACKAGE} bằng npm ({detail}); hãy thêm --no-node hoặc thử lại.")
        target = dest / ARCHIVE
        with tarfile.open(target, "w:gz") as archive:
            archive.add(Path(prefix) / "node_modules", arcname="node_modules")
    return target
