"""The instructor's answer key, present only in the source notebook.

The source version of each exercise registers its correct answers here inside a ``### BEGIN SOLUTION``
block, so ``nbgrader validate`` can run the hidden checks against them. ``generate_assignment`` replaces
that block with a stub, so released and autograded notebooks never register anything; and a participant
who registered a key would only be answering, since checks still compare salted hashes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from hocai.exercise.storage import to_nfc

_KEY: dict[str, Any] = {}


def register_key(answers: dict[str, Any], accepted: dict[str, list[str]] | None = None) -> None:
    """Use ``answers`` instead of answers.json (instructor preview and ``nbgrader validate``).

    ``accepted`` lists other accepted short answers; only the authoring tool reads it (to hash them).
    """
    _KEY.clear()
    _KEY.update(to_nfc(dict(answers)))


def registered() -> dict[str, Any]:
    """A copy of the registered key ({} in every participant's notebook)."""
    return dict(_KEY)


@contextlib.contextmanager
def instructor_key() -> Iterator[None]:
    """Wraps the key block; tolerates nbgrader's default ``raise NotImplementedError()`` stub."""
    try:
        yield
    except NotImplementedError:
        pass
