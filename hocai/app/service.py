"""What the Sân tập AI does, independent of transport: Gradio API, OpenAI API and UI all call this."""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hocai.ai.backends import EMPTY, TOO_LONG, Backend, make_backend
from hocai.app.config import ServiceConfig, load_config
from hocai.app.privacy import fingerprint
from hocai.errors import UserError
from hocai.text import clean

log = logging.getLogger("hocai.app")
MISSING_TOOL = "Chức năng «{name}» chưa có trong phiên bản này của bộ công cụ."
NO_MASKING = "Chức năng che dữ liệu cá nhân chưa có, nên Sân tập AI chưa gửi câu này cho mô hình."
TEACHING_NOTE = (
    "Đây là mô hình thu nhỏ: nó chỉ viết tiếp câu chữ theo thống kê, "
    "văn bản nó tạo ra không có ý nghĩa. Phần viết tiếp:"
)
SAFETY_MAX_CHARS = 20_000
WATCH_S = 1.0  # how often a service without its model looks whether it has been built or copied in


def _tool(module: str, name: str) -> Any:
    """Import a safety module lazily: the service runs even while one is missing."""
    try:
        return importlib.import_module(f"hocai.safety.{module}")
    except ImportError:
        raise UserError(MISSING_TOOL.format(name=name)) from None


def masked_summary(masked: list[dict[str, str]]) -> str:
    """'Đã che trước khi gửi cho AI: số điện thoại (1), số định danh cá nhân (1)'."""
    counts: dict[str, int] = {}
    for item in masked:
        name = item["label_vi"]
        counts[name] = counts.get(name, 0) + 1
    parts = [f"{name[:1].lower()}{name[1:]} ({n})" for name, n in counts.items()]
    return "Đã che trước khi gửi cho AI: " + ", ".join(parts) + "."


