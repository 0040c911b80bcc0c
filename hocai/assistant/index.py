"""The search index over the course: built once per content hash, cached on disk, rebuilt when files change."""

from __future__ import annotations

import hashlib
import math
import pickle
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hocai import settings
from hocai.assistant import background, synonyms
from hocai.assistant import passages as P
from hocai.assistant.bm25 import BM25
from hocai.assistant.spelling import Speller
from hocai.assistant.textnorm import (
    STOPWORDS,
    fold,
    is_stop,
    is_syllable,
    standardise,
    syllables,
    terms,
    topic_words,
)

VERSION = "5"
LESSON0_WEIGHT = 0.4  # the trainer's guide repeats each lesson in brief; the lesson itself should win
TITLE_WEIGHT = 0.5  # a lesson's title and goals name every topic; the section teaching it should win
SUMMARY_WEIGHT = 0.85  # the summary restates a lesson's sections in one line each
LESSON_TITLE_BOOST = 2  # a lesson's title says what each of its sections is about too
HEADING_BOOST = 3  # a section's heading says what it is about: its terms count this many times more
# Chosen by the worse of the two dev sets (tests/data/assistant_dev*_questions.jsonl), never the blind set.
# How much a word of the question says, from how rare it is in generic Vietnamese (background.idf): in the
# ranking, a word at INFO_FULL or rarer counts fully, a common one ("người", "năm", "nói") proportionally less.
INFO_FULL = 2.0
INFO_CAP = 8.0  # in the coverage, an unseen word (a name, a typo left as it is) weighs no more than this
INFO_FLOOR = 1.0  # ... and every word weighs this much less: what a word says beyond a run-of-the-mill word
LONG_WORDS = 10  # a question with this many content words tells a story before it asks:
STORY_WEIGHT = 0.5  # its words before the last QUESTION_SHARE of the question count this much
QUESTION_SHARE = 0.45
TAIL_WORDS = 4  # and the coverage of its last clauses holding this many content words counts too (the better)
TOPIC_SHARE = 0.25  # a word in this share of the passages, and in TOPIC_MIN of them or more, ...
TOPIC_MIN = 3  # (a word of one or two passages is what they teach, not what the whole course is about)
TOPIC_RATIO = 3.0  # ... and e^this times more common there than in generic Vietnamese: the course's subject
FOREIGN_MIN = 3  # letters of a foreign word that counts (shorter ones are typos or initials)
OTHER_LESSON = 0.5  # a question naming a lesson: the other lessons' scores count this much
PARTIAL = 0.5  # a syllable of a two-syllable word ("khẩu" of "hộ khẩu") found only apart from its pair


def cache_dir() -> Path:
    return settings.kit().cache / "assistant"


def content_hash(files: list[Path]) -> str:
    """Of the indexed files and of the code that turns them into an index: either changing means a rebuild."""
    h = hashlib.sha256(VERSION.encode())
    code = [
        Path(__file__).with_name(n)
        for n in (
            "index.py",
            "passages.py",
            "textnorm.py",
            "bm25.py",
            "spelling.py",
            "synonyms.py",
            "background.py",
            "background_df.tsv",
            "background_pairs.tsv",
        )
    ]
    for f in [*code, *files]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:20]


def _weight(p: P.Passage) -> float:
    if p.lesson == 0:
        return LESSON0_WEIGHT
    if not p.overview:
        return 1.0
    title = p.heading.startswith(f"Bài {p.lesson}.") or p.heading == "Mục tiêu"
    return TITLE_WEIGHT if title else SUMMARY_WEIGHT if p.heading == "Tóm tắt" else 1.0


_GLOSS = re.compile(r"\(\s*tiếng Anh:[^)]*\)", re.IGNORECASE)


def _searchable(text: str) -> str:
    """A passage's text without its English glosses ("(tiếng Anh: identity card)"): a participant's English word
    reaches the term through the glossary's synonyms, and a stray one ("card" of a graphics card) meets nothing."""
    return _GLOSS.sub(" ", text)


def _heading(p: P.Passage) -> str:
    return P._NUMBER.sub("", p.heading)


@dataclass
class Hit:
    passage: P.Passage
    score: float
    coverage: float
    pairs: int = 0  # the question's pairs of content words ("lừa đảo", "dữ liệu") found in the passage


