"""Login slips: one small page (A6) per participant with the address, username and password."""

from __future__ import annotations

from pathlib import Path

from hocai.pdf import FAMILY, centred, new_pdf


def write_slips(accounts, url: str, out: Path) -> None:
    pdf = new_pdf("Phiếu đăng nhập lớp học", orientation="L", page_format=(105, 148))  # A6
    for account in accounts:
        pdf.add_page()
        pdf.set_draw_color(31, 95, 168)
        pdf.rect(5, 5, 138, 95)
        centred(pdf, "PHIẾU ĐĂNG NHẬP LỚP HỌC", 13, "B", y=10, colour=(31, 95, 168))
        centred(pdf, "«Tìm hiểu trí tuệ nhân tạo» — Bình dân học vụ số", 9, "I")
        centred(pdf, account.full_name, 14, "B", y=26)
        pdf.set_y(38)
        for label, value in (("Địa chỉ:", url), ("Tên đăng nhập:", account.username), ("Mật khẩu:", account.password)):
            pdf.set_x(12)
            pdf.set_font(FAMILY, "", 11)
            pdf.cell(34, 9, label)
            pdf.set_font(FAMILY, "B", 13)
            pdf.cell(0, 9, value, new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(12, 70)
        pdf.set_font(FAMILY, "", 9)
        pdf.multi_cell(
            124,
            4.6,
            "Mở trình duyệt trên điện thoại hoặc máy tính, gõ địa chỉ ở trên, rồi nhập tên đăng "
            "nhập và mật khẩu. Giữ phiếu này cẩn thận, không đưa mật khẩu cho người khác.",
        )
    pdf.output(str(out))
