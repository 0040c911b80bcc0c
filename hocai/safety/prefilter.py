"""A literal prefilter for regular expressions: skip the regex engine on texts that cannot match.

Most scam rules start with a word ("otp", "chuyen", "link"...). ``FastPattern`` works out, from the pattern's
source, the literal text every match must start with (one per top-level alternative) and only runs the
regex when the text contains one of them. When some alternative has no literal lead (a leading class,
an optional group...), ``leads`` is None and the regex always runs, so the prefilter never hides a match.
"""

from __future__ import annotations

import re

_META = set("\\.^$*+?{}[]()|")


def split_branches(src: str) -> list[str]:
    """The top-level alternatives of a regular expression's source."""
    parts, current, depth, i = [], "", 0, 0
    while i < len(src):
        char = src[i]
        if char == "\\":
            current += src[i : i + 2]
            i += 2
            continue
        if char == "[":
            end = i + 1
            while end < len(src) and src[end] != "]":
                end += 2 if src[end] == "\\" else 1
            current += src[i : end + 1]
            i = end + 1
            continue
        depth += char == "("
        depth -= char == ")"
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
        i += 1
    return parts + [current]


def _group_end(src: str, start: int) -> int:
    depth, i = 0, start
    while i < len(src):
        if src[i] == "\\":
            i += 2
            continue
        depth += src[i] == "("
        depth -= src[i] == ")"
        if depth == 0:
            return i
        i += 1
    return len(src)


def leads(src: str) -> list[str] | None:
    """Literal text every match must start with, one per alternative; None when some branch has none."""
    found: list[str] = []
    for branch in split_branches(src):
        while True:
            if branch.startswith("\\b"):
                branch = branch[2:]
            elif branch.startswith(("(?<!", "(?<=", "(?!", "(?=")):
                branch = branch[_group_end(branch, 0) + 1 :]
            else:
                break
        if branch.startswith("(?:"):
            end = _group_end(branch, 0)
            if branch[end + 1 : end + 2] in ("?", "*", "{"):
                return None
            inner = leads(branch[3:end])
            if inner is None:
                return None
            found.extend(inner)
            continue
        literal, i = "", 0
        while i < len(branch):
            char = branch[i]
            if char == "\\" and i + 1 < len(branch) and not branch[i + 1].isalnum():
                char, step = branch[i + 1], 2
            elif char in _META:
                break
            else:
                step = 1
            if branch[i + step : i + step + 1] in ("?", "*", "{"):
                break
            literal += char
            i += step
        if not literal:
            return None
        found.append(literal)
    return found


class FastPattern:
    """A compiled pattern that skips texts lacking every literal its matches must start with."""

    def __init__(self, pattern: str):
        self.regex = re.compile(pattern)
        found = leads(pattern)
        self.leads = tuple(sorted(set(found), key=len)) if found else None

    def _may_match(self, text: str) -> bool:
        return self.leads is None or any(lead in text for lead in self.leads)

    def search(self, text: str):
        return self.regex.search(text) if self._may_match(text) else None

    def finditer(self, text: str):
        return self.regex.finditer(text) if self._may_match(text) else iter(())

    def findall(self, text: str) -> list:
        return self.regex.findall(text) if self._may_match(text) else []
