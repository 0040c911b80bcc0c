"""A sorting game: put each everyday example into one of a few categories, with instant feedback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from hocai.text import nfc
from hocai.widgets.self_check import feedback
from hocai.widgets.style import FONT, esc, styled_box


def sorter(items: Sequence[dict[str, Any]], categories: Sequence[str], *, title: str) -> widgets.VBox:
    """One row per item {"text", "answer" (category index), "explain"}: buttons for each category."""
    questions = [
        {
            "question": item["text"],
            "options": list(categories),
            "answer": item["answer"],
            "explain": item.get("explain", ""),
        }
        for item in items
    ]
    rows: list[widgets.Widget] = [widgets.HTML(f'<div style="font-size:22px;font-weight:700">{esc(nfc(title))}</div>')]
    for question in questions:
        feedback(question, [question["answer"]])  # validates the item before any participant sees it
        choice = widgets.ToggleButtons(
            options=[(nfc(c), i) for i, c in enumerate(categories)], value=None, style={"button_width": "auto"}
        )
        out = widgets.HTML()

        def changed(change: dict, question: dict = question, out: widgets.HTML = out) -> None:
            if change["new"] is not None:
                out.value = feedback(question, [change["new"]])[1]

        choice.observe(changed, names="value")
        heading = f'<div style="{FONT}font-weight:700;margin-top:10px">{esc(nfc(question["question"]))}</div>'
        rows.append(widgets.HTML(heading))
        rows += [choice, out]
    return styled_box(rows)
