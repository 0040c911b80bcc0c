"""The lesson lock on JupyterHub: a participant's server spawned by the real hub serves the kit's locked-lesson
CSS (hocai.workshop.LOCKED_CSS: no «…» preview of hidden code, no click into it, no cell toolbar) and its lab
page loads it, as ``hocai start`` does on one machine.

The hub path is ``hocai hub accounts`` seeding ~/.jupyter/custom/custom.css and LabApp.custom_css in each
participant's home (hocai.hub.accounts), then jupyterhub-singleuser serving it as that system user.
Runs as root on loopback (as CI does); it creates and removes one system user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest
from support import ClassHub

from hocai.workshop import LOCKED_CSS

USER = "hubkhoa"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="the hub test creates a system user: it needs root (CI runs it as root)",
)


@pytest.fixture
def class_hub(tiny_model_dir):
    hub = ClassHub([("Phạm Thị Khóathử", USER)], tiny_model_dir, course_id="lop-khoa-bai")
    try:
        yield hub.start()
    finally:
        hub.close()


def test_participants_server_on_the_hub_applies_the_lesson_lock_css(class_hub):
    participant = class_hub.participant(USER)
    participant.login()
    participant.wait_server()
    page = participant.server("GET", "lab/tree/bai-hoc").text
    assert f'<link rel="stylesheet" href="/user/{USER}/custom/custom.css">' in page
    served = participant.server("GET", "custom/custom.css")
    assert served.status_code == 200 and served.text == LOCKED_CSS
    assert "text/css" in served.headers["Content-Type"]
    # It is the participant's own seeded file that the server serves (not a file of root's or of the kit's).
    seeded = Path(pwd.getpwnam(USER).pw_dir) / ".jupyter" / "custom" / "custom.css"
    assert seeded.stat().st_uid == pwd.getpwnam(USER).pw_uid
    subprocess.run(["runuser", "-u", USER, "--", "rm", str(seeded)], check=True, timeout=30)
    assert participant.server("GET", "custom/custom.css").status_code == 404
