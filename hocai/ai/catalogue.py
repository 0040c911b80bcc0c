"""The model catalogue (models/catalogue.toml) and the ``hocai models list|fetch|export|import`` commands."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from hocai.ai import store
from hocai.ai.catalogue_entries import SAFE_NAME, Entry, catalogue_path, find_entry, load_catalogue
from hocai.errors import UserError
from hocai.text import nfc

__all__ = [
    "SAFE_NAME",
    "Entry",
    "catalogue_path",
    "find_entry",
    "load_catalogue",
    "fetch",
    "export_model",
    "import_model",
    "describe",
    "render_table",
    "hub_endpoint",
    "hub_reachable",
]

CONNECT_TIMEOUT_S = 4.0
WEIGHT_SKIP = ["*.gguf", "*.onnx", "*.msgpack", "*.h5", "*.ot", "*.pth", "original/*", "onnx/*", ".gitattributes"]


# ---- list -------------------------------------------------------------------------------------------


def _vi_number(value: float, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[: -(digits + 1)] if digits and text.endswith("," + "0" * digits) else text


def _params(millions: float) -> str:
    return f"{_vi_number(millions / 1000, 2)} tỷ" if millions >= 1000 else f"{_vi_number(millions)} triệu"


def _size(mb: float) -> str:
    return f"{_vi_number(mb / 1000)} GB" if mb >= 1000 else f"{_vi_number(mb, 0)} MB"


def _status(entry: Entry) -> str:
    if store.is_installed(store.store_dir() / entry.name):
        return "Đã có"
    if entry.source == "build":
        return "Chưa có — hocai models build-default"
    return f"Chưa tải — hocai models fetch {entry.name}"


def render_table(entries: list[Entry]) -> str:
    """The catalogue as an aligned plain-text table in Vietnamese."""
    header = ("Tên mô hình", "Tham số", "Dung lượng", "RAM cần", "Tốc độ, 1 người (token/giây)", "Trên máy này")
    rows = [header]
    for e in entries:
        speed = (
            f"{_vi_number(e.measured_tokens_per_s)} (đo)"
            if e.measured_tokens_per_s
            else f"~{_vi_number(e.cpu_tokens_per_s)} (ước tính)"
        )
        rows.append((e.name, _params(e.parameters), _size(e.disk_mb), _size(e.ram_mb), speed, _status(e)))
    listed = {e.name for e in entries}
    for name in store.installed_names():
        if name not in listed:
            folder = store.store_dir() / name
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
            rows.append((name, "?", _size(size), "?", "?", "Đã có (nhập thêm, ngoài danh mục)"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def list_command(args: argparse.Namespace) -> int:
    """``hocai models list``."""
    entries = load_catalogue()
    print(render_table(entries))
    print()
    for e in entries:
        kind = "mô hình thu nhỏ" if e.teaching_model else (e.hf_id or e.source)
        print(f"• {e.name} ({kind}; giấy phép: {e.licence}): {' '.join(e.notes.split())}")
        if e.measured_tokens_per_s:
            print(f"  Tốc độ đo: {_vi_number(e.measured_tokens_per_s)} token/giây ({e.measured_on}).")
    print()
    print(
        "Tốc độ «(đo)» là số đo thật trên loại máy của lớp (máy hai nhân CPU), với mô hình cùng kích thước, tính "
        "trên một nhân theo thời gian CPU; «(ước tính)» là con số chưa đo. Máy khác nhanh chậm khác; đo trên máy "
        "của bạn: hocai models bench TÊN."
    )
    print(f"Kho mô hình: {store.store_dir()}")
    print(
        "Đổi mô hình cho Sân tập AI: đặt biến HOCAI_MODEL=TÊN (hoặc đường dẫn tới thư mục mô hình), "
        'hoặc ghi model = "TÊN" trong mục [service] của tệp hocai.toml, rồi khởi động lại Sân tập AI.'
    )
    return 0


# ---- fetch ------------------------------------------------------------------------------------------


def hub_endpoint() -> str:
    from huggingface_hub import constants

    return os.environ.get("HF_ENDPOINT") or constants.ENDPOINT


def hub_reachable(endpoint: str | None = None, timeout: float = CONNECT_TIMEOUT_S) -> bool:
    """Whether a TCP connection to the hub opens within ``timeout`` (name lookup included)."""
    url = urlparse(endpoint or hub_endpoint())
    host = url.hostname or ""
    port = url.port or (443 if url.scheme == "https" else 80)
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout + 0.5)
    return bool(result and result[0])


@contextlib.contextmanager
def _online() -> Iterator[None]:
    """Lift HF_HUB_OFFLINE for one download only; the rest of the process stays offline."""
    from huggingface_hub import constants

    saved_env, saved_flag = os.environ.get("HF_HUB_OFFLINE"), constants.HF_HUB_OFFLINE
    os.environ["HF_HUB_OFFLINE"] = "0"
    constants.HF_HUB_OFFLINE = False
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = saved_flag
        if saved_env is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = saved_env


def _offline_message(name: str) -> str:
    return (
        f"Không kết nối được tới Hugging Face ({hub_endpoint()}): máy này đang không có mạng, nên chưa tải được "
        f"«{name}». Hãy tải trên một máy có mạng, chép ra USB bằng «hocai models export {name} THƯ_MỤC_USB», "
        "rồi trên máy này chạy «hocai models import THƯ_MỤC_USB/" + name + "»."
    )


def fetch(name: str) -> Path:
    """Download a catalogue model (or a Hugging Face id) into the store, atomically."""
    name = nfc(name).strip()
    entry = find_entry(name, missing_ok="/" in name)
    if entry is not None and entry.source == "build":
        raise UserError(f"Mô hình «{entry.name}» không cần tải: hãy tạo nó bằng lệnh hocai models build-default.")
    repo_id = entry.hf_id if entry else name
    local_name = entry.name if entry else repo_id.rsplit("/", 1)[-1].lower()
    if not SAFE_NAME.match(local_name):
        raise UserError(f"Tên mô hình «{name}» không hợp lệ.")
    target = store.store_dir() / local_name
    if store.is_installed(target):
        return target
    if not hub_reachable():
        raise UserError(_offline_message(local_name))
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

    with store.lock(target, what="tải"), _online():
        store.clean_stale(target)
        staging = store.staging_dir(target, "fetch")
        try:
            files = HfApi().list_repo_files(repo_id)
            skip = list(WEIGHT_SKIP)
            if any(f.endswith(".safetensors") for f in files):
                skip.append("*.bin")
            revision = HfApi().model_info(repo_id).sha
            snapshot_download(repo_id, revision=revision, local_dir=str(staging), ignore_patterns=skip)
            shutil.rmtree(staging / ".cache", ignore_errors=True)
            meta = {
                "name": local_name,
                "teaching_model": False,
                "hf_id": repo_id,
                "revision": revision,
                "licence": entry.licence if entry else "",
                "created_by": "hocai models fetch",
            }
            (staging / store.METADATA_FILE).write_text(
                json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            if not store.is_installed(staging):
                raise UserError(f"Kho «{repo_id}» không có mô hình ở dạng transformers (config.json và trọng số).")
            store.install(staging, target)
        except GatedRepoError:
            raise UserError(
                f"«{repo_id}» yêu cầu đăng nhập và đồng ý giấy phép trên Hugging Face; "
                "hãy đặt biến HF_TOKEN rồi thử lại."
            ) from None
        except RepositoryNotFoundError:
            raise UserError(f"Không có kho «{repo_id}» trên Hugging Face.") from None
        except UserError:
            raise
        except Exception as exc:  # HTTP, connection and disk errors all mean: try again later
            raise UserError(
                f"Tải «{repo_id}» không thành công ({type(exc).__name__}); mạng chập chờn hoặc đầy ổ đĩa. Hãy thử lại."
            ) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def fetch_command(args: argparse.Namespace) -> int:
    """``hocai models fetch NAME``."""
    folder = fetch(args.name)
    print(f"Mô hình đã nằm trong kho: {folder}")
    print(f"Để dùng: đặt HOCAI_MODEL={folder.name} rồi khởi động lại Sân tập AI.")
    return 0


# ---- export / import --------------------------------------------------------------------------------


def export_model(name: str, dest: str | os.PathLike[str]) -> Path:
    """Copy a stored model to ``dest`` (into ``dest/NAME`` when ``dest`` is a folder) with SHA256SUMS."""
    source = store.resolve(name)
    if not store.is_installed(source):
        raise UserError(store.missing_message(nfc(str(name))))
    dest = Path(dest).expanduser()
    target = dest / source.name if dest.is_dir() else dest
    if not target.parent.is_dir():
        raise UserError(f"Không có thư mục «{target.parent}» để chép vào (USB đã cắm và mở chưa?).")
    if target.exists():
        raise UserError(f"Đã có «{target}». Hãy xóa nó hoặc chọn chỗ khác.")
    staging = target.parent / f".{target.name}.export-{os.getpid()}"
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        sums = store.copy_with_checksums(source, staging)
        store.write_checksums(staging, sums)
        os.replace(staging, target)
    except OSError as exc:
        raise UserError(f"Không chép được sang «{target}» ({exc.strerror or exc}); USB đầy hoặc chỉ cho đọc?") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def export_command(args: argparse.Namespace) -> int:
    """``hocai models export NAME PATH``."""
    target = export_model(args.name, args.path)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file()) / 1e6
    print(f"Đã chép mô hình sang {target} ({_vi_number(size)} MB) kèm tệp kiểm tra {store.CHECKSUMS_FILE}.")
    print(f"Trên máy kia, chạy: hocai models import {target}")
    return 0


def import_model(src: str | os.PathLike[str]) -> Path:
    """Verify a carried model folder against its SHA256SUMS and install it in the store atomically."""
    source = Path(src).expanduser()
    if not source.is_dir():
        raise UserError(f"Không tìm thấy thư mục «{source}».")
    expected = store.read_checksums(source)
    name = nfc(str(store.info(source).get("name") or source.name))
    if not SAFE_NAME.match(name):
        name = source.name
    if not SAFE_NAME.match(name):
        raise UserError(f"Tên thư mục mô hình «{name}» không hợp lệ; hãy đổi tên thư mục rồi nhập lại.")
    target = store.store_dir() / name
    with store.lock(target, what="nhập"):
        store.clean_stale(target)
        staging = store.staging_dir(target, "import")
        try:
            store.copy_verified(source, staging, expected)
            if not store.is_installed(staging):
                raise UserError(f"Thư mục «{source}» không chứa mô hình (thiếu config.json hoặc tệp trọng số).")
            store.install(staging, target)
        except OSError as exc:
            raise UserError(f"Không chép được mô hình vào kho ({exc.strerror or exc}); ổ đĩa đầy?") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def import_command(args: argparse.Namespace) -> int:
    """``hocai models import PATH``."""
    target = import_model(args.path)
    print(f"Đã nhập mô hình «{target.name}» vào kho ({target}); mọi tệp khớp mã kiểm tra.")
    print(
        f'Để dùng: đặt HOCAI_MODEL={target.name} (hoặc model = "{target.name}" trong mục [service] của '
        "hocai.toml) rồi khởi động lại Sân tập AI."
    )
    return 0


# ---- what the class sees ---------------------------------------------------------------------------

SWITCH_HOWTO = (
    "Giảng viên đổi mô hình: «hocai models list» để xem danh mục; tải nơi có mạng bằng «hocai models "
    "fetch TÊN» (hoặc nhập từ USB bằng «hocai models import»), rồi đặt HOCAI_MODEL=TÊN (hoặc model = "
    '"TÊN" trong mục [service] của hocai.toml) và khởi động lại Sân tập AI.'
)
TEACHING_CAN = (
    "đoán chữ tiếp theo và cho thấy xác suất của từng chữ; cho thấy nhiệt độ làm câu chữ đổi thế nào; "
    "viết ra số hiệu văn bản trông như thật nhưng bịa; lặp lại thiên kiến có sẵn trong văn bản nó học"
)
TEACHING_CANNOT = (
    "trả lời câu hỏi, làm theo yêu cầu, soạn hay tóm tắt văn bản có nghĩa; nó không biết gì ngoài "
    "kho văn bản của khóa học, viết đến tháng 6 năm 2025"
)
INSTRUCT_CAN = "trò chuyện, làm theo yêu cầu, soạn nháp và tóm tắt văn bản tiếng Việt"
INSTRUCT_CANNOT = (
    "bảo đảm đúng sự thật: nó vẫn bịa số hiệu, ngày tháng, số liệu và không biết chuyện sau khi "
    "được huấn luyện; mọi kết quả phải được kiểm tra"
)


def describe(name: str, teaching_model: bool, parameters: int | None = None) -> dict[str, str]:
    """The model the class sees, in plain Vietnamese: what it is, how big, what it can and cannot do, and how
    a trainer switches to a catalogue model (for the app, the lessons and /v1/models)."""
    entry = find_entry(name, missing_ok=True) if name else None
    millions = parameters / 1e6 if parameters else (entry.parameters if entry else 0)
    size = f"khoảng {_params(millions)} tham số" if millions else "chưa rõ số tham số"
    if teaching_model:
        what = (
            f"Mô hình thu nhỏ «{name}»: một GPT-2 tí hon ({size}), tự tạo trên máy từ kho văn bản của khóa "
            "học; nhỏ hơn chatbot thật hàng nghìn lần."
        )
        can, cannot = TEACHING_CAN, TEACHING_CANNOT
    else:
        title = entry.title if entry else name
        what = f"Mô hình «{title}» ({size}), chạy ngay trên máy của lớp."
        can, cannot = INSTRUCT_CAN, INSTRUCT_CANNOT
    return {"name": name, "what": what, "size": size, "can": can, "cannot": cannot, "switch": SWITCH_HOWTO}
