"""The model store: where model folders live, how they are found, locked, installed and loaded.

Every model — the built teaching model, a fetched one, one imported from a USB stick — is a plain
Hugging Face folder (config.json, safetensors weights, tokenizer files) loaded by the same
``from_pretrained`` code, from local files only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hocai import paths
from hocai.ai.catalogue_entries import find_entry  # maps Hugging Face ids to store names
from hocai.errors import UserError
from hocai.fileio import file_lock
from hocai.text import nfc

DEFAULT_MODEL = "hocai-teaching-gpt2"
METADATA_FILE = "hocai_model.json"
BUILD_HINT = "hocai models build-default"


def store_dir() -> Path:
    """The store folder (setting ``HOCAI_MODEL_STORE``), read at call time so a variable set after import counts."""
    return paths.STORE


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "~", "/")) or os.sep in name and Path(name).expanduser().exists()


def resolve(name_or_path: str | os.PathLike[str] | None = None) -> Path:
    """The folder of a model given its store name, a catalogue Hugging Face id, or a path to a folder."""
    name = nfc(str(name_or_path or DEFAULT_MODEL)).strip()
    if not name:
        name = DEFAULT_MODEL
    if isinstance(name_or_path, Path) or _looks_like_path(name):
        return Path(name).expanduser().resolve()
    candidate = store_dir() / name
    if candidate.exists():
        return candidate
    entry = find_entry(name, missing_ok=True)
    if entry is not None:
        return store_dir() / entry.name
    return candidate


def missing_message(name: str) -> str:
    """What to tell a trainer whose chosen model is not in the store."""
    if name == DEFAULT_MODEL:
        return f"Chưa có mô hình «{name}». Hãy chạy: {BUILD_HINT} (mất vài phút, không cần mạng)."
    return (
        f"Chưa có mô hình «{name}» trong kho {store_dir()}. Hãy chạy: hocai models fetch {name} "
        f"(cần mạng) hoặc hocai models import THƯ_MỤC (từ USB), hoặc dùng mô hình thu nhỏ: {BUILD_HINT}."
    )


def info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """What the kit knows about a model folder: its hocai_model.json, or what config.json says."""
    folder = Path(path)
    data: dict[str, Any] = {}
    meta = folder / METADATA_FILE
    if meta.is_file():
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
    if not isinstance(data, dict):
        data = {}
    if "model_type" not in data:
        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            data["model_type"] = config.get("model_type")
        except (OSError, ValueError, AttributeError):
            pass
    data.setdefault("name", folder.name)
    data["teaching_model"] = bool(data.get("teaching_model", False))
    data["path"] = str(folder)
    return data


def is_installed(folder: Path) -> bool:
    """A folder holds a model when it has a config and at least one weights file."""
    if not (folder / "config.json").is_file():
        return False
    return any(folder.glob("*.safetensors")) or any(folder.glob("*.bin"))


def _corrupt(name: str, detail: str) -> UserError:
    return UserError(
        f"Mô hình «{name}» bị hỏng hoặc thiếu tệp ({detail}). Hãy tạo lại ({BUILD_HINT}) "
        "hoặc chép lại mô hình từ USB (hocai models import THƯ_MỤC)."
    )


def load(name_or_path: str | os.PathLike[str] | None = None, *, dtype: Any = None):
    """Load (model, tokenizer, info) from the store or a folder, from local files only, in eval mode."""
    folder = resolve(name_or_path)
    name = folder.name
    if not folder.is_dir():
        given = nfc(str(name_or_path or DEFAULT_MODEL))
        if isinstance(name_or_path, Path) or _looks_like_path(given):
            raise UserError(f"Không tìm thấy thư mục mô hình «{given}».")
        raise UserError(missing_message(given))
    if not (folder / "config.json").is_file():
        raise _corrupt(name, "không có config.json")
    if not is_installed(folder):
        raise _corrupt(name, "không có tệp trọng số")

    with quiet_transformers():
        return _load_folder(folder, name, dtype)


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """No progress bars or warnings from transformers while loading; the caller's settings come back."""
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def _load_folder(folder: Path, name: str, dtype: Any):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except Exception as exc:  # tokenizers raise many types for a broken file
        raise _corrupt(name, f"bộ tách từ không đọc được: {type(exc).__name__}") from exc
    kwargs: dict[str, Any] = {"local_files_only": True, "output_loading_info": True}
    if dtype is not None:
        kwargs["dtype"] = dtype
    try:
        model, loading = AutoModelForCausalLM.from_pretrained(str(folder), **kwargs)
    except Exception as exc:  # bad JSON, truncated safetensors, wrong shapes, unknown architecture
        raise _corrupt(name, f"trọng số hoặc cấu hình không đọc được: {type(exc).__name__}") from exc
    missing = [key for key in loading.get("missing_keys", ()) if not _is_tied(model, key)]
    if missing or loading.get("mismatched_keys"):
        raise _corrupt(name, "trọng số không khớp với cấu hình")
    model.eval()
    return model, tokenizer, info(folder)


