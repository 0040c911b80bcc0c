"""The Sân tập AI in real Chromium, as a participant uses it: every tab once, a phone-sized screen, the log.

Screenshots go to test-artifacts/app-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PHONE, CCCD = "0912345678", "001203012345"
ENGLISH = re.compile(
    r"\b(Error|Submit|Clear|Retry|Undo|Loading|Queue is full|Traceback|Use via API|"
    r"Built with Gradio|Settings|Chatbot|Textbox|processing)\b"
)
TABS = [
    "Trò chuyện an toàn",
    "Kiểm tra dữ liệu cá nhân",
    "Kiểm tra tin nhắn",
    "Viết câu lệnh tốt",
    "AI đoán chữ thế nào",
]
TIMEOUT = 60_000


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True).filter(visible=True).first


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)


def no_english(page) -> None:
    text = page.locator("body").inner_text()
    found = [text[max(0, m.start() - 80) : m.end() + 80] for m in ENGLISH.finditer(text)]
    assert not found, found


def no_horizontal_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth, document.body.scrollWidth]")
    assert widths[0] <= widths[1] and widths[2] <= widths[1], widths


def service_log(workshop) -> str:
    """The app's log file: HOCAI_STATE_DIR/logs/san-tap-ai.log of the running workshop."""
    environ = Path(f"/proc/{workshop['process'].proc.pid}/environ").read_bytes().split(b"\0")
    state = dict(item.decode().split("=", 1) for item in environ if b"=" in item)["HOCAI_STATE_DIR"]
    return (Path(state) / "logs" / "san-tap-ai.log").read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def app(page, workshop):
    page.set_default_timeout(TIMEOUT)
    page.goto(workshop["app_url"])
    page.get_by_role("tab", name=TABS[0]).wait_for()
    page.get_by_text("Sẵn sàng").first.wait_for()
    return page


def test_every_tab_once_and_nothing_typed_reaches_the_log(app, workshop, artifacts):
    page = app
    size = page.evaluate("getComputedStyle(document.querySelector('.gradio-container')).fontSize")
    assert float(size.removesuffix("px")) >= 18
    assert page.evaluate("document.fonts.check('19px \"Be Vietnam Pro\"')")
    for name in TABS:
        assert page.get_by_role("tab", name=name).is_visible()

    # Trò chuyện an toàn: a phone number and a CCCD are masked before the model, and the page says so.
    secret = f"Tôi tên là Lan, số điện thoại {PHONE}, CCCD {CCCD}. Viết lời chào buổi họp."
    page.get_by_label("Tin nhắn của bạn").fill(secret)
    button(page, "Gửi").click()
    masked = page.locator("#hocai-masked")
    masked.get_by_text("Số định danh cá nhân").wait_for()
    assert "Số điện thoại" in masked.inner_text()
    chat = page.locator("#hocai-chatbot")
    chat.get_by_text("Đã che trước khi gửi cho AI").first.wait_for()
    shown = chat.inner_text()
    assert "[SỐ ĐIỆN THOẠI]" in shown and "[SỐ ĐỊNH DANH]" in shown
    assert PHONE not in page.locator("body").inner_text() and CCCD not in page.locator("body").inner_text()
    assert "Luôn kiểm tra lại" in page.locator("body").inner_text()
    assert "mô hình thu nhỏ" in page.locator("#hocai-model-card").inner_text()
    page.screenshot(path=artifacts / "app-1-tro-chuyen.png", full_page=True)

    # Kiểm tra dữ liệu cá nhân
    open_tab(page, TABS[1])
    button(page, "Ví dụ").click()
    page.wait_for_timeout(300)
    button(page, "Kiểm tra").click()
    page.locator("#hocai-pii-marked").get_by_text("Số định danh cá nhân").first.wait_for()
    redacted = page.locator("#hocai-pii-redacted textarea")
    page.wait_for_function("document.querySelector('#hocai-pii-redacted textarea').value.includes('[SỐ ĐỊNH DANH]')")
    assert "001168012345" not in redacted.input_value()
    page.screenshot(path=artifacts / "app-2-du-lieu-ca-nhan.png", full_page=True)

    # Kiểm tra tin nhắn
    open_tab(page, TABS[2])
    button(page, "Ví dụ").click()
    page.wait_for_timeout(300)
    button(page, "Kiểm tra").click()
    page.locator("#hocai-scam-verdict").get_by_text("LỪA ĐẢO").wait_for()
    advice = page.locator("#hocai-scam-advice").inner_text()
    assert "cúp máy" in advice and "công an xã" in advice
    page.screenshot(path=artifacts / "app-3-tin-nhan.png", full_page=True)

    # Viết câu lệnh tốt
    open_tab(page, TABS[3])
    button(page, "Ví dụ").click()
    page.wait_for_timeout(300)
    button(page, "Chấm câu lệnh").click()
    page.locator("#hocai-prompt-score").get_by_text("1/5").wait_for()
    assert page.locator("#hocai-prompt-criteria input:checked").count() == 1
    page.screenshot(path=artifacts / "app-4-cau-lenh.png", full_page=True)

    # AI đoán chữ thế nào
    open_tab(page, TABS[4])
    button(page, "Ví dụ").click()
    page.wait_for_timeout(300)
    button(page, "Xem AI đoán chữ tiếp theo").click()
    page.locator("#hocai-bars .hocai-bars .word").nth(7).wait_for()
    button(page, "Cho AI viết tiếp vài lần").click()
    page.locator("#hocai-samples").get_by_text("Phần in đậm").wait_for()
    assert page.locator("#hocai-samples li").count() == 3
    page.screenshot(path=artifacts / "app-5-doan-chu.png", full_page=True)
    no_english(page)

    # High contrast
    button(page, "Bật/tắt tương phản cao").click()
    assert page.evaluate("document.documentElement.classList.contains('hocai-contrast')")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    page.screenshot(path=artifacts / "app-6-tuong-phan-cao.png", full_page=True)
    page.reload()
    page.get_by_role("tab", name=TABS[0]).wait_for()
    assert page.evaluate("document.documentElement.classList.contains('hocai-contrast')")  # remembered

    log = service_log(workshop)
    assert re.search(r"chat len=\d+ h=[0-9a-f]+ masked=[2-9]", log)
    for typed in (PHONE, CCCD, "Tôi tên là Lan", "trúng thưởng", "Trần Thị Bình", "Hôm nay trời"):
        assert typed not in log, typed


def test_phone_sized_screen(browser, workshop, artifacts):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="vi-VN", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(workshop["app_url"])
        page.get_by_role("tab", name=TABS[0]).wait_for()
        page.get_by_text("Sẵn sàng").first.wait_for()
        for name in TABS:  # tabs wrap: none hidden in an overflow menu
            assert page.get_by_role("tab", name=name).is_visible(), name
        no_horizontal_scroll(page)
        page.screenshot(path=artifacts / "app-phone.png")
        page.screenshot(path=artifacts / "app-phone-full.png", full_page=True)
        open_tab(page, TABS[4])
        button(page, "Ví dụ").click()
        page.wait_for_timeout(300)
        button(page, "Xem AI đoán chữ tiếp theo").click()
        page.locator("#hocai-bars .hocai-bars .word").first.wait_for()
        no_horizontal_scroll(page)
        page.screenshot(path=artifacts / "app-phone-doan-chu.png", full_page=True)
        no_english(page)
    finally:
        context.close()
