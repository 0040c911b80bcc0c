"""«Tiến độ của tôi»: the participant's own lessons, exercises and feedback, read only from their own files.

Lessons finished come from the self-checks (``record_lesson``); exercises from ~/baiNN/answers.json (saved),
the «Nộp bài» record (submitted) and nbgrader's fetched feedback (~/baiNN/feedback/*/baiNN.html, graded,
with the score nbgrader wrote in it). «Cập nhật nhận xét» fetches released feedback through nbgrader's own
ExchangeFetchFeedback, which only finds the participant's own copies. Nobody else's progress is read.
"""

from __future__ import annotations

import html
import os
import re
import sys
from pathlib import Path

from hocai.exercise import storage
from hocai.exercise.submit import _chdir, _config, _when, load_progress, record

SCORE = re.compile(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)")
ASSIGNMENTS = tuple(f"bai0{i}" for i in range(1, 9))


def lesson_names() -> list[str]:
    """The lesson notebooks' stems (01-ai-la-gi): the names progress is recorded under."""
    from hocai import paths
    from hocai.lessons.harden import lesson_notebooks

    return [p.stem for p in lesson_notebooks(Path(paths.NOTEBOOKS))]


def lesson_titles() -> dict[str, str]:
    """Lesson stem → the title participants read («Bài 1. AI là gì?»); the stem when a notebook has no title."""
    from hocai import paths
    from hocai.content.trainer_guide import lesson_title

    titles = {}
    for name in lesson_names():
        try:
            titles[name] = lesson_title(Path(paths.NOTEBOOKS) / f"{name}.ipynb") or name
        except (OSError, ValueError):  # an unreadable notebook must not hide the rest of the page
            titles[name] = name
    return titles


def lesson_of(module: str) -> str:
    """hocai.lessons.lesson03 → the lesson notebook's stem (03-viet-cau-lenh), or "" when not a lesson."""
    match = re.fullmatch(r"hocai\.lessons\.lesson(\d\d)", module or "")
    if not match:
        return ""
    return next((name for name in lesson_names() if name.startswith(f"{match[1]}-")), "")


def record_lesson(name: str, home: str | os.PathLike | None = None) -> None:
    """Note that the participant finished lesson ``name``'s self-check; a full disk must not break the lesson."""
    if name:
        try:
            record("lessons", name, home)
        except OSError:
            pass


def _feedback(folder: Path, assignment: str) -> tuple[Path | None, str]:
    """The newest fetched feedback file and the score written in it ("" when none)."""
    found = sorted(folder.glob(f"feedback/*/{assignment}.html"))
    if not found:
        return None, ""
    try:
        match = SCORE.search(found[-1].read_text(encoding="utf-8", errors="replace")[:200_000])
    except OSError:
        return found[-1], ""
    return found[-1], (f"{float(match[1]):g}/{float(match[2]):g}" if match else "")


def exercise_rows(home: str | os.PathLike | None = None) -> list[dict]:
    """One dict per exercise present in the home: state, score, feedback file, submission time."""
    home = Path(home if home is not None else Path.home())
    submitted = load_progress(home).get("submitted", {})
    rows = []
    for name in ASSIGNMENTS:
        folder = home / name
        if not folder.is_dir():
            continue
        answers = storage.load(folder)
        feedback, score = _feedback(folder, name)
        when = submitted.get(name, "") if type(submitted) is dict else ""
        state = "đã chấm" if feedback else "đã nộp" if when else "đang làm" if answers else "chưa làm"
        rows.append(
            {
                "name": name,
                "state": state,
                "score": score,
                "feedback": feedback,
                "submitted": when,
                "answered": len([v for v in answers.values() if v not in (None, "", [])]),
            }
        )
    return rows


def fetch_feedback(home: str | os.PathLike | None = None) -> int:
    """Fetch released feedback for every exercise through nbgrader; returns how many exercises have some."""
    import logging

    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError, ExchangeFactory

    home = Path(home if home is not None else Path.home())
    quiet = logging.getLogger("hocai.feedback")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    for row in exercise_rows(home):
        if not row["submitted"]:
            continue
        config = _config(home)
        config.CourseDirectory.assignment_id = row["name"]
        config.CourseDirectory.root = str(home)
        try:
            with _chdir(home):
                fetcher = ExchangeFactory(config=config).FetchFeedback(
                    coursedir=CourseDirectory(config=config),
                    authenticator=Authenticator(config=config),
                    config=config,
                    log=quiet,
                )
                fetcher.start()
        except (ExchangeError, OSError, ValueError):
            continue
    return sum(1 for r in exercise_rows(home) if r["feedback"])


