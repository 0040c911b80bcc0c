"""The backends' common part: the Vietnamese messages, the ``Backend`` base class and its input checks.

Kept out of the package's ``__init__`` so that ``local`` and ``openai_backend`` import it without importing
the package module that picks between them (``make_backend``): imports run one way, __init__ → backend → base.
"""

from __future__ import annotations

import logging
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any

from hocai.errors import UserError
from hocai.text import clean

LOADING = "Mô hình đang được nạp, vui lòng chờ một chút rồi thử lại."
LOAD_BUSY = "Mô hình khác đang được nạp; hãy chờ nạp xong rồi thử lại."
EMPTY = "Hãy nhập một đoạn văn bản."
TOO_LONG = "Văn bản quá dài: tối đa {limit} ký tự (bạn gửi {size} ký tự). Hãy rút gọn rồi thử lại."
TIMEOUT = "Mô hình trả lời quá lâu nên đã dừng; hãy thử lại sau hoặc yêu cầu câu trả lời ngắn hơn."
FAILED = "Mô hình gặp lỗi khi tạo câu trả lời; hãy thử lại hoặc báo giảng viên."
READY = "Sẵn sàng."
log = logging.getLogger("hocai.ai")
_SURROGATES = re.compile("[\ud800-\udfff]")


class Backend(ABC):
    """Common state (status, limits) and input checks; subclasses generate."""

    kind = "?"

    def __init__(self, *, model: str, max_input_chars: int = 4000, max_new_tokens: int = 256, timeout_s: float = 120.0):
        self.model_name = model
        self.max_input_chars = max_input_chars
        self.max_new_tokens_cap = max_new_tokens
        self.timeout_s = timeout_s
        self.teaching_model = False
        self.status = "loading"
        self.message = LOADING
        self._load_lock = threading.Lock()

    def start(self) -> threading.Thread:
        """Begin loading in the background so the service answers /health at once."""
        thread = threading.Thread(target=self._load_guarded, name="hocai-model-load", daemon=True)
        thread.start()
        return thread

    def load(self) -> None:
        """Load now (blocking); a second load while one runs is refused."""
        self._load_guarded(raise_busy=True)

    def _load_guarded(self, raise_busy: bool = False) -> None:
        if not self._load_lock.acquire(blocking=False):
            if raise_busy:
                raise UserError(LOAD_BUSY)
            return
        try:
            if self.status != "error":  # a retry keeps saying why it failed until it succeeds
                self.status, self.message = "loading", LOADING
            self._load()
            self.status, self.message = "ok", READY
        except UserError as exc:
            self.status, self.message = "error", exc.message
        except Exception as exc:  # anything else a broken model folder or server throws
            log.exception("model load failed")
            self.status = "error"
            self.message = f"Không nạp được mô hình «{self.model_name}» ({type(exc).__name__}); hãy báo giảng viên."
        finally:
            self._load_lock.release()

    def health(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "model": self.model_name,
            "backend": self.kind,
            "teaching_model": self.teaching_model,
            "message": self.message,
        }

    def ready(self) -> None:
        """Raise the Vietnamese status message unless the model can answer."""
        if self.status != "ok":
            raise UserError(self.message)

    def check_text(self, text: Any, *, allow_empty: bool = False) -> str:
        """NFC, no control characters, within the size limit."""
        if not isinstance(text, str):
            raise UserError(EMPTY)
        if len(text) > self.max_input_chars:
            raise UserError(TOO_LONG.format(limit=self.max_input_chars, size=len(text)))
        text = clean(_SURROGATES.sub("", text))  # lone surrogates: what a broken client sends for bad UTF-8
        if not text and not allow_empty:
            raise UserError(EMPTY)
        return text

    def clamp_new_tokens(self, n: Any) -> int:
        try:
            value = int(n)
        except (TypeError, ValueError):
            value = 20
        return max(1, min(value, self.max_new_tokens_cap))

    @abstractmethod
    def _load(self) -> None: ...

    @abstractmethod
    def stream(self, text: str, *, max_new_tokens: int = 40, temperature: float = 1.0) -> Iterator[str]:
        """Continue ``text``; yield pieces of the continuation as they come."""

    @abstractmethod
    def chat_stream(
        self, messages: list[dict[str, str]], *, max_new_tokens: int = 128, temperature: float = 0.7
    ) -> Iterator[str]:
        """Answer a conversation; yield pieces of the reply."""

    @abstractmethod
    def next_words(self, text: str, k: int = 5, temperature: float = 1.0) -> list[tuple[str, float]]:
        """The k most likely next tokens with their probabilities."""

    def sample(self, text: str, *, n: int = 3, max_new_tokens: int = 20, temperature: float = 1.0) -> list[str]:
        return ["".join(self.stream(text, max_new_tokens=max_new_tokens, temperature=temperature)) for _ in range(n)]

    def generate(self, text: str, **kwargs: Any) -> str:
        return "".join(self.stream(text, **kwargs))