def _is_tied(model: Any, key: str) -> bool:
    """Tied output embeddings are reported missing by some versions although they are shared."""
    if not getattr(model.config, "tie_word_embeddings", False):
        return False
    tied = getattr(model, "_tied_weights_keys", None) or {}
    keys = tied.keys() if isinstance(tied, dict) else tied
    return key in keys


@contextlib.contextmanager
def lock(target: Path, *, what: str = "cập nhật") -> Iterator[None]:
    """Hold an exclusive file lock for one model folder; a second process waits and is told why."""
    target.parent.mkdir(parents=True, exist_ok=True)
    waiting = f"Một tiến trình khác đang {what} mô hình «{target.name}»; đang chờ tiến trình đó xong…"
    with file_lock(target.parent / f".{target.name}.lock", waiting=waiting):
        yield


def staging_dir(target: Path, purpose: str) -> Path:
    """A fresh hidden folder beside ``target`` (same file system, so the final rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{purpose}-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    return staging


def _share(folder: Path) -> None:
    """Readable by the service's user too: some writers (safetensors' atomic save) leave files 0600."""
    umask = os.umask(0)
    os.umask(umask)
    for path in [folder, *folder.rglob("*")]:
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask | (0o500 if path.is_dir() else 0o400))


def install(staging: Path, target: Path) -> None:
    """Move a complete folder into place; an existing model is swapped out, never half overwritten."""
    _share(staging)
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def clean_stale(target: Path) -> None:
    """Remove leftovers of killed builds or copies (their owner holds no lock any more)."""
    if not target.parent.is_dir():
        return
    for leftover in target.parent.glob(f".{target.name}.*-*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


def installed_names() -> list[str]:
    """Names of the model folders in the store."""
    folder = store_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and is_installed(p))


# ---- carrying a model: checksummed copies --------------------------------------------------------------

CHECKSUMS_FILE = "SHA256SUMS"
_CHUNK = 4 * 1024 * 1024
_SUM_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


def model_files(folder: Path) -> list[str]:
    """Relative paths of a model folder's files, hidden ones and the checksums file left out."""
    names = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts) and rel.as_posix() != CHECKSUMS_FILE:
            names.append(rel.as_posix())
    return names


def _copy_hashing(src: Path, dst: Path) -> str:
    digest = hashlib.sha256()
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()


def copy_with_checksums(source: Path, dest: Path) -> dict[str, str]:
    """Copy every model file from ``source`` to ``dest``; return {relative path: sha256}."""
    return {rel: _copy_hashing(source / rel, dest / rel) for rel in model_files(source)}


def write_checksums(folder: Path, sums: dict[str, str]) -> None:
    """SHA256SUMS in the format of ``sha256sum`` so ``sha256sum -c`` can check a stick too."""
    lines = "".join(f"{digest}  {rel}\n" for rel, digest in sorted(sums.items()))
    (folder / CHECKSUMS_FILE).write_text(lines, encoding="utf-8")


def read_checksums(folder: Path) -> dict[str, str]:
    """Parse SHA256SUMS; reject paths that would escape the folder."""
    path = folder / CHECKSUMS_FILE
    if not path.is_file():
        raise UserError(
            f"Thư mục «{folder}» không có tệp {CHECKSUMS_FILE}: hãy chép mô hình bằng lệnh "
            "«hocai models export TÊN THƯ_MỤC» để có tệp kiểm tra."
        )
    sums: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        match = _SUM_LINE.match(line.strip())
        rel = match.group(2) if match else ""
        parts = Path(rel).parts
        if not match or rel.startswith("/") or "\\" in rel or ".." in parts or not parts:
            raise UserError(f"Tệp {CHECKSUMS_FILE} trong «{folder}» bị hỏng ở dòng {number}.")
        sums[Path(rel).as_posix()] = match.group(1).lower()
    if not sums:
        raise UserError(f"Tệp {CHECKSUMS_FILE} trong «{folder}» trống.")
    return sums


def copy_verified(source: Path, dest: Path, expected: dict[str, str]) -> None:
    """Copy the listed files, checking each one's sha256 on the way; a mismatch stops the import."""
    for rel, digest in sorted(expected.items()):
        src = source / rel
        if not src.is_file():
            raise UserError(f"Bản sao chưa đủ: thiếu tệp «{rel}» trong «{source}». Hãy chép lại từ máy gốc.")
        if _copy_hashing(src, dest / rel) != digest:
            raise UserError(
                f"Bản sao bị hỏng: tệp «{rel}» không khớp mã kiểm tra (USB lỗi hoặc chép chưa xong). "
                "Hãy chép lại từ máy gốc."
            )
    (dest / CHECKSUMS_FILE).write_text("".join(f"{d}  {r}\n" for r, d in sorted(expected.items())), encoding="utf-8")
