"""Service settings: defaults, then the optional ``hocai.toml`` [service] section, then environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from hocai import paths
from hocai.errors import UserError

ENV = {
    "model": "HOCAI_MODEL",
    "backend": "HOCAI_BACKEND",
    "openai_base_url": "HOCAI_OPENAI_BASE_URL",
    "openai_model": "HOCAI_OPENAI_MODEL",
    "openai_api_key": "HOCAI_OPENAI_API_KEY",
    "batching": "HOCAI_BATCHING",
    "max_batch": "HOCAI_MAX_BATCH",
    "batch_window_ms": "HOCAI_BATCH_WINDOW_MS",
    "max_input_chars": "HOCAI_MAX_INPUT_CHARS",
    "max_new_tokens": "HOCAI_MAX_NEW_TOKENS",
    "request_timeout_s": "HOCAI_REQUEST_TIMEOUT_S",
    "concurrency_limit": "HOCAI_CONCURRENCY_LIMIT",
    "queue_max_size": "HOCAI_QUEUE_MAX_SIZE",
    "max_request_mb": "HOCAI_MAX_REQUEST_MB",
    "max_upload_mb": "HOCAI_MAX_UPLOAD_MB",
    "quantize": "HOCAI_QUANTIZE",
    "continuous_batching": "HOCAI_CONTINUOUS_BATCHING",
}
QUANTIZE = ("auto", "int8", "none")


@dataclass
class ServiceConfig:
    model: str = "hocai-teaching-gpt2"
    backend: str = "local"
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_model: str = ""
    openai_api_key: str = "hocai"
    batching: bool = True
    max_batch: int = 32  # rows decoded together; with continuous batching, participants answered at once
    batch_window_ms: int = 20
    max_input_chars: int = 4000
    max_new_tokens: int = 256
    request_timeout_s: float = 120.0
    concurrency_limit: int = 64  # Gradio events of one kind running at once (a chat holds one while it streams)
    queue_max_size: int = 64
    quantize: str = "auto"  # local backend weights: int8 (fbgemm), none, or auto (int8 from 50M parameters)
    continuous_batching: bool = True  # requests join a running batch between decoding steps
    max_request_mb: float = 8.0  # any request body, counted while it arrives
    max_upload_mb: float = 1.0  # a file sent to Gradio's upload route (the page has no file input)


def _convert(name: str, kind: type, raw: object) -> object:
    if kind is bool or kind == "bool":
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() not in {"0", "false", "no", "off", ""}
    try:
        if kind in (int, "int"):
            return int(raw)
        if kind in (float, "float"):
            return float(raw)
    except (TypeError, ValueError):
        raise UserError(f"Cấu hình «{name}» không hợp lệ: «{raw}».") from None
    return str(raw)


def config_file() -> Path:
    """``HOCAI_CONFIG`` or ``hocai.toml`` at the kit's root."""
    return Path(os.environ.get("HOCAI_CONFIG", paths.ROOT / "hocai.toml"))


def load_config(**overrides: object) -> ServiceConfig:
    """Settings in force now; keyword arguments win over everything (tests, benchmarks)."""
    values: dict[str, object] = {}
    path = config_file()
    if path.is_file():
        try:
            section = tomllib.loads(path.read_text(encoding="utf-8")).get("service", {})
        except (OSError, ValueError) as exc:
            raise UserError(f"Tệp cấu hình {path} không đọc được: {exc}.") from None
        values.update(section if isinstance(section, dict) else {})
    for key, env in ENV.items():
        if os.environ.get(env):
            values[key] = os.environ[env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    config = ServiceConfig()
    for field in fields(ServiceConfig):
        if field.name in values:
            setattr(config, field.name, _convert(field.name, field.type, values[field.name]))
    if config.backend not in {"local", "openai"}:
        raise UserError(f"Backend «{config.backend}» không có; hãy dùng «local» hoặc «openai».")
    config.quantize = config.quantize.strip().lower()
    if config.quantize not in QUANTIZE:
        raise UserError(f"Cấu hình «quantize» không hợp lệ: «{config.quantize}»; hãy dùng «auto», «int8» hoặc «none».")
    return config
