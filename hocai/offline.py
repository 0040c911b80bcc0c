"""The kit works with no network: turn off every hub download, analytics and telemetry call."""

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply(env: "os._Environ[str] | dict[str, str] | None" = None) -> None:
    """Set the offline variables unless the operator set them (``hocai models fetch`` lifts HF_HUB_OFFLINE)."""
    target = os.environ if env is None else env
    for key, value in OFFLINE_ENV.items():
        target.setdefault(key, value)
