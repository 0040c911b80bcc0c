"""Prompt rubric (issue 15): parts count only with real content; agreement with the blind labelled set."""

import json
from pathlib import Path

import pytest

from hocai.exercise import check
from hocai.safety.prompt_coach import PASS_MIN_PARTS, check_prompt, to_json
from hocai.text import strip_diacritics

LABELLED = Path(__file__).resolve().parents[1] / "data" / "prompts_labelled.jsonl"
NATURAL = (
    "Hãy giúp tôi viết thông báo họp. Người nhận là các trưởng thôn trong xã, họp lúc 8 giờ sáng thứ Hai "
    "tại hội trường UBND. Viết ngắn gọn, có tiêu đề và các ý chính."
)
TEMPLATE_UNFILLED = (
    "Bạn là [vai trò phù hợp, ví dụ: cán bộ văn phòng UBND xã giỏi soạn văn bản].\n"
    "Nhiệm vụ: [việc cần làm, ví dụ: soạn thông báo…].\nBối cảnh: [viết cho ai, để làm gì, trong hoàn "
    "cảnh nào].\nĐịnh dạng: [ví dụ: gạch đầu dòng, 3 đoạn, dạng thông báo].\nGiới hạn: [độ dài, giọng "
    "văn, điều cần tránh]."
)


def test_the_natural_good_prompt_passes():
    report = check_prompt(NATURAL)
    assert report.passes and report.criteria["task"] and report.criteria["context"] and report.criteria["format"]
    assert check_prompt(strip_diacritics(NATURAL)).passes


def test_em_la_giao_vien_is_a_role():
    report = check_prompt("Em là giáo viên chủ nhiệm lớp 4. Soạn giúp em tin nhắn nhắc phụ huynh nộp sổ liên lạc.")
    assert report.criteria["role"] and "giáo viên chủ nhiệm" in report.reasons["role"]


@pytest.mark.parametrize(
    "text",
    [
        "vai trò bối cảnh định dạng giới hạn viết",
        "Vai trò: có. Nhiệm vụ: có. Bối cảnh: có. Định dạng: có. Giới hạn: có.",
        "Vai trò rõ ràng. Bối cảnh cụ thể. Định dạng phù hợp. Giới hạn hợp lý. Hãy viết.",
        TEMPLATE_UNFILLED,
    ],
)
def test_keyword_stuffing_and_unfilled_templates_never_pass(text):
    assert not check_prompt(text).passes


def test_the_coach_own_improved_prompt_does_not_pass():
    report = check_prompt("thông báo họp")
    assert not check_prompt(report.improved).passes


def test_personal_data_fails_with_a_reason():
    report = check_prompt(NATURAL + " Gửi kèm số điện thoại anh Trần Văn Hùng 0987 654 321.")
    assert not report.passes and "dữ liệu cá nhân" in report.verdict and "Số điện thoại" in report.verdict


@pytest.mark.parametrize("text", ["Hôm nay thời tiết thế nào?", "ok", "asdf qwer zxcv", "Bạn có khỏe không?"])
def test_off_task_prompts_fail(text):
    assert not check_prompt(text).passes


def test_json_gives_passes_and_a_vietnamese_reason_per_part():
    record = to_json(check_prompt(NATURAL))
    assert record["passes"] is True and record["min_parts"] == PASS_MIN_PARTS
    assert set(record["parts"]) == {"role", "task", "context", "format", "limits"}
    assert record["parts"]["role"]["found"] is False and "vai" in record["parts"]["role"]["reason"]
    assert record["parts"]["context"]["reason"].startswith("có nội dung")


def test_exercise_grading_uses_the_same_verdict():
    assert check.prompt_reason("q5", NATURAL, min_score=PASS_MIN_PARTS) is None
    reason = check.prompt_reason("q5", "vai trò bối cảnh định dạng giới hạn viết", min_score=PASS_MIN_PARTS)
    assert reason and reason.startswith("Câu q5: Câu lệnh chưa đạt")


def test_labelled_set_agreement():
    """≥ 90 % agreement with the blind labels; no keyword-stuffed or unfilled-template prompt passes."""
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 80
    verdicts = [(row, check_prompt(row["text"]).passes) for row in rows]
    agreement = sum(passes == row["passes"] for row, passes in verdicts) / len(rows)
    assert agreement >= 0.90, agreement
    cheats = [
        row["id"] for row, passes in verdicts if passes and row["label"] in ("keyword_stuffed", "unfilled_template")
    ]
    assert cheats == []
    assert not any(passes for row, passes in verdicts if row["label"] == "personal_data")


def test_the_exercise_widget_shows_the_verdict_part_by_part():
    import ipywidgets as w

    from hocai.exercise.question_form import QuestionView

    spec = {
        "id": "q5",
        "type": "rewrite_prompt",
        "points": 3,
        "min_score": PASS_MIN_PARTS,
        "prompt": "Viết lại",
        "original": "viết thông báo họp",
    }
    view = QuestionView(spec, NATURAL)
    button = next(c for c in view.box.children if isinstance(c, w.Button))
    feedback = view.box.children[list(view.box.children).index(button) + 1]
    button.click()
    assert "Câu lệnh đạt" in feedback.value and "✘ Vai trò" in feedback.value and "✔ Bối cảnh" in feedback.value


def test_lesson03_card_shows_the_verdict_and_each_part_reason():
    from hocai.lessons import lesson03

    html = lesson03.render_check(to_json(check_prompt("vai trò bối cảnh định dạng giới hạn viết")))
    assert "Câu lệnh chưa đạt" in html and "✘ Bối cảnh: chưa thấy bối cảnh" in html
