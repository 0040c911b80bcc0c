"""Checks that the hidden test cells call: each reads answers.json fresh and raises when not earned.

Checks raise explicitly (never a bare ``assert``), accept only exact JSON types, and compare a salted hash
of the canonical answer, so neither the notebook nor the feedback holds the answer text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hocai.exercise import key, storage, variants
from hocai.exercise.spec import InvalidAnswer, canonical, digest, is_blank
from hocai.text import clean


class CheckFailed(Exception):
    """The answer did not earn the points; the message (Vietnamese) is what the feedback shows."""


def _answer(qid: str) -> Any:
    answers = key.registered() or storage.load()
    return answers.get(qid)


def slot_id(qid: str, variant: int) -> str:
    """What a variant's hashes are salted with besides the assignment salt."""
    return f"{qid}#{variant + 1}"


def earned(slot: dict, hashes: list, value: Any, plan: variants.Plan, *, salt: str) -> str | None:
    """None when ``value`` (as the participant saw the slot under ``plan``) earns the points; otherwise the
    Vietnamese reason. Pure: the hidden tests, the benchmark and the item statistics all grade with it."""
    qid, kind = slot["id"], slot["type"]
    if is_blank(kind, value):
        return f"Câu {qid}: chưa có câu trả lời."
    spec = variants.shown_spec(slot, plan)
    try:
        answer = variants.to_bank(
            kind, canonical(kind, value, tone_insensitive=bool(spec.get("tone_insensitive"))), plan
        )
    except (InvalidAnswer, variants.Unmapped):
        return f"Câu {qid}: câu trả lời không hợp lệ."
    if digest(salt, slot_id(qid, plan.variant), answer) not in set(hashes[plan.variant]):
        return f"Câu {qid}: chưa đúng."
    return None


def expect_shown(slot: dict, hashes: list, *, salt: str) -> None:
    """Pass when the saved answer earns the points on the variant and order this participant was shown."""
    course, participant, assignment = variants.context()
    plan = variants.plan_for(slot, course, participant, assignment)
    registered = key.registered()
    if registered:  # instructor preview / nbgrader validate: the key of the variant shown here
        value = variants.from_bank(slot["type"], registered[slot["id"]][plan.variant], plan)
    else:
        value = storage.load().get(slot["id"])
    reason = earned(slot, hashes, value, plan, salt=salt)
    if reason:
        other = storage.recorded_participant()
        if other and other != participant:
            reason += f" (Câu trả lời được lưu trên đề của «{other}», bài được chấm trên đề của «{participant}».)"
        raise CheckFailed(reason)


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


def prompt_reason(qid: str, value: Any, *, min_score: int) -> str | None:
    """None when a rewritten prompt passes the prompt coach's rubric (parts with real content, at least
    ``min_score`` of them, no personal data); else why not, part by part."""
    from hocai.safety.prompt_coach import CRITERIA, CRITERIA_VI, check_prompt

    if type(value) is not str or not clean(value):
        return f"Câu {qid}: chưa có câu lệnh viết lại."
    report = check_prompt(clean(value), min_parts=min_score)
    if report.passes:
        return None
    missing = "; ".join(f"{CRITERIA_VI[key]}: {report.reasons[key]}" for key in CRITERIA if not report.criteria[key])
    return f"Câu {qid}: {report.verdict}" + (f" ({missing}.)" if missing else "")


def rewritten_prompt(question: str | dict, *, min_score: int) -> None:
    """Pass when the rewritten prompt scores at least ``min_score`` and holds no personal data.

    ``question`` is the question id, or a slot with variants (its registered key then has one answer per
    variant and the preview uses the variant shown here)."""
    if isinstance(question, dict):
        qid = question["id"]
        registered = key.registered()
        if registered:
            plan = variants.plan_for(question, *variants.context())
            value = registered[qid][plan.variant]
        else:
            value = storage.load().get(qid)
    else:
        qid, value = question, _answer(question)
    reason = prompt_reason(qid, value, min_score=min_score)
    if reason:
        raise CheckFailed(reason)
