"""The item bank: exercises/bank/baiNN.toml (questions, parallel variants, keys) and objectives.toml.

The bank is the authors' source of truth; ``hocai.exercise.authoring`` builds each nbgrader source
notebook from it. A bank file holds the answers, so only instructor-side code reads it; participants'
notebooks carry the question texts and, in their hidden tests, salted hashes.

Format (one file per assignment)::

    name = "bai01"            title = "AI là gì?"            salt = "bai01-…"
    [reflection]  prompt = "…"  guide = "…"
    [[questions]] id = "q1"  type = "single"  points = 2  objective = 1
    [[questions.variants]] prompt = "…"  options = ["…", "…"]  answer = "B"

Options and items are written as plain lists; they get the ids A, B, C… (options) and 1, 2, 3… (items,
and options of ``mark_pii``) in the order written, and answers use those ids.
"""

from __future__ import annotations

import string
import tomllib
from pathlib import Path
from typing import Any

from hocai.paths import EXERCISES
from hocai.text import nfc

BANK = EXERCISES / "bank"
OBJECTIVES = "objectives.toml"
LETTERS = string.ascii_uppercase
VARIANT_KEYS = ("prompt", "text", "original", "tone_insensitive", "min_score")


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def objectives(folder: Path = BANK) -> dict[str, str]:
    """Every lesson objective by id ("bai01.1"), as stated at the top of the lesson."""
    data = tomllib.loads((folder / OBJECTIVES).read_text(encoding="utf-8"))
    return {f"{lesson}.{number}": nfc(text) for lesson, table in data.items() for number, text in table.items()}


def bank_path(name: str, folder: Path = BANK) -> Path:
    return folder / f"{name}.toml"


def names(folder: Path = BANK) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.toml") if p.name != OBJECTIVES)


def _variant(kind: str, raw: dict) -> dict:
    """One variant with ids given to its options and items; ``answer``/``accepted`` kept beside."""
    variant = {k: raw[k] for k in VARIANT_KEYS if k in raw}
    if "options" in raw:
        ids = [str(n + 1) for n in range(len(raw["options"]))] if kind == "mark_pii" else list(LETTERS)
        variant["options"] = [{"id": i, "text": t} for i, t in zip(ids, raw["options"], strict=False)]
    if "items" in raw:
        variant["items"] = [{"id": str(n + 1), "text": t} for n, t in enumerate(raw["items"])]
    variant["answer"] = raw["answer"]
    variant["accepted"] = list(raw.get("accepted", []))
    return variant


def load(name: str, folder: Path = BANK) -> dict:
    """The assignment ``name`` from the bank: slots with their variants, keys, texts, salt."""
    path = bank_path(name, folder)
    data = _nfc(tomllib.loads(path.read_text(encoding="utf-8")))
    slots = []
    for raw in data["questions"]:
        slot = {
            "id": raw["id"],
            "type": raw["type"],
            "points": raw["points"],
            "objective": f"{data['name']}.{raw['objective']}",
        }
        for key in ("tone_insensitive", "min_score"):
            if key in raw:
                slot[key] = raw[key]
        slot["variants"] = [_variant(raw["type"], v) for v in raw["variants"]]
        slots.append(slot)
    return {
        "name": data["name"],
        "title": data["title"],
        "salt": data["salt"],
        "questions": slots,
        "reflection": {"id": "suy_ngam", **data["reflection"]},
    }


def public_slot(slot: dict) -> dict:
    """A slot without its keys: what a question cell's metadata and source may hold."""
    public = {k: v for k, v in slot.items() if k != "variants"}
    public["variants"] = [
        {k: v for k, v in variant.items() if k not in ("answer", "accepted")} for variant in slot["variants"]
    ]
    return public
