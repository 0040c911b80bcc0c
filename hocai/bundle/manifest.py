"""What a bundle holds (manifest.json) and its checksum list (SHA256SUMS, the format of ``sha256sum``).

install.sh checks a bundle with ``sha256sum -c`` before it installs anything and says what is wrong in the
same Vietnamese sentences as ``problem_message`` here (tests/unit/test_bundle_manifest.py holds them equal).
manifest.json keeps one key per line with compact values, so install.sh can read a key with sed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hocai.bundle import MANIFEST, SUMS

FORMAT = 1
_CHUNK = 4 * 1024 * 1024
_SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")
RECOPY = "hãy chép lại cả thư mục bộ cài từ máy gốc rồi chạy lại"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def bundle_files(folder: Path) -> list[str]:
    """Relative paths of the bundle's files: hidden ones (a stick's .Trash) and SHA256SUMS itself left out."""
    names = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if path.is_file() and not any(p.startswith(".") for p in rel.parts) and rel.as_posix() != SUMS:
            names.append(rel.as_posix())
    return sorted(names)


def dumps(data: dict[str, Any]) -> str:
    """JSON with one top-level key per line and compact values (sed-readable by install.sh)."""
    lines = [f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in data.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write(folder: Path, info: dict[str, Any]) -> dict[str, Any]:
    """Write manifest.json (``info`` plus the file count and size), then SHA256SUMS over every file."""
    files = [name for name in bundle_files(folder) if name != MANIFEST]
    data = {
        "format": FORMAT,
        **info,
        "file_count": len(files),
        "total_bytes": sum((folder / name).stat().st_size for name in files),
    }
    (folder / MANIFEST).write_text(dumps(data), encoding="utf-8")
    sums = {name: sha256_file(folder / name) for name in [*files, MANIFEST]}
    (folder / SUMS).write_text("".join(f"{sums[name]}  {name}\n" for name in sorted(sums)), encoding="utf-8")
    return data


def read(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


@dataclass
class Report:
    """What is wrong with a bundle, in SHA256SUMS order; ``broken_list`` when the list itself is unusable."""

    folder: Path
    missing: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)
    no_list: bool = False
    broken_list: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.damaged or self.no_list or self.broken_list)


def read_sums(folder: Path) -> dict[str, str] | None:
    """{path: sha256} from SHA256SUMS; None when a line is malformed or would reach outside the bundle."""
    sums: dict[str, str] = {}
    for line in (folder / SUMS).read_text(encoding="utf-8", errors="replace").splitlines():
        match = _SUM_LINE.match(line)
        if not match:
            return None
        rel = match.group(2)
        if rel.startswith("/") or ".." in Path(rel).parts:
            return None
        sums[rel] = match.group(1)
    return sums or None


def verify(folder: Path) -> Report:
    """Check every listed file's checksum, then that the list is as long as the manifest says."""
    report = Report(folder)
    if not (folder / SUMS).is_file():
        report.no_list = True
        return report
    sums = read_sums(folder)
    if sums is None:
        report.broken_list = True
        return report
    for rel, digest in sums.items():
        path = folder / rel
        if not path.is_file():
            report.missing.append(rel)
        elif sha256_file(path) != digest:
            report.damaged.append(rel)
    if report.missing or report.damaged:
        return report
    try:
        count = int(read(folder)["file_count"])
    except (OSError, ValueError, KeyError, TypeError):
        count = -1
    if MANIFEST not in sums or count + 1 != len(sums):
        report.broken_list = True
    return report


def _others(count: int) -> str:
    return f" và {count} tệp khác" if count > 0 else ""


def problem_message(report: Report) -> str | None:
    """One Vietnamese sentence naming what is missing or damaged; None for a sound bundle."""
    if report.no_list:
        return f"«{report.folder}» không phải bộ cài hocai đầy đủ: thiếu tệp {SUMS}; {RECOPY}."
    if report.broken_list:
        return f"Bộ cài chưa đủ: danh sách tệp {SUMS} bị hỏng hoặc bị cắt ngắn; {RECOPY}."
    problems = len(report.missing) + len(report.damaged)
    if report.missing:
        return f"Bộ cài chưa đủ: thiếu tệp «{report.missing[0]}»{_others(problems - 1)}; {RECOPY}."
    if report.damaged:
        return (
            f"Bộ cài bị hỏng: tệp «{report.damaged[0]}»{_others(problems - 1)} không khớp mã kiểm tra "
            f"(USB lỗi hoặc chép chưa xong); {RECOPY}."
        )
    return None
