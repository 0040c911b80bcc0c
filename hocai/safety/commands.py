"""``hocai pii``, ``hocai scam`` and ``hocai prompt-check``: read stdin, print Vietnamese text or JSON.

Stdin is read as bytes and decoded strictly as UTF-8, so a binary file or a legacy encoding gets a clear
message (exit 2) instead of a traceback or silently mangled text. Output is written as UTF-8 whatever the
terminal's locale.
"""

from __future__ import annotations

import argparse
import json
import sys

from hocai.errors import UserError

__all__ = ["pii_command", "scam_command", "prompt_command", "read_input", "MAX_BYTES"]

MAX_BYTES = 5 * 1024 * 1024

NOT_TEXT = (
    "Dữ liệu vào không phải văn bản UTF-8 (có thể là tệp nhị phân hoặc bảng mã cũ); "
    "hãy lưu lại dưới dạng UTF-8 rồi thử lại."
)
TOO_BIG = "Dữ liệu vào quá lớn (hơn {mb} MB); hãy chia văn bản thành nhiều phần nhỏ hơn."
EMPTY_PROMPT = (
    "Chưa có câu lệnh nào để chấm; hãy nhập câu lệnh cho AI vào "
    '(ví dụ: echo "Viết thông báo họp" | hocai prompt-check).'
)


def read_input(stream=None, limit: int = MAX_BYTES) -> str:
    """Read all of ``stream`` (stdin by default) as strict UTF-8 text, or raise ``UserError``.

    The text keeps its normal form (NFC or NFD) so that ``hocai pii`` offsets point into the input as given;
    only a leading byte-order mark is dropped.
    """
    if stream is None:
        stream = sys.stdin.buffer
        if sys.stdin.isatty():
            sys.stderr.write("Nhập hoặc dán văn bản, xong thì bấm Ctrl+D (trên Windows: Ctrl+Z rồi Enter).\n")
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UserError(TOO_BIG.format(mb=limit // (1024 * 1024)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(NOT_TEXT) from None
    if "\x00" in text:
        raise UserError(NOT_TEXT)
    return text.removeprefix("\ufeff")


def _write(text: str) -> None:
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    out.write(text.encode("utf-8"))
    out.flush()


def _json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def _percent(score: float) -> str:
    return f"{round(score * 100)}%"


def pii_command(args: argparse.Namespace) -> int:
    """Entities and redacted text of the whole input."""
    from hocai.safety import pii

    text = read_input()
    if not text.strip():
        _write(_json_line({"entities": [], "redacted": text}) if args.json else "Không có nội dung để kiểm tra.\n")
        return 0
    if args.json:
        _write(_json_line(pii.to_json(text)))
        return 0
    redaction = pii.redact(text)
    if not redaction.entities:
        _write("Không tìm thấy dữ liệu cá nhân nào.\n")
        return 0
    lines = [f"Tìm thấy {len(redaction.entities)} dữ liệu cá nhân:"]
    for entity in redaction.entities:
        name = pii.LABEL_NAMES_VI.get(entity.label, entity.label)
        lines.append(f"  - {name}: {entity.text}")
    lines += ["", "Văn bản đã che dữ liệu cá nhân:", redaction.text]
    _write("\n".join(lines) + "\n")
    return 0


def _verdict_text(number: int, verdict, suspicious: float) -> str:
    if verdict.scam:
        label = "CÓ DẤU HIỆU LỪA ĐẢO"
    elif verdict.score >= suspicious:
        label = "có vài dấu hiệu đáng ngờ, cần kiểm tra thêm"
    else:
        label = "chưa thấy dấu hiệu lừa đảo rõ ràng"
    head = f"Tin {number}: {label} (mức nghi ngờ {_percent(verdict.score)})"
    lines = [head]
    if verdict.reasons:
        lines.append("  Vì sao:")
        lines += [f"    - {reason}" for reason in verdict.reasons]
    lines.append("  Nên làm gì:")
    lines += [f"    - {advice}" for advice in verdict.advice]
    return "\n".join(lines) + "\n"


def scam_command(args: argparse.Namespace) -> int:
    """One verdict for each non-blank line of the input."""
    from hocai.safety import scam

    messages = [line.strip() for line in read_input().splitlines() if line.strip()]
    if not messages:
        if not args.json:
            _write("Không có tin nhắn nào để kiểm tra (mỗi dòng là một tin nhắn).\n")
        return 0
    chunks = []
    for number, message in enumerate(messages, start=1):
        verdict = scam.check_message(message)
        chunks.append(
            _json_line(scam.to_json(verdict)) if args.json else _verdict_text(number, verdict, scam.SUSPICIOUS)
        )
    _write(("" if args.json else "\n").join(chunks))
    return 0


def prompt_command(args: argparse.Namespace) -> int:
    """Rubric result for the whole input taken as one prompt."""
    from hocai.safety import prompt_coach

    text = read_input()
    if not text.strip():
        raise UserError(EMPTY_PROMPT)
    report = prompt_coach.check_prompt(text)
    if args.json:
        _write(_json_line(prompt_coach.to_json(report)))
        return 0
    lines = [report.verdict, f"Điểm câu lệnh: {report.score}/5"]
    for key in prompt_coach.CRITERIA:
        lines.append(f"  - {prompt_coach.CRITERIA_VI[key]}: {report.reasons[key]}")
    if report.warnings:
        lines += ["", "Cảnh báo:"] + [f"  ! {warning}" for warning in report.warnings]
    if report.tips:
        lines += ["", "Gợi ý:"] + [f"  - {tip}" for tip in report.tips]
    lines += ["", "Câu lệnh gợi ý (đã che dữ liệu cá nhân):", report.improved]
    _write("\n".join(lines) + "\n")
    return 0
