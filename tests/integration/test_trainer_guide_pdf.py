"""`hocai guide --pdf` prints the trainer's guide with the kit's embedded Vietnamese font, diacritics intact."""

import re
import shutil
import subprocess
import sys
import unicodedata

import nbformat

from hocai.content import sources


def test_guide_pdf_has_every_lesson_title_with_its_diacritics(tmp_path):
    out = tmp_path / "huong-dan-giang-vien.pdf"
    run = subprocess.run(
        [sys.executable, "-m", "hocai.cli", "guide", "--pdf", str(out)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert str(out) in run.stdout and "Traceback" not in run.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"BeVietnamPro" in data
    assert shutil.which("pdftotext"), "poppler-utils is installed by `make test`"
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(unicodedata.normalize("NFC", text).split())
    titles = []
    for path in sources.lesson_notebooks().values():
        markdown = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
        titles.append(re.search(r"^# (.+)$", markdown, re.M).group(1).strip())
    assert len(titles) == 8
    for title in [*titles, "Hướng dẫn giảng viên", "Lịch một ngày: bốn phiên", "Dạy khi không có mạng"]:
        assert title in text, title
    assert "hocai course certificates ~/khoa-hoc --out chung-nhan/" in text
