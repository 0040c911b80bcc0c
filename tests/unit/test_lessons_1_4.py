"""Logic of lessons 1–4: data sets, toy model, prompt builder, traffic light, renderers."""

import unicodedata

import ipywidgets as widgets
import pytest

from hocai.ai.client import DOWN
from hocai.lessons import lesson01, lesson02, lesson03, lesson04
from hocai.safety.pii import to_json


def _html(widget) -> str:
    found = [widget.value] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        found.append(_html(child))
    return "\n".join(found)


def test_lesson01_games_and_chat_render():
    assert {item["answer"] for item in lesson01.EVERYDAY} == {0, 1, 2}
    assert len(lesson01.myths().children) == len(lesson01.MYTHS)
    html = lesson01.render_chat(
        {"reply": "<b>Chào</b>", "masked": [{"label": "PHONE", "label_vi": "Số điện thoại", "text": "0912 345 678"}]}
    )
    assert "&lt;b&gt;Chào&lt;/b&gt;" in html and "Số điện thoại" in html and "0912 345 678" in html
    assert "không trả lời gì" in lesson01.render_chat({"reply": "  ", "masked": []})


def test_lesson01_chat_box_waits_for_a_click(service_down):
    box = lesson01.chat_box()
    assert DOWN not in _html(box)
    [b for b in box.children if isinstance(b, widgets.Button)][0].click()
    assert DOWN in _html(box)


def test_lesson01_service_check_when_down(service_down):
    assert DOWN in lesson01.service_check()


def test_lesson02_toy_model_counts():
    table = lesson02.bigram_counts(lesson02.SENTENCES)
    for word in lesson02.START_WORDS:
        probs = lesson02.next_word_probs(word, table)
        assert probs and abs(sum(p for _, p in probs) - 1) < 1e-9
    assert lesson02.next_word_probs("dân", table)[0] == ("xã", 0.5)
    assert lesson02.next_word_probs(unicodedata.normalize("NFD", "Các"), table)[0][0] == "em"
    assert lesson02.next_word_probs("máy bay", table) == []


def test_lesson02_temperature():
    pairs = [("xã", 0.5), ("huyện", 0.3), ("tỉnh", 0.2)]
    cold, warm = lesson02.apply_temperature(pairs, 0.2), lesson02.apply_temperature(pairs, 2.0)
    assert [w for w, _ in cold] == ["xã", "huyện", "tỉnh"]
    assert cold[0][1] > 0.9 and warm[0][1] < 0.5
    assert [p for _, p in lesson02.apply_temperature(pairs, 1.0)] == pytest.approx([0.5, 0.3, 0.2])
    assert abs(sum(p for _, p in warm) - 1) < 1e-9
    assert lesson02.apply_temperature([], 1.0) == []


def test_lesson02_toy_model_widget_reacts():
    box = lesson02.toy_model()
    _style, word, temperature, chart = box.children
    assert "xã" in chart.value and "50.0%" in chart.value
    temperature.value = 0.1
    assert "50.0%" not in chart.value
    word.value = "em"
    assert "học" in chart.value


def test_lesson02_rendering():
    assert lesson02.show_token(" xã") == "xã"
    assert lesson02.show_token("\n") == "(xuống dòng)"
    assert lesson02.show_token(" ") == "(dấu cách)"
    html = lesson02.render_next_words([(" xã", 0.4), ("<", 0.1)])
    assert "xã" in html and "&lt;" in html and "40.0%" in html
    assert lesson02.render_samples([" 123/QĐ", "<i>"]).count("<li>") == 2


def test_lesson02_hands_on_when_down(service_down):
    assert DOWN in _html(lesson02.next_word_explorer())
    assert DOWN in _html(lesson02.sampler())


def test_lesson03_builder_logic():
    parts = {"Nhiệm vụ": "  Hãy viết   thư mời. ", "Vai trò": unicodedata.normalize("NFD", "Bạn là giáo viên.")}
    assert lesson03.build_prompt(parts) == "Bạn là giáo viên.\nHãy viết thư mời."
    assert lesson03.missing_parts(parts) == ["Bối cảnh", "Định dạng", "Giới hạn"]
    assert lesson03.missing_parts(lesson03.EXAMPLE_PARTS) == []
    assert {item["answer"] for item in lesson03.WHICH_PART} == set(range(len(lesson03.PARTS)))


def test_lesson03_builder_widget():
    box = lesson03.prompt_builder()
    fill, join = box.children[-2].children
    join.click()
    assert "Còn thiếu: Vai trò, Nhiệm vụ" in box.children[-1].value
    fill.click()
    assert "đủ năm phần" in box.children[-1].value and "trạm y tế xã" in box.children[-1].value


def test_lesson03_hands_on_when_down(service_down):
    assert DOWN in _html(lesson03.prompt_coach())


@pytest.mark.parametrize(
    "answers, light",
    [
        ((False, True, True), "đỏ"),
        ((True, False, False), "đỏ"),
        ((True, False, True), "vàng"),
        ((False, False, False), "vàng"),
        ((False, False, True), "xanh"),
    ],
)
def test_lesson04_traffic_light(answers, light):
    assert lesson04.paste_verdict(*answers)[0] == light


def test_lesson04_paste_check_widget():
    box = lesson04.paste_check()
    toggles = [w for w in box.children if isinstance(w, widgets.ToggleButtons)]
    toggles[0].value = False
    assert "cả ba câu" in box.children[-1].value
    toggles[1].value, toggles[2].value = True, True
    assert "Đèn đỏ" in box.children[-1].value


def test_lesson04_fictional_file_and_render():
    result = to_json(lesson04.CITIZEN_FILE)
    labels = {e["label"] for e in result["entities"]}
    assert {"PERSON", "CCCD", "PHONE", "DATE_OF_BIRTH"} <= labels
    html = lesson04.render_pii(result)
    assert "Số định danh cá nhân" in html and "034068001234" in html
    assert "bệnh tiểu đường" in html, "the lesson's point: the tool leaves health data for a human to catch"
    assert "không tìm thấy" in lesson04.render_pii({"entities": [], "redacted": "x"})
    assert {item["answer"] for item in lesson04.DATA_ITEMS} == {0, 1, 2}


def test_lesson04_hands_on_when_down(service_down):
    assert DOWN in _html(lesson04.pii_guard())


def test_lesson03_render_check_on_the_real_coach():
    from hocai.safety.prompt_coach import check_prompt, to_json

    weak = lesson03.render_check(to_json(check_prompt(lesson03.WEAK_PROMPT)))
    assert "✘ Vai trò" in weak and "✔ Nhiệm vụ" in weak and "Gợi ý" in weak
    full = to_json(check_prompt(lesson03.build_prompt(lesson03.EXAMPLE_PARTS)))
    assert all(full["criteria"].values()), full
    html = lesson03.render_check(full)
    assert "✘" not in html and "/5" in html
    risky = to_json(check_prompt("Tóm tắt đơn của ông Trần Văn Bình, số điện thoại 0912 345 678."))
    assert "Cảnh báo" in lesson03.render_check(risky), risky
