"""Read-only building blocks for lessons: cards, click-to-reveal panels and bar charts in plain HTML."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as widgets

from hocai.text import nfc
from hocai.widgets.style import FONT, Html, esc, styled_box

BAR_COLOUR = "#1565c0"


def card(title: str, html: str) -> Html:
    """A titled box of lesson content; ``html`` is trusted lesson markup, ``title`` is escaped."""
    return Html(
        '<div style="border:1px solid #90a4ae;border-left:6px solid #1565c0;border-radius:6px;'
        f'padding:10px 16px;margin:8px 0;{FONT}">'
        f'<div style="font-size:20px;font-weight:700;margin-bottom:6px">{esc(nfc(title))}</div>'
        f"{nfc(html)}</div>"
    )


def reveal(title: str, html: str) -> widgets.VBox:
    """A button that shows ``html`` when clicked and hides it on the next click."""
    button = widgets.Button(description=nfc(title), icon="eye", layout=widgets.Layout(width="auto"))
    body = widgets.HTML(f'<div style="{FONT}">{nfc(html)}</div>', layout=widgets.Layout(display="none"))

    def toggle(_button: widgets.Button) -> None:
        shown = body.layout.display != "none"
        body.layout.display = "none" if shown else "block"
        button.icon = "eye" if shown else "eye-slash"

    button.on_click(toggle)
    return styled_box([button, body])


def bar_chart(pairs: Iterable[tuple[str, float]], *, percent: bool = True) -> Html:
    """Horizontal bars for (label, probability) pairs, longest first as given; no plotting library."""
    rows = []
    for label, value in pairs:
        share = max(0.0, min(1.0, float(value)))
        figure = f"{share * 100:.1f}%" if percent else f"{float(value):.3g}"
        rows.append(
            '<div style="display:flex;align-items:center;margin:4px 0">'
            f'<div style="width:11em;text-align:right;padding-right:10px;font-weight:600">{esc(nfc(str(label)))}</div>'
            f'<div style="flex:1;background:#e3f2fd;border-radius:4px">'
            f'<div style="width:{share * 100:.1f}%;min-width:2px;background:{BAR_COLOUR};'
            'height:24px;border-radius:4px">'
            "</div></div>"
            f'<div style="width:5em;padding-left:10px">{figure}</div></div>'
        )
    if not rows:
        return Html(f'<div style="{FONT}">(Chưa có kết quả.)</div>')
    return Html(f'<div style="{FONT}max-width:44em">{"".join(rows)}</div>')
