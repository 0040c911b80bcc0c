"""Can the module's completion be earned without understanding? Simulated participants who game the exercises.

For every assignment and each strategy, N simulated participants (default 1,000) each get their own form
(variant and option order drawn exactly as their notebook would) and answer by a surface cue: random
guessing, always the longest option, always the first, always B, tick everything, everything is a scam,
keyword-stuffed or unfilled-template prompts (choice questions they cannot game by that cue are guessed at
random). Answers are graded by the same functions as the hidden tests (hocai.exercise.check). The answer key
of every participant's form must score 100. Baseline, measured in the same run: the same strategies on the
exercises as they were before the item bank (one fixed form, options never shuffled).

Goal (issue 15): every cue strategy's mean ≤ 40/100 and ≤ 1% of its participants reach 70.
Writes benchmarks/results/assessment.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hocai.exercise import bank, check, variants  # noqa: E402
from hocai.exercise.authoring import slot_hashes  # noqa: E402
from hocai.exercise.spec import SCAM_OPTIONS  # noqa: E402

NAMES = [f"bai0{i}" for i in range(1, 9)]
COURSE = "benchmark"
THRESHOLD = 70
BASELINE_COMMIT = "1d88548"  # the exercises before the item bank (fixed form, unshuffled)
KEYWORDS = "vai trò nhiệm vụ bối cảnh định dạng giới hạn viết"
TEMPLATE = "\n".join(
    [
        "Bạn là [vai trò phù hợp, ví dụ: cán bộ văn phòng UBND xã giỏi soạn văn bản].",
        "Nhiệm vụ: [việc cần làm, ví dụ: soạn thông báo…].",
        "Bối cảnh: [viết cho ai, để làm gì, trong hoàn cảnh nào].",
        "Định dạng: [ví dụ: gạch đầu dòng, 3 đoạn, dạng thông báo].",
        "Giới hạn: không quá [200] từ, dùng từ ngữ dễ hiểu, chỉ dùng thông tin đã cho, không bịa số liệu.",
    ]
)


def _ids(spec: dict) -> list[str]:
    return [o["id"] for o in spec.get("options", [])]


def guess(spec: dict, rng: random.Random):
    """A random answer of the right shape (what a participant who skipped the lessons clicks)."""
    kind = spec["type"]
    if kind == "single":
        return rng.choice(_ids(spec))
    if kind in ("multiple", "mark_pii"):
        ids = _ids(spec)
        return sorted(rng.sample(ids, rng.randint(1, len(ids))))
    if kind == "matching":
        return [rng.choice(_ids(spec)) for _ in spec["items"]]
    if kind == "scam":
        return [rng.choice([o["id"] for o in SCAM_OPTIONS]) for _ in spec["items"]]
    if kind == "ordering":
        order = [i["id"] for i in spec["items"]]
        rng.shuffle(order)
        return order
    if kind == "short":
        words = [w.strip("«»().,?:;") for w in spec["prompt"].split()]
        return rng.choice([w for w in words if w]) if words else ""
    if kind == "rewrite_prompt":
        return spec.get("original", "")
    return ""


def longest(spec: dict, rng: random.Random):
    options = spec.get("options", [])
    if spec["type"] == "single":
        return max(options, key=lambda o: len(o["text"]))["id"]
    if spec["type"] in ("multiple", "mark_pii"):
        mean = statistics.mean(len(o["text"]) for o in options)
        return [o["id"] for o in options if len(o["text"]) >= mean]
    if spec["type"] == "matching":
        return [max(options, key=lambda o: len(o["text"]))["id"]] * len(spec["items"])
    return guess(spec, rng)


def fixed(position: int):
    def strategy(spec: dict, rng: random.Random):
        ids = _ids(spec)
        if spec["type"] == "single":
            return ids[min(position, len(ids) - 1)]
        if spec["type"] == "multiple":
            return [ids[min(position, len(ids) - 1)]]
        if spec["type"] == "matching":
            return [ids[min(position, len(ids) - 1)]] * len(spec["items"])
        if spec["type"] == "ordering":
            return [i["id"] for i in spec["items"]]  # leave the order as shown
        return guess(spec, rng)

    return strategy


def tick_all(spec: dict, rng: random.Random):
    return _ids(spec) if spec["type"] in ("multiple", "mark_pii") else guess(spec, rng)


def all_scam(spec: dict, rng: random.Random):
    return ["LUA_DAO"] * len(spec["items"]) if spec["type"] == "scam" else guess(spec, rng)


def prompt_as(text: str):
    def strategy(spec: dict, rng: random.Random):
        return text if spec["type"] == "rewrite_prompt" else guess(spec, rng)

    return strategy


def combined(spec: dict, rng: random.Random):
    """Every cue at once: longest options, a stuffed prompt, and the lessons' commonest verb for short answers."""
    if spec["type"] == "rewrite_prompt":
        return KEYWORDS
    if spec["type"] == "short":
        return "kiểm tra"
    return longest(spec, rng)


