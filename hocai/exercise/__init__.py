"""Exercises answered by clicking and typing: question widgets, answers.json storage and hidden checks.

A source notebook (exercises/<assignment>/<assignment>.ipynb, built from the item bank exercises/bank/) uses
only this small API in locked cells: ``start``, ``show_question``, ``instructor_key``/``register_key`` and, in
hidden tests, ``check``. Each question slot has parallel variants; ``hocai.exercise.variants`` draws the one a
participant sees, and its option order, from (course, participant, assignment).
"""

from hocai.exercise import check
from hocai.exercise.key import instructor_key, register_key
from hocai.exercise.question_form import show_question, start

__all__ = ["check", "start", "show_question", "instructor_key", "register_key"]
