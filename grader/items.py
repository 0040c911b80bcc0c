"""Item statistics: which questions (and which of their variants) to rewrite after a class.

``hocai course items DIR [--json]`` and the «Thống kê câu hỏi» sheet of the Excel report give, for every
graded question and for each of its variants: how many participants answered it, facility (share of the
points earned), discrimination (point-biserial correlation between the item and the rest of the module's
score) and flags for items that are too easy (> 0.95), too hard (< 0.2) or do not discriminate (< 0.2).
The variant each participant saw is the same deterministic draw their notebook made.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hocai.errors import UserError

TOO_EASY, TOO_HARD, LOW_DISCRIMINATION = 0.95, 0.2, 0.2
MIN_GRADED = 5  # fewer graded answers than this: figures shown, no flag (one person is not a trend)
FLAG_TEXT = {"too_easy": "quá dễ", "too_hard": "quá khó", "not_discriminating": "không phân biệt"}
SHEET = "Thống kê câu hỏi"


@dataclass
class ItemStat:
    assignment: str
    question: str
    variant: int | None  # 1, 2, 3… ; None for the question over all its variants
    objective: str
    graded: int  # participants whose submission was graded (and who saw this variant)
    answered: int  # of them, how many gave an answer
    facility: float | None
    discrimination: float | None
    flags: list[str] = field(default_factory=list)


def point_biserial(item: list[float], rest: list[float]) -> float | None:
    """Pearson correlation of item scores (0–1) with the rest of the score; None when it is undefined."""
    n = len(item)
    if n < 3:
        return None
    mean_i, mean_r = sum(item) / n, sum(rest) / n
    var_i = sum((x - mean_i) ** 2 for x in item)
    var_r = sum((y - mean_r) ** 2 for y in rest)
    if var_i == 0 or var_r == 0:
        return None
    cov = sum((x - mean_i) * (y - mean_r) for x, y in zip(item, rest, strict=True))
    return cov / math.sqrt(var_i * var_r)


def _flags(facility: float | None, discrimination: float | None) -> list[str]:
    flags = []
    if facility is not None and facility > TOO_EASY:
        flags.append("too_easy")
    if facility is not None and facility < TOO_HARD:
        flags.append("too_hard")
    if discrimination is not None and discrimination < LOW_DISCRIMINATION:
        flags.append("not_discriminating")
    return flags


def _stat(assignment: str, qid: str, variant: int | None, objective: str, records: list[tuple]) -> ItemStat:
    """records: (item score 0–1, rest of the module score, answered?) for each graded participant."""
    item = [r[0] for r in records]
    rest = [r[1] for r in records]
    facility = round(sum(item) / len(item), 3) if item else None
    disc = point_biserial(item, rest)
    disc = round(disc, 3) if disc is not None else None
    flags = _flags(facility, disc) if len(records) >= MIN_GRADED else []
    return ItemStat(
        assignment, qid, variant, objective, len(records), sum(1 for r in records if r[2]), facility, disc, flags
    )


def item_statistics(course_dir: str | Path) -> list[ItemStat]:
    """Per question and per variant, from the gradebook, the submitted answers and each participant's draw."""
    from hocai.exercise import storage, variants
    from hocai.exercise.spec import is_blank
    from hocai_grader.answers import load_questions
    from hocai_grader.workspace import Course

    course = Course(course_dir)
    per_item: dict[tuple[str, str], list[tuple[str, float]]] = {}
    totals: dict[str, float] = {}
    with course.gradebook() as gb:
        names = [a.name for a in sorted(gb.assignments, key=lambda a: a.name)]
        for name in names:
            for submission in gb.assignment_submissions(name):
                student = submission.student.id
                totals[student] = totals.get(student, 0.0) + float(submission.score or 0)
                for grade in (g for notebook in submission.notebooks for g in notebook.grades):
                    if grade.max_score:
                        per_item.setdefault((name, grade.name), []).append(
                            (student, float(grade.score or 0) / float(grade.max_score))
                        )
    stats: list[ItemStat] = []
    for name in names:
        try:
            questions = load_questions(str(course.root), name)
        except UserError:
            continue
        for spec in questions:
            key = (name, spec["id"])
            if spec["type"] == "reflection" or key not in per_item:
                continue
            points = float(spec["points"])
            by_variant: dict[int, list[tuple]] = {}
            records = []
            for student, share in per_item[key]:
                folder = course.submitted / student / name
                answered = not is_blank(spec["type"], storage.load(folder).get(spec["id"]))
                record = (share, totals.get(student, 0.0) - share * points, answered)
                records.append(record)
                if variants.has_variants(spec):
                    plan = variants.plan_for(spec, course.course_id, student, name)
                    by_variant.setdefault(plan.variant, []).append(record)
            objective = spec.get("objective", "")
            stats.append(_stat(name, spec["id"], None, objective, records))
            for number in range(len(spec.get("variants", []))):
                stats.append(_stat(name, spec["id"], number + 1, objective, by_variant.get(number, [])))
    return stats


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def rows(stats: list[ItemStat]) -> tuple[list[str], list[list]]:
    """Header and rows for a sheet or a printed table (Vietnamese labels)."""
    header = [
        "Bài",
        "Câu",
        "Biến thể",
        "Mục tiêu",
        "Số người được chấm",
        "Số người trả lời",
        "Độ dễ",
        "Độ phân biệt",
        "Cần xem lại",
    ]
    body = [
        [
            s.assignment,
            s.question,
            "tất cả" if s.variant is None else s.variant,
            s.objective,
            s.graded,
            s.answered,
            s.facility,
            s.discrimination,
            ", ".join(FLAG_TEXT[f] for f in s.flags),
        ]
        for s in stats
    ]
    return header, body


