"""The widget each locked question cell shows: participants click or type, never write Python.

Every change is saved at once to answers.json (with a visible «Đã lưu» line); running the cell again
reloads the saved answer. While nbgrader executes the notebook (autograde, validate) no widget is built:
the cell prints the question and the saved answer as plain text, which the feedback and formgrader show.
"""

from __future__ import annotations

import datetime
import html
import os
from collections.abc import Callable
from typing import Any

import ipywidgets as w
from IPython.display import display

from hocai.exercise import key, storage, variants
from hocai.exercise.spec import SCAM_OPTIONS, InvalidAnswer, validate
from hocai.text import nfc

CSS = "hocai-exercise"
STYLE = f"""<style>
.{CSS}, .{CSS} label, .{CSS} textarea, .{CSS} button, .{CSS} select, .{CSS} .widget-html-content {{
  font-size: 18px; line-height: 1.5; }}
.{CSS} .widget-radio-box label {{ white-space: normal; height: auto; margin-bottom: 6px; }}
.{CSS} .widget-radio-box {{ width: 100%; }}
.{CSS} button {{ height: auto; min-height: 40px; }}
.{CSS} .widget-dropdown select {{ height: 40px; }}
.{CSS} .hocai-passage {{ background: #f5f5f5; border-left: 4px solid #90a4ae; padding: 8px 12px;
  white-space: pre-wrap; }}
</style>"""
SAVED = "#1b5e20"
PROBLEM = "#b71c1c"
NOT_CHOSEN = "— Chọn —"

_state = {"assignment": ""}
SHOWN: dict[str, QuestionView] = {}


def start(assignment: str, course: str = "", participant: str | None = None) -> None:
    """Name the assignment whose answers this notebook saves and the course it was released in.

    The participant is found in the environment (``variants.participant_from_environment``); only the
    grader names one, in the copy of the notebook it runs, so the hidden tests use the graded person's form.
    """
    _state["assignment"] = assignment
    variants.set_context(assignment, course, participant)
    who = variants.context()[1]
    if participant:
        print(f"Chấm trên đề của học viên «{who}».")
    elif who:
        print(f"Đề bài này dành cho «{who}»: mỗi người có đề riêng, hãy làm trên máy (tài khoản) của mình.")


def ensure_started(assignment: str, course: str = "") -> None:
    """Do the setup cell's ``start`` unless it already ran for ``assignment`` in this kernel: a question
    cell run first, or after a kernel restart, then works on its own. Idempotent, and it never replaces a
    context already set (the grader's setup cell names the graded participant)."""
    if variants.context()[2] != nfc(assignment):
        start(assignment, course)


def _grading() -> bool:
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _title(spec: dict) -> str:
    number = spec["id"].lstrip("q")
    points = spec.get("points", 0)
    return f"Câu {number} ({points:g} điểm)"


class QuestionView:
    """One question on screen: its controls, the current answer and the «Đã lưu» line."""

    def __init__(self, spec: dict, initial: Any):
        self.spec = spec
        self.status = w.HTML(self._status_html("Chưa trả lời.", "#555"))
        self.control: w.Widget | None = None
        self._get: Callable[[], Any] = lambda: None
        body = BUILDERS[spec["type"]](self, initial)
        header = w.HTML(f"<b>{_esc(_title(spec))}</b><br>{_esc(spec['prompt'])}")
        self.box = w.VBox(
            [w.HTML(STYLE), header, *body, self.status],
            layout=w.Layout(border="1px solid #90a4ae", padding="8px 14px", margin="8px 0", width="100%"),
        )
        self.box.add_class(CSS)
        if initial is not None:
            self.status.value = self._status_html("Đã có câu trả lời được lưu từ trước.", SAVED)

    @staticmethod
    def _status_html(text: str, colour: str) -> str:
        return f'<span style="color:{colour};font-weight:600">{_esc(text)}</span>'

    @property
    def value(self) -> Any:
        return self._get()

    def save(self, *_: Any) -> None:
        """Write the current answer to answers.json and say so."""
        if key.registered():
            self.status.value = self._status_html("Chế độ giảng viên: đang xem đáp án mẫu, không lưu.", "#0d47a1")
            return
        try:
            storage.save(
                self.spec["id"], self.value, assignment=_state["assignment"], participant=variants.context()[1]
            )
        except OSError as exc:
            self.status.value = self._status_html(
                f"Chưa lưu được ({exc.strerror or exc}). Hãy báo giảng viên.", PROBLEM
            )
            return
        now = datetime.datetime.now().strftime("%H:%M:%S")
        self.status.value = self._status_html(f"✓ Đã lưu lúc {now}", SAVED)


