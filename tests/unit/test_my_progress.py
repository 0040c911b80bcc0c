"""«Tiến độ của tôi» (issue 18, item 2): lessons finished at the self-check, exercises from the participant's files."""

from __future__ import annotations

import ipywidgets as widgets

from hocai.exercise import storage, submit
from hocai.widgets import my_progress
from hocai.widgets.self_check import FINISHED, self_check

QUESTIONS = [
    {"question": "Một?", "options": ["a", "b"], "answer": 1},
    {"question": "Hai?", "options": ["a", "b"], "answer": 0},
]
FEEDBACK = "<html><body><h1>bai01</h1><p>Score: 9.5 / 12</p></body></html>"


def _radios(box):
    found, stack = [], [box]
    while stack:
        w = stack.pop()
        if isinstance(w, widgets.RadioButtons):
            found.append(w)
        stack.extend(getattr(w, "children", ()))
    return found


def test_lesson_module_names_its_notebook():
    assert my_progress.lesson_of("hocai.lessons.lesson03").startswith("03-")
    assert my_progress.lesson_of("tests.unit") == "" and my_progress.lesson_of("hocai.lessons.lesson99") == ""


def test_finishing_the_self_check_records_the_lesson(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    name = my_progress.lesson_of("hocai.lessons.lesson01")
    box = self_check(QUESTIONS, lesson=name)
    first, second = sorted(_radios(box), key=lambda r: r.options[0][0])[:2]
    first.value = 0
    assert submit.load_progress(tmp_path) == {}  # one of two answered: not finished yet
    second.value = 1
    assert name in submit.load_progress(tmp_path)["lessons"]
    page = my_progress.render(tmp_path)
    assert "Bài học đã xong: 1/8" in page and "✓ xong lúc" in page


def test_exercise_states_score_and_what_is_left(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("bai01", "bai02", "bai03"):
        (tmp_path / name).mkdir()
    storage.save("q1", "A", tmp_path / "bai02")
    storage.save("q1", "A", tmp_path / "bai01")
    submit.record("submitted", "bai01", tmp_path)
    (tmp_path / "bai01" / "feedback" / "2026-12-04 13:00:00.000000 UTC").mkdir(parents=True)
    (tmp_path / "bai01" / "feedback" / "2026-12-04 13:00:00.000000 UTC" / "bai01.html").write_text(FEEDBACK)
    rows = {r["name"]: r for r in my_progress.exercise_rows(tmp_path)}
    assert {n: r["state"] for n, r in rows.items()} == {"bai01": "đã chấm", "bai02": "đang làm", "bai03": "chưa làm"}
    assert rows["bai01"]["score"] == "9.5/12"
    page = my_progress.render(tmp_path)
    assert "điểm 9.5/12" in page and "xem nhận xét" in page
    left = page.split("Còn lại để hoàn thành", 1)[1]
    assert "bai02" in left and "bai03" in left and "bai01" not in left


def test_finished_text_is_vietnamese():
    assert FINISHED.startswith("✓ Bạn đã làm xong")


def test_seeded_progress_notebook_is_locked_and_calls_the_page():
    import nbformat

    nb = nbformat.reads(my_progress.notebook_text(), as_version=4)
    nbformat.validate(nb)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"]
    assert all(c.metadata["editable"] is False and c.metadata["deletable"] is False for c in nb.cells)
    assert nb.cells[1].metadata["jupyter"]["source_hidden"] is True
    assert nb.cells[1].source == "from hocai.widgets.my_progress import show; show()"
    assert "Cập nhật nhận xét" in nb.cells[0].source


def test_lessons_are_listed_by_their_title(tmp_path):
    titles = my_progress.lesson_titles()
    assert list(titles) == my_progress.lesson_names()
    assert [t.split(".")[0] for t in titles.values()] == [f"Bài {i}" for i in range(1, 9)]
    submit.record("lessons", "01-ai-la-gi", tmp_path)
    page = my_progress.render(tmp_path)
    assert "<b>Bài 1. AI là gì?</b>: ✓ xong lúc" in page
    assert "<b>Bài 2. Mô hình ngôn ngữ đoán chữ thế nào?</b>: chưa làm" in page
    assert not any(name in page for name in titles)  # no file stem such as 01-ai-la-gi
    left = page.split("Còn lại để hoàn thành", 1)[1]
    assert "Bài 2. Mô hình ngôn ngữ đoán chữ thế nào?" in left and "Bài 1." not in left


def test_a_lesson_without_a_readable_title_shows_its_file_name(tmp_path, monkeypatch):
    import nbformat

    from hocai import paths

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Không có tiêu đề.")]
    (tmp_path / "01-khong-tieu-de.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    nb.cells = [nbformat.v4.new_markdown_cell("# Bài 2. Có tiêu đề")]
    (tmp_path / "02-co-tieu-de.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    (tmp_path / "03-hong.ipynb").write_text("{không phải JSON", encoding="utf-8")
    monkeypatch.setattr(paths, "NOTEBOOKS", tmp_path)
    assert my_progress.lesson_titles() == {
        "01-khong-tieu-de": "01-khong-tieu-de",
        "02-co-tieu-de": "Bài 2. Có tiêu đề",
        "03-hong": "03-hong",
    }
    assert "<b>Bài 2. Có tiêu đề</b>" in my_progress.render(tmp_path / "home")
