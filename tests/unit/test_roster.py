"""Roster import: Vietnamese names, stable usernames, all-or-nothing with line numbers, no CCCD kept."""

import unicodedata

import openpyxl
import pytest

from hocai.errors import UserError
from hocai_grader import roster


def write_csv(path, text, encoding="utf-8-sig"):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    "name, parts",
    [
        ("Nguyễn Thị Minh Khai", ("Nguyễn", "Thị Minh", "Khai")),
        ("Lê An", ("Lê", "", "An")),
        ("Tôn Thất Thuyết", ("Tôn Thất", "", "Thuyết")),
        ("  trần   văn  bảy ", ("trần", "văn", "bảy")),
        ("Hoa", ("", "", "Hoa")),
    ],
)
def test_split_name(name, parts):
    assert roster.split_name(name) == parts


def test_usernames_are_ascii_and_follow_the_given_name_initials_style():
    assert roster.make_username("Nguyễn Văn An") == "annv"
    assert roster.make_username("Đặng Thị Thu Hà") == "hadtt"
    assert roster.make_username(unicodedata.normalize("NFD", "Đặng Thị Thu Hà")) == "hadtt"


def test_parse_csv_with_semicolons_and_identity_column_dropped(tmp_path):
    path = write_csv(
        tmp_path / "ds.csv",
        "STT;Họ và tên;Số CCCD;Đơn vị;Chức vụ;Email\n"
        "1;Nguyễn Văn An;001099012345;UBND xã Tân Hòa;Công chức;an@example.vn\n"
        "2;Phạm, Thị Bích;;Trường TH Tân Hòa;Giáo viên;\n",
    )
    people, notes = roster.parse_roster(path)
    assert [p.full_name for p in people] == ["Nguyễn Văn An", "Phạm, Thị Bích"]
    assert any("CCCD" in n for n in notes)
    assert all("001099012345" not in repr(p) for p in people)
    assert people[0].unit == "UBND xã Tân Hòa" and people[0].email == "an@example.vn"


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(tmp_path):
    path = write_csv(
        tmp_path / "ds.csv",
        "Họ và tên,Đơn vị,Email\n"
        "Nguyễn Văn An,Xã A,\n"
        ",Xã A,\n"
        "Nguyễn Văn An,Xã A,\n"
        "Lê Thị 123,Xã B,\n"
        "Trần Văn Bình,Xã B,khong-phai-email\n",
    )
    with pytest.raises(UserError) as err:
        roster.parse_roster(path)
    msg = err.value.message
    for line in ("dòng 3", "dòng 4", "dòng 5", "dòng 6"):
        assert line in msg
    assert "dòng 2:" not in msg and "trùng với dòng 2" in msg and "\n" not in msg


def test_reserved_username_is_refused(tmp_path):
    path = write_csv(tmp_path / "ds.csv", "Họ và tên,Tên đăng nhập\nNguyễn Văn An,root\n")
    with pytest.raises(UserError, match="root"):
        roster.parse_roster(path)


def test_missing_name_column(tmp_path):
    with pytest.raises(UserError, match="Họ và tên"):
        roster.parse_roster(write_csv(tmp_path / "ds.csv", "Tên,Đơn vị\nAn,Xã A\n"))


def test_xlsx_and_cp1258_free_headers(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["HỌ VÀ TÊN", "Don vi", "Vai trò"])
    book.active.append(["Võ Thị Sáu", "Trường THCS", "giảng viên"])
    book.active.append(["Huỳnh Văn Nghệ", "Xã Phú Lợi", None])
    book.save(tmp_path / "ds.xlsx")
    people, _ = roster.parse_roster(tmp_path / "ds.xlsx")
    assert [(p.given_name, p.role) for p in people] == [("Sáu", "instructor"), ("Nghệ", "participant")]


def test_a_stray_undecodable_byte_is_one_vietnamese_sentence(tmp_path):
    """Issue 21: a byte no known encoding explains once raised UnboundLocalError with a traceback."""
    path = tmp_path / "ds.csv"
    path.write_bytes("Họ và tên,Email\nNguyễn Văn An,an@x.vn\n".encode() + b"L\x81\x8d\x90 Thi,c@x.vn\n")
    with pytest.raises(UserError, match=r"«ds\.csv».*dòng 3.*CSV UTF-8"):
        roster.parse_roster(path)


def _cp1258_letter(ch: str) -> str:
    tones = "\u0300\u0301\u0303\u0309\u0323"
    parts = unicodedata.normalize("NFD", ch)
    base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
    return base + "".join(c for c in parts if c in tones)


@pytest.mark.parametrize("encoding", ["cp1258", "utf-16"])
def test_legacy_and_utf16_exports_are_read(tmp_path, encoding):
    text = "Họ và tên\tĐơn vị\nNguyễn Văn Bình\tXã Phú Lợi\nTrần Thị Thu\tTrường THCS Yên Thế\n"
    if encoding == "cp1258":  # cp1258 has ê, ơ, ă... but writes the tone mark as a combining character
        text = "".join(_cp1258_letter(ch) for ch in text)
    people, _ = roster.parse_roster(write_csv(tmp_path / "ds.csv", text, encoding))
    assert [p.full_name for p in people] == ["Nguyễn Văn Bình", "Trần Thị Thu"]


def test_usernames_are_stable_and_collisions_numbered():
    def mk(name, unit=""):
        return roster.Participant("", name, *roster.split_name(name), unit=unit)

    first = roster.assign_usernames([mk("Nguyễn Văn An", "Xã A"), mk("Ngô Văn An", "Xã B")], [])
    assert [p.username for p in first] == ["annv", "annv2"]
    again = roster.assign_usernames([mk("Nông Văn An", "Xã C"), mk("Ngô Văn An", "Xã B")], first)
    assert [p.username for p in again] == ["annv3", "annv2"]
