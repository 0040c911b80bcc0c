"""``hocai app``: one process for the class — FastAPI + the Gradio app + the OpenAI-compatible API, one model."""

from __future__ import annotations

import argparse
import errno
import logging

import hocai  # noqa: F401  (offline environment: no analytics, no hub, no version check)
from hocai.app.config import ServiceConfig, load_config
from hocai.app.limits import BodyLimit, RateLimiter, is_loopback
from hocai.app.service import Playground
from hocai.errors import UserError
from hocai.net import bind_error
from hocai.settings import APP_PORT

log = logging.getLogger("hocai.app")
TITLE = "Sân tập AI"
NEEDS_PASSWORD = (
    "Sân tập AI mở cho mạng ({host}) phải có mật khẩu: đặt biến HOCAI_APP_PASSWORD hoặc "
    "password trong mục [service] của hocai.toml, hoặc chạy sau JupyterHub với --hub-auth."
)


def build_app(service: Playground, limiter: RateLimiter | None = None):
    """The FastAPI app: /health, /v1/*, local fonts, and the Gradio page and API names at "/".

    Every request body is capped while it arrives (``max_request_mb``), files sent to Gradio's upload route
    by ``max_upload_mb``; model calls on every route (Gradio, /v1, /api) count against one rate limit.
    """
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from hocai.app import assistant_api, tools_api, ui_style
    from hocai.app.api import register
    from hocai.app.openai_api import build_router
    from hocai.app.ui import build_page

    limiter = limiter or RateLimiter.from_settings()
    config: ServiceConfig = service.config
    app = FastAPI(title=TITLE, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(BodyLimit, limit=int(config.max_request_mb * 1024 * 1024))

    @app.get("/health")
    def health() -> dict:
        return service.health()

    app.include_router(build_router(service, limiter))
    app.include_router(assistant_api.build_router(service, limiter))  # before /api/{tool}
    app.include_router(tools_api.build_router(service, limiter))
    fonts = ui_style.font_dir()
    if fonts is not None:
        app.mount(ui_style.STATIC_PREFIX + "/fonts", StaticFiles(directory=fonts), name="hocai-fonts")
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        register(service, limiter)  # first: the contract's API names must not get a suffix
        build_page(service, demo, limiter)
    demo.max_threads = max(40, config.concurrency_limit + 16)  # Gradio runs at most this many events at once
    demo.queue(default_concurrency_limit=config.concurrency_limit, max_size=config.queue_max_size)
    return gr.mount_gradio_app(
        app,
        demo,
        path="/",
        ssr_mode=False,
        show_error=True,
        pwa=False,
        enable_monitoring=False,
        mcp_server=False,
        footer_links=[],
        max_file_size=int(config.max_upload_mb * 1024 * 1024),
        theme=ui_style.theme(),
        head=ui_style.head_html(),
        css=ui_style.font_face_css(ui_style.STATIC_PREFIX.lstrip("/") + "/fonts/") + ui_style.CSS,
    )


def check_exposure(host: str, password: str, hub_auth: bool) -> None:
    """Refuse to serve a network other than this machine without a password or the hub login."""
    if not is_loopback(host) and not password and not hub_auth:
        raise UserError(NEEDS_PASSWORD.format(host=host))


def _check_port(host: str, port: int) -> None:
    exc = bind_error(port, host)
    if exc is None:
        return
    if exc.errno == errno.EADDRINUSE:
        raise UserError(f"Cổng {port} đang được dùng; có thể Sân tập AI đã chạy, hoặc hãy chọn --port khác.")
    raise UserError(f"Không mở được địa chỉ {host}:{port} ({exc.strerror}).")


def app_command(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for noisy in ("httpx", "httpx2", "gradio", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from hocai.app.limits import trusted_proxies
    from hocai.app.ui_login import PasswordGate, configured_password

    host, port = getattr(args, "host", "127.0.0.1"), int(getattr(args, "port", APP_PORT))
    hub_auth, password = bool(getattr(args, "hub_auth", False)), configured_password()
    check_exposure(host, password, hub_auth)
    _check_port(host, port)
    service = Playground(load_config())
    app = build_app(service)  # imports gradio/httpx fully before the loading thread uses them
    service.start()
    if hub_auth:
        from hocai.app.hub_auth import prefixed

        app = prefixed(app)
    elif password:
        app = PasswordGate(app, password, trusted_proxies())
    import uvicorn

    log.info("Sân tập AI: http://%s:%d/ (backend %s)", host, port, service.config.backend)
    # An open stream must not hold a stop (Ctrl-C, or JupyterHub stopping its service) for more than a moment.
    # Forwarded addresses are judged by hocai.app.limits against trusted_proxies, not by uvicorn (which
    # would believe X-Forwarded-For from any process on this machine).
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=3,
        proxy_headers=False,
    )
    return 0
