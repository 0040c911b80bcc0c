"""«Nộp bài» at the end of every exercise: lists what is unanswered, then submits through nbgrader's exchange.

The submission itself is nbgrader's own ExchangeSubmit (the same code the Assignment List panel runs), with
the configuration nbgrader's server extension would load: on JupyterHub the participant's
~/.jupyter/nbgrader_config.py names the course and the exchange; on one machine the course folder's config.
nbgrader names the submitter from the account (JUPYTERHUB_USER or the login), so nobody can submit as
someone else, and collect checks the folder's owner again (grader/collect.py).

Each successful submission is also recorded in the participant's own ~/.local/share/hocai/progress.json,
which «Tiến độ của tôi» reads; the instructor's board never trusts that file.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat

from hocai.exercise import storage
from hocai.text import nfc

PROGRESS_FILE = Path(".local") / "share" / "hocai" / "progress.json"
# What a released reflection cell holds before it is written in: nbgrader's text stubs (grader/workspace.py).
TEXT_STUBS = {"YOUR ANSWER HERE", "VIẾT CÂU TRẢ LỜI CỦA BẠN Ở ĐÂY"}


class SubmitError(Exception):
    """A submission that did not go through, with one Vietnamese sentence."""


def progress_path(home: str | os.PathLike | None = None) -> Path:
    return Path(home if home is not None else Path.home()) / PROGRESS_FILE


def load_progress(home: str | os.PathLike | None = None) -> dict[str, Any]:
    """The participant's own record: {"lessons": {name: iso}, "submitted": {assignment: iso}}."""
    try:
        data = json.loads(progress_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if type(data) is dict else {}


def record(kind: str, name: str, home: str | os.PathLike | None = None) -> str:
    """Note that lesson/assignment ``name`` was finished/submitted now; returns the time recorded."""
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    data = load_progress(home)
    section = data.get(kind) if type(data.get(kind)) is dict else {}
    section[nfc(name)] = now
    data[kind] = section
    file = progress_path(home)
    file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, file)
    return now


def last_submission(assignment: str, home: str | os.PathLike | None = None) -> str:
    value = load_progress(home).get("submitted", {})
    value = value.get(assignment) if type(value) is dict else None
    return value if type(value) is str else ""


def _notebook(folder: Path, assignment: str) -> Path | None:
    file = folder / f"{assignment}.ipynb"
    if file.is_file():
        return file
    found = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    return found[0] if found else None


def unanswered(folder: str | os.PathLike, assignment: str) -> list[str]:
    """Vietnamese names of the questions still unanswered, read from the saved notebook and answers.json."""
    folder = Path(folder)
    file = _notebook(folder, assignment)
    if file is None:
        return []
    try:
        nb = nbformat.read(file, as_version=4)
    except Exception:
        return []
    answers = storage.load(folder)
    missing = []
    for cell in nb.cells:
        spec = cell.metadata.get("hocai")
        if not isinstance(spec, dict) or "id" not in spec:
            continue
        if spec.get("type") == "reflection":
            text = "".join(cell.source).strip()
            if not text or text in TEXT_STUBS or text.startswith("Gợi ý cho người chấm"):
                missing.append("Suy ngẫm (chưa viết, hoặc chưa lưu: bấm Ctrl + S)")
            continue
        value = answers.get(spec["id"])
        empty = value in (None, "", []) or (type(value) is list and all(v in (None, "") for v in value))
        if empty:
            missing.append(f"Câu {str(spec['id']).lstrip('q')}")
    return missing


@contextlib.contextmanager
def _chdir(folder: Path) -> Iterator[None]:
    here = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(here)


def _config(root: Path):
    """nbgrader's configuration as its Assignment List extension loads it (root folder, then Jupyter's paths)."""
    from jupyter_core.paths import jupyter_config_path
    from nbgrader.apps import NbGrader

    with _chdir(root):
        app = NbGrader()
        app.config_file_paths.append([os.getcwd(), *jupyter_config_path()])
        app.load_config_file()
        return app.config


