"""Make lesson notebooks unbreakable by a first-time participant (``python -m hocai.lessons.harden notebooks/``).

Rules (idempotent): every code cell is self-contained (``from hocai.lessons.lessonNN import f; f()``, so no
cell depends on another having run; the old shared ``import … as bai`` cell is dropped), its code is hidden,
and no cell (code or text) can be edited or deleted. Only ``NN-*.ipynb`` lesson notebooks are touched; exercises are
nbgrader notebooks whose cells nbgrader locks itself at release (see ``tests/unit/test_notebooks_hardened.py``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

IMPORT = re.compile(r"^from hocai\.lessons import (lesson\d\d) as bai$")
OLD_CALL = re.compile(r"^bai\.(\w+)\(\)$")
CALL = re.compile(r"^from hocai\.lessons\.(lesson\d\d) import (\w+); \2\(\)$")
LOCKED = {"editable": False, "deletable": False}


def lesson_module(nb) -> str | None:
    """The ``lessonNN`` module a notebook calls, read from its cells (old or new form)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        match = IMPORT.match(cell.source.strip()) or CALL.match(cell.source.strip())
        if match:
            return match.group(1)
    return None


def harden(nb) -> bool:
    """Apply the rules in place; True when something changed."""
    module = lesson_module(nb)
    before = nbformat.writes(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            source = cell.source.strip()
            if IMPORT.match(source):
                continue
            old = OLD_CALL.match(source)
            if old and module:
                cell.source = f"from hocai.lessons.{module} import {old.group(1)}; {old.group(1)}()"
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        cell.metadata.update(LOCKED)
        cells.append(cell)
    nb.cells = cells
    return nbformat.writes(nb) != before


def problems(nb) -> list[str]:
    """What breaks the rules, one line per cell (empty when hardened)."""
    found = []
    for index, cell in enumerate(nb.cells):
        where = f"cell {index} ({cell.source.strip()[:60]!r})"
        for key, value in LOCKED.items():
            if cell.metadata.get(key, True) is not value:
                found.append(f"{where}: {key} is not false")
        if cell.cell_type != "code":
            continue
        if not CALL.match(cell.source.strip()):
            found.append(f"{where}: not one self-contained call")
        if not cell.metadata.get("jupyter", {}).get("source_hidden"):
            found.append(f"{where}: code not hidden")
    return found


def lesson_notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if not p.name.startswith("00-"))


def main(argv: list[str]) -> int:
    for folder in argv or ["notebooks"]:
        for path in lesson_notebooks(Path(folder)):
            nb = nbformat.read(path, as_version=4)
            if harden(nb):
                text = nbformat.writes(nb, indent=1, ensure_ascii=False)
                path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
                print(f"hardened {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
