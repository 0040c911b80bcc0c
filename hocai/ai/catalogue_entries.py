"""The model catalogue's entries (models/catalogue.toml): read, checked, looked up by name or Hugging Face id.

Kept apart from ``catalogue`` (fetching, copying, listing) so that ``store`` can map a Hugging Face id to a
store folder without importing the module that imports it: the dependency runs catalogue → store → here.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import MISSING, dataclass, fields
from pathlib import Path

from hocai import paths
from hocai.errors import UserError
from hocai.text import nfc

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Entry:
    """One model of the catalogue."""

    name: str
    title: str
    source: str
    licence: str
    parameters: float
    disk_mb: float
    ram_mb: float
    cpu_tokens_per_s: float
    notes: str
    hf_id: str = ""
    licence_url: str = ""
    gated: bool = False
    teaching_model: bool = False
    vietnamese: str = ""
    measured_tokens_per_s: float = 0.0  # measured by ``hocai models bench NAME --save`` (0: not yet)
    measured_on: str = ""  # date, machine and conditions of that measurement
    quantize: str = ""  # "int8" or "none" for the local backend; empty: the service's setting (auto)


_REQUIRED = {f.name for f in fields(Entry) if f.default is MISSING}


def catalogue_path() -> Path:
    return paths.CATALOGUE


def load_catalogue(path: str | os.PathLike[str] | None = None) -> list[Entry]:
    """Parse and check the catalogue; a broken file is reported in Vietnamese with what is wrong."""
    path = Path(path) if path else catalogue_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy danh mục mô hình {path}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"Danh mục mô hình {path} viết sai cú pháp TOML: {exc}.") from None
    models = data.get("model")
    if not isinstance(models, list) or not models:
        raise UserError(f"Danh mục mô hình {path} không có mục [[model]] nào.")
    known = {f.name for f in fields(Entry)}
    entries: list[Entry] = []
    seen: set[str] = set()
    for index, raw in enumerate(models, 1):
        label = raw.get("name", f"thứ {index}") if isinstance(raw, dict) else f"thứ {index}"
        if not isinstance(raw, dict):
            raise UserError(f"Danh mục mô hình: mục {label} không phải một bảng TOML.")
        missing = sorted(_REQUIRED - raw.keys())
        if missing:
            raise UserError(f"Danh mục mô hình: mục «{label}» thiếu trường {', '.join(missing)}.")
        unknown = sorted(raw.keys() - known)
        if unknown:
            raise UserError(f"Danh mục mô hình: mục «{label}» có trường lạ {', '.join(unknown)}.")
        try:
            entry = Entry(**{k: nfc(v) if isinstance(v, str) else v for k, v in raw.items()})
            for number in ("parameters", "disk_mb", "ram_mb", "cpu_tokens_per_s", "measured_tokens_per_s"):
                if isinstance(getattr(entry, number), bool) or not float(getattr(entry, number)) >= 0:
                    raise ValueError(number)
        except (TypeError, ValueError) as exc:
            raise UserError(f"Danh mục mô hình: mục «{label}» có giá trị sai ({exc}).") from None
        if not SAFE_NAME.match(entry.name):
            raise UserError(f"Danh mục mô hình: tên «{entry.name}» chỉ được gồm chữ không dấu, số, '.', '_', '-'.")
        if entry.quantize not in ("", "auto", "int8", "none"):
            raise UserError(
                f"Danh mục mô hình: mục «{entry.name}» có quantize lạ «{entry.quantize}» (auto, int8, none)."
            )
        if entry.source not in ("build", "huggingface"):
            raise UserError(f"Danh mục mô hình: mục «{entry.name}» có nguồn lạ «{entry.source}».")
        if entry.source == "huggingface" and "/" not in entry.hf_id:
            raise UserError(f"Danh mục mô hình: mục «{entry.name}» thiếu mã Hugging Face (hf_id).")
        if entry.name in seen:
            raise UserError(f"Danh mục mô hình: tên «{entry.name}» bị lặp lại.")
        seen.add(entry.name)
        entries.append(entry)
    return entries


def find_entry(name: str, *, missing_ok: bool = False, entries: list[Entry] | None = None) -> Entry | None:
    """The entry whose name or Hugging Face id is ``name`` (case-insensitive)."""
    wanted = nfc(name).strip().lower()
    try:
        entries = entries if entries is not None else load_catalogue()
    except UserError:
        if missing_ok:
            return None
        raise
    for entry in entries:
        if wanted in (entry.name.lower(), entry.hf_id.lower()):
            return entry
    if missing_ok:
        return None
    raise UserError(f"Không có mô hình «{name}» trong danh mục. Gõ «hocai models list» để xem các mô hình.")
