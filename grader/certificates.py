"""One PDF certificate per participant who completed the module, with a code anyone can check.

The verification code is an HMAC of the course, participant, score and date under a secret kept in the
course folder: the instructor can confirm a printed certificate without a central server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from pathlib import Path

from hocai.errors import UserError
from hocai.pdf import centred, new_pdf

MODULE_NAME = "Tìm hiểu trí tuệ nhân tạo"
MOVEMENT = "Phong trào «Bình dân học vụ số»"
SECRET_FILE = "certificate-secret.txt"


def course_secret(course_dir: Path) -> bytes:
    from hocai_grader.workspace import write_private

    path = course_dir / SECRET_FILE
    if not path.exists():
        write_private(path, secrets.token_hex(32), mode=0o600)
    return path.read_text(encoding="ascii").strip().encode()


def verification_code(secret: bytes, course_id: str, username: str, score: float, date: dt.date) -> str:
    message = f"{course_id}|{username}|{score:g}|{date.isoformat()}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).hexdigest().upper()
    return f"HOCAI-{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


def vietnamese_date(date: dt.date) -> str:
    return f"ngày {date.day:02d} tháng {date.month:02d} năm {date.year}"


def render(
    out: Path, *, full_name: str, unit: str, course_id: str, percent: float, date: dt.date, code: str, place: str = ""
) -> None:
    pdf = new_pdf(f"Giấy chứng nhận — {full_name}", orientation="L")
    pdf.add_page()
    pdf.set_draw_color(31, 95, 168)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)

    centred(pdf, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, "B", y=24)
    centred(pdf, "Độc lập – Tự do – Hạnh phúc", 12, "I")
    centred(pdf, "GIẤY CHỨNG NHẬN", 34, "B", y=52, colour=(31, 95, 168))
    centred(pdf, "Chứng nhận", 15, y=76)
    centred(pdf, full_name, 28, "B", y=88)
    if unit:
        centred(pdf, unit, 15, y=106)
    centred(pdf, f"đã hoàn thành học phần «{MODULE_NAME}»", 17, y=120)
    centred(pdf, f"{MOVEMENT} — kết quả: {percent:g}%".replace(".", ","), 14, y=132)
    centred(pdf, f"{place + ', ' if place else ''}{vietnamese_date(date)}", 13, "I", y=152)
    centred(pdf, f"Mã xác minh: {code}", 11, y=178, colour=(90, 90, 90))
    centred(pdf, f"Khóa học: {course_id}", 10, colour=(90, 90, 90))
    pdf.output(str(out))


def certificates_command(args) -> int:
    from hocai.text import ascii_slug
    from hocai_grader.export import write_rows_csv
    from hocai_grader.report import COMPLETED, build_report
    from hocai_grader.workspace import protect

    course_dir = Path(args.dir)
    report = build_report(course_dir)
    completers = [r for r in report.rows if r.status == COMPLETED]
    if not completers:
        raise UserError("Chưa có học viên nào hoàn thành học phần nên chưa có giấy chứng nhận để in.")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    secret = course_secret(course_dir)
    today = dt.date.today()
    from tqdm import tqdm

    index = []
    for row in tqdm(completers, desc="Đang in giấy chứng nhận", unit="tờ"):
        code = verification_code(secret, report.course_id, row.username, row.percent, today)
        name = f"chung-nhan-{row.username}-{ascii_slug(row.full_name, sep='-')}.pdf"
        render(
            out / name,
            full_name=row.full_name,
            unit=row.unit,
            course_id=report.course_id,
            percent=row.percent,
            date=today,
            code=code,
        )
        protect(out / name)
        index.append((row.username, row.full_name, row.unit, f"{row.percent:g}", today.isoformat(), code, name))
    write_rows_csv(
        out / "danh-sach-chung-nhan.csv",
        ["Tên đăng nhập", "Họ và tên", "Đơn vị", "Tỷ lệ (%)", "Ngày cấp", "Mã xác minh", "Tệp"],
        index,
    )
    print(f"Đã in {len(completers)} giấy chứng nhận vào {out}.")
    return 0
