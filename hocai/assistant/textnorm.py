"""Vietnamese terms for search: syllable unigrams and bigrams, matched without tones or diacritics (đ → d).

Function words are recognised with their tones ("máy" is a word, "mấy" is not); typed without tones, only
the forms that cannot be a content word are dropped ("co", "khong", "la gi" go; "may", "ban", "the" stay,
since they can be "máy", "bản", "thẻ").
"""

from __future__ import annotations

import re

from hocai.text import nfc, strip_diacritics

_WORD = re.compile(r"(\w+)", re.UNICODE)

# Question words, particles and pronouns participants type ("là gì", "thế nào", "làm sao", "có được không",
# "cô ơi cho em hỏi", "ko", "giùm", "mấy"): they carry no topic, so they neither score nor count as matched.
STOP_ACCENTED = frozenset(
    """
là gì thế nào làm sao có không của và tôi bạn như cho khi thì một những các được để với trong này đó vậy hay
hoặc ở vì nếu mà sẽ đã đang cần phải em anh chị mình à ạ ư ừ nhé đi về ra lên từ đến bằng nên rất cũng chưa vào
còn cả mọi nhiều ít hơn nhất bao giờ nhiêu ơi nhỉ kia ấy đây đấy biết giúp hỏi xin muốn ko k kg hok hông hổng
giùm dùm nha hả hở há đâu mấy gồm nghĩa tui thầy cô ông bà cái chiếc hoài luôn rồi lại chứ thôi j gi đc dc vs
mỗi nó tại sao vậy thì thế nữa hãy xem cho biết dạ vâng ạ ơi nhé nhá ấy thưa
""".split()
)

# Toneless forms that are also common content words: kept as words when typed without tones.
AMBIGUOUS = frozenset(
    """
may ban ma chu do de tu ca thay toi dau cho ba ong lai hay nay con tai the vay da dang can anh chi ve den bang
chua moi nhat bao day nha ho no thi vi gio vang
""".split()
)

STOP_FOLDED = frozenset(strip_diacritics(w) for w in STOP_ACCENTED) - AMBIGUOUS
STOPWORDS = STOP_FOLDED  # folded words that never carry a topic (the threshold ignores them)

_FIRST_VOWEL = re.compile(r"[aeiouyw]")

# Regional and spoken forms (Central: "rứa", "răng", "mô", "chi"; Southern: "hông", "dzậy", "xài", "vô") written
# the way the lessons write them, so that they are recognised as question words or as the course's words.
# Matched with their tones only: toneless "rua", "rang", "mo" may be other words.
REGIONAL = {
    "rứa": "vậy",
    "dzậy": "vậy",
    "zậy": "vậy",
    "dậy": "vậy",
    "vầy": "vậy",
    "dzị": "vậy",
    "zị": "vậy",
    "hông": "không",
    "hổng": "không",
    "hem": "không",
    "hok": "không",
    "khôg": "không",
    "ni": "này",
    "nớ": "đó",
    "tê": "kia",
    "chừ": "giờ",
    "hè": "nhỉ",
    "hén": "nhỉ",
    "hen": "nhé",
    "nghen": "nhé",
    "nè": "nhé",
    "nhen": "nhé",
    "thiệt": "thật",
    "vô": "vào",
    "dzô": "vào",
    "zô": "vào",
    "xài": "dùng",
    "coi": "xem",
    "mần": "làm",
    "nhứt": "nhất",
    "hổm": "hôm",
    "tụi": "bọn",
    "bả": "bà",
    "ổng": "ông",
}
# Words that are a question word in one place and part of a content word in another: "chi" is "gì" except in
# "chi bộ", "chi phí"; "mô" is "đâu" except in "mô hình"; "răng" is "sao" except after "đau", "sâu", "bàn chải".
_CONTEXT = {
    "chi": ("gì", {"bộ", "tiết", "phí", "tiêu", "nhánh", "cục", "hội", "trả", "viện", "đoàn", "ra", "li"}, set()),
    "mô": ("đâu", {"hình", "phỏng", "tả", "tơ", "đun", "típ", "men"}, set()),
    "răng": ("sao", {"miệng", "sữa", "khôn", "hàm"}, {"đau", "sâu", "chải", "nhổ", "hàm", "cái"}),
}


