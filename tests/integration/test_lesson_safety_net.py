"""In a real kernel, errors in a lesson cell or a widget callback show one Vietnamese sentence, no traceback."""

from __future__ import annotations

import os
import time

import pytest
from jupyter_client.manager import start_new_kernel

from hocai.lessons.safety_net import SENTENCE

ENGLISH = ("Traceback", "Error", "Exception")


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    return tmp_path_factory.mktemp("state")


@pytest.fixture(scope="module")
def kernel(state):
    manager, client = start_new_kernel(kernel_name="python3", env={**os.environ, "HOCAI_STATE_DIR": str(state)})
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def run(client, code: str) -> tuple[str, list[dict]]:
    """Execute ``code``; return everything shown (streams, displays, errors) and the reply."""
    msg_id = client.execute(code)
    shown, errors = [], []
    while True:
        msg = client.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            shown.append(content["text"])
        elif kind in ("display_data", "execute_result"):
            shown.append(str(content["data"].get("text/plain", "")))
        elif kind == "error":
            errors.append(content)
            shown.append("\n".join(content["traceback"]))
        elif kind == "status" and content["execution_state"] == "idle":
            break
    return "".join(shown), errors


def assert_one_sentence(text: str):
    assert text.strip() == SENTENCE, text
    assert not any(word in text for word in ENGLISH), text


def test_error_in_a_cell_is_one_sentence(kernel, state):
    shown, errors = run(kernel, "import hocai.lessons\n1 / 0")
    assert_one_sentence(shown)
    assert errors == []
    # ipykernel forwards the process's own stderr too, a moment later: nothing of the traceback may follow
    time.sleep(1)
    assert_one_sentence(run(kernel, "raise ValueError('x')")[0])
    log = (state / "logs" / "bai-hoc-loi.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in log and "ValueError" in log  # the details, for the trainer


def test_button_and_observer_errors_are_one_sentence(kernel):
    setup = (
        "import ipywidgets as w\nfrom hocai.lessons import lesson04\n"
        "def boom(*_):\n    raise RuntimeError('boom')\n"
        "b = w.Button(); b.on_click(boom)\ns = w.IntSlider(); s.observe(boom, names='value')\n"
    )
    assert run(kernel, setup)[0] == ""
    assert_one_sentence(run(kernel, "b.click()")[0])
    # the path a real slider drag takes: a comm 'update' message handled by the widget
    update = "s._handle_msg({'content': {'data': {'method': 'update', 'state': {'value': 5}, 'buffer_paths': []}}})"
    assert_one_sentence(run(kernel, update)[0])


def test_a_cell_run_before_any_other_works(kernel):
    """Self-contained cells: a fresh kernel can start anywhere in a lesson."""
    shown, errors = run(kernel, "from hocai.lessons.lesson04 import quiz; quiz()")
    assert errors == [] and "Traceback" not in shown
