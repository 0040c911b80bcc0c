"""Shared ipywidgets for the lessons: self-checks, service boxes, reveal panels, cards and bar charts."""

from hocai.widgets.ai_box import call, service_box, service_status
from hocai.widgets.display import bar_chart, card, reveal
from hocai.widgets.self_check import self_check
from hocai.widgets.sorter import sorter
from hocai.widgets.style import BAD as BAD_COLOUR
from hocai.widgets.style import GOOD as GOOD_COLOUR
from hocai.widgets.style import Html, esc, message
from hocai.widgets.style import styled_box as panel

__all__ = [
    "self_check",
    "service_box",
    "call",
    "service_status",
    "sorter",
    "reveal",
    "bar_chart",
    "card",
    "Html",
    "esc",
    "message",
    "panel",
    "GOOD_COLOUR",
    "BAD_COLOUR",
]
