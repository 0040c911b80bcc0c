"""One list of sources (issue 16): every numbered document in participant text is listed, «Nguồn» is generated."""

import json
from pathlib import Path

import pytest

from hocai.content import sources

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sources.lesson_notebooks()


def _markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_eight_lessons_and_every_source_is_cited_somewhere():
    assert sorted(LESSONS) == list(range(1, 9))
    assert all(s.lessons and set(s.lessons) <= set(LESSONS) for s in sources.sources())
    assert len({s.id for s in sources.sources()}) == len(sources.sources())


def test_ai_law_has_its_number_and_dates():
    [law] = [s for s in sources.sources() if s.title == "Trí tuệ nhân tạo"]
    assert (law.number, law.date, law.effective, law.issuer) == (
        "134/2025/QH15",
        "10/12/2025",
        "01/03/2026",
        "Quốc hội",
    )


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_nguon_cell_is_the_generated_one(lesson):
    cells = json.loads(LESSONS[lesson].read_text(encoding="utf-8"))["cells"]
    found = [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "markdown" and "".join(c["source"]).startswith(sources.HEADING)
    ]
    assert found == [sources.section(lesson)], "chạy: python -m hocai.content.sources --write"


@pytest.mark.parametrize("path", [*LESSONS.values(), ROOT / "exercises/bank/objectives.toml"], ids=lambda p: p.name)
def test_every_numbered_document_is_in_the_sources_file(path):
    text = _markdown(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
    assert sources.unknown_citations(text) == []


@pytest.mark.parametrize("path", LESSONS.values(), ids=lambda p: p.name)
def test_the_ai_law_is_always_cited_with_its_number(path):
    text = _markdown(path)
    assert text.count("Luật Trí tuệ nhân tạo") == text.count("Luật Trí tuệ nhân tạo số 134/2025/QH15")


@pytest.mark.parametrize(
    "text, unknown",
    [
        ("Theo Công văn 557 và Thông tư số 02/2025/TT-BGDĐT", []),
        ("Nghị định số 13/2023/NĐ-CP", ["13/2023/NĐ-CP"]),
        ("theo Công văn số 999", ["Công văn số 999"]),
    ],
)
def test_the_citation_finder_can_fail(text, unknown):
    assert sources.unknown_citations(text) == unknown
