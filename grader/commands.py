"""Command layer of the instructor's grader: commands that combine several parts (report + export + items).

Commands live here so that the parts import each other in one direction only: export → report, never back.
"""

from __future__ import annotations

from pathlib import Path

from hocai.errors import UserError
from hocai_grader import export
from hocai_grader.items import add_section, add_sheet
from hocai_grader.report import build_report


def report_command(args) -> int:
    """``hocai course report``: the class report, as CSV, XLSX or HTML by suffix; XLSX and HTML add item statistics."""
    out = Path(args.out)
    report = build_report(Path(args.dir))
    writer = export.WRITERS.get(out.suffix.lower())
    if writer is None:
        raise UserError("Tệp báo cáo phải có đuôi .csv, .xlsx hoặc .html.")
    out.parent.mkdir(parents=True, exist_ok=True)
    writer(report, out)
    if out.suffix.lower() in (".xlsx", ".html"):
        (add_sheet if out.suffix.lower() == ".xlsx" else add_section)(out, Path(args.dir))
    counts = report.status_counts()
    print(
        f"Đã ghi báo cáo {out}: {len(report.rows)} học viên — "
        + ", ".join(f"{k}: {v}" for k, v in counts.items())
        + "."
    )
    return 0
