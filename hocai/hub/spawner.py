"""The class spawner: a local process per participant with per-user limits and the lessons ready.

LocalProcessSpawner runs each server as the participant's own system user. Memory and process limits
come from rlimits set before the server starts (SystemdSpawner does this with cgroups where systemd runs);
released assignments are copied into the home before the first start, as `nbgrader fetch` would, by a
process running as the participant (hocai.hub.homecopy): root never writes inside a home.
"""

from __future__ import annotations

import asyncio
import resource

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Integer

from hocai.hub import settings
from hocai.hub.homecopy import write_home


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
        try:
            result = await asyncio.to_thread(fetch_released, self.user.name)
            for error in result.get("errors", []):
                self.log.warning("fetch for %s: %s", self.user.name, error)
        except Exception:  # a broken home or exchange must not keep the participant out of their server
            self.log.exception("fetch for %s failed", self.user.name)
        return await super().start()


def fetch_released(username: str) -> dict:
    """Copy every released assignment the participant has not fetched yet into their home, as them.

    Returns ``{"copied": [assignments], "errors": [...]}`` (see hocai.hub.homecopy.write_home).
    """
    course = settings.load().get("course_id")
    outbound = settings.exchange_root() / str(course) / "outbound"
    if not course or not outbound.is_dir():
        return {"copied": [], "errors": []}
    trees = {p.name: p for p in sorted(outbound.iterdir()) if p.is_dir() and not p.is_symlink()}
    return write_home(username, trees=trees) if trees else {"copied": [], "errors": []}
