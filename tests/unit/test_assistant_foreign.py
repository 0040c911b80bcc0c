"""General rules of the assistant's second round of tuning (issue 23): chat-style spellings, foreign names the
course never uses, and everyday English words mixed into a Vietnamese question. A real index over the real
lessons, except where a tiny hand-made index shows one rule alone."""

from __future__ import annotations

import pytest

from hocai.assistant import answer, index
from hocai.assistant.passages import Passage
from hocai.assistant.spelling import Speller, respell
from hocai.assistant.textnorm import is_syllable


@pytest.fixture(scope="module")
def ix():
    return index.build()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("fai", "phai"), ("jup", "giup"), ("zay", "day"), ("wan", "quan"), ("dug", "dung"), ("cak", "cac")],
)
def test_chat_style_letters_stand_for_vietnamese_ones(typed, meant):
    assert meant in respell(typed)
    assert Speller({meant: 3}).correct(typed) == meant


def test_a_chat_style_spelling_is_not_taken_for_an_unrelated_course_word():
    speller = Speller({"phai": 1, "lai": 9})  # "lai" is one edit from "fai" and more common: the respelling wins
    assert speller.correct("fai") == "phai"
    assert respell("phai") == [] and respell("ai") == []


@pytest.mark.parametrize("word", ["nghieng", "khuyen", "thuong", "gi", "qua", "oanh", "a"])
def test_vietnamese_syllables_are_recognised(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["gpu", "iphone", "python", "viettel", "android", "web", "fe", "qa", "blockchain"])
def test_foreign_words_are_not_vietnamese_syllables(word):
    assert not is_syllable(word)


def test_a_foreign_name_the_course_never_uses_is_named():
    passages = [Passage(f"a{i}", 1, f"{i}. Mật khẩu", f"{i}. Mật khẩu\n\nĐổi mật khẩu Zalo ngay.") for i in (1, 2)]
    small = index.Index(passages, [])
    assert small.foreign("cách đổi mật khẩu Zalo") == []  # the course names Zalo
    assert small.foreign("cách đổi mật khẩu iPhone") == ["iphone"]
    assert small.foreign("cách đổi mật khẩu GPU") == []  # capitals: maybe a Vietnamese acronym (UBND, THCS)
    assert small.foreign("đổi mật khẩu thế nao") == []  # Vietnamese words are never foreign


@pytest.mark.parametrize(
    "question",
    [
        "Cách chụp màn hình trên iPhone có giống đổi mật khẩu không?",
        "cach cai dat ung dung ChatGPT tren dien thoai Android",
        "Lập trình Python cho người mới dùng AI thì học ở mô?",
    ],
)
def test_a_question_about_a_product_the_course_never_names_is_declined(ix, question):
    assert ix.foreign(question)
    assert answer.retrieve(question, ix)["status"] == "declined"


def test_everyday_english_words_mixed_in_are_course_words_not_foreign_ones(ix):
    question = "Chatbot có search web và đưa link source rồi thì em cần làm gì thêm nữa không?"
    assert ix.foreign(question) == []
    tokens = [t for t, _ in ix._tokens(question)]
    assert {"tim", "kiem", "nguon"} <= set(tokens) and "search" not in tokens
    result = answer.retrieve(question, ix)
    assert result["status"] == "answer"
    assert any(s["lesson"] == 5 and "tìm trên mạng" in s["section"] for s in result["sources"])
