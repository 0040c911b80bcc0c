"""Autograde speed: the kit (sandboxed, --jobs N) against plain ``nbgrader autograde`` on identical copies.

60 submissions of the kit exercise bai01 (answers made with ``submit-answers``: right, wrong and mixed), two
of which carry an added code cell with an infinite loop. Both graders get a 10 s cell timeout (plain
nbgrader's default is 30 s; set to 10 s here for fairness). The kit drops participant-added code cells
(RestoreInstructorCode) so the loops never run there, while plain nbgrader runs them to the timeout: the
figures say so and also give plain nbgrader's time with those two timeouts taken out.

    .venv/bin/python benchmarks/autograde.py [--count 60] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hocai_grader.answers import answer_key, submit_answers, wrong_answers  # noqa: E402
from hocai_grader.release import release  # noqa: E402
from hocai_grader.workspace import Course, init_course  # noqa: E402

ASSIGNMENT = "bai01"
TIMEOUT = 10
# Plain nbgrader as configured by the course, plus the kit's step that names the graded participant: each
# participant has their own form (variants, option order), so without it plain nbgrader grades another form.
PLAIN_SANITIZE = (
    "\nfrom nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, "
    "OverwriteKernelspec\nfrom hocai_grader.preprocessors import BindParticipant\n"
    "c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, "
    "CheckCellMetadata, BindParticipant]\n"
)


def answers_for(course: Course, student: str, i: int) -> dict:
    """About 60% of the questions right, on the participant's own form."""
    rng = random.Random(i)
    right = answer_key(str(course.root), ASSIGNMENT, student)
    wrong = wrong_answers(str(course.root), ASSIGNMENT, student)
    return {q: (right[q] if rng.random() < 0.6 else wrong[q]) for q in right}


def make_course(folder: Path, students: list[str]) -> Course:
    course = init_course(folder)
    with course.gradebook() as gb:
        for s in students:
            gb.update_or_create_student(s)
    release(course, ASSIGNMENT)
    return course


def add_loop(submission: Path) -> None:
    path = submission / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("while True:\n    pass"))
    nbformat.write(nb, path)


def scores(course: Course) -> dict[str, float]:
    with course.gradebook() as gb:
        return {s.student.id: float(s.score) for s in gb.assignment_submissions(ASSIGNMENT)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", help="grade in this (new) folder and keep it, to look at afterwards")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "autograde.json"))
    args = parser.parse_args()
    students = [f"hv{i:03d}" for i in range(args.count)]
    loops = {students[len(students) // 4], students[3 * len(students) // 4]}
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    with tempfile.TemporaryDirectory(prefix="hocai-bench-") as tmp:
        tmp = args.keep or tmp
        kit, plain = make_course(Path(tmp) / "kit", students), make_course(Path(tmp) / "plain", students)
        with open(plain.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(PLAIN_SANITIZE)
        for i, s in enumerate(students):
            dest = submit_answers(str(kit.root), s, ASSIGNMENT, answers_for(kit, s, i))
            if s in loops:
                add_loop(dest)
            shutil.copytree(dest, plain.submitted / s / ASSIGNMENT)

        start = time.monotonic()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "hocai.cli",
                "course",
                "autograde",
                str(kit.root),
                ASSIGNMENT,
                "--jobs",
                str(args.jobs),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        kit_s = time.monotonic() - start
        if run.returncode:
            sys.stderr.write(run.stderr)
            return 1

        start = time.monotonic()
        run = subprocess.run(
            [str(Path(sys.executable).parent / "nbgrader"), "autograde", ASSIGNMENT, f"--Execute.timeout={TIMEOUT}"],
            cwd=plain.root,
            env=env,
            capture_output=True,
            text=True,
        )
        plain_s = time.monotonic() - start
        if run.returncode:
            sys.stderr.write(run.stderr[-3000:])
            return 1

        kit_scores, plain_scores = scores(kit), scores(plain)
        honest = [s for s in students if s not in loops]
        mismatches = [s for s in honest if kit_scores.get(s) != plain_scores.get(s)]
        plain_wo_loops = plain_s - len(loops) * TIMEOUT
        result = {
            "submissions": args.count,
            "infinite_loops": len(loops),
            "jobs": args.jobs,
            "cell_timeout_s": TIMEOUT,
            "kit_seconds": round(kit_s, 1),
            "plain_nbgrader_seconds": round(plain_s, 1),
            "speedup": round(plain_s / kit_s, 2),
            "plain_seconds_without_loop_timeouts": round(plain_wo_loops, 1),
            "speedup_without_loop_timeouts": round(plain_wo_loops / kit_s, 2),
            "kit_seconds_per_submission": round(kit_s / args.count, 3),
            "plain_seconds_per_submission": round(plain_s / args.count, 3),
            "honest_submissions": len(honest),
            "honest_score_mismatches": mismatches,
            "loop_scores": {
                "kit": {s: kit_scores.get(s) for s in sorted(loops)},
                "plain": {s: plain_scores.get(s) for s in sorted(loops)},
            },
            "note": (
                "The kit runs every kernel in bubblewrap with limits; plain nbgrader runs unsandboxed. "
                "Plain nbgrader's cell timeout set to 10 s (its default is 30 s). The kit drops the "
                "participant-added loop cells, plain nbgrader runs them to the timeout."
            ),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            },
        }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0 if not mismatches else 1


if __name__ == "__main__":
    raise SystemExit(main())
