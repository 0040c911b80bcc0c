"""Find the errors in a draft: worked examples written by the course authors, never presented as AI output.

The class's teaching model cannot write a fluent draft, so lessons that teach reviewing one (lesson 3, 5, 8)
show drafts the authors wrote with the errors AI typically makes. Each is labelled as such on screen, and
each error comes with the check that finds it. Participants tick the passages they think are wrong; the
widget tells them what they found, what they missed and what was in fact right. When the class model is an
instruct model (``uses_live_model``), the lesson also lets participants ask it for a real draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from hocai.ai import client
from hocai.text import nfc
from hocai.widgets.ai_box import call, service_box
from hocai.widgets.display import card
from hocai.widgets.style import BAD, FONT, GOOD, INFO, Html, esc, message, styled_box

AUTHOR_LABEL = "Ví dụ do người soạn bài viết để minh họa lỗi thường gặp của AI — không phải do AI tạo ra"
NOTHING_TICKED = "Hãy đánh dấu ít nhất một đoạn bạn cho là sai trước khi bấm «Kiểm tra»."
TEACHING_ONLY = (
    "Mô hình của lớp hôm nay là <b>mô hình thu nhỏ</b>: nó chỉ đoán chữ tiếp theo, không "
    "viết được bản nháp có nghĩa. Vì vậy bài dùng ví dụ do người soạn bài viết sẵn. Muốn thử với AI "
    "thật, giảng viên đổi sang một mô hình trong danh mục (xem «hocai models list»)."
)


@dataclass(frozen=True)
class Flaw:
    """A wrong passage of a draft: the exact words, what is wrong, and the check that finds it."""

    quote: str
    what: str
    check: str


@dataclass(frozen=True)
class WorkedExample:
    """A draft written by the course authors, its errors, and passages that are right (to tick or not)."""

    title: str
    request: str
    draft: str
    flaws: tuple[Flaw, ...]
    right: tuple[str, ...] = ()
    source: str = ""
    source_title: str = "Văn bản gốc"

    def __post_init__(self) -> None:
        for quote in [f.quote for f in self.flaws] + list(self.right):
            if quote not in self.draft:
                raise ValueError(f"«{quote}» is not in the draft of «{self.title}»")

    def passages(self) -> list[tuple[str, Flaw | None]]:
        """Every passage to judge, in the order it appears in the draft: (quote, its flaw or None)."""
        items: list[tuple[str, Flaw | None]] = [(f.quote, f) for f in self.flaws] + [(q, None) for q in self.right]
        return sorted(items, key=lambda item: self.draft.index(item[0]))


@dataclass
class Verdict:
    """What a participant's marks got right and wrong."""

    found: list[Flaw] = field(default_factory=list)
    missed: list[Flaw] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missed and not self.false_alarms


def grade(example: WorkedExample, ticked: list[bool]) -> Verdict:
    """Compare the ticked passages (in ``passages()`` order) with the example's errors."""
    verdict = Verdict()
    for (quote, flaw), mark in zip(example.passages(), ticked):
        if flaw is not None:
            (verdict.found if mark else verdict.missed).append(flaw)
        elif mark:
            verdict.false_alarms.append(quote)
    return verdict


def _flaws(colour: str, heading: str, flaws) -> str:
    """A coloured heading over the flaws, each with the check that finds it."""
    items = "".join(f"<li>«{esc(f.quote)}»: {esc(f.what)} <i>Cách kiểm tra: {esc(f.check)}</i></li>" for f in flaws)
    return f'<p style="color:{colour}"><b>{heading}</b></p><ul>{items}</ul>'


