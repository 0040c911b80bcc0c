"""Which variant of a question slot a participant sees, in which option order, and the way back.

A slot (a question cell's ``hocai`` metadata with a ``variants`` list) has parallel variants written in the
bank. The variant and the order of its options are drawn from a keyed hash of (course, participant,
assignment, slot), so reopening a notebook shows the same thing, the paper form for that participant shows
the same thing, and grading maps the shown labels back to the bank's with exactly the same draw.

Answers are stored as the participant saw them (displayed letters "A", "B"… and numbers "1", "2"…);
``to_bank`` turns a canonical displayed answer into the bank's ids, which is what the salted hashes cover.
Nothing here holds or needs an answer key.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import string
from dataclasses import dataclass, field

from hocai import settings
from hocai.text import nfc

COMMON_KEYS = ("id", "type", "points", "objective", "tone_insensitive", "min_score")
# Kinds whose options are drawn in a participant's own order; items are shuffled for these kinds.
SHUFFLE_OPTIONS = {"single", "multiple", "matching"}
SHUFFLE_ITEMS = {"matching", "scam", "ordering"}
LETTERS = string.ascii_uppercase


def participant_from_environment() -> str:
    """Who this notebook belongs to: HOCAI_PARTICIPANT, else the JupyterHub user, else the system user
    (the name nbgrader's own submit files the work under)."""
    for value in (settings.kit().participant, os.environ.get("JUPYTERHUB_USER", "")):
        if value.strip():
            return nfc(value.strip())
    try:
        return nfc(getpass.getuser())
    except (KeyError, OSError):
        return ""


def _number(course: str, participant: str, assignment: str, slot: str, purpose: str) -> int:
    """A 256-bit number from the keyed hash; HMAC keeps one course's draws unrelated to another's."""
    message = "\x1f".join([nfc(participant), nfc(assignment), nfc(slot), purpose]).encode("utf-8")
    return int.from_bytes(hmac.new(nfc(course).encode("utf-8"), message, hashlib.sha256).digest(), "big")


def _permutation(n: int, seed: int) -> list[int]:
    """Fisher–Yates driven by ``seed`` (stable across Python versions, unlike ``random``)."""
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        seed, j = divmod(seed, i + 1)
        order[i], order[j] = order[j], order[i]
    return order


@dataclass(frozen=True)
class Plan:
    """What one participant sees of one slot: the variant and the bank ids in displayed order."""

    variant: int
    options: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


def has_variants(spec: dict) -> bool:
    return isinstance(spec.get("variants"), list) and bool(spec["variants"])


def plan_for(slot: dict, course: str, participant: str, assignment: str) -> Plan:
    """The deterministic draw for ``participant``: variant index, option and item order."""
    kind, qid = slot["type"], slot["id"]
    variant = _number(course, participant, assignment, qid, "variant") % len(slot["variants"])
    chosen = slot["variants"][variant]
    options = [o["id"] for o in chosen.get("options", [])]
    items = [i["id"] for i in chosen.get("items", [])]
    if kind in SHUFFLE_OPTIONS and options:
        perm = _permutation(len(options), _number(course, participant, assignment, qid, "options"))
        options = [options[i] for i in perm]
    if kind in SHUFFLE_ITEMS and items:
        perm = _permutation(len(items), _number(course, participant, assignment, qid, "items"))
        items = [items[i] for i in perm]
    return Plan(variant, options, items)


def _labels(kind: str, count: int) -> list[str]:
    if kind == "mark_pii" or kind in ("ordering", "scam", "matching_items"):
        return [str(i + 1) for i in range(count)]
    return [LETTERS[i] for i in range(count)]


def shown_spec(slot: dict, plan: Plan) -> dict:
    """The question as displayed: the plain single-variant spec the widgets and paper forms use."""
    kind = slot["type"]
    chosen = slot["variants"][plan.variant]
    spec = {k: slot[k] for k in COMMON_KEYS if k in slot}
    spec.update({k: v for k, v in chosen.items() if k not in ("options", "items")})
    spec["variant"] = plan.variant
    if "options" in chosen:
        texts = {o["id"]: o["text"] for o in chosen["options"]}
        if kind == "mark_pii":
            spec["options"] = [dict(o) for o in chosen["options"]]
        else:
            spec["options"] = [
                {"id": label, "text": texts[oid]}
                for label, oid in zip(_labels(kind, len(plan.options)), plan.options, strict=True)
            ]
    if "items" in chosen:
        texts = {i["id"]: i["text"] for i in chosen["items"]}
        spec["items"] = [{"id": str(n + 1), "text": texts[iid]} for n, iid in enumerate(plan.items)]
    return spec


def shown(slot: dict, course: str, participant: str, assignment: str) -> tuple[dict, Plan]:
    plan = plan_for(slot, course, participant, assignment)
    return shown_spec(slot, plan), plan


class Unmapped(ValueError):
    """A displayed label that this participant's form does not have."""


def _option_maps(kind: str, plan: Plan) -> tuple[dict[str, str], dict[str, str]]:
    if kind == "mark_pii":
        return {}, {}
    labels = _labels(kind, len(plan.options))
    return dict(zip(labels, plan.options, strict=True)), dict(zip(plan.options, labels, strict=True))


def to_bank(kind: str, answer, plan: Plan):
    """A canonical displayed answer (spec.canonical) in the bank's ids; Unmapped when a label is unknown."""
    to_id, _ = _option_maps(kind, plan)

    def option(label: str) -> str:
        if kind == "mark_pii" or kind == "scam" or label == "":
            return label
        if label not in to_id:
            raise Unmapped(label)
        return to_id[label]

    if kind in ("single",):
        return option(answer)
    if kind in ("multiple", "mark_pii"):
        return sorted({option(v) for v in answer})
    if kind in ("matching", "scam"):
        if len(answer) != len(plan.items):
            raise Unmapped("slots")
        bank_items = sorted(plan.items, key=_natural)
        by_item = {plan.items[row]: option(value) for row, value in enumerate(answer)}
        return [by_item[i] for i in bank_items]
    if kind == "ordering":
        position = {str(n + 1): iid for n, iid in enumerate(plan.items)}
        try:
            return [position[v] for v in answer]
        except KeyError as exc:
            raise Unmapped(str(exc)) from None
    return answer


def from_bank(kind: str, answer, plan: Plan):
    """The bank's answer as this participant's form labels it (the instructor's key for that form)."""
    _, to_label = _option_maps(kind, plan)

    def label(oid: str) -> str:
        if kind in ("mark_pii", "scam"):
            return oid
        return to_label[oid]

    if kind == "single":
        return label(answer)
    if kind in ("multiple", "mark_pii"):
        return sorted(label(v) for v in answer)
    if kind in ("matching", "scam"):
        bank_items = sorted(plan.items, key=_natural)
        by_item = dict(zip(bank_items, answer, strict=True))
        return [label(by_item[iid]) for iid in plan.items]
    if kind == "ordering":
        row = {iid: str(n + 1) for n, iid in enumerate(plan.items)}
        return [row[iid] for iid in answer]
    return answer


def _natural(value: str) -> tuple:
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


_CONTEXT: dict[str, str | None] = {"assignment": "", "course": "", "participant": None}


def set_context(assignment: str, course: str = "", participant: str | None = None) -> None:
    """What ``start`` knows: the assignment, its course and (when grading) the participant graded."""
    _CONTEXT.update(
        assignment=nfc(assignment), course=nfc(course or ""), participant=nfc(participant) if participant else None
    )


def context() -> tuple[str, str, str]:
    """(course, participant, assignment) of this notebook; the participant comes from the environment
    unless grading named it."""
    participant = _CONTEXT["participant"] or participant_from_environment()
    return str(_CONTEXT["course"]), participant, str(_CONTEXT["assignment"])
