"""Progress bars for the instructor's long commands (tqdm on stderr, Vietnamese labels)."""

from __future__ import annotations

import sys

from tqdm import tqdm


def bar(iterable=None, *, total: int | None = None, desc: str, unit: str = "bài", disable: bool = False) -> tqdm:
    """A bar on stderr; hidden when stderr is not a terminal or when asked."""
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        dynamic_ncols=True,
        disable=True if disable else None,
    )
