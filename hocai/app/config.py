"""Service settings, as ``hocai.settings`` reads them: defaults, ``hocai.toml`` [service], environment variables."""

from __future__ import annotations

from hocai import settings
from hocai.settings import ServiceSettings as ServiceConfig
from hocai.settings import config_file

__all__ = ["ServiceConfig", "config_file", "load_config"]


def load_config(**overrides: object) -> ServiceConfig:
    """Settings in force now; keyword arguments win over everything (tests, benchmarks)."""
    return settings.service(**overrides)
