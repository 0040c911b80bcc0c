"""Certificates: Vietnamese typography embedded, stable verification codes."""

import datetime as dt
import shutil
import subprocess

from hocai_grader import certificates


def test_verification_code_is_stable_and_depends_on_every_field():
    secret, day = b"k" * 32, dt.date(2026, 11, 23)
    code = certificates.verification_code(secret, "lop", "annv", 90, day)
    assert code == certificates.verification_code(secret, "lop", "annv", 90.0, day)
    assert code.startswith("HOCAI-") and len(code) == 20
    others = {
        certificates.verification_code(secret, "lop", "annv", 91, day),
        certificates.verification_code(secret, "lop", "bich", 90, day),
        certificates.verification_code(b"x" * 32, "lop", "annv", 90, day),
        certificates.verification_code(secret, "lop", "annv", 90, dt.date(2026, 11, 24)),
    }
    assert code not in others and len(others) == 4


def test_vietnamese_date():
    assert certificates.vietnamese_date(dt.date(2026, 3, 8)) == "ngày 08 tháng 03 năm 2026"


def test_pdf_embeds_be_vietnam_pro_and_keeps_diacritics(tmp_path):
    out = tmp_path / "cn.pdf"
    certificates.render(
        out,
        full_name="Đặng Thị Thu Hà",
        unit="Trường Tiểu học Tân Hòa",
        course_id="lop",
        percent=92.5,
        date=dt.date(2026, 11, 23),
        code="HOCAI-ABCD-EF01-2345",
    )
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"BeVietnamPro" in data
    assert shutil.which("pdftotext"), "poppler-utils is installed by `make test`"
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Đặng Thị Thu Hà" in text and "GIẤY CHỨNG NHẬN" in text and "Tìm hiểu trí tuệ nhân tạo" in text
