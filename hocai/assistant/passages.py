"""What the assistant searches: lesson sections (with lesson, heading and anchor) and the glossary.

Only text a participant already sees goes in: notebook markdown cells, glossary definitions, and the text of
the few display-only lesson widgets named in ``SHOWN_WIDGETS`` (myths, signs, steps, checklists — read from
the lesson module's source, never imported or run). Self-check keys, sorting games (whose items carry their
answers) and the exercise bank's keys never do.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import nbformat

from hocai.text import nfc

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
GLOSSARY = ROOT / "hocai" / "content" / "glossary.toml"
CORPUS = ROOT / "corpus"
_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$", re.M)
_NUMBER = re.compile(r"^(\d+)\.\s")
SKIP_SECTIONS = ("Nguồn",)
LESSONS = ROOT / "hocai" / "lessons"
GLOSSARY_HEADING = "Từ điển của khóa học"
_WIDGET_CALL = re.compile(r"from hocai\.lessons\.(lesson\d\d) import (\w+)")
# Widgets that only show lesson text (a card, a reveal, a list to tick): the text a participant reads there
# belongs to the section. Sorting games and self-checks are left out: their items carry the answers.
SHOWN_WIDGETS = frozenset(
    {
        ("lesson01", "myths"),
        ("lesson02", "fluent_but_false"),
        ("lesson05", "signs"),
        ("lesson05", "how_to_verify"),
        ("lesson06", "labelling"),
        ("lesson07", "deepfake_signs"),
        ("lesson07", "what_to_do"),
        ("lesson08", "five_steps"),
        ("lesson08", "draft_checklist"),
    }
)


@dataclass(frozen=True)
class Passage:
    """One searchable piece: a lesson section or a glossary entry."""

    id: str
    lesson: int | None
    heading: str
    text: str
    notebook: str = ""
    cell_id: str = ""

    @property
    def anchor(self) -> str:
        """The URL fragment JupyterLab 4 scrolls to: ``cell-id=…`` of the heading's cell.

        JupyterLab compares a heading fragment with the heading's id without decoding it, so a Vietnamese
        heading (percent-encoded by the browser) is never found; cell ids are ASCII and stable.
        """
        return f"cell-id={self.cell_id}" if self.cell_id else self.heading.replace(" ", "-")

    @property
    def overview(self) -> bool:
        """The lesson's title, goals or summary rather than a numbered section that teaches."""
        return self.lesson is not None and not _NUMBER.match(self.heading)

    @property
    def label(self) -> str:
        if self.lesson is None:
            return f"Từ điển thuật ngữ: {self.heading}"
        number = _NUMBER.match(self.heading)
        where = f"mục {number.group(1)}" if number else f"phần «{self.heading}»"
        return f"Bài {self.lesson}, {where}" if self.lesson else f"Hướng dẫn giảng viên, {where}"

    def url(self, base: str = "/lab/tree/notebooks/") -> str:
        if not self.notebook:
            return ""
        return f"{base}{quote(self.notebook)}#{quote(self.anchor, safe='=')}"


def lesson_files(folder: Path = NOTEBOOKS) -> list[Path]:
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def _plain(markdown: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"[*_`>]+", "", text).strip()


def _strings(node: ast.AST) -> list[str]:
    """Every literal string under ``node`` (adjacent literals are one), docstrings included by the caller."""
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def widget_text(module: str, function: str, folder: Path = LESSONS) -> str:
    """The words a display-only widget shows: literals in its function and the module constants it names."""
    path = folder / f"{module}.py"
    if (module, function) not in SHOWN_WIDGETS or not path.exists():
        return ""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        t.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    pieces: list[str] = []
    todo, seen = [function], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in functions:
            continue
        seen.add(name)
        body = functions[name].body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring is for programmers
        for stmt in body:
            pieces += _strings(stmt)
            for n in ast.walk(stmt):
                if isinstance(n, ast.Name) and n.id in constants:
                    pieces += _strings(constants[n.id])
                elif isinstance(n, ast.Name) and n.id in functions:
                    todo.append(n.id)  # a helper of the same module (steps_for → ALWAYS)
    words = [nfc(p) for p in pieces if len(p.split()) >= 3]  # sentences, not style values or keys
    return _plain("\n".join(dict.fromkeys(words)))


