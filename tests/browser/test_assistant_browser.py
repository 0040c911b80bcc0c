"""A participant asks «Hỏi trợ giảng» in a lesson and follows the source link to the right section."""

import pytest
from support import run_all_until

from hocai.assistant.answer import retrieve

pytestmark = pytest.mark.browser
QUESTION = "Cuộc gọi video deepfake nhận biết thế nào?"


def test_ask_in_a_lesson_and_follow_the_link(workshop, page, artifacts):
    expected = next(s for s in retrieve(QUESTION)["sources"] if s["section"][:1].isdigit())
    lab_base, token = workshop["lab_base"], workshop["token"]
    page.set_viewport_size({"width": 1280, "height": 900})
    # ?reset: earlier tests' tabs are not restored (hidden notebooks would match the selectors below)
    page.goto(f"{lab_base}lab/tree/notebooks/01-ai-la-gi.ipynb?reset&token={token}", timeout=120_000)
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook", timeout=120_000)
    run_all_until(page, ".hocai-ask-box textarea")
    box = page.locator(".hocai-ask-box")
    box.locator("textarea").fill(QUESTION)
    box.locator("button", has_text="Hỏi").click()
    link = box.locator("a.hocai-source", has_text=expected["label"]).first
    link.wait_for(timeout=60_000)
    assert "<mark>" in box.inner_html()
    link.click()
    tab = page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel", has_text="07-deepfake-lua-dao")
    tab.wait_for(timeout=60_000)
    heading = page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput h2", has_text=expected["section"][3:]
    ).first
    heading.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # the scroll settles
    top = heading.bounding_box()["y"]
    page.screenshot(path=str(artifacts / "tro-giang-nguon.png"), full_page=False)
    assert 0 <= top <= 900 * 0.6, top  # the section is on screen, near the top: the link went there
