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
    box_now = settled_box(page, heading)
    view = page.evaluate(
        """() => { const v = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
        const r = v.getBoundingClientRect(); return {top: r.top, height: r.height, scrolled: v.scrollTop}; }"""
    )
    page.screenshot(path=str(artifacts / "tro-giang-nguon.png"), full_page=False)
    # The link went there: the whole heading is in view, where the lesson's first screen would not show it.
    # (Where in the view depends on cells above finishing their layout after the scroll: runs have ended with
    # a scroll of 526 px and the heading low in the view, and with a scroll of 1,065 px and it at the top.)
    in_lesson = box_now["y"] - view["top"] + view["scrolled"]  # from the top of the lesson
    assert in_lesson > view["height"], (in_lesson, view)  # the link had to scroll to show it
    top, bottom = box_now["y"], box_now["y"] + box_now["height"]
    assert view["top"] - 1 <= top and bottom <= view["top"] + view["height"] + 1, (box_now, view)  # 1 px: subpixels


def settled_box(page, locator, tries: int = 40) -> dict:
    """The element's box once two readings 300 ms apart agree: the scroll and the layout have settled."""
    last = locator.bounding_box()
    for _ in range(tries):
        page.wait_for_timeout(300)
        now = locator.bounding_box()
        if now == last:
            return now
        last = now
    return last
