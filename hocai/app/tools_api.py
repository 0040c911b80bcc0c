"""Plain JSON routes for the safety tools: POST /api/pii, /api/scam, /api/prompt_check {"text": …}.

The same answers as the Gradio API names, without Gradio's queue and event stream: a class of kernels
calling the tools at once gets them in tens of milliseconds (benchmarks/app_latency.py), not seconds.
"""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from hocai.app.limits import RateLimiter, TooFast, read_capped
from hocai.app.service import Playground
from hocai.errors import UserError

log = logging.getLogger("hocai.app")
NOT_TEXT = 'Hãy gửi văn bản UTF-8 dạng JSON: {"text": "…"}.'
MAX_BODY = 1_000_000


def build_router(service: Playground, limiter: RateLimiter) -> APIRouter:
    router = APIRouter()
    tools = {"pii": service.pii, "scam": service.scam, "prompt_check": service.prompt_check}

    @router.post("/api/retrain")
    async def retrain_copy(request: Request) -> JSONResponse:
        """Lesson 6: start (once per service) or follow the retraining of a copy on balanced text."""
        from hocai.ai import retrain

        try:
            limiter.check(request, "tools")
            return JSONResponse(await run_in_threadpool(retrain.for_backend(service.backend).state))
        except UserError as exc:
            return JSONResponse({"status": "error", "error": exc.message}, status_code=400)

    @router.post("/api/{tool}")
    async def run_tool(tool: str, request: Request) -> JSONResponse:
        if tool not in tools:
            return JSONResponse({"error": "Không có công cụ này."}, status_code=404)
        body = await read_capped(request, MAX_BODY)
        try:
            if body is None:
                raise UserError("Văn bản quá dài; hãy gửi đoạn ngắn hơn.")
            text = json.loads(body.decode("utf-8")).get("text")
        except (UnicodeDecodeError, ValueError, AttributeError):
            return JSONResponse({"error": NOT_TEXT}, status_code=400)
        except UserError as exc:
            return JSONResponse({"error": exc.message}, status_code=413)
        try:
            limiter.check(request, "tools")
            return JSONResponse(await run_in_threadpool(tools[tool], text))
        except TooFast as exc:
            return JSONResponse({"error": exc.message}, status_code=429)
        except UserError as exc:
            return JSONResponse({"error": exc.message}, status_code=400)
        except Exception as exc:
            log.error("tool %s failed: %s", tool, type(exc).__name__)
            return JSONResponse({"error": "Sân tập AI gặp lỗi khi xử lý yêu cầu này; hãy thử lại."}, status_code=500)

    return router
