"""The trainer's guide (issue 16, item 6): generated notebook, every lesson covered, only commands that exist."""

import importlib
import inspect
import re
import shlex

import nbformat
import pytest

from hocai import cli
from hocai.content import glossary, sources, trainer_guide

GUIDE = trainer_guide.data()
MARKDOWN = trainer_guide.markdown()


def quoted_commands(text: str) -> list[str]:
    """Every ``hocai …`` command the guide shows: inline code spans and lines of code blocks."""
    prefix = re.compile(r"^(sudo )?(\.venv/bin/)?(?=hocai )")
    inline = re.findall(r"`((?:sudo )?(?:\.venv/bin/)?hocai [^`]+)`", text)
    blocks = [
        line.strip()
        for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S)
        for line in block.splitlines()
        if prefix.match(line.strip()) and "hocai " in line
    ]
    return [prefix.sub("", command) for command in inline + blocks]


def resolve(command: str) -> str:
    """Parse a quoted command with the real parser; return its handler ``module:function`` after importing it."""
    args = cli.build_parser().parse_args(shlex.split(command)[1:])
    target = inspect.getclosurevars(args.func).nonlocals["target"]
    module, func = target.split(":")
    assert callable(getattr(importlib.import_module(module), func)), target
    return target


def test_the_notebook_is_what_the_source_renders():
    assert trainer_guide.NOTEBOOK.read_text(encoding="utf-8") == trainer_guide.notebook_text(), (
        "chạy: python -m hocai.content.trainer_guide --write"
    )
    nb = nbformat.read(trainer_guide.NOTEBOOK, as_version=4)
    assert nb.cells and {c.cell_type for c in nb.cells} == {"markdown"}


@pytest.mark.parametrize("number", range(1, 9))
def test_every_lesson_has_every_part(number):
    [entry] = [e for e in GUIDE["lesson"] if e["number"] == number]
    assert len(entry["prepare"]) >= 2 and all(p.strip() for p in entry["prepare"])
    assert len(entry["discussion"]) == 2 and all(q.strip().endswith("?") for q in entry["discussion"])
    assert 3 <= len(entry["faq"]) <= 5 and all(f["q"].strip().endswith("?") and f["a"].strip() for f in entry["faq"])

    lesson_nb = sources.lesson_notebooks()[number]
    lesson_md = "\n".join(c.source for c in nbformat.read(lesson_nb, as_version=4).cells if c.cell_type == "markdown")
    title = re.search(r"^# (.+)$", lesson_md, re.M).group(1)
    timing = re.search(r"\*Thời lượng: ([^*]+?)\.?\*", lesson_md).group(1)
    [cell] = [c for c in trainer_guide.cells() if c.startswith(f"## {title}\n")]
    assert f"Thời lượng: {timing}" in cell and f"bai{number:02d}" in cell
    flat = " ".join(lesson_md.split())
    objectives = trainer_guide.lesson(number).objectives
    assert len(objectives) >= 3
    for objective in objectives:
        assert objective in cell and objective in flat, "objectives as the lesson states them"
    for part in ("**Mục tiêu**", "**Cần chuẩn bị**", "**Câu hỏi thảo luận**", "**Học viên hay hỏi**"):
        assert part in cell
    assert len(re.findall(r"^\d\. ", cell.split("**Cần chuẩn bị**")[0], re.M)) >= 3


def test_the_guide_has_both_schedules_and_the_practical_sections():
    schedules = GUIDE["schedule"]
    assert len(schedules) == 2
    for schedule in schedules:
        text = " ".join(what for _, what in schedule["rows"])
        for n in range(1, 9):
            assert re.search(rf"Bài {n}\b", text), (schedule["title"], n)
            assert text.count(f"bai0{n}") == 1, (schedule["title"], n)
    assert [when for when, _ in schedules[1]["rows"]] == ["Buổi 1", "Buổi 2", "Buổi 3", "Buổi 4"]
    titles = [s["title"] for s in GUIDE["section"]]
    assert any("không có mạng" in t for t in titles) and any("chứng nhận" in t for t in titles)
    assert any("An toàn" in t for t in titles)
    from hocai.ai.client import DOWN

    assert f"«{DOWN}»" in MARKDOWN, "the guide quotes the lessons' exact message when the service is down"


