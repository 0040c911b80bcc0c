"""The assistant's generalising parts: regional words, word weights from generic Vietnamese, two-syllable words
in the coverage, the story before a long question, and declining near-topic questions the course does not teach."""

from __future__ import annotations

import json

import pytest

from hocai.assistant import answer, background, index
from hocai.assistant.passages import Passage
from hocai.assistant.textnorm import standardise


@pytest.fixture(scope="module")
def ix():
    return index.build()


def test_regional_words_take_the_lessons_form():
    assert standardise("Cái AI nó là cái chi rứa, răng sai hè?") == "Cái AI nó là cái gì vậy, sao sai nhỉ?"
    assert standardise("có xài được hông dzậy") == "có dùng được không vậy"


def test_regional_words_that_are_also_content_words_stay_in_context():
    assert standardise("mô hình ở mô") == "mô hình ở đâu"
    assert standardise("họp chi bộ, chi phí") == "họp chi bộ, chi phí"
    assert standardise("bị đau răng") == "bị đau răng"
    assert standardise("rua rang") == "rua rang"  # toneless forms may be other words: left alone


def test_generic_words_say_less_than_topic_words():
    n, df = background.table()
    assert n > 10000 and len(df) > 5000
    assert background.idf("nguoi") < background.idf("lua") < background.idf("zalo")
    assert background.idf("mot") < 1.5


def test_background_table_is_counts_of_paragraphs(tmp_path):
    wiki = tmp_path / "viwiki-sample"
    wiki.mkdir()
    text = (
        "== Mục ==\r\nLúa là cây lương thực chính của người Việt Nam từ lâu đời.\r\n"
        "Người Việt trồng lúa nước ở đồng bằng sông Hồng."
    )
    (wiki / "viwiki_sample.jsonl").write_text(json.dumps({"title": "Lúa", "text": text}) + "\n", encoding="utf-8")
    ud = tmp_path / "ud-vi-vtb"
    ud.mkdir()
    (ud / "vi_vtb_sentences.txt").write_text("Người dân gặt lúa .\n", encoding="utf-8")
    n, df = background.count(tmp_path)
    assert n == 3  # two paragraphs (the heading is not one) and one sentence
    assert df["lua"] == 3 and df["nguoi"] == 3 and "muc" not in df
    out = tmp_path / "df.tsv"
    background.write(tmp_path, out)
    assert background.table.__wrapped__(out) == (n, df)


def test_a_two_syllable_word_found_apart_counts_only_in_part():
    passages = [Passage("a", 1, "1. Mật khẩu", "1. Mật khẩu\n\nĐổi mật khẩu ngay, không đọc mã OTP cho ai.")]
    small = index.Index(passages, [])
    whole = small.search("đổi mật khẩu", k=1)[0].coverage
    apart = small.search("chuyển hộ khẩu", k=1)[0].coverage
    assert whole == pytest.approx(1.0)
    assert apart < 0.5 * whole


def test_the_story_before_a_long_question_counts_less():
    assert index._placement([True] * 5) == [1.0] * 5
    long = index._placement([True] * 20)
    assert long[0] == index.STORY_WEIGHT and long[-1] == 1.0


@pytest.mark.parametrize(
    "question",
    [
        "Cài máy in mạng cho cả văn phòng thì làm sao?",
        "Giá card đồ họa bây giờ bao nhiêu?",
        "hoc lap trinh Java o dau",
        "Sao lưu danh bạ điện thoại lên Google thế nào?",
    ],
)
def test_near_topic_questions_the_course_does_not_teach_are_declined(ix, question):
    assert answer.retrieve(question, ix)["status"] == "declined"


@pytest.mark.parametrize(
    ("question", "lesson"),
    [
        ("AI nó bịa ra số quyết định là răng rứa?", 5),
        ("học trò nhờ AI viết bài giùm thì thầy cô làm răng?", 8),
        ("Check lại mấy cái số hiệu văn bản AI đưa ra kiểu chi?", 5),
    ],
)
def test_colloquial_questions_reach_their_lesson(ix, question, lesson):
    result = answer.retrieve(question, ix)
    assert result["status"] == "answer"
    assert lesson in [s["lesson"] for s in result["sources"]]
