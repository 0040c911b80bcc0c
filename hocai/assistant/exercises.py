"""Exercise questions: recognise one (verbatim or paraphrased) and know which texts its key would give away.

The assistant answers an exercise question with a pointer to the lesson section only; these texts are
what tests/unit/test_assistant_leak.py checks never appear in a reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from hocai.assistant.textnorm import fold, terms, topic_words
from hocai.exercise import bank

EXERCISE_MATCH = 0.6  # share of the question's terms (syllables and pairs) found in one stem: that exercise
EXERCISE_NEAR = 0.4  # from here on, passages holding that exercise's key texts are left out of the reply
VERBATIM = 0.9  # a short question counts as the exercise only when copied from it
COPIED = 0.5  # ... and holds at least this share of the exercise's own question (its prompt)
MIN_WORDS = 10  # an exercise question quotes its situation; a short question is a question about the lesson


@dataclass(frozen=True)
class Stem:
    """What a participant sees of one variant, and the key texts it must not be told."""

    lesson: int
    objective: str
    words: frozenset[str]
    keys: tuple[str, ...]
    seen: str
    asks: frozenset[str] = frozenset()  # the terms of its prompt, the question itself


def _keys(kind: str, variant: dict) -> list[str]:
    options = {o["id"]: o["text"] for o in variant.get("options", [])}
    answer = variant.get("answer")
    answers = answer if isinstance(answer, list) else [answer]
    if kind in ("single", "multiple", "mark_pii", "matching"):
        keys = [options[a] for a in answers if isinstance(a, str) and a in options]
    elif kind == "ordering":
        keys = []  # the items are on screen; only their order is the key
    else:
        keys = [a for a in answers if isinstance(a, str) and not a.isdigit()]
    return [k for k in keys + list(variant.get("accepted", [])) if isinstance(k, str) and k.strip()]


def _seen(variant: dict) -> str:
    parts = [variant.get("prompt", ""), variant.get("text", ""), variant.get("original", "")]
    parts += [i["text"] for i in variant.get("items", [])] + [o["text"] for o in variant.get("options", [])]
    return "\n".join(p for p in parts if isinstance(p, str))


@cache
def stems() -> tuple[Stem, ...]:
    out = []
    for name in bank.names():
        data = bank.load(name)
        lesson = int(name[-2:])
        for slot in data["questions"]:
            for variant in slot["variants"]:
                seen = _seen(variant)
                out.append(
                    Stem(
                        lesson,
                        slot["objective"],
                        frozenset(terms(seen)),
                        tuple(_keys(slot["type"], variant)),
                        seen,
                        frozenset(terms(variant.get("prompt", ""))),
                    )
                )
    return tuple(out)


def match(question: str) -> tuple[Stem | None, float]:
    """The exercise stem the question most looks like, and the share of its content words in that stem."""
    words = set(terms(question))
    few = len(topic_words(question)) < MIN_WORDS
    if len(words) < 4:
        return None, 0.0
    best, share = None, 0.0
    for stem in stems():
        s = sum(w in stem.words for w in words) / len(words)
        if s > share:
            best, share = stem, s
    copied = best is not None and sum(w in words for w in best.asks) >= COPIED * len(best.asks)
    if few and (share < VERBATIM or not copied):
        return best, min(share, EXERCISE_NEAR - 0.01)  # short and not copied: a question about the lesson
    return best, share


def near(question: str) -> list[Stem]:
    """Every exercise variant the question is close to (not only the closest): their keys stay out of a reply."""
    words = set(terms(question))
    if len(topic_words(question)) < MIN_WORDS or not words:
        return []
    return [stem for stem in stems() if sum(w in stem.words for w in words) / len(words) >= EXERCISE_NEAR]


def holds_key(text: str, stem: Stem) -> bool:
    """Does ``text`` contain one of the stem's key texts (folded, so tones do not hide it)?"""
    folded = fold(text)
    return any(fold(k) in folded for k in stem.keys if len(k) >= 2)
