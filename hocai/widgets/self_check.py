"""Ungraded self-check: multiple-choice questions with instant Vietnamese feedback."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets

from hocai.text import nfc
from hocai.widgets.style import BAD, FONT, GOOD, Html, esc, styled_box

RIGHT = "Đúng rồi!"
WRONG = "Chưa đúng…"
PICK_ONE = "Hãy chọn ít nhất một ý rồi bấm «Kiểm tra»."
CHECK = "Kiểm tra"
FINISHED = "✓ Bạn đã làm xong phần Tự kiểm tra của bài này. Tiến độ của tôi:"


def correct_set(question: dict[str, Any]) -> frozenset[int]:
    """The option indexes that make an answer right; validates the question so lesson typos fail in tests."""
    for key in ("question", "options", "answer"):
        if key not in question:
            raise ValueError(f"self-check question lacks {key!r}: {question!r}")
    options = question["options"]
    if len(options) < 2:
        raise ValueError(f"self-check question needs two options or more: {question['question']!r}")
    answer = question["answer"]
    indexes = frozenset([answer] if isinstance(answer, int) else answer)
    if not indexes or not all(isinstance(i, int) and 0 <= i < len(options) for i in indexes):
        raise ValueError(f"self-check answer out of range: {question['question']!r}")
    return indexes


def feedback(question: dict[str, Any], chosen: Sequence[int]) -> tuple[bool, Html]:
    """Whether ``chosen`` is exactly the right set of options, and the message to show."""
    ok = frozenset(chosen) == correct_set(question)
    explain = nfc(question.get("explain", ""))
    head = RIGHT if ok else WRONG
    colour = GOOD if ok else BAD
    mark = "✔" if ok else "✘"
    body = f" {esc(explain)}" if explain else ""
    return ok, Html(f'<div style="{FONT}color:{colour}"><b>{mark} {head}</b>{body}</div>')


def _single(question: dict[str, Any], done: Callable[[bool], None]) -> widgets.Widget:
    options = [(nfc(text), i) for i, text in enumerate(question["options"])]
    radio = widgets.RadioButtons(options=options, value=None, layout=widgets.Layout(width="auto"))
    out = widgets.HTML()

    def changed(change: dict) -> None:
        if change["new"] is None:
            return
        ok, out.value = feedback(question, [change["new"]])
        done(ok)

    radio.observe(changed, names="value")
    return widgets.VBox([radio, out])


def _multiple(question: dict[str, Any], done: Callable[[bool], None]) -> widgets.Widget:
    boxes = [
        widgets.Checkbox(value=False, description=nfc(text), indent=False, layout=widgets.Layout(width="auto"))
        for text in question["options"]
    ]
    button = widgets.Button(description=CHECK, button_style="info", icon="check")
    out = widgets.HTML()

    def check(_button: widgets.Button) -> None:
        chosen = [i for i, box in enumerate(boxes) if box.value]
        if not chosen:
            out.value = f'<div style="{FONT}">{esc(PICK_ONE)}</div>'
            return
        ok, out.value = feedback(question, chosen)
        done(ok)

    button.on_click(check)
    hint = widgets.HTML(f'<div style="{FONT}font-style:italic">(Có thể chọn nhiều ý.)</div>')
    return widgets.VBox([hint, *boxes, button, out])


def self_check(
    questions: Sequence[dict[str, Any]], *, title: str = "Tự kiểm tra", lesson: str | None = None
) -> widgets.VBox:
    """A VBox of questions; ``answer`` is an option index (one choice) or a list of indexes (several).

    When every question has been answered the lesson is recorded as finished for «Tiến độ của tôi» and the
    instructor's board; ``lesson`` defaults to the calling hocai.lessons.lessonNN module's notebook."""
    from hocai.widgets import my_progress

    for question in questions:
        correct_set(question)
    if lesson is None:
        lesson = my_progress.lesson_of(sys._getframe(1).f_globals.get("__name__", ""))
    solved: dict[int, bool] = {}
    score = widgets.HTML()

    def recorder(number: int):
        def done(ok: bool) -> None:
            first_time = len(solved) < len(questions)
            solved[number] = ok
            right = sum(solved.values())
            score.value = f'<div style="{FONT}">Bạn đã làm đúng {right}/{len(questions)} câu.</div>'
            if len(solved) == len(questions):
                if first_time:
                    my_progress.record_lesson(lesson)
                if lesson:
                    score.value += f'<div style="{FONT}color:{GOOD}">{esc(FINISHED)}</div>' + my_progress.render()

        return done

    parts: list[widgets.Widget] = [
        widgets.HTML(f'<div style="font-size:22px;font-weight:700">{esc(nfc(title))}</div>'),
        widgets.HTML(f'<div style="{FONT}">Không chấm điểm: chọn đáp án để xem ngay đúng hay sai.</div>'),
    ]
    for number, question in enumerate(questions):
        maker = _multiple if isinstance(question["answer"], (list, tuple, set, frozenset)) else _single
        parts.append(
            widgets.HTML(
                f'<div style="{FONT}font-weight:700;margin-top:12px">'
                f"Câu {number + 1}. {esc(nfc(question['question']))}</div>"
            )
        )
        parts.append(maker(question, recorder(number)))
    parts.append(score)
    return styled_box(parts)
