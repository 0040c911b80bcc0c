"""Where the hub keeps its state, and what ``hocai hub start`` remembered for the config file to read."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hocai import settings as kit_settings
from hocai.fileio import write_text_atomic

SETTINGS_FILE = "settings.json"
SERVICE_NAME = "san-tap-ai"
BOARD_SERVICE_NAME = "bang-tien-do"  # the instructors' live board (hocai.hub.board)
PARTICIPANT_GROUP = "hocai-hv"
INSTRUCTOR_GROUP = "hocai-gv"
ACCOUNT_MARKER = "hocai"  # in the GECOS field, so the kit only ever touches accounts it made


def proxy_command() -> str | None:
    """configurable-http-proxy, installed by `make install` into the environment (npm, under node/)."""
    import shutil
    import sys

    local = Path(sys.prefix) / "node" / "node_modules" / ".bin"
    return shutil.which("configurable-http-proxy", path=f"{local}:{os.environ.get('PATH', '')}")


def hub_dir() -> Path:
    """``HOCAI_HUB_DIR`` (``hocai.settings``), read when asked."""
    return kit_settings.kit().hub_dir


def load() -> dict:
    path = hub_dir() / SETTINGS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save(**values) -> dict:
    directory = hub_dir()
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    merged = {**load(), **values}
    write_text_atomic(directory / SETTINGS_FILE, json.dumps(merged, ensure_ascii=False, indent=1))
    return merged


def exchange_root() -> Path:
    """The course's nbgrader exchange (inside the course folder, which only it leaves reachable to others)."""
    from hocai_grader.workspace import Course

    course_dir = load().get("course_dir")
    if not course_dir:
        from hocai.errors import UserError

        raise UserError("Chưa gắn khóa học với JupyterHub; hãy chạy: hocai hub accounts THƯ_MỤC_KHÓA_HỌC --out THƯ_MỤC")
    return Course(course_dir).exchange