STRATEGIES = {
    "đoán ngẫu nhiên": guess,
    "luôn chọn lựa chọn dài nhất": longest,
    "luôn chọn lựa chọn đầu tiên": fixed(0),
    "luôn chọn B": fixed(1),
    "chọn hết (nhiều đáp án, dữ liệu cá nhân)": tick_all,
    "tin nào cũng là lừa đảo": all_scam,
    "câu lệnh nhồi từ khoá": prompt_as(KEYWORDS),
    "câu lệnh mẫu chưa điền": prompt_as(TEMPLATE),
    "mọi mẹo cùng lúc (dài nhất, nhồi từ khoá, «kiểm tra»)": combined,
}


class Grader:
    """Grades one assignment's slots as the hidden tests do, with prompt verdicts cached by text."""

    def __init__(self, data: dict, *, shuffle: bool = True):
        self.data, self.shuffle = data, shuffle
        self.hashes = {
            s["id"]: slot_hashes(s, data["salt"]) for s in data["questions"] if s["type"] != "rewrite_prompt"
        }
        self._prompts: dict[str, bool] = {}

    def form(self, participant: str) -> list[tuple[dict, dict, variants.Plan]]:
        result = []
        for slot in self.data["questions"]:
            if self.shuffle:
                plan = variants.plan_for(slot, COURSE, participant, self.data["name"])
            else:
                only = slot["variants"][0]
                plan = variants.Plan(
                    0, [o["id"] for o in only.get("options", [])], [i["id"] for i in only.get("items", [])]
                )
            result.append((slot, variants.shown_spec(slot, plan), plan))
        return result

    def points(self, slot: dict, plan: variants.Plan, value) -> float:
        if slot["type"] == "rewrite_prompt":
            if value not in self._prompts:
                self._prompts[value] = check.prompt_reason(slot["id"], value, min_score=slot["min_score"]) is None
            return slot["points"] if self._prompts[value] else 0.0
        ok = check.earned(slot, self.hashes[slot["id"]], value, plan, salt=self.data["salt"]) is None
        return slot["points"] if ok else 0.0

    def key_score(self, participant: str) -> float:
        total = 0.0
        for slot, _spec, plan in self.form(participant):
            answer = slot["variants"][plan.variant]["answer"]
            total += self.points(slot, plan, variants.from_bank(slot["type"], answer, plan))
        return total


