"""The assistant benchmark's protocol (tests/data/README.md): blind2 is never tuned on, so only its aggregate
figures leave the benchmark; the four tuning sets list their misses. Run on a made-up two-question file, never on
blind2's own questions."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("assistant_benchmark", ROOT / "benchmarks" / "assistant.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_blind2_is_aggregate_only_and_never_a_tuning_set(bench):
    assert bench.AGGREGATE_ONLY == {"blind2"}
    assert "blind2" not in bench.GROUPS["tune"] and set(bench.GROUPS["tune"]) == {"dev", "dev2", "dev3", "blind"}
    assert bench.default_set() == ("blind2" if bench.BLIND2_QUESTIONS.exists() else "tune")


@pytest.mark.parametrize(("name", "listed"), [("blind2", False), ("dev", True)])
def test_only_aggregates_of_blind2_are_written(bench, tmp_path, monkeypatch, capsys, name, listed):
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "x1", "question": "Thời tiết mai ra sao?", "kind": "in_course", "lesson": 1, "section": "AI là gì?"},
        {"id": "x2", "question": "Giá vàng hôm nay bao nhiêu?", "kind": "off_topic", "lesson": None, "section": None},
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    monkeypatch.setitem(bench.SETS, name, questions)
    monkeypatch.setattr(bench, "RESULTS", tmp_path / "out.json")
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    monkeypatch.setattr(sys, "argv", ["assistant.py", "--set", name, "--no-latency"])
    assert bench.main() == 0
    result = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))[name]["assistant"]
    assert result["top3_hits"] == 0 and result["off_topic_declined"] == 1.0
    assert ("misses" in result) is listed and ("off_topic_answered" in result) is listed
    assert "x1" not in capsys.readouterr().out


def test_a_missing_set_file_is_said_not_a_traceback(bench, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(bench.SETS, "blind2", tmp_path / "absent.jsonl")
    monkeypatch.setattr(sys, "argv", ["assistant.py", "--set", "blind2", "--no-latency"])
    assert bench.main() == 1
    assert "not measured (file missing): blind2" in capsys.readouterr().out