class Playground:
    """One backend, the safety tools, the limits."""

    def __init__(self, config: ServiceConfig | None = None, backend: Backend | None = None):
        self.config = config or load_config()
        self.backend = backend or make_backend(self.config)
        self.started = time.time()
        self.build_percent: int | None = None
        self._closed = threading.Event()

    def start(self) -> None:
        """Load the model in the background; while its folder is missing, watch the store for it instead."""
        if self._model_folder() is None:
            self.backend.start()
            return
        if not self._follow_build():  # nothing is being built: loading says what is missing
            self.backend.start()
        threading.Thread(target=self._watch_store, name="hocai-model-watch", daemon=True).start()

    def close(self) -> None:
        """Stop watching the store and the model thread (a service that is not used any more)."""
        self._closed.set()
        close = getattr(self.backend, "close", None)
        if close is not None:
            close()

    def health(self) -> dict[str, Any]:
        if self.backend.status in ("error", "building"):
            self._follow_build()
        health = self.backend.health()
        if health.get("status") == "building":
            health["percent"] = self.build_percent or 0
        return health

    # a model that is not there yet -------------------------------------------------------------------
    def _model_folder(self) -> Path | None:
        """The store folder a local backend's model comes from, while it is not there (None otherwise)."""
        if getattr(self.backend, "kind", "") != "local":
            return None
        from hocai.ai import store

        try:
            folder = store.resolve(self.backend.model_name)
        except Exception:  # a name the store cannot resolve: the backend's own load says why
            return None
        return None if store.is_installed(folder) else folder

    def _follow_build(self) -> bool:
        """Match the backend's status to a build of its model (``build_progress``); True while one runs.

        Every AI call then answers «Mô hình AI đang được tạo (40%)…» through the backend's own ``ready()``.
        """
        from hocai.ai import build_progress, store

        folder = self._model_folder()
        if folder is None:
            return False
        state = build_progress.read(folder)
        backend = self.backend
        if state is not None and state["status"] == "building":
            self.build_percent = state["percent"]
            backend.teaching_model = True  # only the teaching model is built here (the assistant needs no model)
            backend.status, backend.message = "building", build_progress.building_message(state["percent"])
            return True
        if backend.status == "building":  # the build stopped without a model
            backend.teaching_model = False
            backend.status = "error"
            backend.message = state["message"] if state else store.missing_message(backend.model_name)
        return False

    def _watch_store(self) -> None:
        """Until the model is there, show its build's progress; load it as soon as it lands (no restart)."""
        while not self._closed.wait(WATCH_S):
            status = self.backend.status
            if status == "ok":
                return
            if status == "loading":
                continue
            if self._model_folder() is None:  # built, imported or fetched meanwhile
                log.info("model %s is now in the store: loading it", self.backend.model_name)
                self.backend.start().join()
                return
            self._follow_build()

    # safety tools ------------------------------------------------------------------------------------
    def _safety_text(self, text: Any) -> str:
        if not isinstance(text, str) or not clean(text):
            raise UserError(EMPTY)
        if len(text) > SAFETY_MAX_CHARS:
            raise UserError(TOO_LONG.format(limit=SAFETY_MAX_CHARS, size=len(text)))
        return text

    def pii(self, text: Any) -> dict[str, Any]:
        pii = _tool("pii", "che dữ liệu cá nhân")
        return pii.to_json(self._safety_text(text))

    def scam(self, text: Any) -> dict[str, Any]:
        scam = _tool("scam", "kiểm tra lừa đảo")
        return scam.to_json(scam.check_message(self._safety_text(text)))

    def prompt_check(self, text: Any) -> dict[str, Any]:
        coach = _tool("prompt_coach", "chấm câu lệnh")
        return coach.to_json(coach.check_prompt(self._safety_text(text)))

    def mask(self, text: str) -> tuple[str, list[dict[str, str]]]:
        """Personal data replaced by placeholders before anything reaches the model."""
        try:
            pii = importlib.import_module("hocai.safety.pii")
        except ImportError:
            raise UserError(NO_MASKING) from None
        redaction = pii.redact(text)
        names = getattr(pii, "LABEL_NAMES_VI", {})
        masked = [
            {"label": e.label, "label_vi": names.get(e.label, e.label), "text": e.text} for e in redaction.entities
        ]
        return redaction.text, masked

    def mask_messages(self, messages: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        out, masked = [], []
        for message in messages:
            text, found = self.mask(message["content"])
            out.append({"role": message["role"], "content": text})
            masked.extend(found)
        return out, masked

    # model -------------------------------------------------------------------------------------------
    def chat_stream(self, message: Any, max_new_tokens: int = 80, temperature: float = 0.8) -> Iterator[dict[str, Any]]:
        """Yield {"reply": text so far, "masked": [...]}; the reply says what was masked."""
        text = self.backend.check_text(message)
        self.backend.ready()
        masked_text, masked = self.mask(text)
        log.info("chat %s masked=%d", fingerprint(text), len(masked))
        head = masked_summary(masked) + "\n\n" if masked else ""
        if self.backend.teaching_model:
            head += TEACHING_NOTE + "\n" + masked_text
        reply = head
        yield {"reply": reply, "masked": masked}
        for piece in self.backend.chat_stream(
            [{"role": "user", "content": masked_text}], max_new_tokens=max_new_tokens, temperature=temperature
        ):
            reply += piece
            yield {"reply": reply, "masked": masked}

    def chat(self, message: Any, **kwargs: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"reply": "", "masked": []}
        for result in self.chat_stream(message, **kwargs):  # noqa: B007  (keeps the last item: the full reply)
            pass
        return result

    def next_words(self, text: Any, k: Any = 5, temperature: Any = 1.0) -> list[tuple[str, float]]:
        log.info("next_words %s", fingerprint(text))
        return self.backend.next_words(text, int(k or 5), float(temperature if temperature is not None else 1.0))

    def sample(self, text: Any, temperature: Any = 1.0, n: Any = 3, max_new_tokens: Any = 20) -> list[str]:
        log.info("sample %s n=%s", fingerprint(text), n)
        n = max(1, min(int(n or 1), 8))
        return self.backend.sample(
            text,
            n=n,
            max_new_tokens=int(max_new_tokens or 20),
            temperature=float(temperature if temperature is not None else 1.0),
        )
