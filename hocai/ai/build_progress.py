"""How far the teaching model's build is, published beside the model in the store.

``hocai start`` opens JupyterLab and the Sân tập AI at once and builds the teaching model in the background;
the build writes ``.NAME.progress.json`` next to the model folder (atomically, so a reader never sees half a
file), and the service reads it to say «Mô hình đang được tạo: 40%» instead of failing. The file names the
process that writes it: a build that was killed leaves a file whose process is gone, which counts as no
build at all (the next ``hocai start`` starts again from the beginning).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from hocai.fileio import write_text_atomic
from hocai.text import nfc

BUILDING = "Mô hình AI đang được tạo ({percent}%). Hãy thử lại sau ít phút."
STATUS_LINE = "Mô hình đang được tạo: {percent}%"
FAILED = "Không tạo được mô hình AI ({kind}); hãy chạy lại: hocai models build-default"
SUFFIX = ".progress.json"


def progress_path(target: Path) -> Path:
    """The progress file of the model folder ``target`` (hidden, beside it, never inside it)."""
    target = Path(target)
    return target.parent / f".{target.name}{SUFFIX}"


def building_message(percent: int) -> str:
    """The one sentence every AI call answers while the model is being built."""
    return BUILDING.format(percent=int(percent))


def is_building_message(text: str | None) -> bool:
    """True for the sentence above: a lesson shows it as information, not as an error."""
    return bool(text) and str(text).startswith(BUILDING.split("(", 1)[0] + "(")


def status_line(percent: int) -> str:
    """What the Sân tập AI page shows in its status line while the model is being built."""
    return STATUS_LINE.format(percent=int(percent))


def _readable(path: Path) -> None:
    path.chmod(0o644)  # the service may run as another user than the build (JupyterHub)


def write(target: Path, percent: float, *, pid: int | None = None) -> None:
    """Publish that ``target`` is being built and how far (0-100), on behalf of process ``pid`` (default: this one)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "status": "building",
        "percent": max(0, min(100, int(percent))),
        "pid": int(pid or os.getpid()),
        "updated": round(time.time(), 1),
    }
    write_text_atomic(progress_path(target), json.dumps(data), before_replace=_readable)


def fail(target: Path, message: str) -> None:
    """Publish that the build stopped with an error; ``message`` is one Vietnamese sentence."""
    data = {"status": "error", "message": nfc(message), "updated": round(time.time(), 1)}
    write_text_atomic(progress_path(Path(target)), json.dumps(data, ensure_ascii=False), before_replace=_readable)


def clear(target: Path) -> None:
    progress_path(Path(target)).unlink(missing_ok=True)


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    except OSError:
        return False
    return True


def read(target: Path) -> dict[str, Any] | None:
    """``{"status": "building", "percent": int}``, ``{"status": "error", "message": str}``, or None when no
    build of ``target`` is under way (no file, a damaged one, or one left by a process that is gone)."""
    try:
        data = json.loads(progress_path(Path(target)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if data.get("status") == "building" and _alive(data.get("pid")):
        percent = data.get("percent")
        percent = percent if isinstance(percent, int) and not isinstance(percent, bool) else 0
        return {"status": "building", "percent": max(0, min(100, percent))}
    if data.get("status") == "error" and isinstance(data.get("message"), str) and data["message"].strip():
        return {"status": "error", "message": nfc(data["message"].strip())}
    return None


class Reporter:
    """Writes the progress of one build, only when the whole percent changes (at most about 100 writes)."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self.percent = -1

    def __call__(self, percent: float) -> None:
        whole = max(0, min(100, int(percent)))
        if whole != self.percent:
            self.percent = whole
            write(self.target, whole)
