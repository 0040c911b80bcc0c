"""Large, readable styling shared by every lesson widget (participants are adults new to computers)."""

from __future__ import annotations

import html

import ipywidgets as widgets

CSS_CLASS = "hocai-widget"
FONT = "font-size:18px;line-height:1.5;"
GOOD = "#1b5e20"
BAD = "#b71c1c"
INFO = "#0d47a1"

_STYLE = f"""<style>
.{CSS_CLASS}, .{CSS_CLASS} .widget-label, .{CSS_CLASS} label, .{CSS_CLASS} textarea,
.{CSS_CLASS} button, .{CSS_CLASS} .widget-html-content {{ font-size: 18px; line-height: 1.5; }}
.{CSS_CLASS} .widget-radio-box label, .{CSS_CLASS} .widget-checkbox label {{ white-space: normal; height: auto; }}
.{CSS_CLASS} .widget-radio-box {{ width: auto; }}
.{CSS_CLASS} button {{ height: auto; min-height: 40px; }}
</style>"""


class Html(str):
    """An HTML string that Jupyter displays as HTML; usable wherever a plain str is expected."""

    def _repr_html_(self) -> str:
        return str(self)


def esc(text: object) -> str:
    """Escape participant or model text before it goes into HTML."""
    return html.escape(str(text), quote=True)


def styled_box(children: list, *, border: str = "#90a4ae") -> widgets.VBox:
    """A VBox carrying the kit's stylesheet and a soft border."""
    box = widgets.VBox(
        [widgets.HTML(_STYLE), *children],
        layout=widgets.Layout(border=f"1px solid {border}", padding="8px 14px", margin="8px 0", width="100%"),
    )
    box.add_class(CSS_CLASS)
    return box


def message(text: str, colour: str = INFO) -> Html:
    """One Vietnamese sentence in a coloured line."""
    return Html(f'<div style="{FONT}color:{colour};font-weight:600">{esc(text)}</div>')
