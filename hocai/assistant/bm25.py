"""Okapi BM25 over term lists, in numpy (no BM25 package is installed in the kit's environment)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np


class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.4, b: float = 0.5):
        self.k1, self.b = k1, b
        self.n = len(docs)
        self.lengths = np.array([len(d) for d in docs], dtype=np.float64)
        self.avg = float(self.lengths.mean()) if self.n else 1.0
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for i, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                self.postings.setdefault(term, []).append((i, tf))
        self.idf = {t: math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}
        self.norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.avg, 1.0))

    def scores(self, query: list[str], weights: dict[str, float] | None = None) -> np.ndarray:
        """BM25 of every document; ``weights`` scales a query term's part (1 when not given)."""
        out = np.zeros(self.n)
        for term in set(query):
            w = self.idf.get(term, 0.0) * (weights.get(term, 1.0) if weights else 1.0)
            for i, tf in self.postings.get(term, ()):
                out[i] += w * tf * (self.k1 + 1) / (tf + self.norm[i])
        return out
