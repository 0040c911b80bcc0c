"""The assistant's Vietnamese handling and its decline threshold: question words with and without tones, Telex
typing, everyday paraphrases, display-widget text, one section per hit, and when a question is declined."""

from __future__ import annotations

import pytest

from hocai.assistant import answer, index, passages, synonyms
from hocai.assistant.index import Hit
from hocai.assistant.spelling import Speller
from hocai.assistant.textnorm import content_words, is_stop, terms, topic_words, untelex


@pytest.fixture(scope="module")
def ix():
    return index.build()


def test_question_words_are_dropped_with_their_tones_only():
    assert is_stop("mấy") and is_stop("là") and is_stop("khong") and is_stop("ko")
    assert not is_stop("máy") and not is_stop("bản") and not is_stop("thẻ")
    assert not is_stop("may")  # typed without tones it may be "máy": kept
    assert content_words("Máy tính có mấy phần?") == ["may", "tinh", "phan"]
    assert "la_gi" not in terms("AI là gì") and "ai_la" in terms("AI là gì")  # a pair of two particles says nothing


def test_topic_words_do_not_count_toneless_particles():
    assert topic_words("van ban do AI viet thi AI chiu trach nhiem dung khong") == [
        "van",
        "ai",
        "viet",
        "chiu",
        "trach",
        "nhiem",
        "dung",
    ]


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("nhieetj", "nhiet"),
        ("ddooj", "do"),
        ("luwaf", "lua"),
        ("dwx", "du"),
        ("lieeuj", "lieu"),
        ("truwowngf", "truong"),
        ("aor", "ao"),
        ("giacs", "giac"),
    ],
)
def test_untelex(typed, plain):
    assert untelex(typed) == plain


def test_untelex_leaves_other_words():
    assert untelex("chatbot") == "chatbot"
    assert untelex("tiền") == "tiền"
    assert untelex("otp") == "otp"


def test_speller_reads_telex_before_guessing_an_edit():
    speller = Speller({"nhiet": 3, "nhiem": 9, "do": 5})
    assert speller.correct("nhieetj") == "nhiet"  # not "nhiem", the more common word one edit from "nhiet"
    assert speller.correct("ddooj") == "do"


def test_everyday_words_reach_the_course_words(ix):
    assert "lua_dao" in ix.query_terms("bị lừa qua điện thoại thì sao")
    assert "chatbot" in ix.query_terms("có được dán vào ChatGPT không")
    assert "deepfake" in ix.query_terms("deep fake la gi")
    assert "cau_lenh" in ix.query_terms("promt là gì")  # corrected to "prompt", then the glossary's word
    assert "lua_dao_dao" not in " ".join(ix.query_terms("lừa đảo"))  # already the course's words: unchanged


def test_glossary_variants_that_only_respell_the_term_are_left_out():
    pairs = dict(synonyms.pairs())
    assert ("hoa",) not in pairs and ("ti",) not in pairs
    assert pairs[("prompt",)] == ("cau", "lenh")


def test_display_widgets_are_indexed_but_not_self_checks_or_sorting_games():
    found = passages.all_passages()
    myths = next(p for p in found if p.lesson == 1 and "lầm tưởng" in p.heading)
    assert "AI hiểu và suy nghĩ như con người" in myths.text
    everything = "\n".join(p.text for p in found)
    from hocai.lessons import lesson01, lesson04

    assert lesson01.QUIZ[0]["question"] not in everything  # a self-check's question and options stay out
    assert all(item["explain"] not in everything for item in lesson04.CONTROL_ITEMS)  # a sorting game's answers


def test_glossary_terms_are_passages_of_one_section(ix):
    hits = ix.search("Token nghĩa là gì?", k=3)
    assert hits[0].passage.heading == "Từ điển của khóa học"
    where = [(h.passage.lesson, h.passage.heading) for h in hits]
    assert len(where) == len(set(where))  # one hit per section, never two terms of the glossary


@pytest.mark.parametrize(
    ("question", "lesson"),
    [
        ("dwx lieeuj cas nhaan laf gif", 4),
        ("luwaf ddaor qua ddieenj thoaij", 7),
        ("Chết rồi tôi lỡ cài cái ứng dụng lạ người ta gửi, giờ làm sao?", 7),
        ("Ai chịu trách nhiệm khi văn bản do AI viết bị sai?", 6),
    ],
)
def test_participant_questions_reach_their_lesson(ix, question, lesson):
    result = answer.retrieve(question, ix)
    assert result["status"] == "answer"
    assert lesson in [s["lesson"] for s in result["sources"]]


def test_relevance_rule():
    p = passages.all_passages()[0]
    assert answer.relevant(Hit(p, 1.0, answer.MIN_COVERAGE))
    assert not answer.relevant(Hit(p, 1.0, answer.MIN_COVERAGE - 0.01, answer.MIN_PAIRS - 1))
    assert answer.relevant(Hit(p, 1.0, answer.PAIRED_COVERAGE, answer.MIN_PAIRS))
    assert not answer.relevant(Hit(p, 1.0, answer.PAIRED_COVERAGE - 0.01, answer.MIN_PAIRS + 5))


@pytest.mark.parametrize(
    "question",
    [
        "Giá vàng hôm nay bao nhiêu một chỉ?",
        "lam the nao de xin cap lai so ho khau",
        "bị cảm cúm thì nên ăn gì cho mau khoẻ",
        "Cách trồng rau sạch trên sân thượng?",
    ],
)
def test_off_topic_sharing_a_word_or_two_is_declined(ix, question):
    assert answer.retrieve(question, ix)["status"] == "declined"


def test_long_rambling_question_is_answered(ix):
    question = (
        "Hôm qua có người gọi cho mẹ tôi xưng là công an huyện, nói bà liên quan đến một vụ án rửa tiền, "
        "bảo bà phải chuyển hết tiền tiết kiệm vào tài khoản để xác minh và dặn không được nói với ai, "
        "như vậy có phải lừa đảo không?"
    )
    result = answer.retrieve(question, ix)
    assert result["status"] == "answer" and result["sources"][0]["lesson"] == 7
