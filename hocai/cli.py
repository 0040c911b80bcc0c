"""The ``hocai`` command, a contract (docs/ARCHITECTURE.md §4). Parsing lives here; each subcommand's work
lives in its module.

A handler is ``module:function`` taking the parsed arguments and returning an exit code. Bad input raises
``UserError`` with one Vietnamese sentence: printed on stderr, exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

import hocai  # noqa: F401  (applies the offline environment first)
from hocai.errors import UserError
from hocai.settings import APP_PORT, BOARD_PORT, HUB_PORT, LAB_PORT


class _Parser(argparse.ArgumentParser):
    """argparse with Vietnamese usage errors and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"Lỗi: câu lệnh chưa đúng ({message}). Gõ «{self.prog} --help» để xem cách dùng.\n")
        raise SystemExit(2)


def _handler(target: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        module_name, func_name = target.split(":")
        return int(getattr(importlib.import_module(module_name), func_name)(args) or 0)

    run.target = target  # type: ignore[attr-defined]  # what tests/unit/test_cli.py resolves
    return run


def _add(sub, name: str, target: str, help_text: str, full_name: str | None = None) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(func=_handler(target), command_name=full_name or name)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hocai", description="Bộ công cụ lớp học «Tìm hiểu trí tuệ nhân tạo» — Bình dân học vụ số.")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)

    p = _add(sub, "start", "hocai.workshop:start_command", "Mở lớp học trên máy này: JupyterLab và Sân tập AI.")
    p.add_argument("--lab-port", type=int, default=LAB_PORT)
    p.add_argument("--app-port", type=int, default=APP_PORT)
    p.add_argument("--no-browser", action="store_true", help="Không tự mở trình duyệt.")
    p.add_argument("--course", metavar="THƯ_MỤC_KHÓA_HỌC", help="Mở cả bảng tiến độ của khóa học cho giảng viên.")
    p.add_argument("--board-port", type=int, default=BOARD_PORT)

    p = _add(sub, "app", "hocai.app.serve:app_command", "Chạy riêng dịch vụ Sân tập AI.")
    p.add_argument("--port", type=int, default=APP_PORT)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--hub-auth", action="store_true", help="Chỉ phục vụ người đã đăng nhập JupyterHub.")

    models = sub.add_parser("models", help="Quản lý mô hình AI.").add_subparsers(
        dest="models_command", metavar="VIỆC", parser_class=_Parser, required=True
    )
    _add(models, "list", "hocai.ai.catalogue:list_command", "Liệt kê các mô hình.", "models list")
    _add(
        models,
        "build-default",
        "hocai.ai.build_default:build_command",
        "Tạo mô hình thu nhỏ mặc định.",
        "models build-default",
    )
    p = _add(models, "fetch", "hocai.ai.catalogue:fetch_command", "Tải một mô hình (cần mạng).", "models fetch")
    p.add_argument("name")
    p = _add(models, "export", "hocai.ai.catalogue:export_command", "Chép mô hình ra USB.", "models export")
    p.add_argument("name")
    p.add_argument("path")
    p = _add(models, "import", "hocai.ai.catalogue:import_command", "Nhập mô hình từ USB.", "models import")
    p.add_argument("path")
    p = _add(
        models,
        "bench",
        "hocai.ai.speed:bench_command",
        "Đo tốc độ một mô hình trong danh mục trên máy này.",
        "models bench",
    )
    p.add_argument("name")
    p.add_argument("--steps", type=int, default=6, help="số bước giải mã được đo (mặc định 6)")
    p.add_argument("--save", action="store_true", help="ghi kết quả vào models/catalogue.toml")

    for name, target, help_text in (
        ("pii", "hocai.safety.commands:pii_command", "Tìm và che dữ liệu cá nhân (đọc văn bản từ stdin)."),
        ("scam", "hocai.safety.commands:scam_command", "Kiểm tra tin nhắn lừa đảo (mỗi dòng một tin)."),
        ("prompt-check", "hocai.safety.commands:prompt_command", "Chấm một câu lệnh cho AI."),
    ):
        _add(sub, name, target, help_text).add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    course = sub.add_parser("course", help="Việc của giảng viên: bài tập, chấm điểm, báo cáo.").add_subparsers(
        dest="course_command", metavar="VIỆC", parser_class=_Parser, required=True
    )
    p = _add(course, "init", "hocai_grader.workspace:init_command", "Tạo thư mục khóa học.", "course init")
    p.add_argument("dir")
    p.add_argument("--course-id", default="hocai")
    p.add_argument("--source", default=None)
    p = _add(course, "roster", "hocai_grader.roster:roster_command", "Nhập danh sách học viên.", "course roster")
    p.add_argument("dir")
    p.add_argument("file")
    for name, target, help_text in (
        ("release", "hocai_grader.release:release_command", "Phát bài tập."),
        ("collect", "hocai_grader.collect:collect_command", "Thu bài."),
        ("feedback", "hocai_grader.feedback:feedback_command", "Tạo và trả nhận xét."),
    ):
        p = _add(course, name, target, help_text, f"course {name}")
        p.add_argument("dir")
        p.add_argument("assignment", nargs="?")
    p = _add(
        course,
        "questions",
        "hocai_grader.answers:questions_command",
        "Liệt kê câu hỏi của một bài.",
        "course questions",
    )
    p.add_argument("dir")
    p.add_argument("assignment")
    p.add_argument("--participant", help="Đề riêng của học viên này (biến thể, thứ tự lựa chọn), để in phiếu giấy.")
    p.add_argument("--json", action="store_true")
    p = _add(
        course,
        "answer-key",
        "hocai_grader.answers:answer_key_command",
        "In đáp án đề riêng của một học viên (dạng mà submit-answers nhận).",
        "course answer-key",
    )
    p.add_argument("dir")
    p.add_argument("assignment")
    p.add_argument("--participant", required=True)
    p.add_argument("--json", action="store_true")
    p = _add(
        course,
        "items",
        "hocai_grader.items:items_command",
        "Thống kê từng câu hỏi và biến thể: độ dễ, độ phân biệt, câu cần sửa.",
        "course items",
    )
    p.add_argument("dir")
    p.add_argument("--json", action="store_true")
    p = _add(
        course,
        "submit-answers",
        "hocai_grader.answers:submit_answers_command",
        "Nộp bài từ phiếu giấy.",
        "course submit-answers",
    )
    p.add_argument("dir")
    p.add_argument("participant")
    p.add_argument("assignment")
    p.add_argument("answers")
    p = _add(course, "autograde", "hocai_grader.autograde:autograde_command", "Chấm tự động.", "course autograde")
    p.add_argument("dir")
    p.add_argument("assignment", nargs="?")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--force", action="store_true", help="Chấm lại cả những bài không đổi.")
    p = _add(course, "report", "hocai_grader.commands:report_command", "Xuất báo cáo kết quả.", "course report")
    p.add_argument("dir")
    p.add_argument("--out", required=True)
    p = _add(
        course,
        "certificates",
        "hocai_grader.certificates:certificates_command",
        "In giấy chứng nhận.",
        "course certificates",
    )
    p.add_argument("dir")
    p.add_argument("--out", required=True)

    p = _add(
        sub,
        "bundle",
        "hocai.bundle.build:bundle_command",
        "Tạo bộ cài cho máy không có mạng (chép ra USB): gói Python, gói hệ thống, mô hình, hướng dẫn.",
    )
    p.add_argument("out", metavar="THƯ_MỤC")
    p.add_argument(
        "--python",
        action="append",
        metavar="3.X",
        help="Phiên bản Python của máy đích (lặp lại được; mặc định: phiên bản đang chạy).",
    )
    p.add_argument(
        "--apt-packages", metavar="GÓI", help="Gói Debian thay cho danh sách mặc định (cách nhau bởi dấu cách)."
    )
    p.add_argument("--no-debs", action="store_true", help="Không kèm gói Debian.")
    p.add_argument("--no-node", action="store_true", help="Không kèm configurable-http-proxy.")
    p.add_argument("--model", action="append", metavar="TÊN", help="Kèm một mô hình đã tải trong kho (lặp lại được).")
    p.add_argument("--all-models", action="store_true", help="Kèm mọi mô hình đã tải trong kho.")

    p = _add(
        sub,
        "guide",
        "hocai.content.trainer_guide:guide_command",
        "Hướng dẫn giảng viên: in ra màn hình, hoặc ghi tệp PDF để in.",
    )
    p.add_argument("--pdf", metavar="TỆP", help="Ghi hướng dẫn ra tệp PDF này.")

    hub = sub.add_parser("hub", help="JupyterHub cho cả lớp.").add_subparsers(
        dest="hub_command", metavar="VIỆC", parser_class=_Parser, required=True
    )
    p = _add(hub, "start", "hocai.hub.control:start_command", "Mở JupyterHub cho lớp.", "hub start")
    p.add_argument("--ip", default="127.0.0.1")
    p.add_argument("--port", type=int, default=HUB_PORT)
    _add(hub, "stop", "hocai.hub.control:stop_command", "Dừng JupyterHub.", "hub stop")
    _add(hub, "status", "hocai.hub.control:status_command", "Xem trạng thái JupyterHub.", "hub status")
    p = _add(hub, "accounts", "hocai.hub.accounts:accounts_command", "Tạo tài khoản cho học viên.", "hub accounts")
    p.add_argument("dir")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", help="Thư mục ghi accounts.csv và login-slips.pdf.")
    group.add_argument("--remove", action="store_true", help="Xóa các tài khoản lớp học sau khi học xong.")
    p.add_argument("--url", help="Địa chỉ in trên phiếu đăng nhập (mặc định: địa chỉ mạng của máy này).")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except UserError as exc:
        sys.stderr.write(exc.message.rstrip() + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("Đã dừng.\n")
        return 130
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error for the user
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
