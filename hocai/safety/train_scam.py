"""Build ``hocai/safety/scam_model.json``: ``python -m hocai.safety.train_scam [--out PATH]``.

Trains the learned half of the scam checker on the labelled tuning set (tests/data/scam_messages.jsonl) and
the extra messages in hocai/safety/data/scam_extra.jsonl (genuine bank, police, school and commune notices
that mention OTP, accounts, fines and links, and more scams), never on the blind sets under
tests/data/heldout*/. Everything is deterministic — fixed folds from a CRC-32 of each text, full-batch
gradient descent with a fixed number of steps, int16 weights written as sorted JSON — so a rebuild gives
the same bytes (tests/unit/test_scam.py checks it).

How the two halves are joined: the model's log-odds for each message is computed out of fold (5 folds), and
a 3-parameter logistic regression on (rules' score, model's log-odds) is fitted on the extra messages only,
because the rules were written against the tuning set and score it perfectly, which would teach the joint
model to ignore the learned half.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zlib
from pathlib import Path

import numpy as np

from hocai import settings
from hocai.safety import scam, scam_model

ROOT = Path(__file__).resolve().parents[2]
TUNING = ROOT / "tests" / "data" / "scam_messages.jsonl"
EXTRA = Path(__file__).with_name("data") / "scam_extra.jsonl"
# Ordinary text no one wrote as a message (read at build time, never copied in): without it, the model calls
# encyclopedic prose with money or police words a scam. Wikipedia articles 3, 13, 23… only, so the tests and
# the benchmark can measure false alarms on articles the model never saw (those whose index is not 3 mod 10).
# SHARED, VIWIKI, SIB200: under HOCAI_SHARED_DATA (hocai.settings), read when used (module __getattr__).
SHARED_FILES = {"VIWIKI": ("viwiki-sample", "viwiki_sample.jsonl"), "SIB200": ("sib200-vi", "train.tsv")}
WIKI_EVERY, WIKI_OFFSET, WIKI_PARAGRAPHS = 10, 3, 300
# Each ordinary row counts this much as a message does, so the messages still set the model's balance.
ORDINARY_WEIGHT = 0.25
L2 = 1e-4
STEPS = 250
STACK_L2 = 1e-2
FOLDS = 5


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def wiki_trained(index: int) -> bool:
    """Whether the article at ``index`` of the Wikipedia sample was used for training."""
    return index % WIKI_EVERY == WIKI_OFFSET


def shared_path(name: str = "SHARED") -> Path:
    """The shared data folder, or one of ``SHARED_FILES`` in it, as the environment says now."""
    shared = settings.kit().shared_data
    return shared.joinpath(*SHARED_FILES[name]) if name in SHARED_FILES else shared


def __getattr__(name: str) -> Path:
    if name == "SHARED" or name in SHARED_FILES:
        return shared_path(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def ordinary_text() -> list[dict]:
    """Wikipedia paragraphs and SIB-200 sentences as genuine (non-scam) rows; an error when absent."""
    viwiki, sib200 = shared_path("VIWIKI"), shared_path("SIB200")
    if not (viwiki.exists() and sib200.exists()):
        raise SystemExit(
            f"Không tìm thấy dữ liệu dùng chung ở {shared_path()} (cần viwiki-sample và sib200-vi); "
            "hãy đặt biến HOCAI_SHARED_DATA."
        )
    rows: list[dict] = []
    with viwiki.open(encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            if not wiki_trained(index):
                continue
            for paragraph in re.split(r"\r?\n", json.loads(line)["text"]):
                if len(paragraph.strip()) >= 80 and len(rows) < WIKI_PARAGRAPHS:
                    rows.append({"text": paragraph.strip(), "scam": False, "kind": "wikipedia"})
    for line in sib200.read_text(encoding="utf-8").splitlines()[1:]:
        rows.append({"text": line.split("\t", 2)[2], "scam": False, "kind": "sib200"})
    return rows


def _matrix(rows: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR parts (row pointers, columns, values) with each row scaled to unit length."""
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    columns = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    values = np.repeat(1.0 / np.sqrt(np.maximum(lengths, 1)), lengths)
    return indptr, columns, values


def fit(
    rows: list[np.ndarray], labels: np.ndarray, weights: np.ndarray | None = None, l2: float = L2, steps: int = STEPS
) -> tuple[np.ndarray, float]:
    """L2-regularised, row-weighted logistic regression by Nesterov-accelerated full-batch gradient descent."""
    indptr, columns, values = _matrix(rows)
    n, row_of = len(rows), np.repeat(np.arange(len(rows)), np.diff(indptr))
    y = labels.astype(np.float64)
    share = np.ones(n) / n if weights is None else weights / weights.sum()
    step = 1.0 / (0.25 * 2 * float(share.max()) * n + l2)  # rows have unit length; the bias adds one more
    w, b = np.zeros(scam_model.BUCKETS), 0.0
    w_prev, b_prev = w.copy(), b
    for t in range(1, steps + 1):
        momentum = (t - 1) / (t + 2)
        v_w, v_b = w + momentum * (w - w_prev), b + momentum * (b - b_prev)
        z = np.bincount(row_of, weights=values * v_w[columns], minlength=n) + v_b
        residual = (1.0 / (1.0 + np.exp(-z)) - y) * share
        grad_w = np.bincount(columns, weights=values * residual[row_of], minlength=scam_model.BUCKETS) + l2 * v_w
        grad_b = residual.sum()
        w_prev, b_prev = w, b
        w, b = v_w - step * grad_w, v_b - step * grad_b
    return w, float(b)


