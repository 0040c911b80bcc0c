"""answers.json beside the notebook: the one place a participant's answers live.

The file is JSON data only (strings and lists of strings, NFC), written atomically on every change, so it
survives saving, closing the tab and restarting the kernel, and travels with nbgrader's normal submit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hocai.fileio import write_text_atomic
from hocai.text import nfc

FILENAME = "answers.json"
MAX_BYTES = 1_000_000
VERSION = 1


def path(folder: str | os.PathLike | None = None) -> Path:
    """answers.json in ``folder`` (default: the kernel's working folder, which is the notebook's)."""
    return Path(folder if folder is not None else os.getcwd()) / FILENAME


def to_nfc(value: Any) -> Any:
    """Strings in NFC, lists and dicts walked; anything else passes unchanged (checks reject it later)."""
    if type(value) is str:
        return nfc(value)
    if type(value) is list:
        return [to_nfc(v) for v in value]
    if type(value) is dict:
        return {nfc(k) if type(k) is str else k: to_nfc(v) for k, v in value.items()}
    return value


def load(folder: str | os.PathLike | None = None) -> dict[str, Any]:
    """The saved answers by question id, read fresh from disk; {} when absent, too big or not valid."""
    file = path(folder)
    try:
        if not file.is_file() or file.stat().st_size > MAX_BYTES:
            return {}
        data = json.loads(file.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if type(data) is not dict:
        return {}
    answers = data.get("answers", data) if "version" in data else data
    return to_nfc(answers) if type(answers) is dict else {}


def recorded_participant(folder: str | os.PathLike | None = None) -> str:
    """Whose form answers.json says it was filled on ("" when it does not say); never trusted for grading."""
    file = path(folder)
    try:
        if file.stat().st_size > MAX_BYTES:
            return ""
        data = json.loads(file.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return ""
    value = data.get("participant") if type(data) is dict else None
    return to_nfc(value) if type(value) is str else ""


def write(
    answers: dict[str, Any], folder: str | os.PathLike | None = None, *, assignment: str = "", participant: str = ""
) -> Path:
    """Replace answers.json atomically (temporary file in the same folder, then rename).

    ``participant`` records whose form (variants, option order) the answers were given on; grading never
    trusts it, it only helps an instructor see a folder copied from someone else."""
    file = path(folder)
    payload = {"version": VERSION, "assignment": assignment, "answers": to_nfc(answers)}
    if participant:
        payload["participant"] = to_nfc(participant)
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True)
    return write_text_atomic(file, text + "\n")


def save(
    qid: str, value: Any, folder: str | os.PathLike | None = None, *, assignment: str = "", participant: str = ""
) -> Path:
    """Store one answer, keeping the others."""
    answers = load(folder)
    answers[qid] = value
    return write(answers, folder, assignment=assignment, participant=participant)
