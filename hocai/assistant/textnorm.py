"""Vietnamese terms for search: syllable unigrams and bigrams, matched without tones or diacritics (đ → d)."""

from __future__ import annotations

import re

from hocai.text import nfc, strip_diacritics

_WORD = re.compile(r"\w+", re.UNICODE)

# Folded function words: they carry no topic, so they neither score nor count as "matched" for the threshold.
STOPWORDS = frozenset("""
la gi the nao lam sao co khong cua va toi ban nhu cho khi thi mot nhung cac duoc de voi trong nay do vay hay
hoac o tai vi neu ma se da dang can phai em anh chi minh a u nhe di ve ra len tu den bang nen rat cung chua
vao thi con ca moi nhieu it hon nhat bao gio nhe oi nhi kia ay day cho biet giup hoi xin muon duoc
ko hok hong gium dum nha ha ho vay dau may gom nghia tui thay ong ba cai chiec hoai luon roi chua lai chu
""".split())  # the second line: question and colloquial particles participants type ("ko", "giùm", "mấy", "gồm")


def fold(text: str) -> str:
    """Lower case, NFC, every diacritic removed and đ → d: 'Ảo giác' and 'ao giac' meet."""
    return strip_diacritics(nfc(text).lower())


def syllables(text: str, *, folded: bool = True) -> list[str]:
    source = fold(text) if folded else nfc(text).lower()
    return _WORD.findall(source)


def terms(text: str, *, folded: bool = True) -> list[str]:
    """Content syllables plus every adjacent syllable pair ("du_lieu") of the text."""
    words = syllables(text, folded=folded)
    unigrams = [w for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    bigrams = [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    return unigrams + bigrams


def content_words(text: str) -> list[str]:
    """Distinct folded syllables that say what the question is about."""
    seen: dict[str, None] = {}
    for w in syllables(text):
        if w not in STOPWORDS and (len(w) > 1 or w.isdigit()):
            seen.setdefault(w, None)
    return list(seen)
