"""Participants cannot see, edit or delete code, nor break a lesson by running cells out of order (issue 16)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from hocai.lessons import harden

ROOT = Path(__file__).resolve().parents[2]
LESSONS = harden.lesson_notebooks(ROOT / "notebooks")
EXERCISES = sorted((ROOT / "exercises").glob("bai0*/bai0*.ipynb"))


def test_found_every_notebook():
    assert len(LESSONS) >= 8 and len(EXERCISES) >= 8


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_is_hardened(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert harden.problems(nb) == []
    module = f"lesson{path.name[:2]}"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert f"from hocai.lessons.{module} import " in cell.source


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_harden_is_idempotent(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert harden.harden(nb) is False


def test_harden_fixes_an_old_style_notebook():
    """The rule checker fails on the first-edition layout and the script repairs it."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Bài"),
            nbformat.v4.new_code_cell(
                "from hocai.lessons import lesson04 as bai", metadata={"jupyter": {"source_hidden": True}}
            ),
            nbformat.v4.new_code_cell("bai.quiz()"),
        ]
    )
    assert len(harden.problems(nb)) >= 4
    assert harden.harden(nb) is True
    assert harden.problems(nb) == []
    assert [c.source for c in nb.cells if c.cell_type == "code"] == ["from hocai.lessons.lesson04 import quiz; quiz()"]


@pytest.mark.parametrize("path", EXERCISES, ids=[p.stem for p in EXERCISES])
def test_exercise_code_is_hidden_and_locked_for_nbgrader(path: Path):
    """Exercises: every code cell hidden; every code cell except the instructor's key is an nbgrader locked cell,
    which nbgrader's LockCells makes non-editable and non-deletable at release; grade cells stay grade cells."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata
        assert meta.get("jupyter", {}).get("source_hidden") is True, cell.source[:80]
        grader = meta.get("nbgrader", {})
        assert grader.get("locked") is True or grader.get("solution") is True, cell.source[:80]


def test_lab_lock_css_written_once_and_a_users_own_left_alone(tmp_path, monkeypatch):
    from hocai.workshop import LOCKED_CSS, ensure_locked_lab

    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    css = ensure_locked_lab()
    assert css == tmp_path / "custom" / "custom.css" and css.read_text(encoding="utf-8") == LOCKED_CSS
    assert ensure_locked_lab() == css
    css.write_text(".mine { color: red }", encoding="utf-8")
    assert ensure_locked_lab() is None and css.read_text(encoding="utf-8") == ".mine { color: red }"


def test_lab_settings_hide_code_for_good():
    from hocai.workshop import LAB_SETTINGS, LOCKED_CSS

    menus = LAB_SETTINGS["@jupyterlab/mainmenu-extension:plugin"]["menus"]
    disabled = {item["command"] for menu in menus for item in menu["items"] if item.get("disabled")}
    assert {"notebook:show-cell-code", "notebook:show-all-cell-code"} <= disabled
    assert ".jp-PlaceholderText { display: none; }" in LOCKED_CSS


def test_debugger_switched_off_and_others_settings_kept(tmp_path, monkeypatch):
    """The debugger's toolbar tooltip was once drawn in English before the translation loaded (CI): the kit
    turns the extension off in the environment, keeping what an administrator disabled there already."""
    import json

    from jupyterlab_server.config import get_static_page_config

    from hocai.workshop import ensure_vietnamese_lab

    labconfig = tmp_path / "etc" / "jupyter" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": ["old-list-format"], "lockedExtensions": {"x": True}}), "utf-8"
    )
    overrides = ensure_vietnamese_lab(tmp_path)
    ensure_vietnamese_lab(tmp_path)
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(labconfig.parent))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "user"))
    page = get_static_page_config(level="all")
    # level "all" also reads the real environment's file, where a running JupyterLab may have added more.
    assert (
        page["disabledExtensions"].items() >= {"old-list-format": True, "@jupyterlab/debugger-extension": True}.items()
    )
    assert page["lockedExtensions"]["x"] is True
    assert json.loads(overrides.read_text("utf-8"))["@jupyterlab/translation-extension:plugin"]["locale"] == "vi_VN"
