"""Where the kit's folders are: the repository checkout in development, overridable by environment.

The names are read when used (``paths.STORE``), not when this module is imported, so a variable set later
(a test, ``hocai start`` for its children) still counts; ``hocai.settings`` owns the variables and defaults.
"""

from pathlib import Path

from hocai import settings

_UNDER_ROOT = {"NOTEBOOKS": "notebooks", "EXERCISES": "exercises", "CORPUS": "corpus", "MODELS": "models"}
_SETTINGS = {"ROOT": "root", "CATALOGUE": "catalogue", "STORE": "model_store", "STATE": "state_dir"}


def __getattr__(name: str) -> Path:
    if name in _UNDER_ROOT:
        return settings.kit().root / _UNDER_ROOT[name]
    if name in _SETTINGS:
        return getattr(settings.kit(), _SETTINGS[name])
    raise AttributeError(f"module 'hocai.paths' has no attribute {name!r}")


def service_url() -> str:
    """The Sân tập AI address notebooks call (``HOCAI_SERVICE_URL``)."""
    return settings.kit().service_url
