"""The hocai command: Vietnamese messages and exit code 2 for bad usage and for parts not built."""

import subprocess
import sys

import pytest

from hocai import cli
from hocai.errors import UserError


def run_hocai(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "hocai.cli", *args], input=stdin, capture_output=True, timeout=60)


def test_help_lists_every_contract_subcommand():
    out = run_hocai("--help").stdout.decode()
    for name in ("start", "app", "models", "pii", "scam", "prompt-check", "course", "hub"):
        assert name in out


def test_bad_usage_exits_2_with_a_vietnamese_message():
    result = run_hocai("course", "report")
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "Lỗi" in err and "Traceback" not in err


def test_unknown_port_value_is_rejected_without_traceback():
    result = run_hocai("start", "--lab-port", "abc")
    assert result.returncode == 2 and b"Traceback" not in result.stderr


def test_a_part_not_built_says_so_in_vietnamese():
    run = cli._handler("hocai.not_built_yet:command")
    with pytest.raises(UserError, match="chưa có"):
        run(type("Args", (), {"command_name": "thử"})())


def test_user_error_is_printed_and_exits_2(capsys, monkeypatch):
    def boom(_args):
        raise UserError("Thử một lỗi có dấu.")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser.set_defaults(func=boom)
    assert cli.main([]) == 2
    assert capsys.readouterr().err.strip() == "Thử một lỗi có dấu."


def test_importing_the_package_sets_the_offline_environment():
    code = "import os, hocai; print(os.environ['HF_HUB_OFFLINE'], os.environ['GRADIO_ANALYTICS_ENABLED'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "/usr/bin"})
    assert out.stdout.split() == ["1", "False"]