def render_verdict(example: WorkedExample, verdict: Verdict) -> Html:
    """Found, missed (with the check that finds each) and passages that were in fact right."""
    total = len(example.flaws)
    parts = [f"<p><b>Bạn tìm ra {len(verdict.found)}/{total} lỗi.</b></p>"]
    if verdict.found:
        parts.append(_flaws(GOOD, "✔ Đã tìm ra:", verdict.found))
    if verdict.missed:
        parts.append(_flaws(BAD, "✘ Còn bỏ sót:", verdict.missed))
    if verdict.false_alarms:
        parts.append(
            f'<p style="color:{INFO}"><b>Những đoạn này không sai:</b></p><ul>'
            + "".join(f"<li>«{esc(q)}»</li>" for q in verdict.false_alarms)
            + "</ul>"
        )
    if verdict.complete:
        parts.append(f'<p style="color:{GOOD}"><b>Chính xác! Bạn đã soát đủ, không bắt nhầm chỗ nào.</b></p>')
    return Html("".join(parts))


def label_html() -> Html:
    return Html(
        f'<p style="{FONT}color:{BAD};border-left:4px solid {BAD};padding-left:8px"><b>{esc(AUTHOR_LABEL)}.</b></p>'
    )


def example_html(example: WorkedExample) -> Html:
    """The label, what was asked, the source to compare with (if any) and the draft."""
    source = (
        f"<p><b>{esc(example.source_title)}:</b></p>"
        f'<div style="white-space:pre-wrap;background:#f1f8e9;padding:8px">{esc(example.source)}</div>'
        if example.source
        else ""
    )
    return Html(
        f"{label_html()}<p><b>Yêu cầu:</b> {esc(example.request)}</p>{source}"
        f"<p><b>Bản viết mẫu (có lỗi):</b></p>"
        f'<div style="white-space:pre-wrap;background:#fff8e1;padding:8px">{esc(example.draft)}</div>'
    )


def error_hunt(example: WorkedExample) -> widgets.VBox:
    """Tick the passages that are wrong, then «Kiểm tra»: which errors were found and which missed."""
    boxes = [
        widgets.Checkbox(value=False, description=nfc(quote), indent=False, layout=widgets.Layout(width="auto"))
        for quote, _ in example.passages()
    ]
    button = widgets.Button(
        description="Kiểm tra", button_style="primary", icon="check", layout=widgets.Layout(width="auto")
    )
    out = widgets.HTML()

    def check(_button: widgets.Button | None = None) -> None:
        ticked = [box.value for box in boxes]
        if not any(ticked):
            out.value = message(NOTHING_TICKED, BAD)
            return
        out.value = str(render_verdict(example, grade(example, ticked)))

    button.on_click(check)
    ask = widgets.HTML(f"<p><b>Đánh dấu những đoạn sai ({len(example.flaws)} lỗi), rồi bấm «Kiểm tra»:</b></p>")
    return styled_box([widgets.HTML(f"<h4>{esc(example.title)}</h4>{example_html(example)}"), ask, *boxes, button, out])


def uses_live_model(info: dict[str, Any] | None) -> bool:
    """Whether the class service runs an instruct model that can write a real draft (not the teaching model)."""
    return bool(info) and info.get("status") == "ok" and not info.get("teaching_model", True)


def live_or_examples(
    examples: list[WorkedExample], *, live_prompt: str, live_label: str, render_live: Callable[[Any], str]
) -> widgets.VBox:
    """With an instruct model: ask it live, then practise on the examples; with the teaching model: examples only."""
    info, _error = call(client.health)
    hunts = [error_hunt(example) for example in examples]
    if uses_live_model(info):
        live = service_box(
            client.chat,
            label=live_label,
            example=live_prompt,
            render=render_live,
            button="Nhờ AI soạn",
            run_example=False,
        )
        note = widgets.HTML(
            f"<p>Mô hình của lớp: «{esc(info.get('model', ''))}». Bản nháp nó viết ra là của AI "
            "thật: hãy soát theo đúng những bước dưới đây. Sau đó luyện thêm với ví dụ của người "
            "soạn bài.</p>"
        )
        return widgets.VBox([note, live, *hunts])
    return widgets.VBox([widgets.HTML(card("Vì sao đây là ví dụ viết sẵn?", TEACHING_ONLY)), *hunts])
