"""The live board on JupyterHub (issue 18): a service only the instructors' group may open."""

from __future__ import annotations

import json
from pathlib import Path

from traitlets.config import Config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "jupyterhub_config.py"


def _load(tmp_path, monkeypatch, **values) -> Config:
    (tmp_path / "settings.json").write_text(json.dumps(values), encoding="utf-8")
    monkeypatch.setenv("HOCAI_HUB_DIR", str(tmp_path))
    c = Config()
    exec(compile(DEPLOY.read_text(encoding="utf-8"), str(DEPLOY), "exec"), {"get_config": lambda: c})
    return c


def test_only_instructors_are_granted_the_board(tmp_path, monkeypatch):
    c = _load(
        tmp_path, monkeypatch, course_dir=str(tmp_path / "khoa"), instructors=["gv1"], allowed_users=["gv1", "hv1"]
    )
    board = next(s for s in c.JupyterHub.services if s["name"] == "bang-tien-do")
    assert "--hub-auth" in board["command"] and str(tmp_path / "khoa") in board["command"]
    scope = "access:services!service=bang-tien-do"
    granted = {r["name"]: r for r in c.JupyterHub.load_roles if scope in r["scopes"]}
    assert list(granted) == ["giang-vien"] and granted["giang-vien"]["groups"] == ["giang-vien"]
    assert c.JupyterHub.load_groups == {"giang-vien": {"users": ["gv1"]}}
    user_role = next(r for r in c.JupyterHub.load_roles if r["name"] == "user")
    assert scope not in user_role["scopes"] and "self" in user_role["scopes"]


def test_no_board_before_a_course_is_bound(tmp_path, monkeypatch):
    c = _load(tmp_path, monkeypatch)
    assert all(s["name"] != "bang-tien-do" for s in c.JupyterHub.services)
