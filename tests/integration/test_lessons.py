"""Every lesson notebook: its structure, a clean run against the real service, and a readable run without it.

Conventions checked here (lesson authors follow them): kernelspec python3, no committed outputs, NFC text;
sections «Tóm tắt» and «Nguồn»; thin self-contained code cells (one import and call each, code hidden); a cell
tagged ``hocai-self-check``; at least one cell tagged ``hocai-hands-on`` that calls the service when it runs.
"""

from __future__ import annotations

import json
import os
import re
import socket
import unicodedata
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from hocai.lessons.safety_net import SENTENCE

ROOT = Path(__file__).resolve().parents[2]
# 00-…: the trainer's guide, markdown only (hocai/content/trainer_guide.py)
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if not p.name.startswith("00-"))
IDS = [p.stem for p in NOTEBOOKS]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# Self-contained (hocai.lessons.harden).
ONE_CALL = re.compile(r"^from hocai\.lessons\.lesson\d\d import (\w+); \1\(\)$")


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def read(path: Path):
    return nbformat.read(path, as_version=4)


def execute(path: Path, service_url: str):
    """Run the notebook top to bottom in a fresh python3 kernel that calls ``service_url``."""
    nb = read(path)
    env = {**os.environ, "HOCAI_SERVICE_URL": service_url}
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute(env=env)
    return nb


def errors(nb) -> list[str]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"{out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr" and "Traceback" in out.text:
                found.append(out.text)
            elif out.output_type == "stream" and SENTENCE in out.text:  # the safety net caught an error
                found.append(out.text)
    return found


def shown_text(nb) -> str:
    """Everything a participant would see: outputs' text/HTML and the widgets' stored values."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            for mime in ("text/plain", "text/html"):
                parts.append(str(out.get("data", {}).get(mime, "")))
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model in state.values():
        value = model.get("state", {}).get("value")
        if isinstance(value, str):
            parts.append(value)
    return "\n".join(parts)


def widget_cells(nb) -> int:
    return sum(
        any(WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", []))
        for cell in nb.cells
        if cell.cell_type == "code"
    )


@pytest.fixture(scope="session")
def service_url(service) -> str:
    return service.url


@pytest.fixture(scope="session")
def closed_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/"


def test_eight_lessons():
    assert [p.name[:3] for p in NOTEBOOKS] == [f"0{n}-" for n in range(1, 9)], [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_structure(path: Path):
    raw = path.read_text(encoding="utf-8")
    assert raw == unicodedata.normalize("NFC", raw), "notebook text must be NFC"
    nb = read(path)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        assert not cell.outputs and cell.execution_count is None, "outputs must not be committed"
        assert ONE_CALL.match(cell.source.strip()), f"a code cell should make one call: {cell.source!r}"
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, cell.source
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"^## Tóm tắt\s*$", markdown, re.M), "a «Tóm tắt» section"
    assert re.search(r"^## Nguồn\s*$", markdown, re.M), "a «Nguồn» section"
    assert re.search(r"^## Mục tiêu\s*$", markdown, re.M), "learning objectives"
    assert "Thông tư 02/2025/TT-BGDĐT" in markdown or "UNESCO" in markdown, "objectives mapped to frameworks"
    assert sum("hocai-self-check" in tags(c) for c in code) >= 1
    assert sum("hocai-hands-on" in tags(c) for c in code) >= 1
    lesson = f"from hocai.lessons.lesson{path.name[:2]} import "
    assert all(c.source.startswith(lesson) for c in code), "every code cell imports what it calls from its lesson"
    assert not re.search(r"import (torch|transformers)", json.dumps([c.source for c in code]))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_against_the_service(path: Path, service_url: str):
    from hocai.ai.client import DOWN

    nb = execute(path, service_url)
    assert not errors(nb), errors(nb)
    assert widget_cells(nb) >= 2, "at least two interactive widgets"
    for cell in nb.cells:
        if {"hocai-hands-on", "hocai-self-check"} & set(tags(cell)):
            assert cell.outputs, f"no output from {cell.source!r}"
    text = shown_text(nb)
    assert DOWN not in text, "the hands-on could not reach the running service"
    assert "Traceback" not in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_readable_with_the_service_down(path: Path, closed_url: str):
    from hocai.ai.client import DOWN

    nb = execute(path, closed_url)
    assert not errors(nb), errors(nb)
    text = shown_text(nb)
    assert DOWN in text, "the hands-on must say in one sentence that the service is down"
    assert "Traceback" not in text
    assert widget_cells(nb) >= 2


def test_lesson_renderers_on_live_results(service_url: str, monkeypatch):
    """What the hands-on cells render from real service answers (lesson 1's chat waits for a click)."""
    from hocai.ai import client
    from hocai.lessons import lesson01, lesson02, lesson03, lesson04

    monkeypatch.setenv("HOCAI_SERVICE_URL", service_url)
    chat = lesson01.render_chat(client.chat("Tôi là Nguyễn Văn An, số điện thoại 0912 345 678."))
    assert "Sân tập AI trả lời" in chat and "0912 345 678" in chat and "Số điện thoại" in chat
    assert lesson02.render_next_words(client.next_words("Ủy ban nhân dân", 4)).count("%</div>") == 4
    assert lesson02.render_samples(client.sample("Căn cứ", 1.0, 3, 5)).count("<li>") == 3
    assert "Điểm: " in lesson03.render_check(client.prompt_check(lesson03.WEAK_PROMPT))
    assert "[SỐ ĐỊNH DANH]" in lesson04.render_pii(client.pii(lesson04.CITIZEN_FILE))
