"""OpenAI-compatible routes: /v1/models, /v1/chat/completions, /v1/completions (JSON or SSE stream).

Any OpenAI client (the ``openai`` library, another Sân tập AI with the ``openai`` backend) can use the
class's model. Personal data is masked here too; each client's model calls count against the same rate limit
as the page's (429 when over it); errors carry a Vietnamese message in OpenAI's shape.
"""

from __future__ import annotations

import json
import logging
import math
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from hocai.ai.catalogue import describe
from hocai.app.limits import RateLimiter, TooFast, read_capped
from hocai.app.privacy import fingerprint
from hocai.app.service import Playground
from hocai.errors import UserError

log = logging.getLogger("hocai.app")
BAD_UTF8 = "Nội dung gửi lên không phải văn bản UTF-8 hợp lệ."
BAD_JSON = "Nội dung gửi lên không phải JSON hợp lệ."
BAD_MESSAGES = 'Cần trường «messages»: danh sách các tin nhắn {"role", "content"}.'
BAD_PROMPT = "Cần trường «prompt»: một đoạn văn bản."
TOO_BIG = "Yêu cầu quá lớn: tối đa {limit} byte."
INTERNAL = "Sân tập AI gặp lỗi khi xử lý yêu cầu này; hãy thử lại hoặc báo giảng viên."