def render(home: str | os.PathLike | None = None) -> str:
    """The page as HTML (phone-sized screens too)."""
    home = Path(home if home is not None else Path.home())
    lessons = load_progress(home).get("lessons", {})
    lessons = lessons if type(lessons) is dict else {}
    titles = lesson_titles()
    names = list(titles)
    done = [n for n in names if n in lessons]
    rows = exercise_rows(home)
    left = [titles[n] for n in names if n not in lessons]
    left += [r["name"] for r in rows if r["state"] in ("chưa làm", "đang làm")]
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    parts = [
        '<div class="hocai-progress" style="font-size:18px;line-height:1.5;max-width:100%;overflow-x:auto">',
        f"<h3>Bài học đã xong: {len(done)}/{len(names)}</h3><ul>",
    ]
    for name in names:
        mark = f"✓ xong lúc {esc(_when(lessons[name]))}" if name in lessons else "chưa làm phần Tự kiểm tra"
        parts.append(f"<li><b>{esc(titles[name])}</b>: {mark}</li>")
    parts.append("</ul><h3>Bài tập</h3>")
    if not rows:
        parts.append("<p>Chưa có bài tập nào được phát cho bạn.</p>")
    for r in rows:
        line = f"<b>{esc(r['name'])}</b>: {esc(r['state'])}"
        if r["submitted"]:
            line += f", nộp lúc {esc(_when(r['submitted']))}"
        if r["score"]:
            line += f", điểm {esc(r['score'])}"
        if r["feedback"]:
            rel = os.path.relpath(r["feedback"], os.getcwd())
            line += f' — <a href="{esc(rel)}" target="_blank">xem nhận xét</a>'
        parts.append(f"<p>{line}</p>")
    parts.append("<h3>Còn lại để hoàn thành</h3>")
    parts.append(
        f"<p>{esc('; '.join(left))}</p>" if left else "<p>✓ Bạn đã làm hết. Chờ giảng viên chấm và trả nhận xét.</p>"
    )
    parts.append("</div>")
    return "".join(parts)


def show() -> None:
    """«Tiến độ của tôi» with a button that fetches released feedback and redraws."""
    import ipywidgets as w
    from IPython.display import display

    view = w.HTML(render())
    button = w.Button(description="Cập nhật nhận xét", icon="refresh", layout=w.Layout(width="auto"))
    note = w.HTML()

    def update(_: object) -> None:
        button.disabled = True
        note.value = "Đang lấy nhận xét…"
        try:
            count = fetch_feedback()
            note.value = f"Đã cập nhật: {count} bài có nhận xét."
        except Exception:  # nbgrader not configured here (one machine without a course): say so, lose nothing
            note.value = "Chưa lấy được nhận xét trên máy này."
        view.value = render()
        button.disabled = False

    button.on_click(update)
    display(w.VBox([view, w.HBox([button, note])]))


NOTEBOOK = "tien-do-cua-toi.ipynb"


def notebook_text() -> str:
    """The notebook each participant's home gets on the hub: one locked, hidden cell showing the page."""
    import nbformat

    from hocai.lessons.harden import LOCKED

    nb = nbformat.v4.new_notebook()
    nb.metadata.update(
        {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        }
    )
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Tiến độ của tôi\n\nBấm vào ô bên dưới rồi nhấn **Shift + Enter** để xem bài học đã xong, bài tập đã "
            "nộp và điểm. Khi giảng viên đã chấm và trả nhận xét, bấm «Cập nhật nhận xét».",
            metadata=dict(LOCKED),
        ),
        nbformat.v4.new_code_cell(
            "from hocai.widgets.my_progress import show; show()",
            metadata={**LOCKED, "jupyter": {"source_hidden": True}},
        ),
    ]
    return nbformat.writes(nb)


if __name__ == "__main__":
    sys.stdout.write(render())
