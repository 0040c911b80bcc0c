"""`hocai pii`, `hocai scam`, `hocai prompt-check` run through the real entry point, as a trainer would."""

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOCAI = Path(sys.executable).parent / "hocai"
NOT_TEXT = "Dữ liệu vào không phải văn bản UTF-8"

pytestmark = pytest.mark.skipif(not HOCAI.exists(), reason="the hocai entry point is not installed in this environment")


def hocai(*args, stdin: bytes = b""):
    env = dict(os.environ, LC_ALL="C", LANG="C")  # output must be UTF-8 whatever the locale
    result = subprocess.run([str(HOCAI), *args], input=stdin, capture_output=True, timeout=120, cwd=ROOT, env=env)
    assert b"Traceback" not in result.stderr, result.stderr.decode("utf-8", "replace")
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


def test_pii_json_offsets_are_code_points_of_the_input_as_given():
    text = unicodedata.normalize("NFD", "Ông Nguyễn Văn An, số điện thoại 0912345678.")
    code, out, _ = hocai("pii", "--json", stdin=text.encode("utf-8"))
    assert code == 0
    record = json.loads(out)
    assert set(record) == {"entities", "redacted"}
    phones = [e for e in record["entities"] if e["label"] == "PHONE"]
    assert phones and all(text[e["start"] : e["end"]] == e["text"] for e in record["entities"])
    assert "0912345678" not in record["redacted"] and "[SỐ ĐIỆN THOẠI]" in record["redacted"]


def test_pii_text_output_is_readable_vietnamese():
    code, out, _ = hocai("pii", stdin="Gọi chị Lan theo số 0987654321 nhé.".encode())
    assert code == 0
    assert "Số điện thoại: 0987654321" in out and "Văn bản đã che dữ liệu cá nhân:" in out
    code, out, _ = hocai("pii", stdin="Hôm nay trời đẹp.".encode())
    assert code == 0 and "Không tìm thấy dữ liệu cá nhân" in out


def test_scam_json_gives_one_verdict_per_message_line():
    lines = [
        "Ma OTP cua Quy khach la 123456. Tuyet doi KHONG cung cap ma OTP cho bat ky ai.",
        "",
        "EVN thông báo: nhà bạn sẽ bị cắt điện hôm nay, thanh toán ngay tại evn-thanhtoan.net",
        "Cán bộ công an phường yêu cầu bà chuyển tiền vào tài khoản tạm giữ.",
    ]
    code, out, _ = hocai("scam", "--json", stdin="\r\n".join(lines).encode())
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["scam"] for r in records] == [False, True, True]
    for record in records:
        assert {"scam", "score", "reasons"} <= set(record) and 0 <= record["score"] <= 1
    assert any("evn-thanhtoan.net" in reason for reason in records[1]["reasons"])


def test_scam_text_output_explains_and_advises():
    code, out, _ = hocai("scam", stdin="Bạn trúng thưởng iPhone, nộp phí nhận quà 500.000đ tại bit.ly/qua\n".encode())
    assert code == 0
    assert "Tin 1: CÓ DẤU HIỆU LỪA ĐẢO" in out and "Vì sao:" in out and "Nên làm gì:" in out
    lines = "Tối nay cả nhà về ăn cơm nhé.\nChị ơi chị chuyển khoản trước giúp em tiền hàng, mai em giao nhé.\n"
    code, out, _ = hocai("scam", stdin=lines.encode())
    assert code == 0
    assert "Tin 1: chưa thấy dấu hiệu lừa đảo rõ ràng" in out and "Tin 2: có vài dấu hiệu đáng ngờ" in out


def test_prompt_check_json_and_text():
    prompt = "Tóm tắt tài liệu mật về ông Trần Văn Bình, SĐT 0987654321"
    code, out, _ = hocai("prompt-check", "--json", stdin=prompt.encode())
    assert code == 0
    record = json.loads(out)
    assert 0 <= record["score"] <= 5 and set(record["criteria"]) == {"role", "task", "context", "format", "limits"}
    assert len(record["warnings"]) == 2 and "0987654321" not in record["improved"]
    code, out, _ = hocai("prompt-check", stdin=prompt.encode())
    assert code == 0 and "Điểm câu lệnh:" in out and "Cảnh báo:" in out and "Câu lệnh gợi ý" in out


@pytest.mark.parametrize("command", [["pii"], ["scam", "--json"], ["prompt-check"]])
@pytest.mark.parametrize(
    "data", [b"\xff\xfe\xfa\x00binary", b"Ti\xeang Vi\xea\xf2t", "Tiếng Việt".encode("utf-16"), b"abc\x00def"]
)
def test_binary_or_legacy_encoding_is_refused_with_exit_2(command, data):
    code, out, err = hocai(*command, stdin=data)
    assert code == 2 and out == ""
    assert err.startswith(NOT_TEXT) and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["pii", "--json"], ["scam"], ["prompt-check", "--json"]])
def test_input_over_the_limit_is_refused_with_exit_2(command):
    code, out, err = hocai(*command, stdin=b"a" * (11 * 1024 * 1024))
    assert code == 2 and out == "" and "quá lớn" in err


def test_empty_input_gives_an_empty_result_or_a_clear_message():
    code, out, _ = hocai("pii", "--json", stdin=b"  \n")
    assert code == 0 and json.loads(out) == {"entities": [], "redacted": "  \n"}
    code, out, _ = hocai("scam", "--json", stdin=b"\n\n")
    assert code == 0 and out == ""
    code, out, _ = hocai("scam", stdin=b"")
    assert code == 0 and "Không có tin nhắn nào" in out
    code, out, err = hocai("prompt-check", stdin=b"   ")
    assert code == 2 and out == "" and "Chưa có câu lệnh" in err


def test_emoji_only_input_gives_correct_empty_results():
    emoji = "😀🎉👍".encode()
    code, out, _ = hocai("pii", "--json", stdin=emoji)
    assert code == 0 and json.loads(out) == {"entities": [], "redacted": "😀🎉👍"}
    code, out, _ = hocai("scam", "--json", stdin=emoji)
    assert code == 0 and json.loads(out)["scam"] is False
    code, out, _ = hocai("prompt-check", "--json", stdin=emoji)
    assert code == 0 and json.loads(out)["score"] == 0


def test_byte_order_mark_is_ignored():
    code, out, _ = hocai("pii", "--json", stdin="\ufeffSĐT 0912345678".encode("utf-8"))
    assert code == 0 and json.loads(out)["entities"][0]["text"] == "0912345678"
