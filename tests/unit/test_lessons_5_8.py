"""Logic of lessons 5–8: citation checker, bias toy model, scam messages, drafting checklist, renderers."""

import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import ipywidgets as widgets
import pytest

from hocai.ai.client import DOWN, ServiceUnavailable
from hocai.lessons import lesson05, lesson06, lesson07, lesson08
from hocai.safety.prompt_coach import check_prompt
from hocai.safety.prompt_coach import to_json as coach_json
from hocai.safety.scam import check_message
from hocai.safety.scam import to_json as scam_json

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[5-8]-*.ipynb"))
TODAY = date(2026, 1, 15)


def _html(widget) -> str:
    found = [widget.value] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        found.append(_html(child))
    return "\n".join(found)


def _button(box) -> widgets.Button:
    if isinstance(box, widgets.Button):
        return box
    for child in getattr(box, "children", ()):
        found = _button(child)
        if found is not None:
            return found
    return None


def _markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_four_notebooks_for_lessons_5_to_8():
    assert [p.name[:3] for p in NOTEBOOKS] == ["05-", "06-", "07-", "08-"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_text_names_the_movement_in_full(path):
    """The model is trained on lesson markdown: the movement's name always ends with «số»."""
    text = _markdown(path)
    assert not re.search(r"Bình dân học vụ(?! số)", text, re.I)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_cite_only_the_course_sources(path):
    """Every document number written in a lesson is one of the real sources (lesson 5's own checker)."""
    cited = {c.text for c in lesson05.find_citations(_markdown(path)) if c.kind == "number"}
    assert cited <= set(lesson05.REAL_SOURCES), cited - set(lesson05.REAL_SOURCES)


# Lesson 5


def test_lesson05_citations_in_the_invented_answer():
    found = lesson05.find_citations(lesson05.AI_ANSWER, TODAY)
    by_text = {c.text: c for c in found}
    assert [c.text for c in found] == [
        "15/QĐ-UBND",
        "30/02/2025",
        "07/2024/KH-UBND",
        "10/3/2025",
        "31/4/2025",
        "02/2025/TT-BGDĐT",
    ]
    assert lesson05.NO_SUCH_DAY in by_text["30/02/2025"].problems[0]
    assert lesson05.YEAR_MISMATCH in by_text["07/2024/KH-UBND"].problems[0]
    assert not by_text["10/3/2025"].problems and not by_text["15/QĐ-UBND"].problems
    assert by_text["02/2025/TT-BGDĐT"].source and not by_text["15/QĐ-UBND"].source


@pytest.mark.parametrize(
    "text, problem",
    [
        ("ngày 29 tháng 2 năm 2024", None),
        ("ngày 29 tháng 2 năm 2025", lesson05.NO_SUCH_DAY),
        ("13/13/2025", lesson05.NO_SUCH_DAY),
        ("Nghị định số 12/2025/QĐ-TTg", lesson05.KIND_MISMATCH),
        ("Quyết định số 3/QĐ-TTg ngày 1/1/2025", None),
        ("Thông tư số 5/2027/TT-BYT", lesson05.NOT_YET),
        ("ngày 20/6/2026", None),
        ("Quyết định số 3/QĐ-TTg ngày 20/6/2026", lesson05.NOT_YET),
    ],
)
def test_lesson05_red_flags(text, problem):
    problems = [p for c in lesson05.find_citations(text, TODAY) for p in c.problems]
    assert problems[0].startswith(problem) if problem else not problems, problems


def test_lesson05_nfd_input_is_read_like_nfc():
    text = unicodedata.normalize("NFD", "Thông tư số 02/2025/TT-BGDĐT")
    [cite] = lesson05.find_citations(text, TODAY)
    assert cite.text == "02/2025/TT-BGDĐT" and cite.source


def test_lesson05_sorting_game_matches_the_checker():
    for item in lesson05.FLAW_ITEMS:
        assert lesson05.first_flaw(item["text"], TODAY) == lesson05.FLAWS[item["answer"]], item["text"]
    assert {item["answer"] for item in lesson05.FLAW_ITEMS} == set(range(len(lesson05.FLAWS)))


def test_lesson05_rows_and_checker_widget():
    html = lesson05.citation_rows(lesson05.AI_ANSWER, TODAY)
    assert html.count("✘") == 3 and html.count("✔") == 1 and "Khung năng lực số" in html
    assert "Không tìm thấy" in lesson05.citation_rows("Không có số nào.", TODAY)
    box = lesson05.citation_checker()
    assert "30/02/2025" in _html(box) and lesson05.INVENTED.lower() in _html(box)
    area = [w for w in box.children if isinstance(w, widgets.Textarea)][0]
    area.value = "Kế hoạch số 12/KH-UBND ngày 31/6/2025 <script>"
    _button(box).click()
    assert "tháng 6 năm 2025 không có ngày 31" in _html(box) and "<script>" not in _html(box)


def test_lesson05_invented_numbers_render():
    assert lesson05.distinct_numbers([" 12/QĐ-UBND ngày", " 45 của", " 12/QĐ-UBND"]) == ["12/QĐ-UBND", "45"]
    three = lesson05.render_invented([" 12/QĐ-UBND", " 45/QĐ-UBND", " 7"])
    assert three.count("<li>") == 3 and "3 con số khác nhau" in three
    assert "không viết ra con số nào" in lesson05.render_invented([" của xã", " <b>", " thôn"])
    assert "&lt;b&gt;" in lesson05.render_invented([" <b>"])


def test_lesson05_hands_on_when_down(service_down):
    assert DOWN in _html(lesson05.invented_numbers())


# Lesson 6


def test_lesson06_skewed_data_gives_skewed_answers():
    skewed, balanced = lesson06.train(lesson06.SKEWED), lesson06.train(lesson06.BALANCED)
    assert lesson06.predict(skewed, "Bác sĩ là")[0] == ("anh", pytest.approx(5 / 6))
    assert lesson06.predict(skewed, "y tá là")[0] == ("chị", pytest.approx(5 / 6))
    for job in lesson06.JOBS:
        probs = [p for _, p in lesson06.predict(balanced, f"{job} là")]
        assert probs == pytest.approx([0.5, 0.5]), job
    assert lesson06.complete(skewed, "Bác sĩ là") == "Bác sĩ là anh"
    assert lesson06.complete(balanced, "Bác sĩ là") == "Bác sĩ là anh / chị"
    assert lesson06.predict(skewed, "là") == [] and lesson06.complete(skewed, "Con mèo") == "Con mèo"


def test_lesson06_retraining_follows_the_data():
    assert "83.3%" in lesson06.retrain("")
    balanced = lesson06.retrain(lesson06.EXTRA_EXAMPLE)
    assert "4 câu bạn thêm" in balanced and balanced.count(">50.0%</div>") == 2
    box = lesson06.fix_the_data()
    _button(box).click()
    assert "Sau khi thêm câu" in _html(box) and "50.0%" in _html(box)


def test_lesson06_explorer_switches_job():
    box = lesson06.bias_explorer()
    dropdown = [w for w in box.children if isinstance(w, widgets.Dropdown)][0]
    assert "Bác sĩ là anh" in _html(box)
    dropdown.value = "giáo viên mầm non"
    assert "cô / thầy" in _html(box) and "100.0%" in _html(box)
    assert {item["answer"] for item in lesson06.OUTPUTS} == {0, 1}


def test_lesson06_class_model_render_and_down(service_down):
    html = lesson06.render_lines([("Bác sĩ là", [(" anh", 0.6), ("\n", 0.4)]), ("Y tá là", [])])
    assert "anh" in html and "(xuống dòng)" in html and "Chưa có kết quả" in html
    with pytest.raises(ServiceUnavailable):
        lesson06.next_words_for_lines("Bác sĩ là\n\nY tá là")
    assert lesson06.next_words_for_lines("  \n ") == []
    assert DOWN in _html(lesson06.class_model_bias())


# Lesson 7


def test_lesson07_sorting_game_agrees_with_the_checker():
    for item in lesson07.MESSAGES:
        assert check_message(item["text"]).scam == (item["answer"] == 0), item["text"]
    assert check_message(lesson07.SCAM_EXAMPLE).scam


def test_lesson07_render_scam():
    html = lesson07.render_scam(scam_json(check_message(lesson07.SCAM_EXAMPLE)))
    assert "Nghi lừa đảo" in html and "OTP" in html and "Nên làm gì" in html
    calm = lesson07.render_scam(scam_json(check_message(lesson07.MESSAGES[-1]["text"])))
    assert "Chưa thấy dấu hiệu" in calm and re.search(r"\b0\.\d%", calm)  # under 1 %: the model never says 0
    assert "&lt;i&gt;" in lesson07.render_scam({"scam": True, "score": 0.9, "reasons": ["<i>"], "advice": []})


def test_lesson07_what_to_do():
    for situation in lesson07.SITUATIONS:
        steps = lesson07.steps_for(situation)
        assert len(steps) >= 3 and steps[-1] == lesson07.ALWAYS
    box = lesson07.what_to_do()
    dropdown = [w for w in box.children if isinstance(w, widgets.Dropdown)][0]
    dropdown.value = "Lỡ đọc mã OTP hoặc mật khẩu"
    assert "Đổi mật khẩu" in _html(box) and "113" in _html(box)


def test_lesson07_hands_on_when_down(service_down):
    assert DOWN in _html(lesson07.scam_checker())


# Lesson 8


def test_lesson08_checklist():
    n = len(lesson08.CHECKLIST)
    assert lesson08.draft_ready([True] * n) == (True, [])
    ready, missing = lesson08.draft_ready([True] * (n - 1) + [False])
    assert not ready and missing == [lesson08.CHECKLIST[-1]]
    assert not lesson08.draft_ready([])[0]
    box = lesson08.draft_checklist()
    boxes = [w for w in box.children if isinstance(w, widgets.Checkbox)]
    assert f"còn {n} việc" in _html(box)
    for checkbox in boxes:
        checkbox.value = True
    assert "có thể trình ký" in _html(box)
    assert {item["answer"] for item in lesson08.TASKS} == {0, 1}


def test_lesson08_drafting_prompt_warns_about_the_pupil():
    result = coach_json(check_prompt(lesson08.DRAFT_PROMPT))
    assert {e["label"] for e in result["pii"]} >= {"PERSON", "PHONE"}
    html = lesson08.render_check(result)
    assert "Cảnh báo" in html and "[HỌ TÊN]" in html
    assert "Năm bước" in lesson08.five_steps()


def test_lesson08_hands_on_when_down(service_down):
    assert DOWN in _html(lesson08.prompt_coach())
    chat = lesson08.masked_chat()
    assert DOWN not in _html(chat), "the chat waits for a click to spare the shared service"
    _button(chat).click()
    assert DOWN in _html(chat)
