"""A participant's view: JupyterLab in Vietnamese opens a lesson, runs it all, and the hands-on answers."""

import pytest
from support import run_all_until

pytestmark = pytest.mark.browser


def test_lesson_runs_in_vietnamese_jupyterlab(workshop, page, artifacts):
    lab_base, token = workshop["lab_base"], workshop["token"]
    # ?reset: tabs another test left open are not restored (hidden notebooks would match the selectors below)
    page.goto(f"{lab_base}lab/tree/notebooks/02-mo-hinh-ngon-ngu.ipynb?reset&token={token}", timeout=120_000)
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook", timeout=120_000)
    menubar = page.locator(".lm-MenuBar-content").inner_text()
    assert "Tệp" in menubar and "Chỉnh sửa" in menubar, menubar  # the Vietnamese language pack is active
    run_all_until(page, ".jp-OutputArea-output .widget-html, .jp-OutputArea-output .jupyter-widgets")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    joined = "\n".join(outputs)
    assert "Traceback" not in joined and "Error" not in joined
    assert "Sân tập AI chưa chạy" not in joined  # the hands-on reached the class service
    page.screenshot(path=str(artifacts / "bai-hoc-02-jupyterlab.png"), full_page=False)
