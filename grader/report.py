"""Who completed the module: per-participant results and a class summary, from the gradebook.

Only the gradebook, the roster and the autograde log are read; exporting lives in grader/export.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

COMPLETED, NOT_PASSED, NOT_SUBMITTED = "Hoàn thành", "Chưa đạt", "Chưa nộp"


@dataclass
class Row:
    username: str
    full_name: str
    unit: str
    position: str
    scores: dict[str, float | None]  # assignment → score, None when not submitted
    score: float
    max_score: float
    status: str
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return round(100.0 * self.score / self.max_score, 1) if self.max_score else 0.0

    @property
    def submitted(self) -> int:
        return sum(v is not None for v in self.scores.values())


@dataclass
class Report:
    course_id: str
    assignments: list[str]
    max_scores: dict[str, float]
    rows: list[Row]
    rule: dict

    def completion_by_assignment(self) -> dict[str, int]:
        return {a: sum(r.scores[a] is not None for r in self.rows) for a in self.assignments}

    def status_counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.rows) for s in (COMPLETED, NOT_PASSED, NOT_SUBMITTED)}

    def score_histogram(self, width: int = 10) -> dict[str, int]:
        bins = {f"{lo}–{lo + width - 1 if lo + width < 100 else 100}": 0 for lo in range(0, 100, width)}
        keys = list(bins)
        for row in self.rows:
            if row.status != NOT_SUBMITTED:
                bins[keys[min(int(row.percent // width), len(keys) - 1)]] += 1
        return bins


def completion_rule(course) -> dict:
    """The course's rule (hocai_course.toml [completion]): minimum percent, every assignment required."""
    rule = course.checked.completion
    return {"min_percent": rule.min_percent, "require_all": rule.all_assignments_required}


def _flags(course_dir: Path) -> dict[tuple[str, str], str]:
    """(participant, assignment) → the autograde log's Vietnamese note on a timeout, crash or limit hit."""
    from hocai_grader.autograde import load_log

    return {(e["student"], e["assignment"]): e["note"] for e in load_log(course_dir) if e.get("status") != "ok"}


def build_report(course_dir: Path) -> Report:
    from hocai_grader import roster
    from hocai_grader.workspace import Course

    course = Course(course_dir)
    rule = completion_rule(course)
    people = {p.username: p for p in roster.load(course.root) if p.role == "participant"}
    flags = _flags(course.root)
    with course.gradebook() as gb:
        assignments = [a.name for a in sorted(gb.assignments, key=lambda a: a.name)]
        max_scores = {a.name: float(a.max_score or 0) for a in gb.assignments}
        rows = []
        for student in sorted(gb.students, key=lambda s: s.id):
            person = people.get(student.id)
            submitted = {s.assignment.name: s for s in student.submissions}
            scores = {a: (float(submitted[a].score) if a in submitted else None) for a in assignments}
            missing = [a for a in assignments if scores[a] is None]
            notes = [f"{a}: {flags[(student.id, a)]}" for a in assignments if (student.id, a) in flags]
            notes += [f"{a}: chờ chấm tay" for a, s in submitted.items() if s.needs_manual_grade]
            total = sum(v for v in scores.values() if v is not None)
            top = sum(max_scores.values())
            name = person.full_name if person else f"{student.last_name or ''} {student.first_name or ''}".strip()
            row = Row(
                student.id,
                name,
                person.unit if person else "",
                person.position if person else "",
                scores,
                total,
                top,
                "",
                missing,
                notes,
            )
            if not submitted:
                row.status = NOT_SUBMITTED
            elif (missing and rule["require_all"]) or row.percent < float(rule["min_percent"]):
                row.status = NOT_PASSED
            else:
                row.status = COMPLETED
            if row.status == NOT_PASSED and row.percent < float(rule["min_percent"]):
                need = float(rule["min_percent"]) * top / 100 - total
                row.missing.append(f"cần thêm {need:g} điểm")
            rows.append(row)
    return Report(course.course_id, assignments, max_scores, rows, rule)
