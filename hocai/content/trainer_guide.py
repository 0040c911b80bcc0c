"""The trainer's guide (issue 16, item 6): one data file, rendered to a markdown-only notebook and a printable PDF.

Lesson titles and timings are read from the lesson notebooks and objectives from exercises/bank/objectives.toml,
so the guide cannot drift from the lessons; ``python -m hocai.content.trainer_guide --write`` regenerates the notebook
and a unit test keeps the committed notebook equal to what this module renders.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from hocai import paths
from hocai.errors import UserError
from hocai.text import nfc

DATA = Path(__file__).with_name("trainer_guide.toml")
NOTEBOOKS = paths.NOTEBOOKS
NOTEBOOK = NOTEBOOKS / "00-huong-dan-giang-vien.ipynb"
OBJECTIVES = paths.EXERCISES / "bank" / "objectives.toml"
LEADING = 1.4
TITLE = re.compile(r"^# (.+)$", re.M)
TIMING = re.compile(r"\*Thời lượng:\s*(?P<timing>[^*]+?)\.?\*")


@dataclass(frozen=True)
class Lesson:
    number: int
    title: str
    notebook: str
    timing: str
    objectives: list[str]


def data() -> dict:
    with DATA.open("rb") as fh:
        return tomllib.load(fh)


def _markdown(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")


def _title(markdown: str) -> str:
    match = TITLE.search(markdown)
    return nfc(match.group(1).strip()) if match else ""


def lesson_title(path: Path) -> str:
    """A lesson notebook's title, its first ``#`` heading ("Bài 1. AI là gì?"); "" when it has none."""
    return _title(_markdown(path))


def lesson(number: int) -> Lesson:
    """Title and timing from the lesson's own notebook, objectives from the exercise bank's copy of them."""
    path = next(NOTEBOOKS.glob(f"{number:02d}-*.ipynb"), None)
    if path is None:
        raise UserError(f"Không tìm thấy sổ tay của Bài {number} trong thư mục {NOTEBOOKS}.")
    markdown = _markdown(path)
    title, timing = _title(markdown), TIMING.search(markdown)
    with OBJECTIVES.open("rb") as fh:
        objectives = tomllib.load(fh).get(f"bai{number:02d}")
    if not (title and timing and objectives):
        raise UserError(f"Sổ tay {path.name} cần có tiêu đề, dòng «Thời lượng» và mục tiêu trong {OBJECTIVES.name}.")
    return Lesson(
        number,
        title,
        path.name,
        timing.group("timing").strip(),
        [objectives[k] for k in sorted(objectives, key=int)],
    )


def _lesson_cell(entry: dict) -> str:
    info = lesson(entry["number"])
    lines = [
        f"## {info.title}",
        "",
        f"*Sổ tay `{info.notebook}` · Thời lượng: {info.timing} · Bài tập `bai{info.number:02d}`*",
        "",
        "**Mục tiêu**",
        "",
    ]
    lines += [f"{i}. {text}" for i, text in enumerate(info.objectives, 1)]
    lines += ["", "**Cần chuẩn bị**", ""] + [f"- {text}" for text in entry["prepare"]]
    lines += ["", "**Câu hỏi thảo luận**", ""] + [f"{i}. {q}" for i, q in enumerate(entry["discussion"], 1)]
    lines += ["", "**Học viên hay hỏi**", ""]
    for faq in entry["faq"]:
        lines += [f"- **Hỏi:** {faq['q']}", f"  **Đáp:** {faq['a']}"]
    return "\n".join(lines)


def _schedule_cell(schedule: dict) -> str:
    first = "Giờ" if ":" in schedule["rows"][0][0] else "Buổi"
    lines = [f"## {schedule['title']}", "", schedule["intro"], "", f"| {first} | Nội dung |", "|---|---|"]
    lines += [f"| {when} | {what} |" for when, what in schedule["rows"]]
    return "\n".join(lines)


def _section_cell(section: dict) -> str:
    return f"## {section['title']}\n\n{section['body'].strip()}"


