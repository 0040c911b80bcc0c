"""The shared lesson widgets: feedback logic, escaping, and the service-down path with the real client."""

import socket
import unicodedata

import ipywidgets as widgets
import pytest

from hocai.errors import UserError
from hocai.widgets import bar_chart, card, reveal, self_check, service_box
from hocai.widgets.self_check import RIGHT, WRONG, correct_set, feedback

QUESTIONS = [
    {"question": "AI có luôn đúng không?", "options": ["Có", "Không"], "answer": 1, "explain": "AI có thể sai."},
    {
        "question": "Chọn dữ liệu nhạy cảm",
        "options": ["Tình trạng sức khoẻ", "Tên xã", "Tiền án"],
        "answer": [0, 2],
        "explain": "Sức khoẻ và tiền án là dữ liệu nhạy cảm.",
    },
]


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _find(widget, kind):
    return [w for w in _walk(widget) if isinstance(w, kind)]


def _html(widget) -> str:
    return "\n".join(w.value for w in _find(widget, widgets.HTML))


def test_feedback_single_and_multiple():
    assert feedback(QUESTIONS[0], [1])[0] is True
    ok, html = feedback(QUESTIONS[0], [0])
    assert not ok and WRONG in html and "AI có thể sai." in html
    assert feedback(QUESTIONS[1], [2, 0])[0] is True
    assert feedback(QUESTIONS[1], [0])[0] is False
    assert feedback(QUESTIONS[1], [0, 1, 2])[0] is False


@pytest.mark.parametrize(
    "bad",
    [
        {"question": "q", "options": ["a", "b"], "answer": 2},
        {"question": "q", "options": ["a"], "answer": 0},
        {"question": "q", "options": ["a", "b"], "answer": []},
        {"question": "q", "options": ["a", "b"]},
    ],
)
def test_bad_questions_are_rejected(bad):
    with pytest.raises(ValueError):
        correct_set(bad)
    with pytest.raises(ValueError):
        self_check([bad])


def test_self_check_gives_instant_feedback_and_score():
    box = self_check(QUESTIONS)
    radio = _find(box, widgets.RadioButtons)[0]
    assert radio.value is None
    radio.value = 0
    assert WRONG in _html(box)
    radio.value = 1
    assert RIGHT in _html(box) and "1/2" in _html(box)
    checks = _find(box, widgets.Checkbox)
    button = [b for b in _find(box, widgets.Button) if b.description == "Kiểm tra"][0]
    button.click()
    assert "Hãy chọn ít nhất một ý" in _html(box)
    checks[0].value = checks[2].value = True
    button.click()
    assert "2/2" in _html(box)


def test_bar_chart_escapes_and_clamps():
    html = bar_chart([("<script>", 0.25), ("xã", 1.7)])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "25.0%" in html and "width:100.0%" in html
    assert html._repr_html_() == str(html)
    assert "Chưa có kết quả" in bar_chart([])


def test_card_and_reveal():
    nfd = unicodedata.normalize("NFD", "Tóm tắt")
    assert "Tóm tắt" in card(nfd, "<p>x</p>") and "<p>x</p>" in card("a", "<p>x</p>")
    box = reveal("Xem đáp án", "<b>42</b>")
    body = [w for w in _find(box, widgets.HTML) if "42" in w.value][0]
    assert body.layout.display == "none"
    _find(box, widgets.Button)[0].click()
    assert body.layout.display == "block"


def test_service_box_runs_example_and_renders():
    seen = []

    def echo(text, temperature):
        seen.append((text, temperature))
        return text.upper()

    slider = widgets.FloatSlider(value=0.7)
    box = service_box(
        echo, label="Thử", example="  xin   chào ", render=lambda r: f"<i>{r}</i>", controls={"temperature": slider}
    )
    assert seen == [("xin chào", 0.7)]
    assert "<i>XIN CHÀO</i>" in _html(box)
    _find(box, widgets.Textarea)[0].value = unicodedata.normalize("NFD", "bà")
    slider.value = 1.2
    _find(box, widgets.Button)[0].click()
    assert seen[-1] == ("bà", 1.2)
    _find(box, widgets.Textarea)[0].value = "   "
    _find(box, widgets.Button)[0].click()
    assert "Hãy gõ nội dung" in _html(box)


def test_service_box_shows_user_error_sentence():
    def refuse(text):
        raise UserError("Văn bản quá dài.")

    box = service_box(refuse, label="Thử", example="abc")
    assert "Văn bản quá dài." in _html(box)


def test_service_box_with_service_down(monkeypatch):
    from hocai.ai import client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HOCAI_SERVICE_URL", f"http://127.0.0.1:{port}/")
    box = service_box(client.next_words, label="Thử", example="Ủy ban nhân dân")
    html = _html(box)
    assert client.DOWN in html
    assert "Traceback" not in html


def test_sorter_gives_feedback_per_item():
    from hocai.widgets import sorter

    box = sorter(
        [
            {"text": "Lọc thư rác", "answer": 1, "explain": "AI học từ thư đã đánh dấu."},
            {"text": "Máy tính bỏ túi", "answer": 0},
        ],
        ["Không dùng AI", "Có AI"],
        title="Phân loại",
    )
    first, second = _find(box, widgets.ToggleButtons)
    first.value = 0
    assert WRONG in _html(box) and "AI học từ thư" in _html(box)
    first.value, second.value = 1, 0
    assert _html(box).count(RIGHT) == 2
    with pytest.raises(ValueError):
        sorter([{"text": "x", "answer": 5}], ["a", "b"], title="t")


def test_health_card_variants():
    from hocai.widgets.ai_box import health_card

    ok = health_card({"status": "ok", "model": "<tiny>", "teaching_model": True, "message": "Sẵn sàng."})
    assert "Sân tập AI đang chạy" in ok and "&lt;tiny&gt;" in ok and "mô hình thu nhỏ" in ok
    assert "mô hình thu nhỏ" not in health_card({"status": "ok", "model": "qwen", "teaching_model": False})
    assert "Đang tải mô hình." in health_card({"status": "loading", "message": "Đang tải mô hình."})
    assert "chưa sẵn sàng" in health_card({"status": "error"})
