"""The class spawner: a local process per participant with per-user limits and the lessons ready.

LocalProcessSpawner runs each server as the participant's own system user. Memory and process limits
come from rlimits set before the server starts (SystemdSpawner does this with cgroups where systemd runs);
released assignments are copied into the home before the first start, as `nbgrader fetch` would.
"""

from __future__ import annotations

import os
import pwd
import resource
import shutil
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Integer

from hocai.hub import settings


class ClassSpawner(LocalProcessSpawner):
    max_processes = Integer(256, config=True, help="Per-user process limit (stops fork bombs).")
    address_space_factor = Integer(4, config=True, help="Per-process address space limit = mem_limit × this.")

    def make_preexec_fn(self, name):
        base = super().make_preexec_fn(name)
        nproc = self.max_processes
        address_space = int(self.mem_limit or 0) * self.address_space_factor

        def preexec():
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
            if address_space:
                resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
            base()

        return preexec

    async def start(self):
        fetch_released(self.user.name)
        return await super().start()


def fetch_released(username: str) -> list[str]:
    """Copy every released assignment the participant has not fetched yet into their home."""
    entry = pwd.getpwnam(username)
    home = Path(entry.pw_dir)
    course = settings.load().get("course_id")
    outbound = settings.exchange_root() / str(course) / "outbound"
    fetched = []
    if not course or not outbound.is_dir():
        return fetched
    for assignment in sorted(p for p in outbound.iterdir() if p.is_dir()):
        target = home / assignment.name
        if target.exists():
            continue
        shutil.copytree(assignment, target)
        for path in [target, *target.rglob("*")]:
            os.lchown(path, entry.pw_uid, entry.pw_gid)
        fetched.append(assignment.name)
    return fetched
