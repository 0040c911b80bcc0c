"""Where the kit's folders are: the repository checkout in development, overridable by environment."""

import os
from pathlib import Path

ROOT = Path(os.environ.get("HOCAI_ROOT", Path(__file__).resolve().parent.parent))
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
CORPUS = ROOT / "corpus"
MODELS = ROOT / "models"
CATALOGUE = MODELS / "catalogue.toml"
STORE = Path(os.environ.get("HOCAI_MODEL_STORE", MODELS / "store"))
STATE = Path(os.environ.get("HOCAI_STATE_DIR", ROOT / ".hocai"))
DEFAULT_SERVICE_URL = "http://127.0.0.1:7860/"


def service_url() -> str:
    """The Sân tập AI address notebooks call (``HOCAI_SERVICE_URL``)."""
    return os.environ.get("HOCAI_SERVICE_URL", DEFAULT_SERVICE_URL)