def _single(view: QuestionView, initial: Any) -> list:
    radio = w.RadioButtons(
        options=[(f"{o['id']}. {o['text']}", o["id"]) for o in view.spec["options"]],
        value=initial or None,
        layout=w.Layout(width="100%"),
    )
    radio.observe(view.save, names="value")
    view.control = radio
    view._get = lambda: radio.value or ""
    return [radio]


def _toggle(description: str, chosen: bool, tip: str = "") -> w.ToggleButton:
    button = w.ToggleButton(
        value=chosen,
        description=description,
        tooltip=tip or description,
        layout=w.Layout(width="auto", min_width="120px"),
    )

    def mark(change: dict) -> None:
        button.icon = "check" if change["new"] else ""
        button.button_style = "success" if change["new"] else ""

    button.observe(mark, names="value")
    mark({"new": chosen})
    return button


def _multiple(view: QuestionView, initial: Any) -> list:
    chosen = set(initial or [])
    buttons, rows = [], []
    for option in view.spec["options"]:
        button = _toggle(f"Chọn {option['id']}", option["id"] in chosen)
        buttons.append((option["id"], button))
        rows.append(
            w.HBox(
                [
                    button,
                    w.HTML(
                        f"<b>{_esc(option['id'])}.</b> {_esc(option['text'])}", layout=w.Layout(margin="0 0 0 12px")
                    ),
                ]
            )
        )
    view._get = lambda: [oid for oid, b in buttons if b.value]
    for _, button in buttons:
        button.observe(view.save, names="value")
    view.control = w.VBox(rows)
    return [w.HTML("<i>Bấm vào từng ô để chọn hoặc bỏ chọn; có thể chọn nhiều đáp án.</i>"), view.control]


def _mark_pii(view: QuestionView, initial: Any) -> list:
    chosen = set(initial or [])
    buttons = [(o["id"], _toggle(o["text"], o["id"] in chosen)) for o in view.spec["options"]]
    view._get = lambda: [oid for oid, b in buttons if b.value]
    for _, button in buttons:
        button.observe(view.save, names="value")
    view.control = w.Box([b for _, b in buttons], layout=w.Layout(flex_flow="row wrap", gap="6px"))
    return [
        w.HTML(f'<div class="hocai-passage">{_esc(view.spec["text"])}</div>'),
        w.HTML("<i>Bấm vào những cụm từ là dữ liệu cá nhân (bấm lần nữa để bỏ).</i>"),
        view.control,
    ]


def _slots(view: QuestionView, initial: Any, options: list[dict], *, message_box: bool) -> list:
    items = view.spec["items"]
    start_values = list(initial) if initial else [""] * len(items)
    controls, rows = [], []
    for item, value in zip(items, start_values):
        if message_box:
            control = w.ToggleButtons(options=[(o["text"], o["id"]) for o in options], value=value or None)
            label = w.HTML(f'<div class="hocai-passage"><b>Tin {_esc(item["id"])}:</b> {_esc(item["text"])}</div>')
            rows.append(w.VBox([label, control]))
        else:
            control = w.Dropdown(
                options=[(NOT_CHOSEN, "")] + [(f"{o['id']}. {o['text']}", o["id"]) for o in options],
                value=value,
                layout=w.Layout(width="55%"),
            )
            label = w.HTML(f"<b>{_esc(item['id'])}.</b> {_esc(item['text'])}", layout=w.Layout(width="45%"))
            rows.append(w.HBox([label, control], layout=w.Layout(width="100%")))
        control.observe(view.save, names="value")
        controls.append(control)
    view._get = lambda: [c.value or "" for c in controls]
    view.control = w.VBox(rows)
    return [view.control]


def _matching(view: QuestionView, initial: Any) -> list:
    hint = w.HTML("<i>Với mỗi dòng bên trái, chọn mục phù hợp trong ô bên phải.</i>")
    return [hint, *_slots(view, initial, view.spec["options"], message_box=False)]


def _scam(view: QuestionView, initial: Any) -> list:
    hint = w.HTML("<i>Đọc từng tin nhắn và bấm «Lừa đảo» hoặc «Bình thường».</i>")
    return [hint, *_slots(view, initial, SCAM_OPTIONS, message_box=True)]