def _logits(rows: list[np.ndarray], w: np.ndarray, b: float) -> np.ndarray:
    return np.array([w[r].sum() / np.sqrt(max(len(r), 1)) + b for r in rows])


def fit_stack(rule: np.ndarray, logit: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    """Intercept and weights joining the rules' score and the model's log-odds (Newton's method, 3 parameters)."""
    x = np.column_stack([np.ones_like(rule), rule, logit])
    y = labels.astype(np.float64)
    theta = np.zeros(3)
    penalty = np.diag([0.0, STACK_L2, STACK_L2])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ theta)))
        grad = x.T @ (p - y) / len(y) + penalty @ theta
        hess = (x * (p * (1 - p))[:, None]).T @ x / len(y) + penalty
        theta = theta - np.linalg.solve(hess, grad)
    return tuple(float(v) for v in theta)


def build(out: Path | None = None, verbose: bool = False) -> bytes:
    """Train on the repository's data and return (and, with ``out``, write) the model file's bytes."""
    tuning, extra, ordinary = load(TUNING), load(EXTRA), ordinary_text()
    rows = tuning + ordinary + extra
    views = [scam._views(row["text"]) for row in rows]
    feats = [scam_model.features(flat) for _, flat, _ in views]
    labels = np.array([row["scam"] for row in rows], dtype=bool)
    rule = np.array([scam._judge_rules(*view).score for view in views])
    folds = np.array([zlib.crc32(row["text"].encode("utf-8")) % FOLDS for row in rows])
    is_extra = np.arange(len(rows)) >= len(tuning) + len(ordinary)
    is_ordinary = ~is_extra & (np.arange(len(rows)) >= len(tuning))
    weights = np.where(is_ordinary, ORDINARY_WEIGHT, 1.0)
    oof = np.zeros(len(rows))
    for fold in range(FOLDS):
        train = np.flatnonzero(folds != fold)
        w, b = fit([feats[i] for i in train], labels[train], weights[train])
        held = np.flatnonzero(folds == fold)
        oof[held] = _logits([feats[i] for i in held], w, b)
    stack = fit_stack(rule[is_extra], oof[is_extra], labels[is_extra])
    model_weights, bias = fit(feats, labels, weights)
    meta = {
        "trained_on": [
            "tests/data/scam_messages.jsonl",
            "hocai/safety/data/scam_extra.jsonl",
            f"viwiki-sample: {sum(r['kind'] == 'wikipedia' for r in ordinary)} paragraphs of articles "
            f"{WIKI_OFFSET} mod {WIKI_EVERY}",
            "sib200-vi/train.tsv",
        ],
        "messages": len(rows),
        "scams": int(labels.sum()),
        "l2": L2,
        "steps": STEPS,
        "folds": FOLDS,
        "ordinary_weight": ORDINARY_WEIGHT,
    }
    data = scam_model.encode(model_weights, bias, stack, meta)
    if verbose:
        joined = 1 / (1 + np.exp(-(stack[0] + stack[1] * rule + stack[2] * oof)))
        decisive = np.array([bool(scam._judge_rules(*view).keys & scam.DECISIVE) for view in views])
        joined = np.where(decisive & (rule >= scam.THRESHOLD), np.maximum(joined, rule), joined)
        is_tuning = np.arange(len(rows)) < len(tuning)
        for name, mask in (("tuning", is_tuning), ("ordinary", ~is_tuning & ~is_extra), ("extra", is_extra)):
            for label, score in (("rules", rule >= scam.THRESHOLD), ("model", oof >= 0), ("joined", joined >= 0.5)):
                acc = float(np.mean(score[mask] == labels[mask]))
                rec = float(np.mean(score[mask & labels])) if (mask & labels).any() else 0.0
                fpr = float(np.mean(score[mask & ~labels])) if (mask & ~labels).any() else 0.0
                print(f"out-of-fold {name:8} {label:6} accuracy {acc:.3f} recall {rec:.3f} genuine flagged {fpr:.3f}")
        print(f"stack {stack}")
    if out is not None:
        out.write_bytes(data)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the scam checker's learned model.")
    parser.add_argument("--out", type=Path, default=scam_model.MODEL_PATH)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    data = build(args.out, verbose=not args.quiet)
    print(f"Written {args.out} ({len(data) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
