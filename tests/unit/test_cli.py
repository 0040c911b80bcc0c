"""The hocai command: Vietnamese messages and exit code 2 for bad usage; every command points at a real function."""

import argparse
import importlib
import subprocess
import sys

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


def _targets(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Every command's "module:function" target, by full command name, walking nested sub-commands."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                func = sub.get_default("func")
                if func is not None:
                    found[sub.get_default("command_name") or sub.prog] = func.target
                found.update(_targets(sub))
    return found


def test_every_cli_target_is_a_real_function():
    """Issue 21: the table must point at functions that exist (there is no "not built yet" fallback)."""
    targets = _targets(cli.build_parser())
    assert len(targets) >= 20 and {"start", "scam", "hub accounts"} <= set(targets)
    for name, target in targets.items():
        module_name, func_name = target.split(":")
        func = getattr(importlib.import_module(module_name), func_name, None)
        assert callable(func), f"hocai {name}: {target} is not a function"


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
