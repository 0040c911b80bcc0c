"""nbgrader preprocessors the kit adds to autograding.

``RestoreInstructorCode`` makes sure no participant code runs while grading: every code cell of a
submission is replaced by the instructor's version stored in the gradebook at ``generate_assignment``
time (hidden tests included, solution blocks as released), and code cells the participant added are
dropped. Answers then come only from answers.json, which the checks read as data. This defeats objects
whose ``==`` is always true, redefined checking helpers and IPython AST transformers at once.
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
)


class RestoreInstructorCode(NbGraderPreprocessor):
    """Replace each code cell with its gradebook source and drop code cells nbgrader does not know."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            try:
                notebook = gb.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                return nb, resources
            sources = {cell.name: (cell.cell_type, cell.source) for cell in notebook.source_cells}
        kept, seen = [], set()
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            known = sources.get(grade_id)
            if known is not None and known[0] == "code":
                if grade_id in seen:
                    self.log.warning("Dropping a second copy of cell %s", grade_id)
                    continue
                seen.add(grade_id)
                kept.append(self._restore(cell, known[1]))
            elif cell.cell_type == "code":
                self.log.warning("Dropping a code cell the participant added (%s)", grade_id or "no id")
            else:
                kept.append(cell)
        nb.cells = kept
        return nb, resources

    @staticmethod
    def _restore(cell: NotebookNode, source: str) -> NotebookNode:
        if cell.cell_type != "code":
            cell.cell_type = "code"
            cell.pop("attachments", None)
        cell.source = source
        cell.outputs = []
        cell.execution_count = None
        return cell


class BindParticipant(NbGraderPreprocessor):
    """Name the graded participant in the setup cell of the copy that runs, after the instructor's code is
    restored: the hidden tests then grade the variant and option order that participant was shown (the same
    draw as their notebook and their paper form). The name comes from nbgrader's submission, never from
    anything the participant wrote."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        from hocai.exercise.authoring import SETUP_ID, bind_participant

        student = resources["nbgrader"]["student"]
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == SETUP_ID:
                cell.source = bind_participant(cell.source, student)
        return nb, resources


# The sanitising step of ``nbgrader autograde`` with the kit's preprocessors around it; a course's
# nbgrader_config.py sets ``c.Autograde.sanitize_preprocessors = SANITIZE_PREPROCESSORS``.
SANITIZE_PREPROCESSORS = [
    RestoreInstructorCode,
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
    BindParticipant,
]
