"""One Vietnamese sentence instead of a traceback, for every error a participant could meet in a lesson.

Errors reach a participant by two paths in a kernel: a cell's own code (IPython's ``set_custom_exc``) and
widget callbacks, which ipywidgets catches and hands to ``shell.showtraceback()`` (button clicks through
``CallbackDispatcher``, value observers through ``Widget._handle_msg``). Both are covered here. The full
traceback goes to ``<state>/logs/bai-hoc-loi.log`` for the trainer, not to stderr: ipykernel forwards even the
process's own stderr to the notebook.
"""

from __future__ import annotations

import sys
import traceback

SENTENCE = (
    "Ô này gặp trục trặc nên chưa chạy xong; hãy bấm chạy lại ô (Shift + Enter), nếu vẫn không được thì báo giảng viên."
)
_MARK = "_hocai_safety_net"


def _tell(etype, value, tb) -> None:
    """Show the sentence to the participant and keep the details for the trainer where possible."""
    print(SENTENCE)
    try:
        from hocai import paths

        log = paths.STATE / "logs" / "bai-hoc-loi.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as out:
            traceback.print_exception(etype, value, tb, file=out)
    except Exception:  # an unwritable log (a participant's account on the hub) must not become a second error
        pass


def install(shell=None) -> bool:
    """Install the net in the running IPython shell (idempotent); False outside IPython."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or getattr(shell, _MARK, False):
        return shell is not None

    def custom_exc(self, etype, value, tb, tb_offset=None):
        _tell(etype, value, tb)

    def showtraceback(exc_tuple=None, *args, **kwargs):
        etype, value, tb = exc_tuple or sys.exc_info()
        if etype is None or issubclass(etype, KeyboardInterrupt):
            return original(exc_tuple, *args, **kwargs)
        _tell(etype, value, tb)

    original = shell.showtraceback
    shell.set_custom_exc((Exception,), custom_exc)
    shell.showtraceback = showtraceback
    setattr(shell, _MARK, True)
    return True
