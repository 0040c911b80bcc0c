"""The scam rules moved from code to hocai/safety/data/scam_rules.toml without changing one verdict.

tests/data/scam_verdicts.json holds what the checker said on every labelled message (tuning set, both blind
sets, the model's extra training messages) before the move, recorded by running this file as a script at
the commit before it. Each record keeps the rules' score and flags and a digest of the full verdict with and
without the learned model, so a changed reason, advice or score shows up, not only a flipped label.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "scam_verdicts.json"
SETS = (
    "tests/data/scam_messages.jsonl",
    "tests/data/heldout/scam_messages.jsonl",
    "tests/data/heldout2/scam_messages.jsonl",
    "hocai/safety/data/scam_extra.jsonl",
)


def _digest(verdict) -> str:
    record = [verdict.scam, verdict.score, verdict.reasons, verdict.advice]
    return hashlib.sha256(json.dumps(record, ensure_ascii=False).encode()).hexdigest()[:16]


def record_verdicts() -> dict[str, list[dict]]:
    """What the checker says now on every labelled message, set by set, in file order."""
    from hocai.safety import scam

    out: dict[str, list[dict]] = {}
    for name in SETS:
        rows = [json.loads(line) for line in (ROOT / name).read_text(encoding="utf-8").splitlines() if line.strip()]
        records = []
        for row in rows:
            rules = scam._judge_rules(*scam._views(row["text"]))
            with_model = scam.check_message(row["text"])
            records.append({
                "rule_score": rules.score,
                "keys": sorted(rules.keys),
                "scam": with_model.scam,
                "score": with_model.score,
                "rules_only": _digest(scam.check_message(row["text"], use_model=False)),
                "with_model": _digest(with_model),
            })
        out[name] = records
    return out


def test_every_labelled_verdict_is_unchanged():
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    actual = record_verdicts()
    assert set(actual) == set(expected)
    for name in SETS:
        assert len(actual[name]) == len(expected[name]), name
        for line, (got, want) in enumerate(zip(actual[name], expected[name], strict=True), start=1):
            assert got == want, f"{name}:{line}"


@pytest.mark.parametrize("name", SETS)
def test_the_fixture_covers_every_labelled_message(name):
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    lines = [line for line in (ROOT / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(expected[name]) == len(lines) > 100
    assert any(r["scam"] for r in expected[name]) and not all(r["scam"] for r in expected[name])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sets = record_verdicts()
    body = ",\n".join(
        json.dumps(name) + ": [\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]"
        for name, records in sets.items()
    )
    FIXTURE.write_text("{\n" + body + "\n}\n", encoding="utf-8")
    print(FIXTURE)
