"""Misspelt syllables ("promt", "xai", "liêu") mapped to a course word one edit away (symmetric deletes),
syllables typed with Telex keys but no Vietnamese keyboard ("nhieetj" → "nhiet"), and the letters chat-style
typing puts for Vietnamese ones ("fải" → "phai", "jờ" → "gio", "zậy" → "day", "đúg" → "dung")."""

from __future__ import annotations

import re

from hocai.assistant.textnorm import untelex

# Chat-style spellings: f for ph, j for gi, z for d or gi, w for qu, a final g for ng, a final k for c or ch.
_RESPELL = (
    (re.compile(r"^f"), "ph"),
    (re.compile(r"^j"), "gi"),
    (re.compile(r"^z"), "d"),
    (re.compile(r"^z"), "gi"),
    (re.compile(r"^w"), "qu"),
    (re.compile(r"(?<=[aeiouy])g$"), "ng"),
    (re.compile(r"(?<=[aeiouy])k$"), "c"),
    (re.compile(r"(?<=[aeiouy])k$"), "ch"),
)


def respell(word: str) -> list[str]:
    """The syllables a chat-style spelling may stand for ("fai" → ["phai"]); none when it has no such letter."""
    out = []
    for pattern, letters in _RESPELL:
        new = pattern.sub(letters, word, count=1)
        if new != word and new not in out:
            out.append(new)
    return out


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Speller:
    def __init__(self, vocabulary: dict[str, int], known: set[str] = frozenset()):
        """``vocabulary``: folded syllable → how many passages hold it (the more common wins a tie);
        ``known``: real syllables from wider text (the kit's corpus), never "corrected" into course words."""
        self.df = vocabulary
        self.known = known
        self.by_delete: dict[str, list[str]] = {}
        for word in vocabulary:
            if len(word) >= 3:
                for d in _deletes(word) | {word}:
                    self.by_delete.setdefault(d, []).append(word)

    def near(self, word: str) -> set[str]:
        """Course words one edit away from ``word`` (itself excluded), and its chat-style respellings."""
        candidates = set(self.by_delete.get(word, []))
        for d in _deletes(word):
            candidates.update(self.by_delete.get(d, []))
        candidates = {c for c in candidates if abs(len(c) - len(word)) <= 1 and c != word}
        return candidates | {c for c in respell(word) if c in self.df}

    def correct(self, word: str) -> str:
        """The word itself when known or too short, else the most common course word one edit away."""
        if word in self.df or word in self.known or len(word) < 3 or word.isdigit():
            return word
        plain = untelex(word)
        if plain != word and (plain in self.df or plain in self.known):
            return plain
        for other in respell(word):
            if other in self.df or other in self.known:
                return other
        candidates = set(self.by_delete.get(word, []))
        for d in _deletes(word):
            candidates.update(self.by_delete.get(d, []))
        candidates = {c for c in candidates if abs(len(c) - len(word)) <= 1}
        return max(sorted(candidates), key=lambda c: self.df[c]) if candidates else word