class Index:
    """BM25 on folded syllable uni+bigrams plus accented unigrams; headings count more; everyday words and the
    glossary's variants are mapped to the course's words; misspelt and Telex-typed syllables are corrected."""

    def __init__(
        self, items: list[P.Passage], synonyms: list[tuple[tuple[str, ...], tuple[str, ...]]], *, folded: bool = True
    ):
        self.passages = items
        self.folded = folded
        self.synonyms = synonyms
        self.by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for variant, course in synonyms:  # longest first, as given
            self.by_first.setdefault(variant[0], []).append((variant, course))
        titles = {p.lesson: p.heading for p in items if p.lesson and p.heading.startswith(f"Bài {p.lesson}.")}
        docs = [
            self._doc_terms(_searchable(p.text))
            + self._doc_terms(_heading(p)) * (HEADING_BOOST if folded else 0)
            + self._doc_terms(titles.get(p.lesson, "")) * (LESSON_TITLE_BOOST if folded and p.lesson else 0)
            for p in items
        ]
        self.bm25 = BM25(docs)
        self.doc_words = [set(d) for d in docs]
        df: dict[str, int] = {}
        for p in items:
            for w in set(syllables(p.text)):
                df[w] = df.get(w, 0) + 1
        known = set(STOPWORDS)
        for f in P.corpus_files():
            known.update(syllables(f.read_text(encoding="utf-8", errors="replace")))
        self.speller = Speller(df, known)
        self.weights = np.array([_weight(p) for p in items])
        self.topic = _topic_words(docs)
        self.paragraph_words = [
            [
                set(self._doc_terms(x)) | set(self._doc_terms(_heading(p)))
                for x in _searchable(p.text).split("\n\n")
                if x.strip()
            ]
            for p in items
        ]
        self.definitions = [self._defined(p) for p in items]

    def _defined(self, p: P.Passage) -> frozenset[str]:
        """The content words of the term a passage defines: a glossary entry's term, or X of a heading "X là gì?"."""
        if p.heading == P.GLOSSARY_HEADING:
            paragraphs = [x for x in p.text.split("\n\n") if x.strip()]
            term = re.split(r"[(:]", paragraphs[-1], maxsplit=1)[0] if len(paragraphs) > 1 else ""
        elif not p.overview:
            words = syllables(_heading(p))
            term = " ".join(words[:-2]) if words[-2:] == ["la", "gi"] else ""
        else:
            term = ""
        return frozenset(t for t, s in self._tokens(term) if not s and len(t) > 1) if term else frozenset()

    def _doc_terms(self, text: str) -> list[str]:
        if not self.folded:
            return terms(text, folded=False)
        return terms(text) + ["~" + w for w in terms(text, folded=False) if "_" not in w]

    def _tokens(self, question: str) -> list[tuple[str, bool]]:
        """(folded syllable, is a function word): everyday words mapped to the course's, spelling fixed, then
        mapped again (a misspelt "promt" is "prompt" only after correction). A word typed with its tones is a
        function word only when those tones make it one ("trồng", "lạ" are not "trong", "là"); a word typed in
        capitals ("GPU") is an acronym, never "corrected" into a course word."""
        toks = [(fold(w), is_stop(w)) for w in syllables(question, folded=False)]
        toks = self._map(toks)
        caps = {fold(w) for w in _RAW_WORD.findall(question) if len(w) > 1 and w.isupper()}
        fixed = [t if s or t in caps else self.speller.correct(t) for t, s in toks]
        return self._map([(f, f in STOPWORDS) if f != t else (t, s) for f, (t, s) in zip(fixed, toks, strict=True)])

    def _map(self, toks: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
        out: list[tuple[str, bool]] = []
        words = tuple(t for t, _ in toks)
        i = 0
        while i < len(toks):
            for variant, course in self.by_first.get(words[i], ()):
                n = len(variant)
                if words[i : i + n] == variant and words[i : i + len(course)] != course:
                    out += [(c, c in STOPWORDS) for c in course]
                    i += n
                    break
            else:
                out.append(toks[i])
                i += 1
        return out

    def _query(self, question: str) -> tuple[list[str], set[str], dict[str, float], dict[str, tuple[float, set]]]:
        """The question's terms as the index holds them, its pairs of content words, each term's weight, and
        for each content word what it says and the pairs it forms with the content words next to it."""
        if not self.folded:  # the benchmark's baseline: the question's terms as typed, each word on its own
            query = self._doc_terms(question)
            words = {t: (_says(fold(t)), set()) for t in query if "_" not in t and fold(t) not in STOPWORDS}
            return query, {t for t in query if "_" in t}, {}, words
        question = standardise(question)
        toks = self._tokens(question)
        keep = [not s and (len(t) > 1 or t.isdigit()) for t, s in toks]
        unigrams = [t for (t, _), k in zip(toks, keep, strict=True) if k]
        bigrams = [f"{toks[i][0]}_{toks[i + 1][0]}" for i in range(len(toks) - 1) if keep[i] or keep[i + 1]]
        pairs = {f"{toks[i][0]}_{toks[i + 1][0]}" for i in range(len(toks) - 1) if keep[i] and keep[i + 1]}
        accented = ["~" + w for w in terms(question, folded=False) if "_" not in w]
        weights: dict[str, float] = {}
        place = _placement(keep)
        for i, (t, _) in enumerate(toks):
            w = place[i] * (_info(t) if keep[i] else 0.0)
            nxt = place[i + 1] * _info(toks[i + 1][0]) if i + 1 < len(toks) and keep[i + 1] else 0.0
            pair = f"{t}_{toks[i + 1][0]}" if i + 1 < len(toks) else ""
            for term, value in ((t, w), ("~" + t, w), (pair, max(w, nxt))):
                if term and value > weights.get(term, -1.0):
                    weights[term] = value
        for term in accented:  # accented forms weigh what their folded form weighs
            weights[term] = weights.get("~" + fold(term[1:]), weights.get(term, 1.0))
        units: dict[str, tuple[float, set]] = {}
        for i, (t, _) in enumerate(toks):
            if not keep[i]:
                continue
            near = {
                f"{toks[j][0]}_{toks[j + 1][0]}"
                for j in (i - 1, i)
                if 0 <= j < len(toks) - 1 and keep[j] and keep[j + 1]
            }
            # a two-syllable word of the course's or of generic Vietnamese ("dữ liệu", "hộ khẩu"), not "đèn vàng"
            near = {pair for pair in near if pair in self.bm25.postings or pair in background.pairs()}
            say = _says(t) * place[i]
            old = units.get(t, (0.0, set()))
            units[t] = (max(old[0], say), old[1] | near)
        return unigrams + bigrams + accented, pairs, weights, units

    def foreign(self, question: str) -> list[str]:
        """Foreign names and words the question asks about that the course never uses ("GPU" aside: a word in
        capitals may be a Vietnamese acronym): "iPhone", "Python", "Viettel", "Android". The course cannot
        answer a question about them, however many of its other words it shares."""
        if not self.folded:
            return []
        caps = {fold(w) for w in _RAW_WORD.findall(question) if len(w) > 1 and w.isupper()}
        return [
            t
            for t, s in self._tokens(standardise(question))
            if not s
            and len(t) >= FOREIGN_MIN
            and t.isalpha()
            and t not in caps
            and not is_syllable(t)
            and t not in self.bm25.postings
        ]

    def query_terms(self, question: str) -> list[str]:
        return self._query(question)[0]

    def subject(self, question: str) -> frozenset[str]:
        """What a question asking for a meaning ("X là gì?", "X nghĩa là gì", "X là cái chi vậy") asks about: the
        content words of X, as the index holds them; empty for any other question."""
        if not self.folded:
            return frozenset()
        for clause in _CLAUSE.split(standardise(question)):
            toks = self._tokens(clause)
            words = [t for t, _ in toks]
            for i in range(len(words) - 1):
                if words[i] == "la" and (words[i + 1] == "gi" or words[i + 1 : i + 3] == ["cai", "gi"]):
                    return frozenset(t for t, s in toks[:i] if not s and len(t) > 1)
        return frozenset()

    def defines(self, i: int, subject: frozenset[str]) -> bool:
        """Is passage i the definition of ``subject``: the glossary entry for it, or the section titled
        "X là gì?" (the course's subject words, "AI", aside when the rest still names it)?"""
        term = self.definitions[i]
        if not subject or not term:
            return False
        return term == subject or term - self.topic == subject - self.topic != set()

    def search(self, question: str, k: int = 3) -> list[Hit]:
        """The best passage of each of the k best sections (the glossary's terms are one section); a question
        asking what a term means gets the passages defining it first, wholly relevant (the words around the
        question, "nói dễ hiểu cho tui", say how to answer, not what about). A long question's coverage is the
        better of the whole and of its last clauses: the story before it may name what the course does not
        teach ("lúa mất mùa", "họp chi bộ"), while what it asks is in the section. A question naming a lesson
        ("đèn vàng trong bài 4") is about that lesson: the words naming it are left out, its sections come first."""
        question, lesson = named_lesson(question)
        query, pairs, weights, units = self._query(question)
        scores = self.bm25.scores(query, weights or None) * self.weights
        if lesson is not None and any(p.lesson == lesson for p in self.passages):
            scores = scores * np.array([1.0 if p.lesson == lesson else OTHER_LESSON for p in self.passages])
        subject = self.subject(question)
        tail = _tail(question)
        tail_units = self._query(tail)[3] if tail else {}
        defining = [i for i in range(len(self.passages)) if scores[i] > 0 and self.defines(i, subject)]
        out: list[Hit] = []
        seen: set[tuple] = set()
        for i in [*sorted(defining, key=lambda i: -scores[i]), *np.argsort(-scores)]:
            if scores[i] <= 0 or len(out) >= k:
                break
            p = self.passages[i]
            where = (p.lesson, p.heading, p.notebook)
            if where in seen:
                continue
            seen.add(where)
            cover = 1.0 if i in defining else max(self.coverage(units, i), self.coverage(tail_units, i))
            out.append(Hit(p, float(scores[i]), cover, len(pairs & self.doc_words[i])))
        return out

    def coverage(self, units: dict[str, tuple[float, set]], i: int) -> float:
        """The relevance signal: the mean of what passage i holds of the question (``held``) and what its best
        paragraph (with the heading) holds. A question the section answers has its words together in one
        paragraph; one that only shares everyday words with a long section finds them scattered over it."""
        whole = self.held(units, self.doc_words[i])
        near = max((self.held(units, words) for words in self.paragraph_words[i]), default=whole)
        return (whole + near) / 2

    def held(self, units: dict[str, tuple[float, set]], found: set[str]) -> float:
        """Share of what the question's content words say (their rarity in generic Vietnamese, the story before
        a long question counting less) that the terms ``found`` hold, a word of two syllables the course uses
        ("dữ liệu", "hộ khẩu") counting fully only when they have both together; two syllables the course never
        writes together ("đèn vàng") are two words, each counting on its own."""
        total = got = 0.0
        for word, (say, near) in units.items():
            total += say
            if word in self.topic or near & found or (word in found and not near):
                got += say
            elif word in found:
                got += PARTIAL * say
        return got / total if total else 0.0


_CLAUSE = re.compile(r"[,.;:!?\n]+")
_LESSON = re.compile(r"\b(?:bài|bai|bai hoc|bài học)\s*(?:số\s*|so\s*)?([1-9])\b", re.IGNORECASE)


def named_lesson(question: str) -> tuple[str, int | None]:
    """The question without the words naming a lesson ("trong bài 4"), and that lesson's number (None if none).
    "bài tập 4" names an exercise, not a lesson."""
    match = _LESSON.search(question)
    if not match:
        return question, None
    return question[: match.start()] + " " + question[match.end() :], int(match.group(1))


_RAW_WORD = re.compile(r"\w+")


def _tail(question: str) -> str:
    """The question part of a long question (LONG_WORDS content words or more): its last clauses, from the end
    back to TAIL_WORDS content words; '' for a short question."""
    if len(topic_words(question)) < LONG_WORDS:
        return ""
    clauses = [c for c in _CLAUSE.split(question) if c.strip()]
    tail = ""
    for c in reversed(clauses):
        tail = f"{c}, {tail}" if tail else c
        if len(topic_words(tail)) >= TAIL_WORDS:
            break
    return tail if len(topic_words(tail)) < len(topic_words(question)) else ""


def _topic_words(docs: list[list[str]]) -> set[str]:
    """The course's subject words ("AI", "chatbot"): in many of its passages and far more common there than in
    generic Vietnamese. A question naming one is about the course even where the section found does not repeat
    it, so in the coverage they count as found in every passage."""
    df: dict[str, int] = {}
    for d in docs:
        for w in set(d):
            if "_" not in w and not w.startswith("~") and not w.isdigit():
                df[w] = df.get(w, 0) + 1
    n = len(docs)
    return {
        w
        for w, k in df.items()
        if k >= max(TOPIC_SHARE * n, TOPIC_MIN) and math.log(k / n) + background.idf(w) >= TOPIC_RATIO
    }


def _info(word: str) -> float:
    """How much a folded syllable says, 0–1, from its rarity in generic Vietnamese."""
    return min(1.0, background.idf(word) / INFO_FULL)


def _says(word: str) -> float:
    """What a folded syllable tells, in the coverage: its rarity in generic Vietnamese, capped, above the floor."""
    return max(0.0, min(background.idf(word), INFO_CAP) - INFO_FLOOR)


def _placement(keep: list[bool]) -> list[float]:
    """1 for every token, except in a long question, whose story before the question itself counts less."""
    n = sum(keep)
    if n < LONG_WORDS:
        return [1.0] * len(keep)
    start = len(keep) * (1 - QUESTION_SHARE)
    return [1.0 if i >= start else STORY_WEIGHT for i in range(len(keep))]


_lock = threading.Lock()
_current: tuple[tuple, Index] | None = None


def _signature(files: list[Path]) -> tuple:
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)


def build() -> Index:
    return Index(P.all_passages(), synonyms.pairs())


def current() -> Index:
    """The index for the content on disk now: from memory, else the disk cache, else built (and cached)."""
    global _current
    files = P.sources()
    sig = _signature(files)
    if _current is not None and _current[0] == sig:
        return _current[1]
    with _lock:
        if _current is not None and _current[0] == sig:
            return _current[1]
        path = cache_dir() / f"index-{content_hash(files)}.pkl"
        index = None
        if path.exists():
            try:
                index = pickle.loads(path.read_bytes())
            except Exception:
                index = None
        if index is None:
            index = build()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(pickle.dumps(index))
                tmp.replace(path)
            except OSError:
                pass
        _current = (sig, index)
        return index
