"""The search index over the course: built once per content hash, cached on disk, rebuilt when files change."""

from __future__ import annotations

import hashlib
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hocai import settings
from hocai.assistant import passages as P
from hocai.assistant import synonyms
from hocai.assistant.bm25 import BM25
from hocai.assistant.spelling import Speller
from hocai.assistant.textnorm import STOPWORDS, fold, is_stop, syllables, terms

VERSION = "2"
LESSON0_WEIGHT = 0.4  # the trainer's guide repeats each lesson in brief; the lesson itself should win
TITLE_WEIGHT = 0.5  # a lesson's title and goals name every topic; the section teaching it should win
SUMMARY_WEIGHT = 0.85  # the summary restates a lesson's sections in one line each
HEADING_BOOST = 3  # a section's heading says what it is about: its terms count this many times more


def cache_dir() -> Path:
    return settings.kit().cache / "assistant"


def content_hash(files: list[Path]) -> str:
    """Of the indexed files and of the code that turns them into an index: either changing means a rebuild."""
    h = hashlib.sha256(VERSION.encode())
    code = [Path(__file__).with_name(n)
            for n in ("index.py", "passages.py", "textnorm.py", "bm25.py", "spelling.py", "synonyms.py")]
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

    def __init__(self, items: list[P.Passage], synonyms: list[tuple[tuple[str, ...], tuple[str, ...]]], *,
                 folded: bool = True):
        self.passages = items
        self.folded = folded
        self.synonyms = synonyms
        docs = [self._doc_terms(p.text) + self._doc_terms(_heading(p)) * (HEADING_BOOST if folded else 0)
                for p in items]
        self.bm25 = BM25(docs)
        self.doc_words = [set(d) for d in docs]
        self.max_idf = max(self.bm25.idf.values(), default=1.0)
        df: dict[str, int] = {}
        for p in items:
            for w in set(syllables(p.text)):
                df[w] = df.get(w, 0) + 1
        known = set(STOPWORDS)
        for f in P.corpus_files():
            known.update(syllables(f.read_text(encoding="utf-8", errors="replace")))
        self.speller = Speller(df, known)
        self.weights = np.array([_weight(p) for p in items])

    def _doc_terms(self, text: str) -> list[str]:
        if not self.folded:
            return terms(text, folded=False)
        return terms(text) + ["~" + w for w in terms(text, folded=False) if "_" not in w]

    def _tokens(self, question: str) -> list[tuple[str, bool]]:
        """(folded syllable, is a function word): everyday words mapped to the course's, spelling fixed, then
        mapped again (a misspelt "promt" is "prompt" only after correction)."""
        toks = [(fold(w), is_stop(w)) for w in syllables(question, folded=False)]
        toks = self._map(toks)
        toks = [(t, s) if s else (self.speller.correct(t), s) for t, s in toks]
        return self._map([(t, s or t in STOPWORDS) for t, s in toks])

    def _map(self, toks: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
        out: list[tuple[str, bool]] = []
        i = 0
        while i < len(toks):
            words = tuple(t for t, _ in toks[i:])
            for variant, course in self.synonyms:
                n = len(variant)
                if words[:n] == variant and words[:len(course)] != course:
                    out += [(c, c in STOPWORDS) for c in course]
                    i += n
                    break
            else:
                out.append(toks[i])
                i += 1
        return out

    def _query(self, question: str) -> tuple[list[str], set[str]]:
        """The question's terms as the index holds them, and its pairs of content words."""
        if not self.folded:
            query = self._doc_terms(question)
            return query, {t for t in query if "_" in t}
        toks = self._tokens(question)
        keep = [not s and (len(t) > 1 or t.isdigit()) for t, s in toks]
        unigrams = [t for (t, _), k in zip(toks, keep, strict=True) if k]
        bigrams = [f"{toks[i][0]}_{toks[i + 1][0]}" for i in range(len(toks) - 1) if keep[i] or keep[i + 1]]
        pairs = {f"{toks[i][0]}_{toks[i + 1][0]}" for i in range(len(toks) - 1) if keep[i] and keep[i + 1]}
        accented = ["~" + w for w in terms(question, folded=False) if "_" not in w]
        return unigrams + bigrams + accented, pairs

    def query_terms(self, question: str) -> list[str]:
        return self._query(question)[0]

    def search(self, question: str, k: int = 3) -> list[Hit]:
        """The best passage of each of the k best sections (the glossary's terms are one section)."""
        query, pairs = self._query(question)
        scores = self.bm25.scores(query) * self.weights
        out: list[Hit] = []
        seen: set[tuple] = set()
        for i in np.argsort(-scores):
            if scores[i] <= 0 or len(out) >= k:
                break
            p = self.passages[i]
            where = (p.lesson, p.heading, p.notebook)
            if where in seen:
                continue
            seen.add(where)
            out.append(Hit(p, float(scores[i]), self.coverage(query, i), len(pairs & self.doc_words[i])))
        return out

    def coverage(self, query: list[str], i: int) -> float:
        """idf-weighted share of the question's content syllables found in passage i: the relevance signal."""
        words = {t for t in query if "_" not in t and not t.startswith("~") and t not in STOPWORDS}
        found = self.doc_words[i]
        idf = self.bm25.idf
        total = sum(idf.get(w, self.max_idf) for w in words)
        got = sum(idf.get(w, 0.0) for w in words if w in found)
        return got / total if total else 0.0


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
