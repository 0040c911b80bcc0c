"""One list of the documents the kit cites (sources.toml): the lessons' «Nguồn» sections are generated from it.

``python -m hocai.content.sources --write`` rewrites each lesson notebook's «Nguồn» cell; the unit test checks
that every cell equals what this module generates and that every numbered document in the text is listed.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).with_name("sources.toml")
NOTEBOOKS = ROOT / "notebooks"
HEADING = "## Nguồn"
FOOTER = (
    "*Bài học chỉ trích dẫn những gì đã đối chiếu được với văn bản. Khi cần áp dụng, hãy đọc toàn văn "
    "văn bản trên cổng thông tin chính thức của cơ quan ban hành hoặc Cơ sở dữ liệu quốc gia về văn bản "
    "pháp luật (vbpl.vn).*"
)


@dataclass(frozen=True)
class Source:
    """One cited document and what the kit relies on it for."""

    id: str
    type: str
    title: str
    number: str
    issuer: str
    date: str
    date_label: str
    effective: str
    relied_on: str
    where: str
    lessons: tuple[int, ...]

    @property
    def name(self) -> str:
        """«Luật Trí tuệ nhân tạo số 134/2025/QH15», «Thông tư số 02/2025/TT-BGDĐT», or a framework's title."""
        if self.type == "Luật":
            return f"Luật {self.title} số {self.number}"
        if self.number:
            return f"{self.type} số {self.number}"
        return self.title

    def line(self) -> str:
        """The source as one bullet of a «Nguồn» section."""
        name = f"*{self.title}*" if not self.number else f"**{self.name}**"
        title = f" {self.title}" if self.number and self.type != "Luật" else ""
        when = f"{self.date_label} {self.date}"
        effective = f", có hiệu lực từ ngày {self.effective}" if self.effective else ""
        return f"- {self.issuer}, {name}{title} ({when}{effective}). Khóa học dựa vào: {_flat(self.relied_on)}"


def _flat(text: str) -> str:
    return " ".join(text.split())


@cache
def sources() -> tuple[Source, ...]:
    """All sources, in the order the «Nguồn» sections list them."""
    raw = tomllib.loads(DATA.read_text(encoding="utf-8"))["source"]
    return tuple(Source(**{**item, "lessons": tuple(item["lessons"])}) for item in raw)


def by_number() -> dict[str, str]:
    """Document number → a short description, e.g. for lesson 5's citation checker."""
    return {
        s.number: f"{s.type} {s.title} ({s.issuer}, {s.date[-4:]})"
        if s.type != "Luật"
        else f"Luật {s.title} ({s.issuer}, {s.date[-4:]})"
        for s in sources()
        if s.number
    }


def section(lesson: int) -> str:
    """The generated «Nguồn» cell of a lesson."""
    lines = [s.line() for s in sources() if lesson in s.lessons]
    return "\n".join([HEADING, "", *lines, "", FOOTER])


def lesson_notebooks() -> dict[int, Path]:
    """Lesson number → its notebook."""
    return {int(p.name[:2]): p for p in sorted(NOTEBOOKS.glob("0[1-8]-*.ipynb"))}


def source_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """The notebook's «Nguồn» markdown cell, if it has one."""
    return next((c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith(HEADING)), None)


def write(path: Path, lesson: int) -> bool:
    """Rewrite one notebook's «Nguồn» cell; True when it changed."""
    nb = nbformat.read(path, as_version=4)
    cell = source_cell(nb)
    text = section(lesson)
    if cell is None or cell.source == text:
        return False
    cell.source = text
    out = nbformat.writes(nb)
    path.write_text(out if out.endswith("\n") else out + "\n", encoding="utf-8")
    return True


# A numbered document in running text: «91/2025/QH15», «02/2025/TT-BGDĐT», «557/BKHCN-CĐSQG».
NUMBER = re.compile(r"(?<![\d/])\d{1,5}/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ][A-ZĐ0-9]*)*")
# «Công văn 557», «Thông tư số 02»: a document named by its bare number.
SHORT = re.compile(r"\b(Luật|Nghị định|Nghị quyết|Thông tư|Công văn|Quyết định)\s+(?:số\s+)?(\d{1,5})\b(?!/)")


def unknown_citations(text: str) -> list[str]:
    """Numbered documents named in ``text`` that are not in the list of sources."""
    known = {s.number for s in sources() if s.number}
    found = [m.group(0) for m in NUMBER.finditer(text) if m.group(0) not in known]
    found += [
        m.group(0)
        for m in SHORT.finditer(text)
        if not any(
            n.split("/")[0].lstrip("0") == m.group(2).lstrip("0") and s.type == m.group(1)
            for s in sources()
            for n in [s.number]
            if n
        )
    ]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sinh lại mục «Nguồn» của các bài học từ sources.toml.")
    parser.add_argument("--write", action="store_true", help="ghi vào các sổ tay bài học")
    args = parser.parse_args(argv)
    for lesson, path in lesson_notebooks().items():
        if args.write:
            print(f"{path.name}: {'đã cập nhật' if write(path, lesson) else 'không đổi'}")
        else:
            print(section(lesson), end="\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
