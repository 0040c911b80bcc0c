"""``hocai app``: one process for the class — FastAPI + the Gradio app + the OpenAI-compatible API, one model."""

from __future__ import annotations

import argparse
import errno
import logging
import socket

import hocai  # noqa: F401  (offline environment: no analytics, no hub, no version check)
from hocai.app.config import ServiceConfig, load_config
from hocai.app.service import Playground
from hocai.errors import UserError

log = logging.getLogger("hocai.app")
TITLE = "Sân tập AI"


def build_app(service: Playground):
    """The FastAPI app: /health, /v1/*, and the Gradio page and API names at "/"."""
    import gradio as gr
    from fastapi import FastAPI

    from hocai.app.api import register
    from hocai.app.openai_api import build_router
    from hocai.app.ui import build_page

    app = FastAPI(title=TITLE, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/health")
    def health() -> dict:
        return service.health()

    app.include_router(build_router(service))
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        build_page(service, demo)
        register(service)
    config: ServiceConfig = service.config
    demo.queue(default_concurrency_limit=config.concurrency_limit, max_size=config.queue_max_size)
    return gr.mount_gradio_app(app, demo, path="/", ssr_mode=False, show_error=True, pwa=False,
                               enable_monitoring=False, mcp_server=False)


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UserError(f"Cổng {port} đang được dùng; có thể Sân tập AI đã chạy, hoặc hãy chọn --port khác.") from None
            raise UserError(f"Không mở được địa chỉ {host}:{port} ({exc.strerror}).") from None


def app_command(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for noisy in ("httpx", "httpx2", "gradio", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    host, port = getattr(args, "host", "127.0.0.1"), int(getattr(args, "port", 7860))
    _check_port(host, port)
    service = Playground(load_config())
    app = build_app(service)  # imports gradio/httpx fully before the loading thread uses them
    service.start()
    if getattr(args, "hub_auth", False):
        from hocai.app.hub_auth import prefixed

        app = prefixed(app)
    import uvicorn

    log.info("Sân tập AI: http://%s:%d/ (backend %s)", host, port, service.config.backend)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    return 0
