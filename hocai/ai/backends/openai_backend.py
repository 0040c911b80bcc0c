"""The ``openai`` backend: any OpenAI-compatible server (vLLM, Ollama, llama.cpp, another Sân tập AI)."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hocai.ai.backends.base import Backend
from hocai.errors import UserError

log = logging.getLogger("hocai.ai")
RETRY_S = 5.0  # a server that was down (vLLM still starting) is tried again after this long
UNREACHABLE = "Không kết nối được máy chủ AI tại {url}; hãy kiểm tra máy chủ rồi thử lại."
NO_MODEL = "Máy chủ AI tại {url} không có mô hình nào."
NEEDS_LOCAL = (
    "Tính năng xem từ tiếp theo cần mô hình chạy ngay trên máy này (backend «local»); "
    "máy chủ AI đang dùng không cho biết xác suất của từ."
)


def _server_message(exc: Exception) -> str:
    """The server's own message when it sent one (a Sân tập AI server sends Vietnamese)."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
    return f"Máy chủ AI báo lỗi ({type(exc).__name__}); hãy thử lại sau."


class OpenAIBackend(Backend):
    kind = "openai"

    def __init__(self, *, base_url: str, model: str = "", api_key: str = "hocai", **limits: Any):
        super().__init__(model=model or "?", **limits)
        self.base_url = base_url
        self.requested_model = model
        from openai import OpenAI

        self.client = OpenAI(base_url=base_url, api_key=api_key or "hocai", timeout=self.timeout_s, max_retries=0)
        self._last_try = 0.0

    def _retry_due(self) -> bool:
        return self.status == "error" and time.monotonic() - self._last_try > RETRY_S

    def health(self) -> dict[str, Any]:
        if self._retry_due():
            self.start()
        return super().health()

    def ready(self) -> None:
        if self._retry_due():
            self._load_guarded()
        super().ready()

    def _call(self, fn, **kwargs: Any) -> Any:
        import openai

        try:
            return fn(**kwargs)
        except openai.APIConnectionError:
            raise UserError(UNREACHABLE.format(url=self.base_url)) from None
        except openai.APIStatusError as exc:
            raise UserError(_server_message(exc)) from None

    def _load(self) -> None:
        self._last_try = time.monotonic()
        models = list(self._call(self.client.models.list))
        if not models:
            raise UserError(NO_MODEL.format(url=self.base_url))
        chosen = next((m for m in models if m.id == self.requested_model), None) if self.requested_model else models[0]
        if chosen is None:
            raise UserError(f"Máy chủ AI tại {self.base_url} không có mô hình «{self.requested_model}».")
        self.model_name = chosen.id
        self.teaching_model = bool((getattr(chosen, "model_extra", None) or {}).get("hocai_teaching_model", False))

    def _pieces(self, stream: Any, chat: bool) -> Iterator[str]:
        import openai

        try:
            for chunk in stream:
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                piece = (choice.delta.content if chat else choice.text) or ""
                if piece:
                    yield piece
        except openai.APIError as exc:
            raise UserError(_server_message(exc)) from None
        finally:
            stream.close()

    def stream(self, text: str, *, max_new_tokens: int = 40, temperature: float = 1.0) -> Iterator[str]:
        self.ready()
        text = self.check_text(text)
        stream = self._call(
            self.client.completions.create,
            model=self.model_name,
            prompt=text,
            stream=True,
            max_tokens=self.clamp_new_tokens(max_new_tokens),
            temperature=float(temperature),
        )
        return self._pieces(stream, chat=False)

    def chat_stream(
        self, messages: list[dict[str, str]], *, max_new_tokens: int = 128, temperature: float = 0.7
    ) -> Iterator[str]:
        self.ready()
        messages = [
            {"role": m.get("role", "user"), "content": self.check_text(m.get("content", ""), allow_empty=True)}
            for m in messages
        ]
        if not any(m["content"] for m in messages):
            self.check_text("")
        stream = self._call(
            self.client.chat.completions.create,
            model=self.model_name,
            messages=messages,
            stream=True,
            max_tokens=self.clamp_new_tokens(max_new_tokens),
            temperature=float(temperature),
        )
        return self._pieces(stream, chat=True)

    def sample(self, text: str, *, n: int = 3, max_new_tokens: int = 20, temperature: float = 1.0) -> list[str]:
        """``n`` requests at once, so a batching server serves them together."""
        self.ready()
        text = self.check_text(text)
        n = max(1, min(int(n), 8))
        with ThreadPoolExecutor(max_workers=n) as pool:
            jobs = [
                pool.submit(lambda: "".join(self.stream(text, max_new_tokens=max_new_tokens, temperature=temperature)))
                for _ in range(n)
            ]
            return [job.result() for job in jobs]

    def next_words(self, text: str, k: int = 5, temperature: float = 1.0) -> list[tuple[str, float]]:
        """Top-k from the server's ``logprobs`` on a one-token completion, where the server gives them."""
        self.ready()
        text = self.check_text(text)
        k = max(1, min(int(k), 20))
        try:
            result = self._call(
                self.client.completions.create,
                model=self.model_name,
                prompt=text,
                max_tokens=1,
                temperature=float(temperature),
                logprobs=k,
            )
        except UserError as exc:
            log.info("next_words via logprobs refused: %s", exc.message)
            raise UserError(NEEDS_LOCAL) from None
        logprobs = result.choices[0].logprobs if result.choices else None
        top = (logprobs.top_logprobs or [None])[0] if logprobs is not None else None
        if not top:
            raise UserError(NEEDS_LOCAL)
        ranked = sorted(top.items(), key=lambda item: item[1], reverse=True)[:k]
        return [(token.lstrip(" ") or token, round(math.exp(lp), 6)) for token, lp in ranked]
