"""A participant on the class's JupyterHub, in Chromium: log in, open the first exercise, answer by clicking,
submit with the exercise's «Nộp bài» button;
the live board refuses them. Runs as root (it creates a system user), as CI does."""

import json
import os
import re
import shutil

import pytest
from support import ClassHub, run_all_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.geteuid() != 0 or shutil.which("useradd") is None,
        reason="the hub test creates system users: it needs root (CI runs it as root)",
    ),
]


@pytest.fixture
def class_hub(tiny_model_dir):
    hub = ClassHub([("Đỗ Thị Trìnhduyệt", "hubthud")], tiny_model_dir)
    try:
        yield hub.start()
    finally:
        hub.close()


def test_participant_logs_in_answers_and_submits(class_hub, page, artifacts):
    page.set_default_timeout(120_000)
    page.goto(class_hub.base + "hub/login")
    page.fill("#username_input", "hubthud")
    page.fill("#password_input", class_hub.passwords["hubthud"])
    page.click("#login_submit")
    page.wait_for_url(re.compile(r".*/user/hubthud/lab.*"))
    page.wait_for_selector(".lm-MenuBar-content")
    page.goto(class_hub.base + "user/hubthud/lab/tree/bai01/bai01.ipynb")
    run_all_until(page, ".widget-radio-box label")
    page.locator(".widget-radio-box label").first.click()  # option A of this participant's own q1
    page.get_by_text(re.compile("Đã lưu lúc")).first.wait_for()
    page.screenshot(path=str(artifacts / "hub-bai01-tra-loi.png"))

    # Issue 18: the exercise's own «Nộp bài» button; nbgrader's English Assignment List is hidden.
    page.locator("button", has_text=re.compile("^Nộp bài$")).last.click()
    page.get_by_text(re.compile("Còn chưa trả lời: Câu 2")).first.wait_for()
    page.locator("button", has_text=re.compile("^Vẫn nộp bài$")).last.click()
    page.get_by_text(re.compile("Đã nộp bài lúc")).first.wait_for()
    page.screenshot(path=str(artifacts / "hub-bai01-da-nop.png"))

    # A participant cannot open the instructors' live board.
    response = page.goto(class_hub.base + "services/bang-tien-do/data.json")
    assert response.status == 403

    inbound = class_hub.course / "exchange" / class_hub.course_id / "inbound"
    submitted = [p for p in inbound.iterdir() if p.name.startswith("hubthud+bai01+")]
    saved = json.loads((submitted[0] / "answers.json").read_text(encoding="utf-8")) if submitted else {}
    assert saved["answers"]["q1"] == "A" and saved["participant"] == "hubthud"
