"""A cell whose output keeps arriving after it ended is a timeout on that cell, not a crash of the whole
submission: the next cells still run (a real kernel in the real sandbox)."""

from __future__ import annotations

import os
from pathlib import Path

from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from hocai_grader.autograde import _status
from hocai_grader.sandbox import WORKDIR, Limits, SandboxedRun, _tree


def test_output_flood_times_out_one_cell_and_the_rest_still_run(tmp_path):
    folder = tmp_path / "bai"
    folder.mkdir()
    # No wait at all for output after the reply: what a 1 GB print does to a busy grader.
    config = Config({"SandboxedExecute": {"iopub_timeout": 0}})
    nb = new_notebook(
        cells=[
            new_code_cell("for _ in range(2000):\n    print('x' * 10000)"),
            new_code_cell("open('sau.txt', 'w').write('sau')"),
        ]
    )
    with SandboxedRun(
        folder, Limits(cell_timeout=20, output_kb=64), 61001 if os.geteuid() == 0 else None, config
    ) as run:
        ep = run.execute(nb)
        # The working folder is the sandbox's own tmpfs: look at it through its processes' root.
        seen = [
            p
            for pid in _tree(run.km.provisioner.process.pid)
            if (p := Path(f"/proc/{pid}/root{WORKDIR}/sau.txt")).exists()
        ]
        assert seen and seen[0].read_text() == "sau"  # the next cell ran
    assert nb.cells[0].outputs[-1]["ename"] == "CellTimeoutError"
    assert not ep.kernel_died and _status(nb, ep) == "timeout"
