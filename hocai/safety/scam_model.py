"""The learned half of the scam checker: hashed word and character n-grams with a logistic regression.

The rules in ``scam.py`` explain; this model generalises to wordings nobody wrote a rule for. It reads the
same folded view of a message as the rules (lower case, no diacritics, chat shorthand spelled out), so a
message typed without accents is judged like an accented one. Features are hashed with CRC-32 into a fixed
table, so the shipped model is one small array of weights and the same on every platform. Built by
``python -m hocai.safety.train_scam`` from the tuning set and ``hocai/safety/data/scam_extra.jsonl``.
"""

from __future__ import annotations

import base64
import json
import math
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["MODEL_PATH", "Model", "features", "load_model", "phrases"]

MODEL_PATH = Path(__file__).with_name("scam_model.json")
BUCKETS = 1 << 16
# A message longer than this is judged on its beginning: scam messages are short, and the cost stays flat.
MAX_CHARS = 4000
CHAR_NGRAMS = (3, 4, 5)

_DIGIT = re.compile(r"\d")
_WORDS = re.compile(r"[a-z0-9]+")
_SPACES = re.compile(r"\s+")


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (BUCKETS - 1)


def _words(flat: str) -> list[re.Match]:
    return list(_WORDS.finditer(_DIGIT.sub("0", flat[:MAX_CHARS])))


def features(flat: str) -> np.ndarray:
    """Sorted distinct buckets of a folded message's word 1-2-grams and character 3-5-grams."""
    words = [m.group() for m in _words(flat)]
    grams = {"w" + w for w in words}
    grams.update("b" + a + " " + b for a, b in zip(words, words[1:], strict=False))
    text = " " + _SPACES.sub(" ", _DIGIT.sub("0", flat[:MAX_CHARS])).strip() + " "
    for n in CHAR_NGRAMS:
        grams.update("c" + text[i : i + n] for i in range(len(text) - n + 1))
    return np.array(sorted({_bucket(g) for g in grams}), dtype=np.int64)


@dataclass(frozen=True)
class Model:
    """Weights per bucket, a bias, and the stacking that joins the model's log-odds with the rules' score."""

    weights: np.ndarray
    bias: float
    stack: tuple[float, float, float]  # intercept, weight of the rules' score, weight of the model's log-odds

    def logit(self, flat: str) -> float:
        """The model's log-odds that the message is a scam."""
        found = features(flat)
        if not len(found):
            return self.bias
        return float(self.weights[found].sum() / math.sqrt(len(found)) + self.bias)

    def combined(self, rule_score: float, logit: float) -> float:
        """Probability of a scam given both halves."""
        intercept, w_rule, w_model = self.stack
        z = intercept + w_rule * rule_score + w_model * logit
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# Words too common to explain anything on their own (folded): forms of address, particles, prepositions.
_COMMON = frozenset(
    "a ai anh ba bac ban bi bo cac can cha chi chau cho chu co con cua cung da dang day de den di do duoc em gi "
    "giup ha hay khi khong la lai len luc ma me minh mot nay ne neu nha nhe nhung nua o oi ong ra roi se sau tai "
    "thi toi trong tu va vao ve voi vi xin".split()
)


def _telling(key: str) -> bool:
    words = key[1:].split()
    informative = any(w not in _COMMON and re.search("[a-z]{2}", w) for w in words)
    return informative and all(re.search("[a-z]", w) for w in words)


def phrases(model: Model, flat: str, low: str, limit: int = 3) -> list[str]:
    """The message's own word pairs (or words) that push hardest towards "scam", as written (with accents).

    Vietnamese words are mostly two syllables ("tài khoản"), so a pair scores its own weight plus both of its
    syllables', and a syllable alone its own.
    """
    matches = _words(flat)
    weight = lambda key: float(model.weights[_bucket(key)])  # noqa: E731
    scored: list[tuple[float, int, int]] = []
    for i, match in enumerate(matches):
        candidates = [((match.start(), match.end()), "w" + match.group(), weight("w" + match.group()))]
        if i + 1 < len(matches):
            after = matches[i + 1]
            pair = "b" + match.group() + " " + after.group()
            candidates.append(
                (
                    (match.start(), after.end()),
                    pair,
                    weight(pair) + weight("w" + match.group()) + weight("w" + after.group()),
                )
            )
        for (start, end), key, value in candidates:
            if not _telling(key) or value <= 0:
                continue
            scored.append((value, start, end))
    view = low if len(low) == len(flat) else flat
    spans: list[tuple[int, int]] = []
    chosen: list[str] = []
    for _, start, end in sorted(scored, key=lambda item: (-item[0], item[1])):
        phrase = view[start:end]
        if phrase in chosen or any(start < e and s < end for s, e in spans):
            continue
        spans.append((start, end))
        chosen.append(phrase)
        if len(chosen) == limit:
            break
    return chosen


def encode(weights: np.ndarray, bias: float, stack: tuple[float, float, float], meta: dict) -> bytes:
    """The model file: int16 weights with one scale, as JSON with sorted keys (byte-for-byte reproducible)."""
    scale = float(np.abs(weights).max()) / 32767 or 1.0
    scale = float(f"{scale:.6e}")
    quantised = np.round(weights / scale).astype("<i2")
    record = {
        "format": "hocai-scam-model-1",
        "buckets": BUCKETS,
        "char_ngrams": list(CHAR_NGRAMS),
        "scale": scale,
        "bias": round(bias, 6),
        "stack": [round(x, 6) for x in stack],
        "weights_int16_base64": base64.b64encode(quantised.tobytes()).decode("ascii"),
        "meta": meta,
    }
    return (json.dumps(record, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def decode(data: bytes) -> Model:
    record = json.loads(data.decode("utf-8"))
    if record.get("format") != "hocai-scam-model-1" or record.get("buckets") != BUCKETS:
        raise ValueError("unknown scam model format")
    quantised = np.frombuffer(base64.b64decode(record["weights_int16_base64"]), dtype="<i2")
    return Model(quantised.astype(np.float64) * record["scale"], float(record["bias"]), tuple(record["stack"]))


@lru_cache(maxsize=1)
def load_model() -> Model | None:
    """The shipped model, or None when it is missing (the rules then judge alone)."""
    try:
        return decode(MODEL_PATH.read_bytes())
    except (OSError, ValueError, KeyError):
        return None