def add_sheet(xlsx: Path, course_dir: str | Path) -> None:
    """Append the «Thống kê câu hỏi» sheet to a report workbook already written."""
    import openpyxl

    from hocai_grader.export import _atomic, _text_cells

    header, body = rows(item_statistics(course_dir))
    book = openpyxl.load_workbook(xlsx)
    if SHEET in book.sheetnames:
        del book[SHEET]
    sheet = book.create_sheet(SHEET)
    sheet.append(header)
    for row in body:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (8, 6, 9, 10, 12, 12, 9, 12, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    _text_cells(book)
    with _atomic(xlsx) as tmp:
        book.save(tmp)


def add_section(page: Path, course_dir: str | Path) -> None:
    """Append a «Thống kê câu hỏi» section to an HTML report already written (text escaped, no script)."""
    import html

    from hocai_grader.export import _atomic

    header, body = rows(item_statistics(course_dir))
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in body)
    section = (
        f'<section id="thong-ke-cau-hoi"><h2>{SHEET}</h2>'
        f"<p>Độ dễ: tỷ lệ điểm đạt được. Độ phân biệt: tương quan giữa câu và phần điểm còn lại. Đánh dấu "
        f"câu quá dễ (&gt; {TOO_EASY:g}), quá khó (&lt; {TOO_HARD:g}), không phân biệt (&lt; "
        f"{LOW_DISCRIMINATION:g}) khi có từ {MIN_GRADED} người làm.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table></section>\n"
    )
    text = page.read_text(encoding="utf-8")
    text = text.replace("</body></html>", section + "</body></html>", 1) if "</body></html>" in text else text + section
    with _atomic(page) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


def items_command(args) -> int:
    stats = item_statistics(args.dir)
    if args.json:
        print(json.dumps([asdict(s) for s in stats], ensure_ascii=False, indent=1))
        return 0
    if not stats:
        print("Chưa có bài nào được chấm nên chưa có thống kê câu hỏi.")
        return 0
    print(
        "Độ dễ: tỷ lệ điểm đạt được (0–1). Độ phân biệt: tương quan giữa câu này và phần điểm còn lại "
        "(dưới 0,2 là câu chưa phân biệt được người hiểu bài). "
        f"Câu hoặc biến thể có dưới {MIN_GRADED} người làm thì chưa đánh dấu."
    )
    for s in stats:
        label = f"{s.assignment} {s.question}" + ("" if s.variant is None else f" biến thể {s.variant}")
        flags = ", ".join(FLAG_TEXT[f] for f in s.flags)
        print(
            f"{label:<24} trả lời {s.answered}/{s.graded}  độ dễ {_number(s.facility)}  "
            f"độ phân biệt {_number(s.discrimination)}" + (f"  → cần xem lại: {flags}" if flags else "")
        )
    return 0
