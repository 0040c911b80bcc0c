"""The search index over the course: built once per content hash, cached on disk, rebuilt when files change."""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hocai.assistant import passages as P
from hocai.assistant.bm25 import BM25
from hocai.assistant.spelling import Speller
from hocai.assistant.textnorm import STOPWORDS, fold, syllables, terms

VERSION = "1"
LESSON0_WEIGHT = 0.6  # the trainer's guide repeats each lesson in brief; the lesson itself should win
OVERVIEW_WEIGHT = 0.7  # a lesson's title, goals and summary name every topic; the section teaching it should win


def cache_dir() -> Path:
    return Path(os.environ.get("HOCAI_CACHE", Path.home() / ".cache" / "hocai")) / "assistant"


def content_hash(files: list[Path]) -> str:
    """Of the indexed files and of the code that turns them into an index: either changing means a rebuild."""
    h = hashlib.sha256(VERSION.encode())
    code = [Path(__file__).with_name(n) for n in ("index.py", "passages.py", "textnorm.py", "bm25.py", "spelling.py")]
    for f in [*code, *files]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:20]


def _weight(p: P.Passage) -> float:
    if p.lesson == 0:
        return LESSON0_WEIGHT
    return OVERVIEW_WEIGHT if p.overview else 1.0


@dataclass
class Hit:
    passage: P.Passage
    score: float
    coverage: float


class Index:
    """BM25 on folded syllable uni+bigrams plus accented unigrams; the glossary's synonyms widen the query."""

    def __init__(self, items: list[P.Passage], synonyms: list[tuple[str, str]], *, folded: bool = True):
        self.passages = items
        self.folded = folded
        self.synonyms = [(" ".join(syllables(a)), b) for a, b in synonyms]
        docs = [self._doc_terms(p.text) for p in items]
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

    def _doc_terms(self, text: str, accented: str | None = None) -> list[str]:
        if not self.folded:
            return terms(text, folded=False)
        return terms(text) + ["~" + w for w in terms(accented or text, folded=False) if "_" not in w]

    def query_terms(self, question: str) -> list[str]:
        """The question's terms, a glossary variant ("prompt") replaced by the kit's word ("câu lệnh")."""
        if not self.folded:
            return self._doc_terms(question)
        folded = " " + " ".join(self.speller.correct(w) for w in syllables(question)) + " "
        for variant, term in self.synonyms:
            folded = folded.replace(f" {variant} ", f" {fold(term)} ")
        return self._doc_terms(folded, question)

    def search(self, question: str, k: int = 3) -> list[Hit]:
        query = self.query_terms(question)
        scores = self.bm25.scores(query) * self.weights
        order = np.argsort(-scores)[:k]
        return [Hit(self.passages[i], float(scores[i]), self.coverage(query, i)) for i in order if scores[i] > 0]

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
    return Index(P.all_passages(), P.synonyms())


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
