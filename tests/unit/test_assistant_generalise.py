"""Retrieval rules meant to hold for any participant's phrasing (issue 23): the course's subject words, questions
asking what a term means, and long questions whose story names another topic. A real index over the real
lessons, except where a tiny hand-made index shows one rule alone."""

from __future__ import annotations

import pytest

from hocai.assistant import answer, index
from hocai.assistant.passages import Passage


@pytest.fixture(scope="module")
def ix():
    return index.build()


def test_the_course_subject_words_are_its_own_not_generic_ones(ix):
    assert {"ai", "chatbot"} <= ix.topic
    assert not ix.topic & {"nguoi", "dung", "lam", "lieu", "du"}  # common in Vietnamese, or too few sections


def test_a_subject_word_counts_as_found_where_a_section_does_not_repeat_it():
    passages = [
        Passage("a", 1, "1. Số hiệu", "1. Số hiệu\n\nSoi số hiệu văn bản bị bịa trước khi dùng."),
        *[Passage(f"b{i}", 2, f"{i}. Viết", f"{i}. Viết\n\nChatbot viết nhanh.") for i in range(1, 4)],
        *[Passage(f"c{i}", 3, f"{i}. Người dân", f"{i}. Người dân\n\nNgười dân làm việc.") for i in range(1, 7)],
    ]
    small = index.Index(passages, [])
    assert small.topic == {"chatbot"}  # in 3 of 10 passages, and generic Vietnamese hardly has it
    hit = small.search("chatbot soi số hiệu", k=1)[0]
    assert hit.passage.id == "a" and hit.coverage == pytest.approx(1.0)
    small.topic = set()  # the same question without the rule: the missing subject word costs most of it
    assert small.search("chatbot soi số hiệu", k=1)[0].coverage < 0.6


def test_the_term_a_question_asks_about(ix):
    assert ix.subject("Ảo giác là cái chi vậy, giải thích dễ hiểu giùm") == {"ao", "giac"}
    assert ix.subject("thien kien nghia la gi") == {"thien", "kien"}
    assert ix.subject("Cái AI nó là cái chi rứa?") == {"ai"}
    assert ix.subject("Nói dễ hiểu giùm, deep fake là gì?") == {"deepfake"}  # the clause that asks
    assert ix.subject("Lỡ chuyển tiền cho kẻ lừa đảo thì làm gì?") == frozenset()  # "làm gì" asks what to do


def test_sections_and_glossary_entries_know_what_they_define(ix):
    defined = {frozenset(d) for d in ix.definitions if d}
    assert {frozenset({"thien", "kien"}), frozenset({"deepfake"}), frozenset({"nhiet", "do"})} <= defined
    for p, d in zip(ix.passages, ix.definitions, strict=True):  # a lesson's title «Bài 1. AI là gì?» teaches none
        assert not d or p.heading == "Từ điển của khóa học" or not p.overview


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("Ảo giác là cái chi vậy, giải thích dễ hiểu giùm cho bà con", "1. Ảo giác của AI là gì?"),
        ("thien kien nghia la gi vay co", "1. Thiên kiến là gì?"),
        ("Deepfake là gì thế, nói ngắn thôi", "Từ điển của khóa học"),
        ("cái nhiệt độ trong mấy con chatbot nghĩa là gì", "Từ điển của khóa học"),
    ],
)
def test_a_question_asking_what_a_term_means_gets_its_definition_first(ix, question, heading):
    result = answer.retrieve(question, ix)
    assert result["status"] == "answer"
    assert result["sources"][0]["section"] == heading


def test_a_term_the_course_does_not_define_is_still_declined(ix):
    for question in ("Lan truyền ngược là gì?", "blockchain nghia la gi vay"):
        assert answer.retrieve(question, ix)["status"] == "declined"


def test_a_long_question_whose_story_names_another_topic_reaches_the_section_asked_about(ix):
    question = (
        "Hôm qua họp chi bộ xong, anh em bàn chuyện lúa năm nay mất mùa, giá phân bón tăng, rồi có người kể bị "
        "gọi điện lừa chuyển tiền. Về nhà tôi nhờ chatbot viết thông báo họp, nó ghi số quyết định nghe rất "
        "thật. Vậy làm sao soi số hiệu văn bản chatbot đưa ra có bịa không?"
    )
    result = answer.retrieve(question, ix)
    assert result["status"] == "answer"
    assert (5, "2. Soi nhanh số hiệu và ngày tháng") == (
        result["sources"][0]["lesson"],
        result["sources"][0]["section"],
    )


def test_a_word_typed_with_its_tones_is_a_function_word_only_if_those_tones_make_it_one(ix):
    toks = ix._tokens("cài ứng dụng lạ, cố trồng lúa")
    assert ("la", False) in toks and ("co", False) in toks and ("trong", False) in toks  # "lạ", "cố", "trồng"
    assert ix._tokens("trong")[0] == ("trong", True) and ix._tokens("la gi")[0] == ("la", True)
    _, _, _, units = ix._query("Người lạ gọi điện nhờ cài ứng dụng lạ")
    assert "la" in units


def test_a_word_typed_in_capitals_is_an_acronym_not_a_typo(ix):
    assert ix._tokens("GPU")[0][0] == "gpu"
    assert ix._tokens("gpu")[0][0] != "gpu"  # in lower case it is taken for a mistyped syllable


def test_a_long_question_is_judged_by_what_it_asks_not_only_by_its_story(ix):
    question = (
        "Hôm qua đi đám cưới đứa cháu ở xã bên, nhà trai mổ heo mổ gà đãi cả xóm, về nhà coi video ông chủ tịch "
        "tỉnh kêu gọi góp tiền, đó có phải deepfake không?"
    )
    assert index._tail(question).strip().endswith("đó có phải deepfake không")
    _, _, _, units = ix._query(question)
    hit = ix.search(question, k=1)[0]
    assert hit.passage.heading.startswith("3. Deepfake")
    assert ix.coverage(units, ix.passages.index(hit.passage)) < answer.MIN_COVERAGE  # the whole, story and all
    assert answer.retrieve(question, ix)["status"] == "answer"  # its last clauses are what the section teaches
    assert index._tail("Deepfake là gì?") == ""  # a short question is all question


def test_words_together_in_one_paragraph_count_more_than_words_scattered_over_a_section():
    together = "1. An toàn\n\nĐổi mật khẩu cho wifi ngay.\n\nGọi ngân hàng khóa thẻ."
    scattered = "1. An toàn\n\nĐổi mật khẩu ngay.\n\nGọi ngân hàng khóa thẻ.\n\nTắt wifi lạ."
    small = index.Index([Passage("a", 1, "1. An toàn", together), Passage("b", 2, "1. An toàn", scattered)], [])
    _, _, _, units = small._query("đổi mật khẩu cho wifi")
    assert small.coverage(units, 0) == small.held(units, small.doc_words[0]) == pytest.approx(1.0)
    whole = small.held(units, small.doc_words[1])
    assert whole == pytest.approx(1.0)  # the section as a whole holds all of it ...
    assert small.coverage(units, 1) < whole - 0.1  # ... but no paragraph holds more than a part
