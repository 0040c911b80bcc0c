"""One vocabulary (glossary.toml): the glossary page participants see, and the scan for banned variants.

The scan reads every participant-facing text of the kit (lesson notebooks, lesson and widget modules, exercise
texts and notebooks, the app's texts, the corpus the class model learns from), so a test fails as soon as a
banned variant («lời nhắc», «CCCD», «khoá»…) comes back anywhere.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hocai.text import nfc

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).with_name("glossary.toml")


@dataclass(frozen=True)
class Term:
    """A word the kit uses, what it means, and the variants it does not use."""

    term: str
    definition: str
    english: str = ""
    banned: tuple[str, ...] = ()
    spelling: bool = False

    @property
    def patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(rf"(?<!\w){b}(?!\w)", re.I) for b in self.banned]


@cache
def terms() -> tuple[Term, ...]:
    raw = tomllib.loads(DATA.read_text(encoding="utf-8"))["term"]
    return tuple(Term(**{**t, "banned": tuple(t.get("banned", ()))}) for t in raw)


def _order(term: Term) -> str:
    return unicodedata.normalize("NFD", term.term.casefold())


HEADING = "## Từ điển của khóa học"
# The lesson whose appendix is the glossary page (a cell just before its «Nguồn»).
LESSON = "notebooks/01-ai-la-gi.ipynb"


def page_markdown() -> str:
    """The glossary page shown to participants (terms, then the spelling conventions)."""
    lines = [HEADING, "", "Cả bộ học liệu dùng chung những từ dưới đây, với đúng nghĩa này.", ""]
    for t in sorted((t for t in terms() if not t.spelling), key=_order):
        english = f" *(tiếng Anh: {t.english})*" if t.english and t.english != t.term else ""
        lines.append(f"- **{t.term}**{english}: {' '.join(t.definition.split())}")
    lines += ["", "### Cách viết thống nhất", ""]
    lines += [f"- {' '.join(t.definition.split())}" for t in terms() if t.spelling]
    return "\n".join(lines)


def page_html() -> str:
    """The same page as HTML, for a widget or the app."""
    from html import escape

    items = "".join(
        f"<dt><b>{escape(t.term)}</b></dt><dd>{escape(' '.join(t.definition.split()))}</dd>"
        for t in sorted((t for t in terms() if not t.spelling), key=_order)
    )
    return f"<h2>Từ điển của khóa học</h2><dl>{items}</dl>"


# ---- where participants read text ----------------------------------------------------------------------


def _notebook_texts(path: Path) -> list[str]:
    """Every cell's text, except the glossary page itself (it names the variants it bans)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [text for text in ("".join(c["source"]) for c in cells) if not text.startswith(HEADING)]


def python_strings(path: Path) -> list[str]:
    """String literals a user can see: not docstrings (English, for developers) nor keys such as "CCCD"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and id(n) not in docs
        and not re.fullmatch(r"[A-Z0-9_]*", n.value)
    ]


def participant_files() -> list[Path]:
    """Every file whose text participants read or the class model learns from."""
    globs = [
        "notebooks/*.ipynb",
        "hocai/lessons/*.py",
        "hocai/widgets/*.py",
        "hocai/exercise/*.py",
        "hocai/app/ui*.py",
        "hocai/app/service.py",
        "exercises/bank/*.toml",
        "exercises/bai*/bai*.ipynb",
        "corpus/*.txt",
    ]
    return sorted(p for g in globs for p in ROOT.glob(g))


def texts(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        return _notebook_texts(path)
    if path.suffix == ".py":
        return python_strings(path)
    return [path.read_text(encoding="utf-8")]


def violations(text: str) -> list[tuple[str, str]]:
    """(banned variant found, the kit's term) in ``text``."""
    text = nfc(text)
    return [(m.group(0), t.term) for t in terms() for p in t.patterns for m in p.finditer(text)]


def scan() -> dict[str, list[tuple[str, str]]]:
    """File (relative) → banned variants found in it."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in participant_files():
        hits = [v for text in texts(path) for v in violations(text)]
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    return found


def write_page(path: Path | None = None) -> bool:
    """Put the generated glossary page in the lesson's appendix (before «Nguồn»); True when it changed."""
    import nbformat

    path = path or ROOT / LESSON
    had_newline = path.read_text(encoding="utf-8").endswith("\n")
    nb = nbformat.read(path, as_version=4)
    text = page_markdown()
    cell = next((c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith(HEADING)), None)
    if cell is not None and cell.source == text:
        return False
    if cell is None:
        at = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## Nguồn"))
        cell = nbformat.v4.new_markdown_cell(text)
        cell.id = f"{nb.cells[0].id.split('-')[0]}-tu-dien"
        nb.cells.insert(at, cell)
    cell.source = text
    path.write_text(nbformat.writes(nb).rstrip("\n") + ("\n" if had_newline else ""), encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Từ điển của khóa học: sinh trang từ điển, soát từ bị cấm.")
    parser.add_argument("--write", action="store_true", help="ghi trang từ điển vào phụ lục Bài 1")
    args = parser.parse_args(argv)
    if args.write:
        print("Đã cập nhật trang từ điển." if write_page() else "Trang từ điển không đổi.")
    found = scan()
    for name, hits in found.items():
        print(name, ", ".join(f"«{bad}» → {term}" for bad, term in hits))
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
