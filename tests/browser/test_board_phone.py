"""The instructor's board on a phone (issue 18, item 5): at 390 px wide the page never scrolls sideways, each
participant is a card whose labels are readable, and the trainer token given in the address (as `hocai start`
prints it) also reaches the data, so the table draws."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support import HOCAI, free_port

pytestmark = pytest.mark.browser
TOKEN = "bi-mat-cua-giang-vien"
ROSTER = (
    "Họ và tên,Đơn vị,Tên đăng nhập\n"
    "Nguyễn Thị Phương Thảo Hoàng Anh,Ủy ban nhân dân xã Tân Hòa huyện Châu Thành tỉnh Tiền Giang,thaonguyen\n"
    "Trần Văn Bình,Trường Tiểu học Kim Đồng,binhtran\n"
)


@pytest.fixture(scope="module")
def board_url(tmp_path_factory):
    base = tmp_path_factory.mktemp("bang-dien-thoai")
    course = base / "khoa-hoc"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    for args in (
        ["course", "init", str(course), "--course-id", "lop-dt"],
        ["course", "roster", str(course), str(base / "ds.csv")],
    ):
        (base / "ds.csv").write_text(ROSTER, encoding="utf-8")
        done = subprocess.run([HOCAI, *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hocai.hub.board", str(course), "--port", str(port)],
        env={**env, "HOCAI_TRAINER_TOKEN": TOKEN},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}data.json?token={TOKEN}", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield f"{url}?token={TOKEN}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_board_fits_a_phone_and_draws_with_the_token_in_the_address(board_url, browser, artifacts):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    try:
        page.goto(board_url)
        page.wait_for_selector("tr[data-user='thaonguyen'] td[data-col='full_name']", timeout=20_000)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"sideways scroll on a phone: {widths}"
        # Nothing is cut off or scrolls inside the page either: the table's box, each card and each value fit.
        wrap = page.evaluate("(e => [e.scrollWidth, e.clientWidth])(document.querySelector('.wrap'))")
        assert wrap[0] <= wrap[1], f"the table scrolls sideways: {wrap}"
        over = page.evaluate("""[...document.querySelectorAll('#body tr, #body td')]
            .filter(e => e.getBoundingClientRect().left < 0 || e.getBoundingClientRect().right > innerWidth
                         || e.scrollWidth > e.clientWidth + 1).map(e => e.dataset.col || e.dataset.user)""")
        assert over == [], f"wider than the phone: {over}"
        cell = page.locator("tr[data-user='thaonguyen'] td[data-col='unit']")
        assert "Tân Hòa" in cell.inner_text()
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert "Đơn vị" in label  # each value is named on the card, the header row is hidden
        font = float(cell.evaluate("td => getComputedStyle(td).fontSize").removesuffix("px"))
        assert font >= 14, font
        assert page.locator("a", has_text="Tải CSV").get_attribute("href").endswith(f"export.csv?token={TOKEN}")
        page.screenshot(path=str(artifacts / "bang-tien-do-dien-thoai.png"), full_page=True)
    finally:
        context.close()
