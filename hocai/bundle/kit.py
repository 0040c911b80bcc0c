"""The kit's own files (lessons, exercises, corpus, code) as one tar.gz: install.sh unpacks it into TARGET.

From a git checkout: the tracked files as they are in the working tree (the teaching model in the bundle is
built from that corpus); elsewhere: the folder without environments, model weights, state or caches.
"""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

SKIP = {".git", ".venv", ".hocai", "test-artifacts", ".pytest_cache", "__pycache__", ".ipynb_checkpoints", "store"}


def files(root: Path) -> list[str]:
    """Relative paths of the kit's files."""
    if (root / ".git").exists():
        done = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True)
        if done.returncode == 0:
            return sorted(n for n in done.stdout.decode("utf-8").split("\0") if n and (root / n).is_file())
    found = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if path.is_file() and not any(p in SKIP or p.endswith(".egg-info") for p in rel.parts):
            found.append(rel.as_posix())
    return sorted(found)


def pack(root: Path, target: Path) -> int:
    """Write the kit's files to ``target``; return how many."""
    names = files(root)
    with tarfile.open(target, "w:gz") as archive:
        for name in names:
            archive.add(root / name, arcname=name, recursive=False)
    return len(names)
