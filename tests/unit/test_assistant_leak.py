"""The assistant never gives an exercise's answer: every question of every variant of every item is asked."""

from __future__ import annotations

import json

import pytest

from hocai.assistant.ask import ask
from hocai.assistant.exercises import stems
from hocai.assistant.textnorm import fold
from hocai.exercise import bank


def _asked(variant: dict) -> list[str]:
    prompt = variant.get("prompt", "")
    text = variant.get("text", "") or variant.get("original", "")
    options = " ".join(o["text"] for o in variant.get("options", []))
    items = " ".join(i["text"] for i in variant.get("items", []))
    return [q for q in (prompt, f"{prompt}\n{text}".strip(), f"{prompt} {items} {options}".strip()) if q]


def _cases():
    for name in bank.names():
        data = bank.load(name)
        for slot in data["questions"]:
            for n, variant in enumerate(slot["variants"]):
                yield pytest.param(slot["type"], variant, id=f"{name}-{slot['id']}-v{n + 1}")


def test_every_variant_is_covered():
    assert len(stems()) == sum(len(s["variants"]) for n in bank.names() for s in bank.load(n)["questions"])
    assert len(stems()) >= 100


@pytest.mark.parametrize(("kind", "variant"), list(_cases()))
def test_no_answer_key_in_reply(kind, variant):
    from hocai.assistant.exercises import _keys

    keys = [k for k in _keys(kind, variant) if len(k.strip()) >= 2]
    for question in _asked(variant):
        reply = ask(question)
        shown = fold(json.dumps(reply, ensure_ascii=False))
        asked = fold(question)
        for key in keys:
            if fold(key) in asked:
                continue  # on screen already (an option of a multiple-choice list): only the choice is the key
            assert fold(key) not in shown, (question[:60], key, reply["status"])
        assert reply["status"] == "exercise", question[:80]