def submit(
    folder: str | os.PathLike, assignment: str, *, config: Any = None, home: str | os.PathLike | None = None
) -> str:
    """Submit the assignment whose files are in ``folder`` through nbgrader's exchange; returns the time.

    Raises SubmitError with one Vietnamese sentence when the exchange refuses it."""
    import logging

    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError, ExchangeFactory

    folder = Path(folder).resolve()
    root = folder.parent
    if config is None:
        config = _config(root)
    if config.CourseDirectory.get("course_id", "") and folder.parent.name == config.CourseDirectory.course_id:
        root = folder.parent.parent  # fetched with Exchange.path_includes_course
        config.Exchange.path_includes_course = True
    config.CourseDirectory.assignment_id = folder.name
    config.CourseDirectory.root = str(root)
    quiet = logging.getLogger("hocai.submit")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    try:
        with _chdir(root):
            coursedir = CourseDirectory(config=config)
            authenticator = Authenticator(config=config)
            sender = ExchangeFactory(config=config).Submit(
                coursedir=coursedir, authenticator=authenticator, config=config, log=quiet
            )
            sender.start()
    except ExchangeError as exc:
        raise SubmitError(_reason(str(exc))) from None
    except (OSError, ValueError) as exc:
        raise SubmitError(f"Không nộp được bài: {exc.__class__.__name__}. Hãy báo giảng viên.") from None
    return record("submitted", assignment, home)


def _reason(message: str) -> str:
    if "course id" in message.lower():
        return "Không nộp được bài: máy này chưa được giảng viên gắn vào khóa học. Hãy báo giảng viên."
    if "access" in message.lower():
        return "Không nộp được bài: tài khoản này không có trong khóa học. Hãy báo giảng viên."
    if "Assignment not found" in message or "Inbound directory" in message:
        return "Không nộp được bài: giảng viên chưa phát bài này hoặc chưa mở nơi nhận bài. Hãy báo giảng viên."
    if "permission" in message.lower():
        return "Không nộp được bài: không có quyền ghi vào nơi nhận bài. Hãy báo giảng viên."
    return "Không nộp được bài. Hãy báo giảng viên."


def _when(iso: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return moment.strftime("%H:%M ngày %d/%m/%Y")


def show_submit(assignment: str | None = None, folder: str | os.PathLike | None = None) -> None:
    """The «Nộp bài» button of an exercise's last cell; nothing while nbgrader runs the notebook."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return
    import html

    import ipywidgets as w
    from IPython.display import display

    from hocai.exercise import question_form as form

    name = assignment or form._state["assignment"]
    where = Path(folder) if folder is not None else Path(os.getcwd())
    button = w.Button(
        description="Nộp bài",
        button_style="success",
        icon="paper-plane",
        layout=w.Layout(width="auto", min_height="44px"),
    )
    again = w.Button(description="Vẫn nộp bài", button_style="warning", layout=w.Layout(width="auto"))
    again.layout.display = "none"
    # Widths follow the notebook's (ipywidgets gives an HTML widget 300 px): readable on a 390 px phone too.
    fit = dict(width="auto", max_width="100%")
    status = w.HTML(layout=w.Layout(**fit))

    def say(text: str, colour: str = "#333") -> None:
        status.value = f'<div style="color:{colour}; white-space:pre-wrap">{html.escape(text)}</div>'

    def shown_last() -> None:
        last = last_submission(name)
        say(
            f"Lần nộp gần nhất: {_when(last)}. Bạn có thể nộp lại; bài nộp sau cùng được chấm."
            if last
            else "Bạn chưa nộp bài này."
        )

    def send(*_: Any) -> None:
        again.layout.display = "none"
        button.disabled = again.disabled = True
        say("Đang nộp bài…")
        try:
            when = submit(where, name)
        except SubmitError as exc:
            say(str(exc), form.PROBLEM)
        else:
            say(f"✓ Đã nộp bài lúc {_when(when)}. Bạn có thể nộp lại; bài nộp sau cùng được chấm.", form.SAVED)
        finally:
            button.disabled = again.disabled = False

    def ask(*_: Any) -> None:
        missing = unanswered(where, name)
        if not missing:
            send()
            return
        say("Còn chưa trả lời: " + ", ".join(missing) + ".\nBấm «Vẫn nộp bài» nếu bạn muốn nộp ngay.", form.PROBLEM)
        again.layout.display = ""

    button.on_click(ask)
    again.on_click(send)
    shown_last()
    display(
        w.VBox(
            [
                w.HTML(form.STYLE, layout=w.Layout(**fit)),
                w.HBox([button, again], layout=w.Layout(flex_flow="row wrap", **fit)),
                status,
            ],
            layout=w.Layout(border="1px solid #90a4ae", padding="8px 14px", margin="8px 0", **fit),
        ).add_class(form.CSS)
    )
