"""JupyterHub for a class: accounts from the roster, the hub's settings and its start/stop/status."""

import os

from hocai.errors import UserError


def require_root(to_do: str, command: str) -> None:
    """System accounts and other users' servers need root; say so in one sentence instead of failing later."""
    if os.geteuid() != 0:
        raise UserError(f"Cần quyền quản trị (root) để {to_do}; hãy chạy lại bằng: sudo {command}")