class ApiError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def error_body(message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def _content_text(content: Any) -> str:
    """OpenAI content is a string or a list of parts; only text parts count."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    if content is None:
        return ""
    raise ApiError(BAD_MESSAGES)


def _number(body: dict, key: str, default: float, low: float, high: float) -> float:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiError(f"Trường «{key}» phải là một số.")
    return min(max(float(value), low), high)


class Routes:
    def __init__(self, service: Playground, limiter: RateLimiter | None = None):
        self.service = service
        self.limiter = limiter or RateLimiter({})
        self.max_body = service.config.max_input_chars * 16 + 65_536

    async def parse(self, request: Request) -> dict[str, Any]:
        self.limiter.check(request, "ai")
        raw = await read_capped(request, self.max_body)
        if raw is None:
            raise ApiError(TOO_BIG.format(limit=self.max_body), 413)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(BAD_UTF8) from None
        try:
            body = json.loads(text)
        except ValueError:
            raise ApiError(BAD_JSON) from None
        if not isinstance(body, dict):
            raise ApiError(BAD_JSON)
        return body

    def models(self) -> dict[str, Any]:
        health = self.service.health()
        return {
            "object": "list",
            "data": [
                {
                    "id": health["model"],
                    "object": "model",
                    "created": int(self.service.started),
                    "owned_by": "hocai",
                    "hocai_teaching_model": health["teaching_model"],
                    "hocai_status": health["status"],
                    "hocai_description": describe(health["model"], health["teaching_model"]),
                }
            ],
        }

    def _check_ready(self) -> None:
        health = self.service.health()
        if health["status"] != "ok":
            raise ApiError(health["message"], 503)

    def _sse(self, pieces: Iterator[str], make_chunk, finish) -> Iterator[str]:
        try:
            for piece in pieces:
                yield "data: " + json.dumps(make_chunk(piece), ensure_ascii=False) + "\n\n"
            yield "data: " + json.dumps(finish(), ensure_ascii=False) + "\n\n"
        except UserError as exc:
            yield "data: " + json.dumps(error_body(exc.message), ensure_ascii=False) + "\n\n"
        except Exception as exc:
            log.error("stream failed: %s", type(exc).__name__)
            yield "data: " + json.dumps(error_body(INTERNAL, "server_error"), ensure_ascii=False) + "\n\n"
        yield "data: [DONE]\n\n"

    # /v1/chat/completions ----------------------------------------------------------------------
    async def chat(self, request: Request) -> Any:
        body = await self.parse(request)
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
            raise ApiError(BAD_MESSAGES)
        messages = [{"role": str(m.get("role", "user")), "content": _content_text(m.get("content"))} for m in messages]
        max_tokens = int(_number(body, "max_completion_tokens", _number(body, "max_tokens", 128, 1, 1e6), 1, 1e6))
        temperature = _number(body, "temperature", 0.7, 0.0, 5.0)
        self._check_ready()
        backend = self.service.backend
        for m in messages:
            m["content"] = backend.check_text(m["content"], allow_empty=True)
        masked_messages, masked = self.service.mask_messages(messages)
        log.info(
            "v1 chat %s masked=%d stream=%s",
            fingerprint("".join(m["content"] for m in messages)),
            len(masked),
            bool(body.get("stream")),
        )
        pieces = backend.chat_stream(masked_messages, max_new_tokens=max_tokens, temperature=temperature)
        rid, created, model = f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), backend.model_name

        def chunk(delta: dict, finish: str | None = None) -> dict:
            return {
                "id": rid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            }

        if body.get("stream"):
            first = [True]

            def make(piece: str) -> dict:
                delta = {"role": "assistant", "content": piece} if first[0] else {"content": piece}
                first[0] = False
                return chunk(delta)

            return StreamingResponse(
                self._sse(pieces, make, lambda: chunk({}, finish_reason(pieces))), media_type="text/event-stream"
            )
        text = await run_in_threadpool(lambda: "".join(pieces))
        return {
            "id": rid,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": finish_reason(pieces),
                    "logprobs": None,
                }
            ],
            "usage": getattr(pieces, "usage", None),
        }

    # /v1/completions -----------------------------------------------------------------------------
    async def completions(self, request: Request) -> Any:
        body = await self.parse(request)
        prompt = body.get("prompt")
        if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
            prompt = prompt[0]
        if not isinstance(prompt, str):
            raise ApiError(BAD_PROMPT)
        max_tokens = int(_number(body, "max_tokens", 16, 1, 1e6))
        temperature = _number(body, "temperature", 1.0, 0.0, 5.0)
        top = body.get("logprobs")
        self._check_ready()
        backend = self.service.backend
        text = backend.check_text(prompt)
        masked_text, masked = self.service.mask(text)
        log.info("v1 completion %s masked=%d", fingerprint(text), len(masked))
        rid, created, model = f"cmpl-{uuid.uuid4().hex}", int(time.time()), backend.model_name
        if isinstance(top, int) and not isinstance(top, bool) and top > 0:
            return await run_in_threadpool(self._with_logprobs, masked_text, top, temperature, rid, created, model)
        pieces = backend.stream(masked_text, max_new_tokens=max_tokens, temperature=temperature)

        def chunk(piece: str, finish: str | None = None) -> dict:
            return {
                "id": rid,
                "object": "text_completion",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "text": piece, "finish_reason": finish, "logprobs": None}],
            }

        if body.get("stream"):
            return StreamingResponse(
                self._sse(pieces, chunk, lambda: chunk("", finish_reason(pieces))), media_type="text/event-stream"
            )
        out = await run_in_threadpool(lambda: "".join(pieces))
        result = chunk(out, finish_reason(pieces))
        result["usage"] = getattr(pieces, "usage", None)
        return result

    def _with_logprobs(self, text: str, k: int, temperature: float, rid: str, created: int, model: str) -> dict:
        """One token and the top-k log-probabilities at ``temperature`` (what next_words needs)."""
        ranked = self.service.backend.next_words(text, min(k, 20), temperature)
        top = {token: math.log(max(p, 1e-12)) for token, p in ranked}
        best = ranked[0][0]
        logprobs = {"tokens": [best], "token_logprobs": [top[best]], "top_logprobs": [top], "text_offset": [0]}
        encode = getattr(self.service.backend, "encode", None)  # the local backend counts tokens
        prompt = len(encode(text, 1)) if encode else None
        usage = (
            None if prompt is None else {"prompt_tokens": prompt, "completion_tokens": 1, "total_tokens": prompt + 1}
        )
        return {
            "id": rid,
            "object": "text_completion",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "text": best, "finish_reason": "length", "logprobs": logprobs}],
            "usage": usage,
        }


def finish_reason(pieces: Iterable[str]) -> str:
    """ "length" when the answer was cut at max_tokens, where the backend knows (the local one does)."""
    return getattr(pieces, "finish_reason", "stop")


def build_router(service: Playground, limiter: RateLimiter | None = None) -> APIRouter:
    routes = Routes(service, limiter)
    router = APIRouter()

    async def guarded(handler, request: Request) -> Any:
        try:
            return await handler(request)
        except ApiError as exc:
            return JSONResponse(error_body(exc.message), status_code=exc.status)
        except TooFast as exc:
            return JSONResponse(error_body(exc.message, "rate_limit_exceeded"), status_code=429)
        except UserError as exc:
            status = 503 if service.health()["status"] != "ok" else 400
            return JSONResponse(error_body(exc.message), status_code=status)
        except Exception as exc:
            log.error("v1 request failed: %s", type(exc).__name__)
            return JSONResponse(error_body(INTERNAL, "server_error"), status_code=500)

    @router.get("/v1/models")
    async def models() -> dict:
        return routes.models()

    @router.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        return await guarded(routes.chat, request)

    @router.post("/v1/completions")
    async def completions(request: Request) -> Any:
        return await guarded(routes.completions, request)

    return router