def _ordering(view: QuestionView, initial: Any) -> list:
    texts = {i["id"]: i["text"] for i in view.spec["items"]}
    order = list(initial) if initial else [i["id"] for i in view.spec["items"]]
    rows = w.VBox()

    def move(index: int, step: int) -> None:
        other = index + step
        if 0 <= other < len(order):
            order[index], order[other] = order[other], order[index]
            draw()
            view.save()

    def draw() -> None:
        children = []
        for pos, iid in enumerate(order):
            up = w.Button(description="▲ Lên", disabled=pos == 0, layout=w.Layout(width="90px"))
            down = w.Button(description="▼ Xuống", disabled=pos == len(order) - 1, layout=w.Layout(width="110px"))
            up.on_click(lambda _b, p=pos: move(p, -1))
            down.on_click(lambda _b, p=pos: move(p, 1))
            label = w.HTML(f"<b>{pos + 1}.</b> {_esc(texts[iid])}", layout=w.Layout(margin="0 0 0 12px"))
            children.append(w.HBox([up, down, label]))
        rows.children = children

    keep = w.Button(description="Lưu thứ tự này", button_style="primary", layout=w.Layout(width="200px"))
    keep.on_click(view.save)
    draw()
    view._get = lambda: list(order)
    view.control = rows
    view.move = move  # type: ignore[attr-defined]
    return [w.HTML("<i>Dùng nút ▲ Lên / ▼ Xuống để sắp xếp; xong thì bấm «Lưu thứ tự này».</i>"), rows, keep]


def _text_area(view: QuestionView, initial: Any, rows: int, placeholder: str) -> w.Textarea:
    area = w.Textarea(value=initial or "", placeholder=placeholder, rows=rows, layout=w.Layout(width="100%"))
    area.observe(view.save, names="value")
    view.control = area
    view._get = lambda: area.value
    return area


def _short(view: QuestionView, initial: Any) -> list:
    return [_text_area(view, initial, 2, "Gõ câu trả lời ngắn vào đây")]


def _rewrite_prompt(view: QuestionView, initial: Any) -> list:
    original = w.HTML(f'<div class="hocai-passage">{_esc(view.spec["original"])}</div>')
    area = _text_area(view, initial, 7, "Viết lại câu lệnh vào đây")
    feedback = w.HTML()
    button = w.Button(description="Xem nhận xét", layout=w.Layout(width="200px"))

    def coach(_: Any) -> None:
        try:
            from hocai.safety.prompt_coach import CRITERIA, CRITERIA_VI, PASS_MIN_PARTS, check_prompt
        except ImportError:
            feedback.value = "<i>Công cụ nhận xét câu lệnh chưa có trên máy này.</i>"
            return
        report = check_prompt(area.value, min_parts=int(view.spec.get("min_score") or PASS_MIN_PARTS))
        parts = "".join(
            f"<li>{'✔' if report.criteria[k] else '✘'} {CRITERIA_VI[k]}: {_esc(report.reasons[k])}</li>"
            for k in CRITERIA
        )
        tips = "".join(f"<li>{_esc(t)}</li>" for t in [*report.warnings, *report.tips])
        feedback.value = f"<b>{_esc(report.verdict)}</b><ul>{parts}</ul><ul>{tips}</ul>"

    button.on_click(coach)
    return [w.HTML("<b>Câu lệnh cần viết lại:</b>"), original, area, button, feedback]


BUILDERS: dict[str, Callable[[QuestionView, Any], list]] = {
    "single": _single,
    "multiple": _multiple,
    "mark_pii": _mark_pii,
    "matching": _matching,
    "scam": _scam,
    "ordering": _ordering,
    "short": _short,
    "rewrite_prompt": _rewrite_prompt,
}


def _saved(spec: dict, plan: variants.Plan | None = None) -> Any:
    answers = key.registered() or storage.load()
    if spec["id"] not in answers:
        return None
    if plan is not None and key.registered():  # instructor preview: the key of the variant shown here
        answers = {spec["id"]: variants.from_bank(spec["type"], answers[spec["id"]][plan.variant], plan)}
    try:
        validate(spec, answers[spec["id"]])
    except (InvalidAnswer, KeyError):
        return None
    value = answers[spec["id"]]
    return value if type(value) in (str, list) else None


def show_question(spec: dict, assignment: str | None = None, course: str = "") -> None:
    """Display the question's widget (or, while nbgrader runs the notebook, print it as text).

    A slot with ``variants`` shows the variant and option order drawn for this participant. A cell that
    names its ``assignment`` (and the ``course`` stamped at ``course init``) sets itself up when the setup
    cell has not run in this kernel."""
    if assignment is not None:
        ensure_started(assignment, course)
    plan = None
    if variants.has_variants(spec):
        spec, plan = variants.shown(spec, *variants.context())
    initial = _saved(spec, plan)
    if _grading():
        shown = "(chưa trả lời)" if initial in (None, "", []) else initial
        shown = ", ".join(v or "—" for v in shown) if type(shown) is list else shown
        print(f"{_title(spec)}: {spec['prompt']}\nCâu trả lời đã lưu: {shown}")
        return
    view = QuestionView(spec, initial)
    SHOWN[spec["id"]] = view
    display(view.box)
