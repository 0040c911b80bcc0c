"""The kit's two pieces of file plumbing: replace a file atomically, and hold an exclusive lock file.

``atomic_path``/``write_text_atomic``: the new content goes to a fresh private temporary file beside the
target (``mkstemp``: created exclusively, mode 0600, never through a link; same suffix, for writers that
go by it), is flushed to disk, and is renamed over the target, so a reader or a crash sees the old file or
the new one, never half of one.
``file_lock``: an exclusive lock (``filelock``) that either waits, telling the user why, or refuses at once.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock

from hocai.errors import UserError


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(
    target: str | os.PathLike,
    *,
    before_replace: Callable[[Path], None] | None = None,
) -> Iterator[Path]:
    """A fresh private file beside ``target`` for a writer that needs a path (pandas, openpyxl).

    When the block ends normally the file is synced, passed to ``before_replace`` (to set its mode or
    group) and renamed over ``target``; when it raises, the temporary file is removed and ``target`` is
    untouched.
    """
    target = Path(target)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync(tmp)
        if before_replace is not None:
            before_replace(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(
    target: str | os.PathLike,
    text: str,
    *,
    encoding: str = "utf-8",
    before_replace: Callable[[Path], None] | None = None,
) -> Path:
    """Replace ``target`` by ``text`` atomically, writing through the descriptor ``mkstemp`` opened."""
    target = Path(target)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding=encoding) as handle:
            if before_replace is not None:
                before_replace(tmp)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


@contextmanager
def file_lock(path: str | os.PathLike, *, busy: str | None = None, waiting: str | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing, kept after release).

    If another process holds it: with ``busy``, raise ``UserError(busy)`` at once; otherwise print
    ``waiting`` (if given) on stderr and wait for it.
    """
    lock = filelock.FileLock(path)
    try:
        lock.acquire(blocking=False)
    except filelock.Timeout:
        if busy is not None:
            raise UserError(busy) from None
        if waiting:
            sys.stderr.write(waiting + "\n")
            sys.stderr.flush()
        lock.acquire()
    try:
        yield
    finally:
        lock.release()