def baseline_banks() -> dict[str, dict] | None:
    """The pre-bank exercises, read from git, as one-variant bank assignments (never shuffled)."""
    import nbformat

    from hocai.exercise.authoring import read_assignment
    from hocai.exercise.bank import LETTERS

    out = {}
    for name in NAMES:
        try:
            text = subprocess.run(
                ["git", "show", f"{BASELINE_COMMIT}:exercises/{name}/{name}.ipynb"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        old = read_assignment(nbformat.reads(text, as_version=4))
        slots = []
        for q in old["questions"]:
            variant = {k: q[k] for k in ("prompt", "text", "original", "items") if k in q}
            if "options" in q:
                variant["options"] = q["options"]
            variant["answer"], variant["accepted"] = q["answer"], old["accepted"].get(q["id"], [])
            slot = {k: q[k] for k in ("id", "type", "points", "tone_insensitive", "min_score") if k in q}
            slot["objective"], slot["variants"] = "", [variant]
            slots.append(slot)
        assert LETTERS  # ids are kept as written in the old notebooks
        out[name] = {"name": name, "salt": old["salt"], "questions": slots}
    return out


def simulate(banks: dict[str, dict], n: int, seed: int, *, shuffle: bool) -> dict:
    graders = {name: Grader(data, shuffle=shuffle) for name, data in banks.items()}
    people = [f"hv{i:05d}" for i in range(n)]
    forms = {name: {p: g.form(p) for p in people} for name, g in graders.items()}
    results = {}
    for label, strategy in STRATEGIES.items():
        rng = random.Random(f"{seed}:{label}")
        totals = []
        for person in people:
            total = 0.0
            for name, grader in graders.items():
                for slot, spec, plan in forms[name][person]:
                    total += grader.points(slot, plan, strategy(spec, rng))
            totals.append(total)
        results[label] = {
            "mean": round(statistics.mean(totals), 2),
            "reach_70_percent": round(100 * sum(t >= THRESHOLD for t in totals) / n, 2),
            "max": max(totals),
        }
    keys = [sum(graders[name].key_score(p) for name in graders) for p in people]
    results["đáp án (kiểm tra)"] = {"mean": round(statistics.mean(keys), 2), "min": min(keys)}
    return results


def every_variant_key_scores_full(banks: dict[str, dict]) -> tuple[int, int]:
    """The key of each variant, under several option orders, earns the points: (passed, checked)."""
    passed = checked = 0
    for name, data in banks.items():
        grader = Grader(data)
        for slot in data["questions"]:
            for number, variant in enumerate(slot["variants"]):
                for who in range(12):
                    plan = variants.plan_for(slot, COURSE, f"khoa{who}", name)
                    plan = variants.Plan(number, *_orders(slot, number, plan))
                    value = variants.from_bank(slot["type"], variant["answer"], plan)
                    checked += 1
                    passed += grader.points(slot, plan, value) == slot["points"]
    return passed, checked


def _orders(slot: dict, number: int, plan: variants.Plan) -> tuple[list[str], list[str]]:
    """``plan``'s shuffles applied to variant ``number`` (which may have other option counts)."""
    variant = slot["variants"][number]
    options = [o["id"] for o in variant.get("options", [])]
    items = [i["id"] for i in variant.get("items", [])]
    if len(plan.options) == len(options) and slot["type"] != "mark_pii":
        options = plan.options
    if len(plan.items) == len(items):
        items = plan.items
    return options, items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    commit = (
        subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        or "?"
    )
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--", "exercises", "hocai/exercise"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    print(
        f"Commit {commit}{' (có thay đổi chưa commit trong exercises/ hoặc hocai/exercise/)' if dirty else ''}; "
        f"{args.participants} học viên mô phỏng mỗi bài × 8 bài × {len(STRATEGIES)} chiến lược."
    )
    started = time.monotonic()
    banks = {name: bank.load(name) for name in NAMES}
    now = simulate(banks, args.participants, args.seed, shuffle=True)
    passed, checked = every_variant_key_scores_full(banks)
    old_banks = baseline_banks()
    before = simulate(old_banks, args.participants, args.seed, shuffle=False) if old_banks else None
    seconds = time.monotonic() - started

    print(f"\n{'Chiến lược':<56}{'điểm TB /100':>14}{'% đạt ≥70':>12}   | trước ngân hàng câu hỏi")
    goal_met = True
    for label in STRATEGIES:
        r, b = now[label], (before or {}).get(label)
        meets = r["mean"] <= 40 and r["reach_70_percent"] <= 1
        goal_met &= meets
        old = f"{b['mean']:>8.1f}{b['reach_70_percent']:>9.1f}%" if b else "   (không có)"
        verdict = "đạt" if meets else "CHƯA ĐẠT"
        print(f"{label:<56}{r['mean']:>14.1f}{r['reach_70_percent']:>11.1f}%   | {old}  {verdict}")
    key = now["đáp án (kiểm tra)"]
    print(f"\nĐáp án của từng đề riêng: điểm TB {key['mean']:.1f}, thấp nhất {key['min']:.1f} (phải là 100).")
    print(f"Đáp án từng biến thể, nhiều thứ tự lựa chọn: {passed}/{checked} đạt đủ điểm.")
    all_met = goal_met and key["min"] == 100 and passed == checked
    print(
        f"Mục tiêu (TB ≤ 40, ≤ 1% đạt 70, đáp án = 100): {'ĐẠT' if all_met else 'CHƯA ĐẠT'}."
        f" Thời gian: {seconds:.0f} giây."
    )
    out = ROOT / "benchmarks" / "results" / "assessment.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "commit": commit,
                "dirty": dirty,
                "participants": args.participants,
                "seed": args.seed,
                "strategies": now,
                "baseline_commit": BASELINE_COMMIT,
                "baseline": before,
                "variant_keys": {"passed": passed, "checked": checked},
                "goal_met": all_met,
                "seconds": round(seconds, 1),
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"Đã ghi {out.relative_to(ROOT)}")
    return 0 if all_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
