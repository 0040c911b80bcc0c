"""No English label where a participant looks (issue 18, item 4): Chromium opens a lesson in the class's
JupyterLab, opens every menu of the menu bar and its submenus, the launcher, the file browser, a cell's context
menu and the restart dialog, collects the text shown (and the tooltips of toolbar buttons), and fails on any
word from a list of JupyterLab's English labels."""

import json
import re
import unicodedata

import pytest

pytestmark = pytest.mark.browser

# Words of JupyterLab's English labels (menus, toolbars, dialogs, the file browser, the launcher, nbgrader's
# panel). Keyboard keys (Ctrl, Shift, Enter) are printed in English on keyboards and are not collected.
ENGLISH = set(
    """
file edit view run kernel kernels tabs settings help new open save saved close rename download export print
undo redo cut copy paste delete select clear find restart interrupt shut cell cells launcher console terminal
terminals upload refresh cancel revert checkpoint theme language log about show hide collapse expand split
merge move insert above below all selected output outputs previous next folder name modified size last
sidebar status bar mode simple interface presentation zoom full screen editor advanced shortcuts keyboard
autosave search replace ok yes discard overwrite change reconnect duplicate line numbers wrap render
contents table manager running inspector debugger assignments released downloaded submitted fetch submit
validate recent reload disk text other shutdown activate document documents list assignment course
command idle busy trusted session sessions type confirm create start live browser toggle filter
panel appearance enable scrolling bracket brackets increase decrease font automatically state widget
the and of with from for to as into
""".split()
)
# Names that stay as they are in Vietnamese (products, languages, formats).
# "kernel", "console" and "notebook" are the loanwords the vi-VN pack itself uses («Khởi động lại kernel»).
ALLOWED = {
    "kernel",
    "kernels",
    "console",
    "python",
    "ipykernel",
    "jupyter",
    "jupyterlab",
    "markdown",
    "html",
    "pdf",
    "latex",
    "csv",
    "json",
    "ai",
    "ipynb",
    "md",
    "py",
    "txt",
    "reveal",
    "js",
    "asciidoc",
    "rst",
    "restructured",
}
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"

# Each piece of text shown in what matches ``sel`` (one line per text node), plus tooltips and placeholders;
# menu shortcuts and the notebook's own cells left out.
COLLECT = """sel => {
  const out = [], skip = ".lm-Menu-itemShortcut, .jp-Cell, .jp-OutputArea";
  for (const root of document.querySelectorAll(sel)) {
    if (!root.offsetParent && getComputedStyle(root).position !== "fixed") continue;
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
      const node = walk.currentNode, text = node.textContent.trim();
      if (text && !node.parentElement.closest(skip) && node.parentElement.offsetParent !== null) out.push(text);
    }
    for (const e of root.querySelectorAll("[title], [aria-label], [placeholder]"))
      if (!e.closest(skip)) for (const a of ["title", "aria-label", "placeholder"])
        if (e.getAttribute(a)) out.push(e.getAttribute(a));
  }
  return out.join("\\n");
}"""


# nbgrader's JupyterLab extension has no translations: on JupyterHub its menu, panels and «Validate» button are
# hidden from participants (hocai.hub.accounts.PARTICIPANT_HIDDEN; checked in test_board_hub.py), who submit
# with the exercise's «Nộp bài»; `hocai start` runs on the trainer's laptop and keeps them.
NBGRADER = {
    "Nbgrader",
    "Assignment List",
    "Course List",
    "Create assignment",
    "Create Assignment",
    "Nbgrader Create Assignment",
    "Formgrader",
    "Validate",
    "Validate Assignment",
}


def english_words(text: str) -> set[str]:
    """Words of ``text`` (NFC: an NFD «Thẻ» would hold the ASCII «The») that are English labels."""
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text))
    return {w for w in words if w.isascii() and w.lower() in ENGLISH and w.lower() not in ALLOWED}


def test_english_words_are_found_and_vietnamese_passes():
    assert english_words("Run All Cells\tCtrl+Enter") == {"Run", "All", "Cells"}
    assert english_words("Chạy tất cả các ô — Python 3 (ipykernel)") == set()
    assert english_words(unicodedata.normalize("NFD", "Thẻ")) == set()


def _menus(page) -> dict[str, str]:
    """Each menu of the menu bar with its first-level submenus, opened with the mouse."""
    found = {}
    labels = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    for index, label in enumerate(labels):
        page.locator(".lm-MenuBar-item").nth(index).click()
        page.wait_for_selector(".lm-Menu")
        found[f"menu {label}"] = page.evaluate(COLLECT, ".lm-Menu")
        submenus = page.locator(".lm-Menu .lm-Menu-item[data-type='submenu']")
        for sub in range(submenus.count()):
            submenus.nth(sub).click()  # a click opens a submenu at once (hovering waits)
            found[f"menu {label} › {sub}"] = page.evaluate(COLLECT, ".lm-Menu")
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    return found


def test_participant_sees_no_english_labels(workshop, page, artifacts):
    lab_base, token = workshop["lab_base"], workshop["token"]
    page.set_default_timeout(60_000)
    page.goto(f"{lab_base}lab/tree/notebooks/01-ai-la-gi.ipynb?reset&token={token}", timeout=120_000)
    page.wait_for_selector(NOTEBOOK, timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    seen = {
        "menu bar": page.evaluate(COLLECT, ".lm-MenuBar"),
        "notebook toolbar": page.evaluate(COLLECT, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar"),
        "side bars": page.evaluate(COLLECT, ".jp-SideBar"),
        "status bar": page.evaluate(COLLECT, "#jp-main-statusbar"),
        "file browser": page.evaluate(COLLECT, "#filebrowser"),
    }
    seen.update(_menus(page))
    # The debugger is off (its button's tooltip was once drawn in English, before the translation loaded).
    assert page.locator(".jp-DebuggerBugButton").count() == 0

    page.locator(f"{NOTEBOOK} .jp-Cell").first.click(button="right")
    page.wait_for_selector(".lm-Menu")
    seen["cell context menu"] = page.evaluate(COLLECT, ".lm-Menu")
    page.keyboard.press("Escape")

    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Kernel$")).click()
    page.locator(".lm-Menu-item[data-command='kernelmenu:restart']").click()
    page.wait_for_selector(".jp-Dialog")
    seen["restart dialog"] = page.evaluate(COLLECT, ".jp-Dialog")
    page.locator(".jp-Dialog .jp-mod-reject").click()

    page.locator(
        ".jp-FileBrowser [data-command='launcher:create'], .jp-ToolbarButtonComponent"
        "[title*='Launcher'], .jp-ToolbarButtonComponent[title*='khởi']"
    ).first.click()
    page.wait_for_selector(".jp-Launcher-body")
    seen["launcher"] = page.evaluate(COLLECT, ".jp-Launcher-body")
    page.screenshot(path=str(artifacts / "nhan-tieng-viet.png"))

    menus = [where for where in seen if where.startswith("menu ") and "›" not in where]
    assert len(menus) >= 8 and all(seen[where].strip() for where in seen if where != "menu Nbgrader"), seen
    english = {
        where: sorted(
            {line.strip() for line in text.splitlines() if english_words(line) and line.strip() not in NBGRADER}
        )
        for where, text in seen.items()
        if where != "menu Nbgrader"
    }
    (artifacts / "nhan-tieng-anh.json").write_text(json.dumps(english, ensure_ascii=False, indent=1), "utf-8")
    assert not any(english.values()), {where: lines for where, lines in english.items() if lines}
