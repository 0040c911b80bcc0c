"""Misspelt syllables ("promt", "xai", "liêu") mapped to a course word one edit away (symmetric deletes), and
syllables typed with Telex keys but no Vietnamese keyboard ("nhieetj" → "nhiet")."""

from __future__ import annotations

from hocai.assistant.textnorm import untelex


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

    def correct(self, word: str) -> str:
        """The word itself when known or too short, else the most common course word one edit away."""
        if word in self.df or word in self.known or len(word) < 3 or word.isdigit():
            return word
        plain = untelex(word)
        if plain != word and (plain in self.df or plain in self.known):
            return plain
        candidates = set(self.by_delete.get(word, []))
        for d in _deletes(word):
            candidates.update(self.by_delete.get(d, []))
        candidates = {c for c in candidates if abs(len(c) - len(word)) <= 1}
        return max(sorted(candidates), key=lambda c: self.df[c]) if candidates else word
