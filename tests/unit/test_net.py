"""Port checks and the root check speak before anything is half started."""

from __future__ import annotations

import errno
import socket

import pytest

from hocai.errors import UserError
from hocai.hub import require_root
from hocai.net import bind_error, free_port


def test_a_listening_port_is_reported_in_use_and_a_free_one_is_not():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        exc = bind_error(port)
        assert exc is not None and exc.errno == errno.EADDRINUSE
    assert bind_error(free_port()) is None


def test_hub_commands_ask_for_root_in_vietnamese(monkeypatch):
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    with pytest.raises(UserError, match="Cần quyền quản trị.*sudo hocai hub accounts"):
        require_root("tạo tài khoản", "hocai hub accounts …")
    monkeypatch.setattr("os.geteuid", lambda: 0)
    require_root("tạo tài khoản", "hocai hub accounts …")
