"""One vocabulary (issue 16): no banned variant anywhere participants read, and the glossary page is generated."""

import json

import pytest

from hocai.content import glossary

FILES = glossary.participant_files()


def test_the_scan_reads_every_kind_of_participant_text():
    names = {str(p.relative_to(glossary.ROOT)) for p in FILES}
    for expected in (
        "notebooks/03-viet-cau-lenh.ipynb",
        "hocai/lessons/lesson04.py",
        "hocai/widgets/error_hunt.py",
        "hocai/app/ui.py",
        "exercises/bank/bai05.toml",
        "exercises/bai02/bai02.ipynb",
        "corpus/22-thuc-hanh-san-tap-ai.txt",
        "hocai/exercise/authoring.py",
    ):
        assert expected in names


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(glossary.ROOT)))
def test_no_banned_variant(path):
    found = [v for text in glossary.texts(path) for v in glossary.violations(text)]
    assert found == [], "dùng đúng từ trong hocai/content/glossary.toml"


@pytest.mark.parametrize(
    "text, found",
    [
        ("Hãy viết lời nhắc rõ ràng", [("lời nhắc", "câu lệnh")]),
        ("Đây là mô hình dạy học", [("mô hình dạy học", "mô hình thu nhỏ")]),
        ("dán vào chatbot trên mạng", [("chatbot trên mạng", "AI công cộng")]),
        ("khóa học về văn hoá", [("hoá", "khóa")]),
        ("số CCCD của bà", [("CCCD", "thẻ căn cước")]),
        ("CCCD 001185012345", []),  # a citizen's text, typed as it is
        ("tỉnh An Giang, tỷ lệ 3%", []),
        ("khoá", [("khoá", "khóa")]),
    ],
)
def test_violations_can_fail(text, found):
    assert glossary.violations(text) == found


def test_every_term_is_defined_and_spellings_are_one_per_pair():
    terms = glossary.terms()
    assert len({t.term for t in terms}) == len(terms) and all(t.definition.strip() for t in terms)
    for t in terms:  # a term never bans itself
        assert glossary.violations(t.term) == []


def test_glossary_page_is_the_generated_one():
    cells = json.loads((glossary.ROOT / glossary.LESSON).read_text(encoding="utf-8"))["cells"]
    pages = ["".join(c["source"]) for c in cells if "".join(c["source"]).startswith(glossary.HEADING)]
    assert pages == [glossary.page_markdown()], "chạy: python -m hocai.content.glossary --write"
    assert "câu lệnh" in glossary.page_html() and "<dl>" in glossary.page_html()
