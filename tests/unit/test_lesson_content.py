"""Second-edition content of the lessons (issue 16): one data rule, official portals, new hands-on sections."""

import json
from pathlib import Path

import ipywidgets as widgets
import pytest

from hocai.lessons import lesson02, lesson03, lesson04, lesson05, lesson07, lesson08

ROOT = Path(__file__).resolve().parents[2]


def _notebook(n: int) -> str:
    path = next((ROOT / "notebooks").glob(f"0{n}-*.ipynb"))
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])


def _html(widget) -> str:
    found = [widget.value] if isinstance(widget, widgets.HTML) else []
    return "\n".join(found + [_html(c) for c in getattr(widget, "children", ())])


def test_lesson4_states_one_rule_and_its_traffic_light_follows_it():
    assert lesson04.RULE in _notebook(4)
    assert lesson04.paste_verdict(personal=True, secret=False, approved=False)[0] == "đỏ"
    assert lesson04.paste_verdict(personal=True, secret=False, approved=True)[0] == "vàng"
    assert lesson04.paste_verdict(personal=False, secret=True, approved=True)[0] == "đỏ"
    assert "không bao giờ" not in _notebook(4).lower()


def test_lesson4_text_says_when_each_light_shows():
    """The text names every case the light gives (a reader once found no word on when it is green)."""
    import itertools
    import re

    text = _notebook(4)
    said = re.search(r"Đèn dưới đây làm đúng theo quy tắc trên:(.*)", text).group(1)
    for personal, secret, approved in itertools.product([False, True], repeat=3):
        assert f"**{lesson04.paste_verdict(personal, secret, approved)[0]}**" in said
    assert "**xanh** trong công cụ được phép" in said and lesson04.paste_verdict(False, False, True)[0] == "xanh"
    assert lesson04.paste_verdict(False, False, False)[0] == "vàng" and "**vàng** trong AI công cộng" in said


def test_lesson5_names_the_portals_where_laws_are_published():
    text = _html(lesson05.how_to_verify()) + _notebook(5)
    assert all(site in text for site in ("quochoi.vn", "chinhphu.vn", "vbpl.vn"))
    assert "địa chỉ có đuôi" not in text


@pytest.mark.parametrize("text", [_notebook(1), _notebook(2), _html(lesson02.fluent_but_false())])
def test_no_lesson_says_ai_never_looks_anything_up(text):
    assert "không tra cứu sự thật" not in text


@pytest.mark.parametrize(
    "lesson, module, call, items",
    [
        (3, lesson03, "iterate", lesson03.ITERATE_ITEMS),
        (4, lesson04, "data_controls", lesson04.CONTROL_ITEMS),
        (5, lesson05, "cited_sources", lesson05.CITED_ITEMS),
        (7, lesson07, "shocking_news", lesson07.SHOCKING_ITEMS),
        (8, lesson08, "classroom_ai", lesson08.CLASSROOM_ITEMS),
    ],
)
def test_new_sections_are_hands_on_and_in_their_notebook(lesson, module, call, items):
    assert f"import {call}; {call}()" in _notebook(lesson)
    box = getattr(module, call)()
    assert isinstance(box, widgets.VBox) and items[0]["text"][:30] in _html(box)
    for item in items:
        assert item["explain"]


def test_lesson7_teaches_the_ai_law_and_only_verified_channels():
    text = _notebook(7)
    assert "Luật Trí tuệ nhân tạo số 134/2025/QH15" in text and "đánh dấu" in text and "113" in text
    assert "lừa đảo lần hai" in text
