"""Safety toolkit figures: PII quality and speed, scam checker quality, false alarms on ordinary text.

Run: .venv/bin/python benchmarks/safety.py   (a few minutes on one core)
Prints the scam checker on the tuning set, the first blind set and the second blind set side by side
(accuracy, precision, recall, share of genuine official notices flagged), the rules alone (the baseline,
measured in the same run) against rules + learned model, its speed per message (p50/p95), the personal-data
guard's quality and its false alarms on public text, each goal with PASS/FAIL; writes
benchmarks/results/safety.json. Throughputs are CPU time of this single-threaded process (one core).
Shared data (Wikipedia sample, UD Vietnamese sentences) is read from ../shared/data or $HOCAI_SHARED_DATA;
the parts that need it are reported as skipped when it is absent.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hocai.safety import pii, scam, train_scam  # noqa: E402

SHARED = Path(os.environ.get("HOCAI_SHARED_DATA") or ROOT / ".." / "shared" / "data")
VIWIKI = SHARED / "viwiki-sample" / "viwiki_sample.jsonl"
UD = SHARED / "ud-vi-vtb" / "vi_vtb_sentences.txt"
PII_LABELLED = ROOT / "tests" / "data" / "pii_labelled.jsonl"
SCAM_LABELLED = ROOT / "tests" / "data" / "scam_messages.jsonl"
# Written blind (without seeing the detectors or their tuning data): the honest generalisation figures.
HELDOUT_PII = ROOT / "tests" / "data" / "heldout" / "pii_labelled.jsonl"
HELDOUT_SCAM = ROOT / "tests" / "data" / "heldout" / "scam_messages.jsonl"
# The second blind set (issue 19), written without reading the rules, the model or their data.
HELDOUT2_SCAM = ROOT / "tests" / "data" / "heldout2" / "scam_messages.jsonl"
SCAM_SETS = {"tuning": SCAM_LABELLED, "blind1": HELDOUT_SCAM, "blind2": HELDOUT2_SCAM}
# Genuine kinds that are notices from a public body or regulated institution, for sets without an
# "official" field (the second blind set marks each message itself).
OFFICIAL_KINDS = {
    "bank_otp",
    "bank_info",
    "bank_balance",
    "balance_notice",
    "bank_genuine_notice",
    "police_warning",
    "school",
    "school_notice",
    "ward_notice",
    "commune_notice",
    "gov",
    "public_service",
    "evn_bill",
    "water_bill",
    "tax_reminder",
    "telecom",
    "insurance",
    "health",
    "vneid_genuine",
}
RESULTS = ROOT / "benchmarks" / "results" / "safety.json"

NUMBER_LABELS = (
    "CCCD",
    "PHONE",
    "BANK_ACCOUNT",
    "CARD",
    "TAX_CODE",
    "SOCIAL_INSURANCE",
    "PASSPORT",
    "LICENSE_PLATE",
    "DATE_OF_BIRTH",
)

# (figure, comparison, target). Scam goals come from the issue; the PII ones are the toolkit's targets.
GOALS = {
    "pii_recall_number_labels": (">=", 0.95),
    "pii_recall_PERSON": (">=", 0.85),
    "pii_recall_ADDRESS": (">=", 0.85),
    "pii_precision_overall": (">=", 0.95),
    "pii_number_false_alarms_per_100k_chars_viwiki": ("<=", 1.0),
    "pii_number_false_alarms_per_100k_chars_ud": ("<=", 1.0),
    "pii_throughput_mb_per_s": (">=", 1.0),
    "scam_accuracy": (">=", 0.92),
    "scam_recall": (">=", 0.95),
    "blind2_scam_accuracy": (">=", 0.92),
    "blind2_scam_recall": (">=", 0.92),
    "blind2_scam_official_flagged": ("<=", 0.05),
    "scam_ms_per_message_p95": ("<=", 5.0),
    "scam_share_of_wikipedia_paragraphs_flagged": ("<=", 0.01),
}


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def same_entity(gold: dict, found: pii.Entity) -> bool:
    """Same label and an overlap of at least half of the longer span."""
    overlap = min(gold["end"], found.end) - max(gold["start"], found.start)
    longest = max(gold["end"] - gold["start"], found.end - found.start)
    return gold["label"] == found.label and overlap > 0 and overlap >= 0.5 * longest


def pii_quality(path: Path = PII_LABELLED) -> dict:
    tp, fn, fp = Counter(), Counter(), Counter()
    for row in load_jsonl(path):
        found = pii.find_entities(row["text"])
        used: set[int] = set()
        for gold in row["entities"]:
            hit = next((i for i, entity in enumerate(found) if i not in used and same_entity(gold, entity)), None)
            if hit is None:
                fn[gold["label"]] += 1
            else:
                used.add(hit)
                tp[gold["label"]] += 1
        for i, entity in enumerate(found):
            if i not in used:
                fp[entity.label] += 1
    per_label = {}
    for label in pii.PLACEHOLDERS:
        t, n, p = tp[label], fn[label], fp[label]
        precision = t / (t + p) if t + p else None
        recall = t / (t + n) if t + n else None
        f1 = 2 * precision * recall / (precision + recall) if precision and recall else (0.0 if t + n + p else None)
        per_label[label] = {"precision": precision, "recall": recall, "f1": f1, "gold": t + n, "found": t + p}
    number_tp = sum(tp[label] for label in NUMBER_LABELS)
    number_gold = number_tp + sum(fn[label] for label in NUMBER_LABELS)
    all_tp, all_fp, all_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return {
        "per_label": per_label,
        "pii_recall_number_labels": number_tp / number_gold,
        "pii_recall_PERSON": per_label["PERSON"]["recall"],
        "pii_recall_ADDRESS": per_label["ADDRESS"]["recall"],
        "pii_precision_overall": all_tp / (all_tp + all_fp),
        "pii_recall_overall": all_tp / (all_tp + all_fn),
    }


def wiki_articles() -> list[str]:
    with VIWIKI.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle]


def number_false_alarms(texts: list[str]) -> tuple[float, int, int, float]:
    """Number-based entities found in text that holds none; also the time find_entities took."""
    alarms, chars = 0, 0
    start = time.process_time()
    for text in texts:
        alarms += sum(entity.label in NUMBER_LABELS for entity in pii.find_entities(text))
        chars += len(text)
    seconds = time.process_time() - start
    return alarms * 100_000 / chars, alarms, chars, seconds


def digits_baseline(texts: list[str]) -> float:
    pattern = re.compile(r"\d+")
    start = time.process_time()
    for text in texts:
        pattern.findall(text)
    return time.process_time() - start


def _official(row: dict) -> bool:
    return bool(row["official"]) if "official" in row else (not row["scam"] and row.get("kind") in OFFICIAL_KINDS)


def scam_quality(path: Path = SCAM_LABELLED, use_model: bool = True) -> dict:
    """Accuracy, precision, recall and official notices flagged; the rules alone with ``use_model=False``."""
    rows = load_jsonl(path)
    tp = fp = fn = tn = official = official_flagged = 0
    missed, false_alarms = Counter(), Counter()
    for row in rows:
        flagged = scam.check_message(row["text"], use_model=use_model).scam
        kind = row.get("kind") or row.get("family", "")
        if _official(row):
            official += 1
            official_flagged += flagged
        if flagged and row["scam"]:
            tp += 1
        elif flagged:
            fp += 1
            false_alarms[kind] += 1
        elif row["scam"]:
            fn += 1
            missed[kind] += 1
        else:
            tn += 1
    return {
        "scam_messages": len(rows),
        "scam_accuracy": (tp + tn) / len(rows),
        "scam_precision": tp / (tp + fp) if tp + fp else 0.0,
        "scam_recall": tp / (tp + fn),
        "scam_genuine_flagged": fp / (fp + tn),
        "scam_official_flagged": official_flagged / official if official else None,
        "scam_official_notices": official,
        "scam_confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        "scam_missed_by_kind": dict(missed),
        "scam_false_alarms_by_kind": dict(false_alarms),
    }


def scam_speed(texts: list[str]) -> dict:
    """CPU milliseconds per message on one core (rules + model, and rules alone); CPU time, so other jobs on a
    shared machine do not inflate the tail."""
    out = {}
    for name, use_model in (("", True), ("rules_", False)):
        for text in texts[:20]:
            scam.check_message(text, use_model=use_model)
        times = []
        for text in texts:
            start = time.process_time()
            scam.check_message(text, use_model=use_model)
            times.append((time.process_time() - start) * 1000)
        times.sort()
        out[f"scam_{name}ms_per_message_p50"] = times[len(times) // 2]
        out[f"scam_{name}ms_per_message_p95"] = times[int(len(times) * 0.95)]
    return out


def wiki_paragraphs(articles: list[str]) -> list[str]:
    paragraphs = []
    for article in articles:
        paragraphs += [p.strip() for p in re.split(r"\r?\n", article) if len(p.strip()) >= 80]
    return paragraphs


def verdict(name: str, value) -> str:
    if name not in GOALS or value is None:
        return ""
    op, target = GOALS[name]
    ok = value >= target if op == ">=" else value <= target
    return f"{op} {target:g}  {'PASS' if ok else 'FAIL'}"


def fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4f}" if value < 10 else f"{value:.1f}"
    return str(value)


SCAM_FIGURES = ("scam_accuracy", "scam_precision", "scam_recall", "scam_genuine_flagged", "scam_official_flagged")


def print_scam_table(figures: dict) -> None:
    sets = [name for name in SCAM_SETS if f"{name}_rules" in figures["scam_sets"]]
    print("Scam checker: rules alone (baseline) | rules + learned model, on each labelled set")
    head = "  " + f"{'figure':24}" + "".join(f"{name + ' rules':>15}{name + ' joined':>15}" for name in sets)
    print(head)
    for key in SCAM_FIGURES:
        line = f"  {key.removeprefix('scam_'):24}"
        for name in sets:
            for variant in ("rules", "joined"):
                line += f"{fmt(figures['scam_sets'][f'{name}_{variant}'][key]):>15}"
        print(line)
    line = f"  {'messages / official':24}"
    for name in sets:
        row = figures["scam_sets"][f"{name}_joined"]
        line += f"{row['scam_messages']:>15}{row['scam_official_notices']:>15}"
    print(line)
    print()


def main() -> int:
    started = time.perf_counter()
    figures: dict = {"python": platform.python_version(), "machine": platform.machine()}
    figures.update(pii_quality())
    figures["scam_sets"] = {}
    for name, path in SCAM_SETS.items():
        if not path.exists():
            continue
        for variant, use_model in (("rules", False), ("joined", True)):
            figures["scam_sets"][f"{name}_{variant}"] = scam_quality(path, use_model)
    tuning = figures["scam_sets"]["tuning_joined"]
    figures.update({k: v for k, v in tuning.items() if not isinstance(v, dict)})
    for name in ("blind1", "blind2"):
        if f"{name}_joined" in figures["scam_sets"]:
            for key in SCAM_FIGURES + ("scam_messages",):
                figures[f"{name}_{key}"] = figures["scam_sets"][f"{name}_joined"][key]
                figures[f"{name}_rules_{key}"] = figures["scam_sets"][f"{name}_rules"][key]
    texts = [row["text"] for path in SCAM_SETS.values() if path.exists() for row in load_jsonl(path)]
    figures.update(scam_speed(texts))
    heldout_pii = pii_quality(HELDOUT_PII)
    figures["heldout_per_label"] = heldout_pii.pop("per_label")
    figures.update({f"heldout_{k}": v for k, v in heldout_pii.items()})
    if VIWIKI.exists() and UD.exists():
        articles = wiki_articles()
        rate, alarms, chars, seconds = number_false_alarms(articles)
        megabytes = sum(len(a.encode("utf-8")) for a in articles) / 1e6
        baseline = digits_baseline(articles)
        figures.update(
            {
                "pii_number_false_alarms_per_100k_chars_viwiki": rate,
                "pii_number_false_alarms_viwiki": alarms,
                "viwiki_chars": chars,
                "pii_throughput_mb_per_s": megabytes / seconds,
                "pii_throughput_text_mb": megabytes,
                "digits_regex_mb_per_s": megabytes / baseline,
                "pii_time_vs_digits_regex": seconds / baseline,
            }
        )
        sentences = [line for line in UD.read_text(encoding="utf-8").splitlines() if line.strip()]
        rate, alarms, chars, _ = number_false_alarms(sentences)
        figures.update(
            {"pii_number_false_alarms_per_100k_chars_ud": rate, "pii_number_false_alarms_ud": alarms, "ud_chars": chars}
        )
        # Only articles the learned model never saw (train_scam reads articles 3, 13, 23…).
        unseen = [a for i, a in enumerate(articles) if not train_scam.wiki_trained(i)]
        paragraphs = wiki_paragraphs(unseen)
        start = time.process_time()
        flagged = sum(scam.check_message(p).scam for p in paragraphs)
        scam_seconds = time.process_time() - start
        rules_flagged = sum(scam.check_message(p, use_model=False).scam for p in paragraphs)
        figures.update(
            {
                "scam_share_of_wikipedia_paragraphs_flagged": flagged / len(paragraphs),
                "scam_rules_share_of_wikipedia_paragraphs_flagged": rules_flagged / len(paragraphs),
                "scam_wikipedia_paragraphs": len(paragraphs),
                "scam_wikipedia_flagged": flagged,
                "scam_paragraphs_per_s": len(paragraphs) / scam_seconds,
            }
        )
    else:
        figures["skipped"] = f"shared data not found under {SHARED}: false alarms and throughput not measured"
    figures["benchmark_seconds"] = time.perf_counter() - started
    figures["goals"] = {
        name: {
            "op": op,
            "target": target,
            "value": figures.get(name),
            "pass": None
            if figures.get(name) is None
            else (figures[name] >= target if op == ">=" else figures[name] <= target),
        }
        for name, (op, target) in GOALS.items()
    }

    print_scam_table(figures)
    print("PII per label (tests/data/pii_labelled.jsonl; match = same label, overlap ≥ 50% of the longer span)")
    print(f"  {'label':18} {'precision':>9} {'recall':>7} {'F1':>7} {'gold':>5} {'found':>5}")
    for label, row in figures["per_label"].items():
        print(
            f"  {label:18} {fmt(row['precision']):>9} {fmt(row['recall']):>7} {fmt(row['f1']):>7} "
            f"{row['gold']:>5} {row['found']:>5}"
        )
    print("\nPII per label on the blind held-out set (tests/data/heldout/pii_labelled.jsonl)")
    for label, row in figures["heldout_per_label"].items():
        print(
            f"  {label:18} {fmt(row['precision']):>9} {fmt(row['recall']):>7} {fmt(row['f1']):>7} "
            f"{row['gold']:>5} {row['found']:>5}"
        )
    print()
    print(f"  {'figure':48} {'value':>10}  goal")
    names = [
        n
        for n in figures
        if n not in ("per_label", "heldout_per_label", "goals", "python", "machine")
        and not isinstance(figures[n], (dict, str))
    ]
    for name in names:
        print(f"  {name:48} {fmt(figures[name]):>10}  {verdict(name, figures[name])}")
    for name in ("blind1", "blind2"):
        if f"{name}_joined" in figures["scam_sets"]:
            for key in ("scam_missed_by_kind", "scam_false_alarms_by_kind"):
                found = figures["scam_sets"][name + "_joined"][key]
                print(f"  {name}_{key:42} {json.dumps(found, ensure_ascii=False)}")
    if "skipped" in figures:
        print(f"  SKIPPED: {figures['skipped']}")
    failed = [n for n, g in figures["goals"].items() if g["pass"] is False]
    print(
        f"\nGoals: {sum(g['pass'] is True for g in figures['goals'].values())} PASS, {len(failed)} FAIL"
        + (f" ({', '.join(failed)})" if failed else "")
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Written {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
