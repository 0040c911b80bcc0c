"""Prompt rubric benchmark (issue 15): agreement with the blind labelled prompts, overall and per category.

Baseline: the previous keyword coach (``git show c23c8e9:hocai/safety/prompt_coach.py``, loaded under another
module name), which passed a prompt on a score of 4/5 as the exercises did. Both are measured in this run.
Prints the figures and writes benchmarks/results/prompt_rubric.json.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hocai.safety import prompt_coach  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "prompts_labelled.jsonl"
RESULT = ROOT / "benchmarks" / "results" / "prompt_rubric.json"
# The last commit with the keyword coach (issue 15 replaced it); its exercises passed at min_score = 4.
BASELINE_COMMIT = "c23c8e9"
BASELINE_MIN_SCORE = 4


def _baseline():
    """The keyword coach as it was before the rubric, as a module named ``old_prompt_coach``."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE_COMMIT}:hocai/safety/prompt_coach.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "old_prompt_coach.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_prompt_coach", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_prompt_coach"] = module
    spec.loader.exec_module(module)

    def passes(text: str) -> bool:
        report = module.check_prompt(text)
        return report.score >= BASELINE_MIN_SCORE and not report.pii

    return passes


def _measure(rows: list[dict], passes) -> dict:
    started = time.perf_counter()
    verdicts = [bool(passes(row["text"])) for row in rows]
    elapsed = time.perf_counter() - started
    agree, total, passed = Counter(), Counter(), Counter()
    for row, verdict in zip(rows, verdicts, strict=True):
        total[row["label"]] += 1
        agree[row["label"]] += verdict == row["passes"]
        passed[row["label"]] += verdict
    return {
        "agreement": round(sum(agree.values()) / len(rows), 4),
        "categories": {
            label: {"n": total[label], "agreement": round(agree[label] / total[label], 4), "passed": passed[label]}
            for label in sorted(total)
        },
        "ms_per_prompt": round(1000 * elapsed / len(rows), 3),
    }


def main() -> int:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    results = {
        "commit": commit,
        "prompts": len(rows),
        "pass_min_parts": prompt_coach.PASS_MIN_PARTS,
        "rubric": _measure(rows, lambda text: prompt_coach.check_prompt(text).passes),
        "baseline_keyword_coach": _measure(rows, _baseline()),
    }
    print(f"Prompt rubric on {len(rows)} labelled prompts (commit {commit})")
    for name in ("rubric", "baseline_keyword_coach"):
        r = results[name]
        print(f"  {name}: agreement {100 * r['agreement']:.1f}%  ({r['ms_per_prompt']} ms/prompt)")
        for label, c in r["categories"].items():
            print(f"    {label:18s} n={c['n']:3d}  agreement {100 * c['agreement']:5.1f}%  passed {c['passed']}")
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
