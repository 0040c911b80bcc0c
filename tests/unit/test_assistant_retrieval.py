"""The assistant's retrieval pieces: Vietnamese terms, BM25, spelling, passages, cache, threshold, stats."""

from __future__ import annotations

import pytest

from hocai.assistant import answer, index, passages, stats
from hocai.assistant.bm25 import BM25
from hocai.assistant.spelling import Speller
from hocai.assistant.textnorm import content_words, fold, terms


@pytest.fixture(scope="module")
def ix():
    return index.build()


def test_fold_removes_tones_and_maps_d():
    assert fold("Ảo GIÁC Đúng") == "ao giac dung"
    assert fold("hòa") == fold("hoà") == "hoa"  # both keyboard styles (NFC/NFD too)


def test_terms_are_syllables_and_pairs_without_particles():
    expected = ["du", "lieu", "ca", "nhan", "du_lieu", "lieu_ca", "ca_nhan", "nhan_la"]  # "cá" is not "cả"
    assert terms("Dữ liệu cá nhân là gì?") == expected  # "là gì" is two question words: no pair either
    assert content_words("cô ơi cho em hỏi ảo giác ko") == ["ao", "giac"]


def test_bm25_ranks_the_document_with_the_rare_term_first():
    scores = BM25([["ao", "giac", "ai"], ["ai", "ai"], ["du", "lieu"]]).scores(["ao", "ai"])
    assert scores.argmax() == 0 and scores[2] == 0


def test_speller_fixes_a_typo_but_not_a_real_word():
    speller = Speller({"prompt": 3, "sai": 9}, known={"mai"})
    assert speller.correct("promt") == "prompt"
    assert speller.correct("mai") == "mai"  # a real word outside the course stays what it is
    assert speller.correct("zzzz") == "zzzz"


def test_passages_carry_lesson_heading_and_a_cell_anchor():
    found = passages.all_passages()
    lesson4 = [p for p in found if p.lesson == 4 and p.heading.startswith("2.")]
    assert lesson4 and lesson4[0].label == "Bài 4, mục 2"
    assert lesson4[0].url("").startswith("04-du-lieu-ca-nhan.ipynb#cell-id=")
    assert not any(p.heading == "Nguồn" for p in found)


@pytest.mark.parametrize("question", ["Ảo giác của AI là gì?", "ao giac cua AI la gi", "ảo giác là j"])
def test_same_section_with_or_without_diacritics(ix, question):
    result = answer.retrieve(question, ix)
    assert result["status"] == "answer"
    assert result["sources"][0]["lesson"] == 5


def test_glossary_synonym_reaches_the_kit_word(ix):
    terms_ = ix.query_terms("prompt là gì")
    assert "cau_lenh" in terms_


@pytest.mark.parametrize("question", ["Cách nấu phở bò cho ngon?", "Thời tiết Hà Nội hôm nay thế nào?"])
def test_off_topic_is_declined(ix, question):
    assert answer.retrieve(question, ix) == {"status": "declined", "text": answer.DECLINED, "sources": []}


def test_highlight_marks_words_without_tones_and_escapes():
    html = answer.highlight("Ảo giác <b>nguy hiểm</b>", "ao giac")
    assert html.startswith("<mark>Ảo</mark> <mark>giác</mark> &lt;b&gt;")


def test_cache_follows_content(tmp_path, monkeypatch):
    monkeypatch.setenv("HOCAI_CACHE", str(tmp_path))
    monkeypatch.setattr(index, "_current", None)
    first = index.current()
    assert list((tmp_path / "assistant").glob("index-*.pkl"))
    lesson = tmp_path / "01-ai-la-gi.ipynb"
    lesson.write_bytes(passages.lesson_files()[1].read_bytes())
    assert index.content_hash([lesson]) != index.content_hash([passages.lesson_files()[2]])
    assert index.current() is first  # nothing changed on disk: the same index, not rebuilt


def test_stats_hold_counts_only():
    stats.reset()
    stats.record(4, "2. Đây là loại dữ liệu nào?", "answer")
    stats.record(4, "2. Đây là loại dữ liệu nào?", "answer")
    counts = stats.counts()
    assert counts["total"] == 2
    assert counts["sections"] == [
        {"lesson": 4, "section": "2. Đây là loại dữ liệu nào?", "status": "answer", "questions": 2}
    ]
