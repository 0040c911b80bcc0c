"""A text box wired to one Sân tập AI client call; a service that is down becomes one Vietnamese sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from hocai.ai import client
from hocai.ai.build_progress import is_building_message
from hocai.ai.client import ServiceUnavailable
from hocai.errors import UserError
from hocai.text import clean
from hocai.widgets.style import BAD, FONT, GOOD, INFO, Html, esc, message, styled_box

EMPTY = "Hãy gõ nội dung vào ô trước khi bấm nút."
WORKING = "Đang hỏi Sân tập AI…"
SEND = "Gửi cho Sân tập AI"


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, str | None]:
    """Run a client call: ``(result, None)``, or ``(None, message)`` when the service is down or input is bad."""
    try:
        return fn(*args, **kwargs), None
    except (ServiceUnavailable, UserError) as exc:
        return None, exc.message


def health_card(info: dict[str, Any]) -> Html:
    """One line on the class service: running (which model), loading or in trouble."""
    status = info.get("status")
    if status != "ok":
        return message(
            info.get("message") or "Sân tập AI chưa sẵn sàng. Hãy chờ một lát hoặc báo giảng viên.",
            INFO if status == "building" else BAD,
        )
    from hocai.ai.catalogue import describe

    model = esc(info.get("model", ""))
    about = describe(str(info.get("model", "")), bool(info.get("teaching_model")))
    kind = "<b>mô hình thu nhỏ</b>" if info.get("teaching_model") else "mô hình trong danh mục"
    return Html(
        f'<div style="{FONT}"><div style="color:{GOOD}"><b>✔ Sân tập AI đang chạy</b> với mô hình «{model}» '
        f"({kind}).</div><div>{esc(about['what'])}</div>"
        f"<div><b>Làm được:</b> {esc(about['can'])}.</div><div><b>Không làm được:</b> {esc(about['cannot'])}."
        f'</div><div style="font-size:15px;color:#555">{esc(about["switch"])}</div></div>'
    )


def service_status() -> Html:
    """Ask the class service how it is; a service that is down gives its one Vietnamese sentence."""
    info, error = call(client.health)
    return message(error, BAD) if error else health_card(info)


def default_render(result: Any) -> Html:
    """Show a result as escaped text when a lesson gives no renderer."""
    return Html(f'<div style="{FONT}white-space:pre-wrap">{esc(result)}</div>')


def service_box(
    fn: Callable[..., Any],
    *,
    label: str,
    placeholder: str = "",
    example: str = "",
    render: Callable[[Any], str] = default_render,
    button: str = SEND,
    controls: dict[str, widgets.ValueWidget] | None = None,
    run_example: bool = True,
) -> widgets.VBox:
    """Text area + button calling ``fn(text, **{name: control.value})`` and showing ``render(result)``.

    The example is filled in and, with ``run_example``, sent once at once, so the cell shows a result (or
    the one-sentence "service down" message) without a click.
    """
    controls = controls or {}
    area = widgets.Textarea(value=example, placeholder=placeholder, layout=widgets.Layout(width="100%", height="7em"))
    send = widgets.Button(
        description=button, button_style="primary", icon="paper-plane", layout=widgets.Layout(width="auto")
    )
    result = widgets.HTML()

    def run(_button: widgets.Button | None = None) -> None:
        text = clean(area.value)
        if not text:
            result.value = message(EMPTY, BAD)
            return
        result.value = message(WORKING, INFO)
        send.disabled = True
        try:
            value, error = call(fn, text, **{name: w.value for name, w in controls.items()})
        finally:
            send.disabled = False
        result.value = message(error, INFO if is_building_message(error) else BAD) if error else str(render(value))

    send.on_click(run)
    heading = widgets.HTML(f'<div style="{FONT}font-weight:700">{esc(label)}</div>')
    box = styled_box([heading, area, *controls.values(), send, result], border="#1565c0")
    if run_example and example:
        run()
    return box
