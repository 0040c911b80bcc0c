"""Checks that the hidden test cells call: each reads answers.json fresh and raises when not earned.

Checks raise explicitly (never a bare ``assert``), accept only exact JSON types, and compare a salted hash
of the canonical answer, so neither the notebook nor the feedback holds the answer text.
"""

from __future__ import annotations

from typing import Any, Iterable

from hocai.exercise import key, storage
from hocai.exercise.spec import InvalidAnswer, canonical, digest, is_blank
from hocai.text import clean


class CheckFailed(Exception):
    """The answer did not earn the points; the message (Vietnamese) is what the feedback shows."""


def _answer(qid: str) -> Any:
    answers = key.registered() or storage.load()
    return answers.get(qid)


def expect(qid: str, kind: str, hashes: str | Iterable[str], *, salt: str, tone_insensitive: bool = False) -> None:
    """Pass when the saved answer to ``qid`` hashes to one of ``hashes``; raise CheckFailed otherwise."""
    value = _answer(qid)
    if is_blank(kind, value):
        raise CheckFailed(f"Câu {qid}: chưa có câu trả lời.")
    try:
        answer = canonical(kind, value, tone_insensitive=tone_insensitive)
    except InvalidAnswer:
        raise CheckFailed(f"Câu {qid}: câu trả lời không hợp lệ.") from None
    accepted = {hashes} if type(hashes) is str else set(hashes)
    if digest(salt, qid, answer) not in accepted:
        raise CheckFailed(f"Câu {qid}: chưa đúng.")


def rewritten_prompt(qid: str, *, min_score: int) -> None:
    """Pass when the rewritten prompt scores at least ``min_score`` and holds no personal data."""
    from hocai.safety.pii import find_entities
    from hocai.safety.prompt_coach import check_prompt

    value = _answer(qid)
    if type(value) is not str or not clean(value):
        raise CheckFailed(f"Câu {qid}: chưa có câu lệnh viết lại.")
    text = clean(value)
    if find_entities(text):
        raise CheckFailed(f"Câu {qid}: câu lệnh vẫn còn dữ liệu cá nhân.")
    score = check_prompt(text).score
    if type(score) is not int or score < min_score:
        raise CheckFailed(f"Câu {qid}: câu lệnh mới đạt {score}/5 tiêu chí, cần ít nhất {min_score}.")