def standardise(text: str) -> str:
    """The question with regional and spoken words in the lessons' standard form ("răng" → "sao")."""
    pieces = _WORD.split(nfc(text))  # words at odd positions
    words = [w.lower() for w in pieces[1::2]]
    out = list(pieces)
    for k, w in enumerate(words):
        new = REGIONAL.get(w)
        if w in _CONTEXT:
            plain, before_ok, after_ok = _CONTEXT[w]
            nxt = words[k + 1] if k + 1 < len(words) else ""
            prev = words[k - 1] if k else ""
            new = None if nxt in before_ok or prev in after_ok else plain
        if new is not None:
            out[2 * k + 1] = new
    return "".join(out)


def fold(text: str) -> str:
    """Lower case, NFC, every diacritic removed and đ → d: 'Ảo giác' and 'ao giac' meet."""
    return strip_diacritics(nfc(text).lower())


def syllables(text: str, *, folded: bool = True) -> list[str]:
    source = fold(text) if folded else nfc(text).lower()
    return _WORD.findall(source)


def is_stop(word: str) -> bool:
    """A lower-case syllable as typed: a function word with its tones, or an unambiguous toneless one."""
    if word in STOP_ACCENTED:
        return True
    return word == strip_diacritics(word) and word in STOP_FOLDED


def _content(word: str) -> bool:
    return not is_stop(word) and (len(word) > 1 or word.isdigit())


def terms(text: str, *, folded: bool = True) -> list[str]:
    """Content syllables plus every adjacent syllable pair ("du_lieu") that is not two function words."""
    words = syllables(text, folded=False)
    shown = [fold(w) for w in words] if folded else words
    keep = [_content(w) for w in words]
    unigrams = [s for s, k in zip(shown, keep, strict=True) if k]
    bigrams = [f"{shown[i]}_{shown[i + 1]}" for i in range(len(words) - 1) if keep[i] or keep[i + 1]]
    return unigrams + bigrams


def content_words(text: str) -> list[str]:
    """Distinct folded syllables that say what the question is about."""
    seen: dict[str, None] = {}
    for w in syllables(text, folded=False):
        if _content(w):
            seen.setdefault(fold(w), None)
    return list(seen)


def topic_words(text: str) -> list[str]:
    """Content words that cannot be a function word typed without tones: how long a question really is."""
    return [w for w in content_words(text) if w not in _ANY_STOP]


_ANY_STOP = frozenset(strip_diacritics(w) for w in STOP_ACCENTED)


# A Vietnamese syllable, folded: an onset, one to three vowels, a coda. "gpu", "iphone", "python" are not.
_SYLLABLE = re.compile(r"(ngh|ng|nh|ch|tr|th|ph|kh|gh|gi|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?")


def is_syllable(word: str) -> bool:
    """Could this folded word be a Vietnamese syllable (rather than a foreign name or word)?"""
    return bool(_SYLLABLE.fullmatch(word))


def untelex(word: str) -> str:
    """A syllable typed with Telex keys but no Vietnamese keyboard ("nhieetj", "ddooj", "luwaf"), toneless.

    After the first vowel, s f r x j are tone keys (no Vietnamese syllable ends in them); aa ee oo dd mark
    â ê ô đ, and w marks ă ơ ư. Returns the folded syllable, or the word itself when nothing was typed so.
    """
    w = word.lower()
    if not w.isascii() or not w.isalpha():
        return word
    first = _FIRST_VOWEL.search(w)
    if not first:
        return word
    out = w[: first.start()] + re.sub(r"[sfrxj]", "", w[first.start() :])
    out = out.replace("dd", "d").replace("aa", "a").replace("ee", "e").replace("oo", "o")
    out = re.sub(r"([aou])w", r"\1", out).replace("w", "u")
    return out
