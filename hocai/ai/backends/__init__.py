"""Where the text comes from: one model in this process (``local``) or an OpenAI-compatible server (``openai``).

Both backends speak plain strings and raise ``UserError`` with a Vietnamese message for anything a
participant or trainer can act on; the service turns that message into the answer.
"""

from __future__ import annotations

import os
from typing import Any

# OpenMP threads that spin while they wait (GNU OpenMP's default) collapse when anything else wants the
# same cores: the service's own web threads under a class, a browser, other kernels. On 2 shared cores a
# 0.5B int8 decoding step took 0.8-2.9 s with spinning threads and 66-136 ms with passive ones (same run,
# load average 8). libgomp reads this once, when torch loads: set it before anything imports torch
# (the service imports torch only through the local backend). An operator's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from hocai.ai.backends.base import (  # noqa: E402 - after the OpenMP setting; re-exported for callers
    EMPTY,
    FAILED,
    LOAD_BUSY,
    LOADING,
    READY,
    TIMEOUT,
    TOO_LONG,
    Backend,
    log,
)

__all__ = ["EMPTY", "FAILED", "LOAD_BUSY", "LOADING", "READY", "TIMEOUT", "TOO_LONG", "Backend", "log", "make_backend"]


def make_backend(config: Any) -> Backend:
    """The backend the settings ask for (``config`` is a ``hocai.app.config.ServiceConfig``)."""
    limits = {
        "max_input_chars": config.max_input_chars,
        "max_new_tokens": config.max_new_tokens,
        "timeout_s": config.request_timeout_s,
    }
    if config.backend == "openai":
        from hocai.ai.backends.openai_backend import OpenAIBackend

        return OpenAIBackend(
            base_url=config.openai_base_url, model=config.openai_model, api_key=config.openai_api_key, **limits
        )
    from hocai.ai.backends.local import LocalBackend

    return LocalBackend(
        model=config.model,
        batching=config.batching,
        max_batch=config.max_batch,
        window_s=config.batch_window_ms / 1000,
        quantize=config.quantize,
        continuous=config.continuous_batching,
        **limits,
    )
