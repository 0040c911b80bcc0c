"""The course assistant over plain JSON: POST /api/assistant {"question": …}; GET /api/assistant/stats (trainers).

Questions go through the personal-data guard before anything else, are never logged in clear, and count
against the "tools" rate limit (retrieval costs milliseconds; an instruct model's answer counts as "ai").
The stats route is for trainers: with HOCAI_TRAINER_TOKEN set it needs ``Authorization: Bearer <token>``;
without it, only this machine (loopback) may read it; on JupyterHub the instructors' board service may.
"""

from __future__ import annotations

import hmac
import json
import logging
import re

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from hocai import settings
from hocai.app.limits import RateLimiter, TooFast, is_loopback, read_capped
from hocai.app.service import Playground
from hocai.errors import UserError
from hocai.hub.settings import BOARD_SERVICE_NAME

log = logging.getLogger("hocai.app")
NOT_JSON = 'Hãy gửi câu hỏi dạng JSON UTF-8: {"question": "…"}.'
TOO_BIG = "Câu hỏi quá dài; hãy hỏi ngắn gọn hơn."
TRAINERS_ONLY = "Chỉ giảng viên xem được thống kê câu hỏi."
MAX_BODY = 16_000
LINK_BASE = re.compile(r"[\w./-]{0,200}")  # "" in a lesson: links relative to the notebook, opened by JupyterLab


def trainer_allowed(request: Request) -> bool:
    """On JupyterHub only the instructors' board service (its own hub token, checked by the hub login in
    front); on one machine the trainer token, or this machine when none is set."""
    state = request.scope.get("state") or {}
    if state.get("hub_user"):  # behind the hub every request comes through its proxy, from this machine
        return state.get("hub_kind") == "service" and state["hub_user"] == BOARD_SERVICE_NAME
    token = settings.kit().trainer_token
    if token:
        sent = request.headers.get("authorization", "").partition(" ")[2].strip()
        return hmac.compare_digest(sent.encode(), token.encode())
    return is_loopback(getattr(request.client, "host", None))


def build_router(service: Playground, limiter: RateLimiter) -> APIRouter:
    from hocai.assistant import index, stats
    from hocai.assistant.ask import ask

    router = APIRouter()
    index.current()  # built (or loaded from its cache) when the service starts, not on the first question

    @router.post("/api/assistant")
    async def assistant(request: Request) -> JSONResponse:
        body = await read_capped(request, MAX_BODY)
        if body is None:
            return JSONResponse({"error": TOO_BIG}, status_code=413)
        try:
            data = json.loads(body.decode("utf-8"))
            question = data.get("question", data.get("text"))
            base = data.get("link_base")
        except (UnicodeDecodeError, ValueError, AttributeError):
            return JSONResponse({"error": NOT_JSON}, status_code=400)
        backend = None if service.backend.teaching_model else service.backend
        try:
            limiter.check(request, "ai" if backend else "tools")
            kwargs = {"base": base} if isinstance(base, str) and LINK_BASE.fullmatch(base) else {}
            return JSONResponse(await run_in_threadpool(ask, question, mask=service.mask, backend=backend, **kwargs))
        except TooFast as exc:
            return JSONResponse({"error": exc.message}, status_code=429)
        except UserError as exc:
            return JSONResponse({"error": exc.message}, status_code=400)
        except Exception as exc:
            log.error("assistant failed: %s", type(exc).__name__)
            return JSONResponse({"error": "Trợ giảng gặp lỗi khi xử lý câu hỏi này; hãy thử lại."}, status_code=500)

    @router.get("/api/assistant/stats")
    async def assistant_stats(request: Request) -> JSONResponse:
        if not trainer_allowed(request):
            return JSONResponse({"error": TRAINERS_ONLY}, status_code=403)
        return JSONResponse(stats.counts())

    return router
