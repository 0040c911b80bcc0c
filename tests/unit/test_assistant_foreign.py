"""General rules of the assistant's second round of tuning (issue 23): chat-style spellings, foreign names the
course never uses, and everyday English words mixed into a Vietnamese question. A real index over the real
lessons, except where a tiny hand-made index shows one rule alone."""

from __future__ import annotations

import pytest

from hocai.assistant import answer, index
from hocai.assistant.passages import Passage
from hocai.assistant.spelling import Speller, respell
from hocai.assistant.textnorm import is_syllable, standardise


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


def test_a_question_naming_a_lesson_is_searched_in_that_lesson():
    assert index.named_lesson("den vang den do trong bai 4 nghia la gi")[1] == 4
    assert index.named_lesson("Bài học số 7 nói gì về deepfake")[1] == 7
    assert index.named_lesson("trong bài tập 4 thì chọn ý nào")[1] is None  # an exercise, not a lesson
    assert index.named_lesson("bài 4")[0].strip() == ""  # the words naming it are not searched
    passages = [
        Passage("a", 1, "1. Đèn", "1. Đèn\n\nĐèn đỏ thì dừng, đèn xanh thì đi."),
        Passage("b", 4, "3. Đèn", "3. Đèn\n\nNội dung mật là đèn đỏ."),
    ]
    small = index.Index(passages, [])
    assert small.search("đèn đỏ", k=1)[0].passage.id == "a"
    assert small.search("đèn đỏ trong bài 4", k=1)[0].passage.id == "b"


def test_two_syllables_the_course_never_writes_together_count_as_two_words():
    passages = [
        Passage("a", 1, "1. Đèn", "1. Đèn\n\nNội dung mật là đèn đỏ; văn bản thường là vàng trong AI công cộng."),
        Passage("b", 1, "2. Dữ liệu", "2. Dữ liệu\n\nDữ liệu cá nhân cần che."),
        Passage("c", 1, "3. Tài liệu", "3. Tài liệu\n\nTài liệu nào cũng có người dữ."),
    ]
    small = index.Index(passages, [])
    assert small.search("đèn vàng", k=1)[0].coverage == pytest.approx(1.0)  # "đèn vàng" is not a course word
    assert small.search("đèn đỏ", k=1)[0].coverage == pytest.approx(1.0)
    units = small._query("dữ liệu")[3]
    assert small.coverage(units, 1) == pytest.approx(1.0)
    assert small.coverage(units, 2) < 1.0  # the course's "dữ liệu" found only apart, as "dữ" and "tài liệu"


def test_toneless_vang_may_be_vang_yellow_not_the_particle_vang(ix):
    assert ("vang", False) in ix._tokens("den vang nghia la gi")


def test_english_glosses_are_not_searched_but_reach_their_term_through_synonyms():
    passages = [
        Passage("a", 1, "Từ điển", "Từ điển\n\nthẻ căn cước (tiếng Anh: identity card): giấy tờ tùy thân."),
        Passage("b", 1, "1. Thẻ", "1. Thẻ\n\nThẻ ngân hàng cần giữ kín."),
    ]
    small = index.Index(passages, [(("identity", "card"), ("the", "can", "cuoc"))])
    assert "card" not in small.doc_words[0] and "the_can" in small.doc_words[0]
    assert small.search("identity card là gì", k=1)[0].passage.id == "a"
    assert small.search("giá card đồ họa", k=1) == []  # a stray English word meets nothing


def test_two_syllables_generic_vietnamese_writes_together_are_one_word():
    from hocai.assistant import background

    assert {"ho_khau", "thu_tuc", "khai_sinh"} <= background.pairs()
    assert "den_vang" not in background.pairs()


def test_a_lesson_title_counts_for_each_of_its_sections():
    passages = [
        Passage("t3", 3, "Bài 3. Viết câu lệnh", "Bài 3. Viết câu lệnh\n\nBài này dạy viết câu lệnh."),
        Passage("s3", 3, "1. Năm phần", "1. Năm phần\n\nVai trò, bối cảnh, nhiệm vụ, định dạng, giới hạn."),
        Passage("s1", 1, "2. Máy học", "2. Máy học\n\nMáy có nhiều phần linh kiện."),
    ]
    small = index.Index(passages, [])
    assert {"cau_lenh", "lenh"} <= small.doc_words[1]  # the section holds its lesson's title
    assert "cau_lenh" not in small.doc_words[2]
    assert [h.passage.id for h in small.search("câu lệnh có mấy phần", k=3)][0] in {"s3", "t3"}
    assert small.search("câu lệnh có mấy phần", k=3)[-1].passage.id == "s1"


@pytest.mark.parametrize(
    ("question", "course"),
    [
        ("Tụi nhỏ xài AI làm bài thì sao", ["hoc", "sinh"]),
        ("học trò chép bài của AI", ["hoc", "sinh"]),
        ("AI có định kiến vùng miền không", ["thien", "kien"]),
    ],
)
def test_teachers_words_for_pupils_and_for_prejudice_are_the_lessons_words(ix, question, course):
    tokens = [t for t, _ in ix._tokens(standardise(question))]
    assert any(tokens[i : i + len(course)] == course for i in range(len(tokens)))
