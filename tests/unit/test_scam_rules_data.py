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
            records.append(
                {
                    "rule_score": rules.score,
                    "keys": sorted(rules.keys),
                    "scam": with_model.scam,
                    "score": with_model.score,
                    "rules_only": _digest(scam.check_message(row["text"], use_model=False)),
                    "with_model": _digest(with_model),
                }
            )
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


def _rule_file(tmp_path, change) -> Path:
    """A copy of the shipped rule file with one edit applied to its text."""
    from hocai.safety import scam_rules

    text = scam_rules.RULES_PATH.read_text(encoding="utf-8")
    path = tmp_path / "scam_rules.toml"
    path.write_text(change(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t.replace("weight = 0.55\nfamily = 'secrets'", "weight = 'cao'\nfamily = 'secrets'", 1),
            "rule 'otp': weight must be a number",
        ),
        (
            lambda t: t.replace(
                "key = 'password'\nweight = 0.5\nfamily = 'secrets'",
                "key = 'password'\nweight = 0.5\nfamily = 'secret'",
                1,
            ),
            "rule 'password': unknown family 'secret'",
        ),
        (
            lambda t: t.replace("'(?:gui|nhan|bam) nham ma'", "'(?:gui|nhan|bam nham ma'", 1),
            "rule 'otp_after': invalid regular expression",
        ),
        (lambda t: t.replace("${code}", "${codes}", 1), "rule 'otp': unknown fragment ${codes}"),
        (
            lambda t: t.replace(
                "negatable = true\nreason = 'Tin nhắn đòi bạn đọc",
                "negatable = 'yes'\nreason = 'Tin nhắn đòi bạn đọc",
                1,
            ),
            "rule 'otp': negatable must be true or false",
        ),
        (lambda t: t.replace("key = 'password'", "key = 'otp'", 1), "rule 'otp': key used twice"),
        (
            lambda t: t.replace("key = 'otp_after'\n", "key = 'otp_after'\nweigth = 0.2\n", 1),
            "rule 'otp_after': unknown field(s) weigth",
        ),
        (
            lambda t: t.replace("flags = ['emergency', 'transfer']", "flags = ['emergency', 'tranfer']", 1),
            "combo #1: unknown flag(s) tranfer",
        ),
        (lambda t: t.replace("6 = 0.3\n", "", 1), "family_bonus: needs one bonus for each count"),
        (lambda t: t + "\n[[rules\n", "not valid TOML"),
    ],
)
def test_a_bad_rule_file_fails_naming_the_rule(tmp_path, change, message):
    from hocai.safety import scam_rules

    path = _rule_file(tmp_path, change)
    assert path.read_text(encoding="utf-8") != scam_rules.RULES_PATH.read_text(encoding="utf-8")
    with pytest.raises(scam_rules.ScamRulesError) as caught:
        scam_rules.load(path)
    assert str(caught.value).startswith("scam_rules.toml: ") and message in str(caught.value)


def test_demand_flags_and_families_come_from_the_rules_themselves():
    from hocai.safety import scam

    rules = scam.RULES
    by_key = {rule.key: rule for rule in rules.rules}
    assert {key for key in rules.demand_keys if key in by_key} == {r.key for r in rules.rules if r.demand}
    members = [key for _, keys in rules.families for key in keys]
    assert len(members) == len(set(members))
    assert all(by_key[key].family for key in members if key in by_key)
    assert "link" in rules.demand_keys and "bad_link" in rules.flags and scam.DECISIVE <= rules.flags


def test_the_rule_file_ships_in_the_package():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]
    assert "data/*.toml" in patterns.get("hocai.safety", [])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sets = record_verdicts()
    body = ",\n".join(
        json.dumps(name) + ": [\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]"
        for name, records in sets.items()
    )
    FIXTURE.write_text("{\n" + body + "\n}\n", encoding="utf-8")
    print(FIXTURE)
