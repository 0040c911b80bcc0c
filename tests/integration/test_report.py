"""After class: roster → paper answers → sandboxed autograde → report (CSV/XLSX/HTML) → certificates,
all through the `hocai course` command, on a real nbgrader course made from the kit's exercises."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ENV = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
ROSTER = (
    "STT;Họ và tên;Số CCCD;Đơn vị;Chức vụ\n"
    "1;Nguyễn Văn An;001099012345;UBND xã Tân Hòa, huyện Châu Thành;Công chức\n"
    "2;Phạm Thị Bích;;Trường TH Tân Hòa;Giáo viên\n"
    "3;Lê Văn Cường;;UBND xã Tân Hòa, huyện Châu Thành;Chủ tịch\n"
)

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="autograde needs bubblewrap (make test installs it)"
)


def hocai(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "hocai.cli", *args], capture_output=True, text=True, env=ENV, timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def key(course: Path, name: str, who: str) -> dict:
    """The instructor's key for ``who``'s own form (variants and option order drawn for them)."""
    return json.loads(hocai("course", "answer-key", str(course), name, "--participant", who, "--json").stdout)


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    top = tmp_path_factory.mktemp("bao-cao")
    course = top / "khoa"
    hocai("course", "init", str(course), "--course-id", "lop-tan-hoa")
    roster = top / "danh-sach.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    imported = hocai("course", "roster", str(course), str(roster))
    assert "CCCD" in imported.stdout
    assert "001099012345" not in (course / "roster.json").read_text(encoding="utf-8")
    names = [f"bai0{i}" for i in range(1, 9)]
    hocai("course", "release", str(course))
    # An: everything right. Bích: right on bai01..bai06 only. Cường: nothing.
    for who, assignments in (("annv", names), ("bichpt", names[:6])):
        for name in assignments:
            answers = top / f"{who}-{name}.json"
            answers.write_text(json.dumps(key(course, name, who), ensure_ascii=False), encoding="utf-8")
            hocai("course", "submit-answers", str(course), who, name, str(answers))
    hocai("course", "autograde", str(course), "--jobs", "2")
    return course


def test_report_csv_statuses_and_excel_safety(graded_course, tmp_path):
    out = tmp_path / "ket-qua.csv"
    hocai("course", "report", str(graded_course), "--out", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = {r["Tên đăng nhập"]: r for r in csv.DictReader(raw.decode("utf-8-sig").splitlines())}
    assert set(rows) == {"annv", "bichpt", "cuonglv"}
    assert rows["annv"]["Trạng thái"] == "Hoàn thành" and float(rows["annv"]["Tổng điểm"]) == 100
    assert rows["annv"]["Đơn vị"] == "UBND xã Tân Hòa, huyện Châu Thành"  # a comma stays in its column
    assert rows["bichpt"]["Trạng thái"] == "Chưa đạt" and "bai07" in rows["bichpt"]["Còn thiếu"]
    assert rows["cuonglv"]["Trạng thái"] == "Chưa nộp"


def test_report_xlsx_and_html(graded_course, tmp_path):
    hocai("course", "report", str(graded_course), "--out", str(tmp_path / "kq.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "kq.xlsx")
    sheet = book["Kết quả"]
    header = [c.value for c in sheet[1]]
    statuses = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=header.index("Trạng thái") + 1).value
        for r in range(2, sheet.max_row + 1)
    }
    assert statuses == {"annv": "Hoàn thành", "bichpt": "Chưa đạt", "cuonglv": "Chưa nộp"}
    hocai("course", "report", str(graded_course), "--out", str(tmp_path / "kq.html"))
    page = (tmp_path / "kq.html").read_text(encoding="utf-8")
    assert "Phạm Thị Bích" in page and page.count("<svg") == 2


def test_certificates_only_for_completers(graded_course, tmp_path):
    out = tmp_path / "chung-nhan"
    hocai("course", "certificates", str(graded_course), "--out", str(out))
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert pdfs == ["chung-nhan-annv-nguyen-van-an.pdf"]
    text = subprocess.run(["pdftotext", str(out / pdfs[0]), "-"], capture_output=True, text=True).stdout
    assert "Nguyễn Văn An" in text and "UBND xã Tân Hòa, huyện Châu Thành" in text
    index = list(csv.DictReader((out / "danh-sach-chung-nhan.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert index[0]["Mã xác minh"] in text.replace("\n", " ")


def test_bad_report_target_gets_a_vietnamese_message(graded_course, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "hocai.cli", "course", "report", str(graded_course), "--out", str(tmp_path / "kq.pdf")],
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert result.returncode == 2 and ".csv" in result.stderr and "Traceback" not in result.stderr
