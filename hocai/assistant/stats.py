"""For trainers: how many questions each lesson section drew. Counts only — no question text, no person."""

from __future__ import annotations

import threading
import time
from collections import Counter

_lock = threading.Lock()
_counts: Counter[tuple[int | None, str, str]] = Counter()
_since = time.time()


def record(lesson: int | None, section: str, status: str) -> None:
    """One question answered from (lesson, section), or declined / pointed to an exercise's section."""
    with _lock:
        _counts[(lesson, section, status)] += 1


def counts() -> dict:
    """{"since": epoch, "total": n, "sections": [{"lesson", "section", "status", "questions"}…]}, most asked first.

    For the instructor board (issue 18): plain data, safe to show the class.
    """
    with _lock:
        rows = [
            {"lesson": lesson, "section": section, "status": status, "questions": n}
            for (lesson, section, status), n in _counts.most_common()
        ]
    return {"since": _since, "total": sum(r["questions"] for r in rows), "sections": rows}


def reset() -> None:
    global _since
    with _lock:
        _counts.clear()
        _since = time.time()