def test_every_quoted_command_exists():
    commands = quoted_commands(MARKDOWN)
    assert len(commands) >= 15
    used = {c.split()[1] for c in commands} | {" ".join(c.split()[1:3]) for c in commands}
    for needed in (
        "start",
        "app",
        "guide",
        "course release",
        "course collect",
        "course autograde",
        "course report",
        "course certificates",
    ):
        assert needed in used, needed
    for command in commands:
        resolve(command)
    from hocai.ai.catalogue import find_entry

    models = {c.split()[3] for c in commands if c.split()[1:3] in (["models", "fetch"], ["models", "export"])}
    assert models and all(find_entry(name) for name in models - {"TÊN"}), models


def test_every_quoted_command_path_answers_help(capsys):
    for command in {
        " ".join(w for w in shlex.split(c)[1:3] if not w.startswith(("-", "~", "/"))) for c in quoted_commands(MARKDOWN)
    }:
        with pytest.raises(SystemExit) as done:
            cli.build_parser().parse_args([*command.split(), "--help"])
        assert done.value.code == 0, command


@pytest.mark.parametrize(
    "command", ["hocai course grade ~/khoa-hoc", "hocai course report ~/khoa-hoc", "hocai hub restart"]
)
def test_a_command_that_does_not_exist_is_caught(command):
    with pytest.raises(SystemExit):
        resolve(command)


def test_no_english_placeholder_banned_word_or_unknown_citation():
    english = r"(?<![-\w])(TODO|TBD|FIXME|XXX|lorem|ipsum|placeholder|Lesson|Objectives?|Discussion|Answer)(?![-\w])"
    assert not re.search(english, MARKDOWN, re.I)
    assert re.search(english, "Answer: TBD", re.I) and not re.search(english, "hocai course answer-key", re.I)
    assert glossary.violations(MARKDOWN) == []
    assert sources.unknown_citations(MARKDOWN) == []
    assert trainer_guide.markdown() == trainer_guide.markdown().strip() + "\n"


def test_guide_command_prints_markdown_and_refuses_a_missing_folder(tmp_path, capsys):
    assert cli.main(["guide"]) == 0
    assert capsys.readouterr().out == MARKDOWN
    assert cli.main(["guide", "--pdf", str(tmp_path / "khong-co" / "hd.pdf")]) == 2
    err = capsys.readouterr().err
    assert "Không có thư mục" in err and "Traceback" not in err


def test_the_class_model_does_not_learn_from_the_guide():
    from hocai.ai.build_default import corpus_documents

    labels = [label for label, _ in corpus_documents()]
    assert "notebooks/01-ai-la-gi.ipynb" in labels
    assert f"notebooks/{trainer_guide.NOTEBOOK.name}" not in labels


def _minutes(number: int) -> int:
    return int(re.search(r"(\d+) phút", trainer_guide.lesson(number).timing).group(1))


def test_schedules_fit_the_lessons_timings():
    """A lesson that grows longer than its slot fails here; the minutes quoted in a schedule are the lessons' own."""
    exercise = 10  # the guide's planning estimate per exercise
    one_day, sessions = GUIDE["schedule"]
    for when, what in one_day["rows"]:
        start, end = ([int(x) for x in t.split(":")] for t in when.split("–"))
        slot = (end[0] - start[0]) * 60 + end[1] - start[1]
        lessons = [int(n) for n in re.findall(r"Bài (\d)", what)]
        assert sum(_minutes(n) for n in lessons) + exercise * len(lessons) <= slot, when
    for when, what in sessions["rows"]:
        quoted = {int(n): int(m) for n, m in re.findall(r"Bài (\d) \((\d+) phút\)", what)}
        assert len(quoted) == 2 and all(_minutes(n) == m for n, m in quoted.items()), (when, "chạy lại --write")
        assert sum(quoted.values()) + exercise * len(quoted) <= 120, when
