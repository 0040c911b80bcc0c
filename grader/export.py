"""Write a report as CSV (quoted, UTF-8 with BOM so Excel reads Vietnamese), XLSX with charts, or one HTML page.

Every writer renders into a private temporary file (0600, then 0640 to the instructor group) and renames
it, so a failed export never leaves half a file and no participant can read one. Text that a spreadsheet
would take for a formula (a unit typed as ``=HYPERLINK(…)``, ``+cmd``, ``@SUM(…)``, ``-2+3``) stays text:
in CSV it gets a leading apostrophe (OWASP's CSV-injection rule), in XLSX it is stored as a string cell
with Excel's quote prefix, unchanged.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

import pandas as pd

from hocai.fileio import atomic_path
from hocai_grader.report import COMPLETED, NOT_PASSED, NOT_SUBMITTED, Report
from hocai_grader.workspace import protect

STATUS_COLOURS = {COMPLETED: "#1b7f3b", NOT_PASSED: "#b35c00", NOT_SUBMITTED: "#8a8a8a"}
# What makes Excel, LibreOffice or Google Sheets start a formula (with their full-width forms).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def neutralise(value):
    """A cell for CSV: text a spreadsheet would run as a formula gets a leading apostrophe; the rest as is."""
    return "'" + value if is_formula_like(value) else value


def write_rows_csv(out: Path, header: list[str], rows) -> None:
    """A quoted UTF-8 CSV with BOM (Excel reads Vietnamese), cells neutralised, private, written atomically."""
    with _atomic(out) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            writer.writerow([neutralise(h) for h in header])
            writer.writerows([neutralise(c) for c in row] for row in rows)


def _text_cells(book) -> None:
    """No cell of the kit's workbooks is a formula: openpyxl makes one of any text starting with «=»."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def table(report: Report) -> pd.DataFrame:
    records = []
    for row in report.rows:
        record = {
            "Tên đăng nhập": row.username,
            "Họ và tên": row.full_name,
            "Đơn vị": row.unit,
            "Chức vụ": row.position,
            "Số bài đã nộp": row.submitted,
        }
        record.update({a: row.scores[a] for a in report.assignments})
        record.update(
            {
                "Tổng điểm": row.score,
                "Điểm tối đa": row.max_score,
                "Tỷ lệ (%)": row.percent,
                "Trạng thái": row.status,
                "Còn thiếu": ", ".join(row.missing),
                "Ghi chú": "; ".join(row.notes),
            }
        )
        records.append(record)
    return pd.DataFrame.from_records(records)


def _atomic(out: Path):
    """A private temporary file that replaces ``out`` when written, readable by the instructor group only."""
    return atomic_path(out, before_replace=protect)


def write_csv(report: Report, out: Path) -> None:
    frame = table(report)
    write_rows_csv(out, list(frame.columns), frame.astype(object).where(frame.notna(), "").itertuples(index=False))


def write_xlsx(report: Report, out: Path) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    per_assignment = pd.DataFrame(
        {
            "Bài": report.assignments,
            "Số người đã nộp": [report.completion_by_assignment()[a] for a in report.assignments],
            "Điểm tối đa": [report.max_scores[a] for a in report.assignments],
        }
    )
    histogram = pd.DataFrame(list(report.score_histogram().items()), columns=["Khoảng điểm (%)", "Số người"])
    with _atomic(out) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            table(report).to_excel(writer, sheet_name="Kết quả", index=False)
            per_assignment.to_excel(writer, sheet_name="Theo bài", index=False)
            histogram.to_excel(writer, sheet_name="Phân bố điểm", index=False)
            _text_cells(writer.book)
            for sheet in writer.book.worksheets:
                sheet.freeze_panes = "A2"
                for i, column in enumerate(sheet.columns, 1):
                    width = max(len(str(c.value or "")) for c in column)
                    sheet.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 50)
            for name, title, x_title in (
                ("Theo bài", "Số người nộp theo bài", "Bài"),
                ("Phân bố điểm", "Phân bố điểm của lớp", "Tỷ lệ điểm (%)"),
            ):
                sheet = writer.book[name]
                chart = BarChart()
                chart.title, chart.x_axis.title, chart.y_axis.title = title, x_title, "Số người"
                chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=sheet.max_row), titles_from_data=True)
                chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=sheet.max_row))
                sheet.add_chart(chart, "E2")


def _svg_bars(pairs: list[tuple[str, int]], total: int, colour: str = "#1f5fa8") -> str:
    """A horizontal bar chart as inline SVG: no script, no external file, prints well."""
    bar_h, gap, label_w, width = 26, 8, 150, 560
    height = len(pairs) * (bar_h + gap) + gap
    scale = (width - label_w - 60) / max(total, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for i, (label, value) in enumerate(pairs):
        y = gap + i * (bar_h + gap)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="15">{html.escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{value * scale:.1f}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + value * scale + 6:.1f}" y="{y + 18}" font-size="15">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def write_html(report: Report, out: Path) -> None:
    frame = table(report)
    counts = report.status_counts()
    n = len(report.rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record):
            text = (
                ""
                if value is None or (isinstance(value, float) and pd.isna(value))
                else f"{value:g}"
                if isinstance(value, float)
                else str(value)
            )
            style = (
                f' style="color:{STATUS_COLOURS[text]};font-weight:600"'
                if column == "Trạng thái" and text in STATUS_COLOURS
                else ""
            )
            cells.append(f"<td{style}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    summary = " · ".join(f"{html.escape(k)}: <b>{v}</b>" for k, v in counts.items())
    all_submitted = "nộp đủ mọi bài và " if report.rule["require_all"] else ""
    submitted_bars = _svg_bars(list(report.completion_by_assignment().items()), n)
    score_bars = _svg_bars(list(report.score_histogram().items()), n, "#1b7f3b")
    page = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kết quả học phần «Tìm hiểu trí tuệ nhân tạo» — {html.escape(report.course_id)}</title>
<style>
body {{ font-family: "Be Vietnam Pro", "DejaVu Sans", Arial, sans-serif; font-size: 17px; margin: 2rem; color: #111; }}
table {{ border-collapse: collapse; width: 100%; font-size: 15px; }}
th, td {{ border: 1px solid #bbb; padding: 6px 8px; text-align: left; }}
th {{ background: #eef3fa; position: sticky; top: 0; }}
tr:nth-child(even) td {{ background: #fafafa; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 2rem; margin: 1rem 0 2rem; }}
</style></head><body>
<h1>Kết quả học phần «Tìm hiểu trí tuệ nhân tạo»</h1>
<p>Khóa học: <b>{html.escape(report.course_id)}</b> · {n} học viên · {summary}</p>
<p>Điều kiện hoàn thành: {all_submitted}đạt từ {report.rule["min_percent"]:g}% tổng điểm.</p>
<div class="charts">
<figure><figcaption>Số người đã nộp theo bài</figcaption>{submitted_bars}</figure>
<figure><figcaption>Phân bố tỷ lệ điểm (%)</figcaption>{score_bars}</figure>
</div>
<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>
</body></html>
"""
    with _atomic(out) as tmp:
        tmp.write_text(page, encoding="utf-8")


WRITERS = {".csv": write_csv, ".xlsx": write_xlsx, ".html": write_html}