def cells() -> list[str]:
    """The guide as markdown cells, in reading order."""
    guide = data()
    sections = guide["section"]
    out = [f"# {guide['title']}\n\n{guide['intro'].strip()}", _section_cell(sections[0])]
    out += [_lesson_cell(entry) for entry in sorted(guide["lesson"], key=lambda e: e["number"])]
    out += [_schedule_cell(s) for s in guide["schedule"]]
    out += [_section_cell(s) for s in sections[1:]]
    return [nfc(text) for text in out]


def markdown() -> str:
    return "\n\n".join(cells()) + "\n"


def notebook_text() -> str:
    """The notebook file exactly as committed: markdown only, stable cell ids, the repository's JSON style."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "hocai": {"generated_from": "hocai/content/trainer_guide.toml"},
    }
    nb.cells = [nbformat.v4.new_markdown_cell(text, id=f"huong-dan-{i:02d}") for i, text in enumerate(cells())]
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def write_notebook(path: Path = NOTEBOOK) -> Path:
    path.write_text(notebook_text(), encoding="utf-8")
    return path


def html() -> str:
    """The guide as HTML for fpdf2's ``write_html`` (mistune ships with nbconvert)."""
    import mistune

    render = mistune.create_markdown(plugins=["table"])
    body = render(markdown())
    # Commands print bold in the body font (the only face with Vietnamese glyphs), one command a line.
    body = re.sub(
        r"<pre><code[^>]*>(.*?)</code></pre>",
        lambda m: "<p><b>" + "<br>".join(m.group(1).strip().splitlines()) + "</b></p>",
        body,
        flags=re.S,
    )
    body = body.replace("<code>", "<b>").replace("</code>", "</b>")
    # Vietnamese stacks marks above and below letters: more leading than fpdf2's default of 1.0 keeps lines apart.
    body = re.sub(r"<(p|ul|ol)>", rf'<\1 line-height="{LEADING}">', body)
    body = re.sub(r"<th>(Giờ|Buổi)</th>", r'<th width="20%">\1</th>', body)
    return body.replace("<th>Nội dung</th>", '<th width="80%">Nội dung</th>')


def write_pdf(out: Path) -> Path:
    from hocai import pdf as kit_pdf

    out = Path(out)
    if not out.parent.is_dir():
        raise UserError(f"Không có thư mục «{out.parent}» để ghi tệp PDF.")
    doc = kit_pdf.new_pdf(data()["title"])
    doc.alias_nb_pages()
    doc.add_font(kit_pdf.FAMILY, "BI", str(kit_pdf.font_dir() / "BeVietnamPro-BoldItalic.ttf"))
    doc.set_auto_page_break(True, margin=15)
    doc.set_margins(18, 15, 18)
    title = data()["title"]

    def footer() -> None:  # on every page, so loose printed sheets stay in order
        doc.set_y(-12)
        doc.set_font(kit_pdf.FAMILY, "", 8.5)
        doc.set_text_color(110, 110, 110)
        doc.cell(0, 5, f"{title} · trang {doc.page_no()}/{{nb}}", align="C")
        doc.set_text_color(0, 0, 0)

    doc.footer = footer
    doc.add_page()
    doc.set_font(kit_pdf.FAMILY, "", 10.5)
    doc.write_html(
        html(), font_family=kit_pdf.FAMILY, heading_sizes={"h1": 20, "h2": 14, "h3": 12}, table_line_separators=True
    )
    doc.output(str(out))
    return out


def guide_command(args: argparse.Namespace) -> int:
    """``hocai guide``: print the guide as markdown, or write it as a PDF with ``--pdf``."""
    if args.pdf:
        out = write_pdf(Path(args.pdf))
        print(f"Đã ghi hướng dẫn giảng viên: {out}")
    else:
        sys.stdout.write(markdown())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hocai.content.trainer_guide",
        description="Tạo lại sổ tay hướng dẫn giảng viên từ trainer_guide.toml.",
    )
    parser.add_argument("--write", action="store_true", help="ghi notebooks/00-huong-dan-giang-vien.ipynb")
    parser.add_argument("--check", action="store_true", help="báo lỗi nếu sổ tay khác với nguồn")
    args = parser.parse_args(argv)
    if args.write:
        print(write_notebook())
    if args.check and NOTEBOOK.read_text(encoding="utf-8") != notebook_text():
        sys.stderr.write("Sổ tay hướng dẫn giảng viên khác với nguồn: chạy lại với --write.\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
