"""Vietnamese text normalisation used wherever participants' text enters the kit.

Keyboards and operating systems produce Vietnamese in NFC (precomposed) and NFD (decomposed) form, and
with the tone mark on either vowel of "oa", "oe", "uy" ("hoà" and "hòa"). Comparing answers, matching
patterns or hashing without normalising first makes equal answers differ.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "nfc",
    "clean",
    "collapse_spaces",
    "fold_case",
    "canonical_tones",
    "fold_tones",
    "strip_diacritics",
    "normalize_answer",
    "ascii_slug",
]

# Combining marks that carry a Vietnamese tone (huyền, sắc, hỏi, ngã, nặng).
TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
# Combining marks that shape a vowel (â ê ô, ă, ơ ư); the tone sits on a vowel that has one.
SHAPE_MARKS = {"\u0302", "\u0306", "\u031b"}
VOWELS = set("aeiouyAEIOUY")

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WORD = re.compile(r"\w+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form the kit stores and compares."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Fold runs of spaces (including no-break and other Unicode spaces) into one; keep line breaks."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(lines).strip()


def clean(text: str) -> str:
    """NFC, without control or invisible characters, with spaces folded: the form every boundary stores."""
    text = _CONTROL.sub("", _INVISIBLE.sub("", nfc(text)))
    return collapse_spaces(text)


def fold_case(text: str) -> str:
    """Case-insensitive form; ``casefold`` keeps Vietnamese letters intact (Đ → đ)."""
    return nfc(nfc(text).casefold())


def _place_tone(word: str) -> str:
    """Move a word's tone mark onto the vowel the traditional rule gives (hoà → hòa, thuỷ → thủy)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    if len(tones) != 1:
        return word
    tone = tones[0]
    # Group base letters with their combining marks (tone removed).
    letters: list[list[str]] = []
    for ch in decomposed:
        if ch in TONE_MARKS:
            continue
        if unicodedata.combining(ch) and letters:
            letters[-1].append(ch)
        else:
            letters.append([ch])
    bases = [group[0] for group in letters]
    vowel_idx = [i for i, b in enumerate(bases) if b in VOWELS]
    if not vowel_idx:
        return word
    first, last = vowel_idx[0], vowel_idx[-1]
    if vowel_idx != list(range(first, last + 1)):
        return word  # not a single Vietnamese syllable
    lower = "".join(bases).lower()
    # "qu" and "gi" before another vowel belong to the initial consonant.
    if (
        first > 0
        and len(vowel_idx) > 1
        and ((lower[first - 1] == "q" and lower[first] == "u") or (lower[first - 1] == "g" and lower[first] == "i"))
    ):
        vowel_idx = vowel_idx[1:]
        first = vowel_idx[0]
    shaped = [i for i in vowel_idx if any(m in SHAPE_MARKS for m in letters[i][1:])]
    if shaped:
        target = shaped[-1]  # ươ → ơ
    elif len(vowel_idx) == 1:
        target = first
    elif last < len(bases) - 1:
        target = last  # closed syllable: hoàn, tuyết
    elif len(vowel_idx) == 3:
        target = vowel_idx[1]
    else:
        target = first  # open two-vowel syllable: hòa, thủy, mùa
    letters[target].append(tone)
    return unicodedata.normalize("NFC", "".join("".join(g) for g in letters))


def canonical_tones(text: str) -> str:
    """Put every tone mark where the traditional rule places it, so both keyboard styles compare equal."""
    return _WORD.sub(lambda m: _place_tone(m.group(0)), nfc(text))


def fold_tones(text: str) -> str:
    """Remove the five tone marks but keep vowel shapes (hòa → hoa, số → sô): for tone-insensitive checks."""
    decomposed = unicodedata.normalize("NFD", text)
    return nfc("".join(ch for ch in decomposed if ch not in TONE_MARKS))


def strip_diacritics(text: str) -> str:
    """Remove every diacritic and map đ → d (Nguyễn Văn Đức → Nguyen Van Duc)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return nfc("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def normalize_answer(text: str, *, tone_insensitive: bool = False) -> str:
    """The comparison form of a typed answer: cleaned, canonical tones, one case, single spaces."""
    text = collapse_spaces(clean(text).replace("\n", " "))
    text = fold_case(canonical_tones(text)).strip(" .,;:!?\"'“”")
    return fold_tones(text) if tone_insensitive else text


def ascii_slug(text: str, sep: str = "") -> str:
    """Lowercase ASCII letters and digits of ``text`` (for usernames and file names)."""
    words = re.findall(r"[a-z0-9]+", strip_diacritics(nfc(text)).lower())
    return sep.join(words)
