"""What every lesson module must be: NFC text with one tone-mark style, a valid self-check quiz."""

import unicodedata
from pathlib import Path

import ipywidgets as widgets
import pytest

from hocai.lessons import lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08
from hocai.text import canonical_tones
from hocai.widgets.self_check import correct_set

LESSONS = [lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08]


@pytest.mark.parametrize("module", LESSONS, ids=lambda m: m.__name__)
def test_text_is_nfc_with_one_tone_style(module):
    text = Path(module.__file__).read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", text)
    assert canonical_tones(text) == text, "use one tone-mark style (hòa, thủy) throughout"


@pytest.mark.parametrize("module", LESSONS, ids=lambda m: m.__name__)
def test_quizzes_are_valid(module):
    assert len(module.QUIZ) >= 3
    for question in module.QUIZ:
        correct_set(question)
        assert question["explain"]
    assert isinstance(module.quiz(), widgets.VBox)
