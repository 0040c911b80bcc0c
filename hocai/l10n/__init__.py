"""Vietnamese for the JupyterLab labels the upstream language pack lacks (issue 18, item 4).

The translations live in hocai/l10n/vi_VN/jupyterlab.po (gettext, domain "jupyterlab", ready for upstream).
JupyterLab's own route for extra translations (a ``jupyterlab.locale`` entry point merged by
jupyterlab_server) fails with jupyterlab-language-pack-vi-VN 4.5.post3: the pack's metadata says
``"version": "jupyterlab"``, which ``merge_locale_data`` cannot parse, and the whole pack would stop loading.
So ``install`` adds the missing messages to the installed pack's jupyterlab.json, never replacing one the
pack translates; ``python -m hocai.l10n`` runs it (``make install`` and ``hocai start`` may call it).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

PO = Path(__file__).with_name("vi_VN") / "jupyterlab.po"
ENTRY = re.compile(r'^(msgctxt|msgid|msgstr) "(.*)"$')


def _unquote(text: str) -> str:
    return json.loads(f'"{text}"')


def read_po(path: Path = PO) -> dict[str, str]:
    """msgid (with ``context\\x04`` when a msgctxt is given) → msgstr, for one-line gettext entries."""
    found: dict[str, str] = {}
    context = msgid = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(line)
        if not match:
            continue
        kind, value = match[1], _unquote(match[2])
        if kind == "msgctxt":
            context = value
        elif kind == "msgid":
            msgid = value
        elif msgid:
            found[f"{context}\x04{msgid}" if context else msgid] = value
            context = msgid = None
        else:
            context = msgid = None
    return found


def pack_file(locale: str = "vi_VN") -> Path | None:
    """The installed language pack's jupyterlab.json, or None when the pack is not installed."""
    try:
        import jupyterlab_language_pack_vi_VN as pack
    except ImportError:
        return None
    file = Path(pack.__file__).parent / "locale" / locale / "LC_MESSAGES" / "jupyterlab.json"
    return file if file.is_file() else None


def install(target: Path | None = None) -> int:
    """Add the missing messages to the pack's jupyterlab.json; returns how many were added."""
    target = target or pack_file()
    if target is None:
        return 0
    data = json.loads(target.read_text(encoding="utf-8"))
    added = {k: [v] for k, v in read_po().items() if v and not data.get(k)}
    if not added:
        return 0
    data.update(added)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)
    return len(added)