def _glossary_entries(text: str) -> list[str]:
    """One entry a line ("- term (tiếng Anh: …): definition"), so a short question meets a short passage."""
    return [line.lstrip("- ").strip() for line in text.splitlines() if line.startswith("- ")]


def notebook_passages(path: Path) -> list[Passage]:
    """Markdown cells grouped under their last heading (with their display widgets' text); the lesson title cell
    is its own section; the glossary section is one passage per term, all pointing at that section."""
    lesson = int(path.name[:2])
    nb = nbformat.read(path, as_version=4)
    sections: list[tuple[str, list[str], str]] = []
    for cell in nb.cells:
        if cell.cell_type == "code" and sections:
            for module, function in _WIDGET_CALL.findall(cell.source):
                shown = widget_text(module, function)
                if shown:
                    sections[-1][1].append(shown)
        if cell.cell_type != "markdown":
            continue
        source = nfc(cell.source)
        pos = 0
        for match in _HEADING.finditer(source):
            before = source[pos : match.start()].strip()
            if before and sections:
                sections[-1][1].append(before)
            sections.append((_plain(match.group(2)), [], str(cell.get("id", ""))))
            pos = match.end()
        rest = source[pos:].strip()
        if rest:
            if not sections:
                sections.append((path.stem, [], str(cell.get("id", ""))))
            sections[-1][1].append(rest)
    out = []
    for n, (heading, parts, cell_id) in enumerate(sections):
        if heading in SKIP_SECTIONS:
            continue
        text = _plain("\n\n".join(parts))
        entries = _glossary_entries(text) if heading == GLOSSARY_HEADING else []
        for k, entry in enumerate(entries):
            out.append(
                Passage(f"bai{lesson:02d}#{n}.{k}", lesson, heading, f"{heading}\n\n{entry}", path.name, cell_id)
            )
        if not entries:
            out.append(Passage(f"bai{lesson:02d}#{n}", lesson, heading, f"{heading}\n\n{text}", path.name, cell_id))
    return out


def glossary_passages(path: Path = GLOSSARY) -> list[Passage]:
    if not path.exists():
        return []
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("term", [])
    out = []
    for t in raw:
        if t.get("show", True) is False:
            continue
        english = f" ({t['english']})" if t.get("english") else ""
        out.append(
            Passage(
                f"glossary#{nfc(t['term'])}",
                None,
                nfc(t["term"]),
                nfc(f"{t['term']}{english}: {t.get('definition', '')}"),
            )
        )
    return out


def synonyms(path: Path = GLOSSARY) -> list[tuple[str, str]]:
    """(variant, term) pairs from the glossary: the English word and plain banned words point at the term."""
    if not path.exists():
        return []
    pairs = []
    for t in tomllib.loads(path.read_text(encoding="utf-8")).get("term", []):
        for variant in [t.get("english", ""), *t.get("banned", [])]:
            if variant and re.fullmatch(r"[\w\s]+", variant):
                pairs.append((nfc(variant), nfc(t["term"])))
    return pairs


def corpus_files() -> list[Path]:
    """The kit's own Vietnamese texts: a wider vocabulary for the spelling helper (not searched)."""
    return sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


def sources() -> list[Path]:
    """Every file the index is built from, for its content hash."""
    modules = sorted({LESSONS / f"{m}.py" for m, _ in SHOWN_WIDGETS if (LESSONS / f"{m}.py").exists()})
    files = lesson_files() + modules + corpus_files()
    return files + ([GLOSSARY] if GLOSSARY.exists() else [])


def all_passages() -> list[Passage]:
    """Lesson sections; the glossary is already a lesson section (Bài 1), so it feeds synonyms only."""
    out: list[Passage] = []
    for path in lesson_files():
        out.extend(notebook_passages(path))
    return out
