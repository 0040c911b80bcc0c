"""Hostile submissions against ``hocai course autograde``: every attack fails, honest grades stay, the
instructor's files are untouched and nothing planted runs in the next instructor command
(docs/ARCHITECTURE.md §8, rule 2)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from hocai_grader.autograde import load_log
from hocai_grader.workspace import Course, init_course

ROOT = Path(__file__).resolve().parents[2]
HOCAI = [sys.executable, "-m", "hocai.cli"]
SECRET = "BIMAT-7391-kho-doan"
ENV = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed")


def _cell(kind: str, source: str, **nbgrader) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False, "locked": False, **nbgrader}
    return cell


def write_source(folder: Path) -> None:
    """A tiny course where participants write code: one answer cell, one test cell with a hidden secret."""
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("Viết hàm `dap_an()` trả về mật khẩu của bài."),
        _cell(
            "code",
            "def dap_an():\n    ### BEGIN SOLUTION\n    return " + repr(SECRET) + "\n    ### END SOLUTION",
            solution=True,
            grade_id="loi_giai",
        ),
        _cell(
            "code",
            "assert isinstance(dap_an(), str)\n### BEGIN HIDDEN TESTS\nassert dap_an() == "
            + repr(SECRET)
            + "\n### END HIDDEN TESTS",
            grade=True,
            locked=True,
            points=1,
            grade_id="kiem_tra",
        ),
    ]
    (folder / "kiemtra").mkdir(parents=True)
    nbformat.write(nb, folder / "kiemtra" / "kiemtra.ipynb")


def submit(course: Course, student: str, code: str) -> None:
    dest = course.submitted / student / "kiemtra"
    dest.mkdir(parents=True)
    nb = nbformat.read(course.release / "kiemtra" / "kiemtra.ipynb", as_version=4)
    nb.cells[1].source = code
    nbformat.write(nb, dest / "kiemtra.ipynb")
    (dest / "timestamp.txt").write_text("2026-11-20 08:00:00.000000 UTC")


def attacks(root: Path, marker: Path) -> dict[str, str]:
    targets = [
        root / "source" / "kiemtra" / "kiemtra.ipynb",
        root / "gradebook.db",
        root / "nbgrader_config.py",
        root / "submitted" / "trung_thuc" / "kiemtra" / "kiemtra.ipynb",
        root / "autograded" / "trung_thuc" / "kiemtra" / "kiemtra.ipynb",
        root / "release" / "kiemtra" / "kiemtra.ipynb",
    ]
    prefix = SECRET[:6]
    plant = f"import pathlib; pathlib.Path({str(marker)!r}).write_text('pwned')\n"
    venv_site = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    plant_targets = [
        root / "nbgrader_config.py",
        Path.home() / ".jupyter" / "nbgrader_config.py",
        "/root/.jupyter/nbgrader_config.py",
        "/etc/jupyter/nbgrader_config.py",
        "nbgrader_config.py",
        "../nbgrader_config.py",
        venv_site / "sitecustomize.py",
        ROOT / "hocai" / "sitecustomize.py",
        root.parent / "nbgrader_config.py",
        "/tmp/nbgrader_config.py",
    ]
    return {
        "doc_bi_mat": (
            "import glob\n"
            "def dap_an():\n"
            f"    paths = [str(p) for p in {[str(t) for t in targets]!r}]\n"
            "    paths += ['../../source/kiemtra/kiemtra.ipynb', '../../../gradebook.db']\n"
            "    paths += glob.glob('/tmp/**/*', recursive=True) + glob.glob('/home/**/*', recursive=True)\n"
            f"    paths += glob.glob({str(root)!r} + '/**/*', recursive=True)\n"
            "    for p in paths:\n"
            "        try:\n"
            "            data = open(p, 'rb').read()\n"
            "        except Exception:\n"
            "            continue\n"
            f"        i = data.find({prefix.encode()!r} + b'-')\n"
            "        if i >= 0:\n"
            f"            return data[i:i + {len(SECRET)}].decode()\n"
            "    return 'khong thay'\n"
        ),
        "xoa_sua_tep": (
            "import os, shutil\n"
            f"root = {str(root)!r}\n"
            "for p in ['gradebook.db', 'nbgrader_config.py', 'hocai_course.toml', 'source', 'release',\n"
            "          'submitted/trung_thuc', 'autograded/trung_thuc', 'exchange']:\n"
            "    for f in (os.remove, shutil.rmtree):\n"
            "        try:\n"
            "            f(os.path.join(root, p))\n"
            "        except Exception:\n"
            "            pass\n"
            "for p in [root + '/gradebook.db', root + '/autograded/trung_thuc/kiemtra/kiemtra.ipynb', '../../x']:\n"
            "    try:\n"
            "        open(p, 'w').write('x')\n"
            "    except Exception:\n"
            "        pass\n"
            "def dap_an():\n"
            "    return 'da xoa'\n"
        ),
        "cai_ma": (
            "import os\n"
            f"for p in {[str(t) for t in plant_targets]!r}:\n"
            "    try:\n"
            "        os.makedirs(os.path.dirname(os.path.abspath(p)), exist_ok=True)\n"
            f"        open(p, 'a').write({plant!r})\n"
            "    except Exception:\n"
            "        pass\n"
            "def dap_an():\n"
            "    return 'da cai'\n"
        ),
        "bom_tien_trinh": "import os\ndef dap_an():\n    return 'x'\nwhile True:\n    os.fork()\n",
        "an_bo_nho": "data = bytearray(20 * 1024 ** 3)\ndef dap_an():\n    return 'x'\n",
        "in_1gb": (
            "chunk = 'x' * (1024 * 1024)\nfor _ in range(1024):\n    print(chunk)\ndef dap_an():\n    return 'x'\n"
        ),
        "mang": (
            "import socket\n"
            "def dap_an():\n"
            "    try:\n"
            "        socket.create_connection(('127.0.0.1', 22), timeout=2)\n"
            f"        return {SECRET!r}\n"
            "    except OSError:\n"
            "        return 'khong mang'\n"
        ),
    }


def instructor_files(root: Path) -> dict[str, str]:
    """Hashes of what the instructor wrote and the submissions collected before the attack."""
    skip = {"autograded", "backups", "feedback", "gradebook.db", "autograde_log.json", "autograde.log"}
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] not in skip and rel.name != "autograde_log.tmp":
            out[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def grade_rows(course: Course, student: str) -> list[tuple]:
    with course.gradebook() as gb:
        sub = gb.find_submission("kiemtra", student)
        return sorted((g.name, g.auto_score, g.max_score, g.id) for nb in sub.notebooks for g in nb.grades)


def test_hostile_submissions_fail_and_harm_nothing(tmp_path):
    src = tmp_path / "nguon"
    write_source(src)
    course = init_course(tmp_path / "khoa", course_id="baove", source=src)
    settings = (course.root / "hocai_course.toml").read_text(encoding="utf-8")
    settings = settings.replace("cell_timeout = 10", "cell_timeout = 5")
    (course.root / "hocai_course.toml").write_text(settings, encoding="utf-8")
    marker = tmp_path / "pwned.txt"
    hostile = attacks(course.root, marker)
    with course.gradebook() as gb:
        for student in ["trung_thuc", "ban_khac", *hostile]:
            gb.update_or_create_student(student)
    assert subprocess.run(HOCAI + ["course", "release", str(course.root)], env=ENV).returncode == 0
    honest = f"def dap_an():\n    return {SECRET!r}\n"
    submit(course, "trung_thuc", honest)
    assert subprocess.run(HOCAI + ["course", "autograde", str(course.root)], env=ENV).returncode == 0
    before_rows = grade_rows(course, "trung_thuc")
    assert before_rows[0][1] == 1.0

    submit(course, "ban_khac", honest)
    for student, code in hostile.items():
        submit(course, student, code)
    before = instructor_files(course.root)
    run = subprocess.run(
        HOCAI + ["course", "autograde", str(course.root), "--jobs", "2"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr

    assert instructor_files(course.root) == before
    assert grade_rows(course, "trung_thuc") == before_rows
    with course.gradebook() as gb:
        assert {s.id for s in gb.students} == {"trung_thuc", "ban_khac", *hostile}
        scores = {s.student.id: s.score for s in gb.assignment_submissions("kiemtra")}
    assert scores["ban_khac"] == 1.0
    assert {s: scores[s] for s in hostile} == {s: 0.0 for s in hostile}
    status = {e["student"]: e["status"] for e in load_log(course.root)}
    assert status["an_bo_nho"] == "limit"
    assert status["in_1gb"] in {"limit", "timeout"}
    assert status["bom_tien_trinh"] in {"limit", "timeout", "crash"}
    printed = course.autograded / "in_1gb" / "kiemtra" / "kiemtra.ipynb"
    assert printed.stat().st_size < 2 * 1024 * 1024

    assert not marker.exists()
    for command in (
        HOCAI + ["course", "feedback", str(course.root)],
        [str(Path(sys.executable).parent / "nbgrader"), "db", "student", "list"],
    ):
        subprocess.run(command, cwd=course.root, env=ENV, capture_output=True, timeout=300)
    assert not marker.exists()
    assert instructor_files(course.root) == before


CHEATS = {
    "bo_assert": (
        "ip = get_ipython()\n"
        "ip.input_transformers_cleanup.append(lambda lines: [l for l in lines if 'check' not in l])\n"
    ),
    "luon_bang": (
        "import json, hocai.exercise.check as c\n"
        "class Eq(str):\n    __eq__ = lambda self, other: True\n    __hash__ = str.__hash__\n"
        "_load = json.load\njson.load = lambda *a, **k: {q: Eq('x') for q in 'q1 q2 q3 q4 q5 q6'.split()}\n"
        "for name in dir(c):\n    if not name.startswith('_') and callable(getattr(c, name)):\n"
        "        setattr(c, name, lambda *a, **k: True)\n"
    ),
}


@pytest.mark.skipif(not (ROOT / "exercises" / "bai01" / "bai01.ipynb").exists(), reason="the kit's bai01 is absent")
def test_kit_exercise_cheats_score_nothing(tmp_path):
    from hocai_grader.answers import answer_key, submit_answers, wrong_answers
    from hocai_grader.release import release

    course = init_course(tmp_path / "khoa")
    with course.gradebook() as gb:
        for student in ["dung", *CHEATS]:
            gb.update_or_create_student(student)
    release(course, "bai01")
    submit_answers(str(course.root), "dung", "bai01", answer_key(str(course.root), "bai01", "dung"))
    for student, code in CHEATS.items():
        dest = submit_answers(str(course.root), student, "bai01", wrong_answers(str(course.root), "bai01", student))
        path = dest / "bai01.ipynb"
        nb = nbformat.read(path, as_version=4)
        nb.cells.insert(2, nbformat.v4.new_code_cell(code))
        q1 = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1")
        q1.source = code + "\n" + q1.source
        nbformat.write(nb, path)
    run = subprocess.run(
        HOCAI + ["course", "autograde", str(course.root), "bai01", "--jobs", "2"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    with course.gradebook() as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions("bai01")}
    assert scores == {"dung": 12.0, **{s: 0.0 for s in CHEATS}}
    graded = nbformat.read(course.autograded / "bo_assert" / "bai01" / "bai01.ipynb", as_version=4)
    assert not any("input_transformers" in c.source for c in graded.cells)
    assert json.loads((course.autograded / "luon_bang" / "bai01" / "answers.json").read_text(encoding="utf-8"))
