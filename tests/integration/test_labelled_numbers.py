"""Labelled numbers whose check digit fails are masked in lesson 4's hands-on widget, through the real service."""

import ipywidgets as widgets
from gradio_client import Client

from hocai.lessons import lesson04

TEXT = (
    "Mã số thuế cá nhân của anh Hoàng là 8012345678; MST 0101234567-001; thẻ căn cước 003085012345; "
    "số thẻ 4111 1111 1111 1112."
)
VALUES = ("8012345678", "0101234567-001", "003085012345", "4111 1111 1111 1112")


def _parts(box: widgets.Widget) -> list[widgets.Widget]:
    found = [box]
    for child in getattr(box, "children", ()):
        found += _parts(child)
    return found


def test_lesson_pii_widget_masks_labelled_numbers(service, monkeypatch):
    monkeypatch.setenv("HOCAI_SERVICE_URL", service.url)
    box = lesson04.pii_guard()
    parts = _parts(box)
    area = next(p for p in parts if isinstance(p, widgets.Textarea))
    send = next(p for p in parts if isinstance(p, widgets.Button))
    result = [p for p in parts if isinstance(p, widgets.HTML)][-1]
    area.value = TEXT
    send.click()
    shown = result.value
    assert "Văn bản sau khi che" in shown, shown
    redacted = shown.split("Văn bản sau khi che")[1].split("Đã tìm thấy")[0]
    for value in VALUES:
        assert value not in redacted
    assert redacted.count("[MÃ SỐ THUẾ]") == 2 and "[SỐ ĐỊNH DANH]" in redacted and "[SỐ THẺ]" in redacted


def test_app_chat_masks_labelled_numbers_before_the_model(service):
    """The app's /chat endpoint (what the Gradio page and notebooks call) never passes these numbers on."""
    gc = Client(service.url, verbose=False, download_files=False, analytics_enabled=False)
    result = gc.predict(TEXT, api_name="/chat")
    masked = {item["text"] for item in result["masked"]}
    for value in VALUES:
        assert value in masked, (value, result["masked"])
        assert value not in result["reply"]
