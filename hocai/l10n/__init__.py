"""Vietnamese for the JupyterLab labels the upstream language pack lacks (issue 18, item 4).

The translations live in hocai/l10n/vi_VN/DOMAIN.po (gettext, one file per domain: jupyterlab, notebook,
jupyterlab_widgets; ready for upstream). JupyterLab's own route for extra translations (a ``jupyterlab.locale``
entry point merged by jupyterlab_server) fails with jupyterlab-language-pack-vi-VN 4.5.post3: the pack's
metadata says ``"version": "jupyterlab"``, which ``merge_locale_data`` cannot parse, and the whole pack would
stop loading. So ``install`` adds the missing messages to the installed pack, never replacing one the pack
translates: to DOMAIN.json, which the browser reads (a plural entry, ``msgid_plural``, must be a list of two or
more there, a singular one a list of one), and to DOMAIN.mo, which the server reads for labels that settings
schemas define (menus: ``msgctxt "menu"``). ``python -m hocai.l10n`` runs it (``make install`` calls it).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

PO = Path(__file__).with_name("vi_VN") / "jupyterlab.po"
ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[0\]) "(.*)"$')


def _unquote(text: str) -> str:
    return json.loads(f'"{text}"')


def _entries(path: Path) -> dict[str, tuple[str, bool]]:
    """key (``context\\x04msgid`` when a msgctxt is given) → (msgstr or msgstr[0], has a plural)."""
    found: dict[str, tuple[str, bool]] = {}
    context = msgid = None
    plural = False
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(line)
        if not match:
            continue
        kind, value = match[1], _unquote(match[2])
        if kind == "msgctxt":
            context = value
        elif kind == "msgid":
            msgid, plural = value, False
        elif kind == "msgid_plural":
            plural = True
        elif msgid:
            found[f"{context}\x04{msgid}" if context else msgid] = (value, plural)
            context = msgid = None
        else:
            context = msgid = None
    return found


def read_po(path: Path = PO) -> dict[str, str]:
    """msgid (with ``context\\x04`` when a msgctxt is given) → msgstr (msgstr[0] for a plural entry)."""
    return {key: value for key, (value, _) in _entries(path).items()}


def pack_file(locale: str = "vi_VN", domain: str = "jupyterlab") -> Path | None:
    """The installed language pack's DOMAIN.json, or None when the pack is not installed."""
    try:
        import jupyterlab_language_pack_vi_VN as pack
    except ImportError:
        return None
    file = Path(pack.__file__).parent / "locale" / locale / "LC_MESSAGES" / f"{domain}.json"
    return file if file.is_file() else None


def install(target: Path | None = None) -> int:
    """Add the missing messages to the pack's files; returns how many were added to the JSON files.

    Each vi_VN/DOMAIN.po goes into the pack's DOMAIN.json and DOMAIN.mo; ``target`` installs jupyterlab.po
    into that one JSON file only.
    """
    if target is not None:
        return _install_json(_entries(PO), target)
    total = 0
    for po in sorted(PO.parent.glob("*.po")):
        file = pack_file(domain=po.stem)
        if file is not None:
            entries = _entries(po)
            total += _install_json(entries, file)
            _install_mo(entries, file.with_suffix(".mo"))
    return total


def _replace(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _install_json(entries: dict[str, tuple[str, bool]], target: Path) -> int:
    data = json.loads(target.read_text(encoding="utf-8"))
    added = {}
    for key, (value, plural) in entries.items():
        have = data.get(key)
        if plural and type(have) is list and len(have) == 1 and have[0]:
            added[key] = [have[0], ""]  # the pack's own words, in the shape a plural call looks up
        elif value and not have:
            added[key] = [value, ""] if plural else [value]
    if not added:
        return 0
    data.update(added)
    _replace(target, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    return len(added)


def _install_mo(entries: dict[str, tuple[str, bool]], target: Path) -> int:
    """The singular messages the pack's compiled catalogue lacks (the server translates schemas from it)."""
    import io

    from babel.messages.mofile import read_mo, write_mo

    if not target.is_file():
        return 0
    with target.open("rb") as fh:
        catalog = read_mo(fh)
    added = 0
    for key, (value, plural) in entries.items():
        context, _, msgid = key.rpartition("\x04")
        if plural or not value:
            continue
        known = catalog.get(msgid, context=context or None)
        if known is None or not known.string:
            catalog.add(msgid, value, context=context or None)
            added += 1
    if added:
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        _replace(target, buffer.getvalue())
    return added
