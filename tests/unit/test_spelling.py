"""One spelling of the «hòa/hoà» pairs everywhere participants and trainers read (issue 16).

The glossary (hocai/content/glossary.toml, term «khóa») chooses the traditional tone placement, as
Vietnamese government documents write it: khóa, hóa, hòa, xóa, họa, khỏe, tòa, thủy, ủy, tùy (the mark on
the first vowel of an open «oa», «oe», «uy»; «quý» is not such a pair). For i/y it chooses y where the
glossary already writes «tỷ»: lý, kỹ, ký, mỹ. A word written the other way fails this test, after NFC.
``hocai.text.canonical_tones`` is the rule (the same one answers are compared with), so no list of words
can fall behind. A line that shows both spellings (a rule such as «viết tùy, không viết tuỳ») is allowed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hocai.content import glossary
from hocai.text import canonical_tones, nfc

ROOT = Path(__file__).resolve().parents[2]
I_TO_Y = {"lí": "lý", "kĩ": "kỹ", "kí": "ký", "mĩ": "mỹ", "tỉ": "tỷ"}
WORD = re.compile(r"[^\W_]+")
# The new-style placement: an open «oa», «oe», «uy» (not «qu…») with the mark on its second vowel.
NEW_STYLE = re.compile(r"(?<!q)(?:o[áàảãạéèẻẽẹ]|u[ýỳỷỹỵ])$")
# Lexicons that recognise both spellings in what citizens type (data, never shown as text).
DETECTION_DATA = {"hocai/safety/_pii_lexicon.py", "hocai/safety/_pii_patterns.py", "hocai/safety/_pii_people.py"}
VIETNAMESE_END = "# hocai — learn AI safely (English)"


def preferred(word: str) -> str:
    """The kit's spelling of ``word`` (itself when it already follows the convention)."""
    lower = word.casefold()
    if lower in I_TO_Y:
        return I_TO_Y[lower] if word.islower() else I_TO_Y[lower].capitalize()
    return canonical_tones(word) if NEW_STYLE.search(lower) else word


def other_spellings(text: str) -> list[tuple[str, str]]:
    """(word as written, the kit's spelling) for each word of ``text`` written the other way."""
    found = []
    for line in nfc(text).splitlines():
        words = WORD.findall(line)
        shown = {w.casefold() for w in words}
        for word in words:
            want = preferred(word)
            if want != word and want.casefold() not in shown:
                found.append((word, want))
    return found


def texts(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
    if path.suffix == ".py":
        return glossary.python_strings(path)
    text = path.read_text(encoding="utf-8")
    if path == ROOT / "README.md":
        return [text.split(VIETNAMESE_END)[0]]
    if path.suffix == ".po":
        return [line for line in text.splitlines() if line.startswith("msgstr")]
    if path == glossary.DATA:  # its «banned» lists name the other spelling on purpose
        return [f"{t.term}\n{t.definition}" for t in glossary.terms()]
    return [text]


def files() -> list[Path]:
    """Participant-facing text (as the glossary scans it, less the corpus), every Vietnamese string of the
    kit and the grader, the JupyterLab labels the kit adds, the model list, the READMEs and the trainer's guide."""
    globs = [
        "hocai/**/*.py",
        "hocai/**/*.toml",
        "hocai/l10n/vi_VN/*.po",
        "grader/**/*.py",
        "deploy/**/*.md",
        "deploy/*.py",
        "models/catalogue.toml",
        "README.md",
        "exercises/README.md",
        "exercises/bank/*.toml",
        "notebooks/*.ipynb",
        "exercises/bai*/bai*.ipynb",
    ]
    found = {p for g in globs for p in ROOT.glob(g)}
    found |= {p for p in glossary.participant_files() if p.parent.name != "corpus"}
    return sorted(p for p in found if str(p.relative_to(ROOT)) not in DETECTION_DATA)


FILES = files()


def test_the_scan_covers_what_participants_and_trainers_read():
    names = {str(p.relative_to(ROOT)) for p in FILES}
    for expected in (
        "notebooks/00-huong-dan-giang-vien.ipynb",
        "notebooks/04-du-lieu-ca-nhan.ipynb",
        "exercises/bai03/bai03.ipynb",
        "exercises/bank/bai07.toml",
        "exercises/README.md",
        "README.md",
        "hocai/app/ui.py",
        "hocai/exercise/authoring.py",
        "hocai/l10n/vi_VN/jupyterlab.po",
        "hocai/content/trainer_guide.toml",
        "grader/workspace.py",
        "models/catalogue.toml",
    ):
        assert expected in names


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_one_spelling(path):
    found = [hit for text in texts(path) for hit in other_spellings(text)]
    assert found == [], "viết dấu kiểu cũ như hocai/content/glossary.toml (khóa, hòa, thủy; lý, tỷ)"


@pytest.mark.parametrize(
    "text, found",
    [
        ("Khóa học về văn hoá", [("hoá", "hóa")]),
        ("Bấm Xoá để làm lại", [("Xoá", "Xóa")]),
        (
            "HOÀ BÌNH, thuỷ lợi, Uỷ ban, sức khoẻ, toà án",
            [("HOÀ", "HÒA"), ("thuỷ", "thủy"), ("Uỷ", "Ủy"), ("khoẻ", "khỏe"), ("toà", "tòa")],
        ),
        ("quản lí, kĩ năng, Kí tên, tỉ lệ", [("lí", "lý"), ("kĩ", "kỹ"), ("Kí", "Ký"), ("tỉ", "tỷ")]),
        ("hoa\u0300 nhã", [("hoà", "hòa")]),  # NFD is checked after NFC
        ("hòa, khóa, thủy, quý, quà, hoàn thành, khuya, người, của, tuyết, tỉnh, kính, th[iì]", []),
        ("Viết tùy, không viết tuỳ.", []),  # a rule that shows both spellings
    ],
)
def test_other_spellings_can_fail(text, found):
    assert other_spellings(text) == found
