"""The ``local`` backend: one transformers model in this process, batched and streamed."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch

from hocai.ai.backends import attention, prepack, quant
from hocai.ai.backends.base import FAILED, TIMEOUT, TOO_LONG, Backend
from hocai.ai.backends.continuous import ContinuousDecoder
from hocai.ai.batching import (
    END,
    Batcher,
    GenRequest,
    JobsBetweenSteps,
    RowMinLength,
    RowSampler,
    RowStopper,
    RowStreamer,
    budget,
)
from hocai.errors import UserError

log = logging.getLogger("hocai.ai")
# A chat reply from a model that only continues text writes at least this many tokens: the teaching model,
# trained on short sentences, could end after one syllable («Phần viết tiếp: Xin chào các bạnọc», CI
# 2026-12-04), which shows a participant nothing.
CONTINUATION_CHAT_MIN_TOKENS = 12
BIG_MODEL_PARAMS = 50_000_000  # below this, float32 is as fast as bfloat16 and exact


def cpu_has_bf16() -> bool:
    """AMX-bf16 or AVX512-bf16 make bfloat16 matmuls fast on this CPU (docs/ARCHITECTURE.md §9)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def pick_dtype(n_params: int) -> torch.dtype:
    return torch.bfloat16 if n_params >= BIG_MODEL_PARAMS and cpu_has_bf16() else torch.float32


class RowStream:
    """One request's text pieces, submitted when iteration starts (its timeout counts from then); afterwards
    its token counts, which the OpenAI-compatible routes report as ``usage``."""

    def __init__(self, backend: LocalBackend, request: GenRequest):
        self.backend = backend
        self.request = request

    def __iter__(self) -> Iterator[str]:
        self.request.submitted = time.monotonic()
        self.backend.batcher.submit(self.request)
        yield from self.backend._drain(self.request)

    @property
    def usage(self) -> dict[str, int]:
        prompt, completion = len(self.request.input_ids), self.request.generated
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    @property
    def finish_reason(self) -> str:
        return "length" if self.request.generated >= self.request.max_new_tokens else "stop"


class LocalBackend(Backend):
    kind = "local"

    def __init__(
        self,
        *,
        model: str,
        batching: bool = True,
        max_batch: int = 8,
        window_s: float = 0.02,
        dtype: torch.dtype | None = None,
        quantize: str = "auto",
        continuous: bool = False,
        **limits: Any,
    ):
        super().__init__(model=model, **limits)
        self.model = None
        self.quantize = quantize  # "auto" | "int8" | "none"; what was applied once loaded
        self.continuous = continuous  # rows join and leave a running batch (backends/continuous.py)
        self.decoder: ContinuousDecoder | None = None
        self.tokenizer = None
        self.dtype = dtype
        self.context = 1024
        self.eos_ids: set[int] = set()
        self._tokenizer_lock = threading.Lock()  # fast tokenizers may refuse concurrent calls ("Already borrowed")
        self.batcher = Batcher(self._run_batch, max_batch=max_batch, window_s=window_s, enabled=batching)

    # loading -----------------------------------------------------------------------------------------
    def _load(self) -> None:
        self.batcher.call(self._load_here)

    def _load_here(self) -> None:
        started = time.monotonic()
        model, tokenizer, info = self.load_model()
        n_params = sum(p.numel() for p in model.parameters())
        dtype = self.dtype or pick_dtype(n_params)
        model = model.to(dtype).eval()
        self.quantize = quant.resolve(self.wanted_quantize(info), n_params)
        torch.set_num_threads(quant.CORES)  # this thread's own OpenMP team, whatever another thread set
        if self.quantize == "int8":
            quant.quantize_linears(model, precise=quant.precise_layers(n_params))
            quant.release_freed_memory()
            quant.one_thread_for_short_steps(model)
        elif dtype == torch.bfloat16:
            prepack.prepack_linears(model, batch_hint=min(8, self.batcher.max_batch))
        attention.use_packed_attention(model)
        tokenizer.padding_side = "left"
        eos = model.generation_config.eos_token_id if model.generation_config is not None else None
        eos = eos if eos is not None else tokenizer.eos_token_id
        self.eos_ids = set(eos if isinstance(eos, list) else [eos] if eos is not None else [])
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token or tokenizer.convert_ids_to_tokens(0)
        self.context = int(
            getattr(model.config, "max_position_embeddings", None) or getattr(model.config, "n_positions", None) or 2048
        )
        self.batcher.context = self.context
        self.teaching_model = bool(info.get("teaching_model", False))
        self.model_name = str(info.get("name") or self.model_name)
        self.model, self.tokenizer = model, tokenizer
        self.decoder = ContinuousDecoder(model, tokenizer, self.batcher, self.eos_ids, max_rows=self.batcher.max_batch)
        log.info(
            "model %s loaded: %d parameters, %s, weights %s, %.1f s",
            self.model_name,
            n_params,
            dtype,
            self.quantize,
            time.monotonic() - started,
        )

    def wanted_quantize(self, info: dict[str, Any]) -> str:
        """The service setting, unless it is ``auto`` and the model's catalogue entry says otherwise."""
        if self.quantize != "auto":
            return self.quantize
        from hocai.ai import catalogue

        name = str(info.get("name") or self.model_name)
        try:
            entry = catalogue.find_entry(name, missing_ok=True)
        except Exception:  # a broken catalogue must not stop the model loading
            entry = None
        return getattr(entry, "quantize", "") or "auto"

    def health(self) -> dict[str, Any]:
        return {**super().health(), "quantize": self.quantize}

    def load_model(self) -> tuple[Any, Any, dict[str, Any]]:
        """(model, tokenizer, info) through the model store, local files only (benchmarks override it)."""
        from hocai.ai import store

        return store.load(self.model_name)

    # generation --------------------------------------------------------------------------------------
    def tokenize(self, text: str) -> list[int]:
        with self._tokenizer_lock:
            return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def encode(self, text: str, reserve: int) -> list[int]:
        """Token ids of ``text``, keeping the end when it would not fit the context with ``reserve`` new tokens."""
        ids = self.tokenize(text)
        ids = ids[-budget(self.context, len(ids), reserve)[0] :]
        if not ids:
            bos = self.tokenizer.bos_token_id
            if bos is None:
                bos = next(iter(self.eos_ids), 0)
            ids = [bos]
        return ids

    def close(self) -> None:
        """Stop the model thread (a backend that is not used any more)."""
        self.batcher.close()

    def _run_batch(self, batch: list[GenRequest]) -> None:
        """One ``generate()`` for the whole batch, rows left-padded to the same length (or, with
        ``continuous``, a batch that others join while it runs)."""
        if self.continuous and self.batcher.enabled and self.decoder is not None:
            self.decoder.run(batch)
            return
        width = max(len(r.input_ids) for r in batch)
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([[pad] * (width - len(r.input_ids)) + r.input_ids for r in batch])
        mask = torch.tensor([[0] * (width - len(r.input_ids)) + [1] * len(r.input_ids) for r in batch])
        streamer = RowStreamer(self.tokenizer, batch, self.eos_ids)
        with torch.inference_mode():
            self.generate_batch(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=max(r.max_new_tokens for r in batch),
                do_sample=False,
                pad_token_id=pad,
                eos_token_id=sorted(self.eos_ids) or None,
                logits_processor=[RowMinLength(batch, self.eos_ids), RowSampler([r.temperature for r in batch])],
                stopping_criteria=[RowStopper(batch, width, self.eos_ids), JobsBetweenSteps(self.batcher)],
                streamer=streamer,
            )
        streamer.end()

    def generate_batch(self, **kwargs: Any) -> Any:
        """The single ``model.generate`` call per batch (a hook tests and benchmarks can count)."""
        from transformers import LogitsProcessorList, StoppingCriteriaList

        kwargs["logits_processor"] = LogitsProcessorList(kwargs["logits_processor"])
        kwargs["stopping_criteria"] = StoppingCriteriaList(kwargs["stopping_criteria"])
        return self.model.generate(**kwargs)

    def stream_ids(
        self, ids: list[int], *, max_new_tokens: int, temperature: float, min_new_tokens: int = 0
    ) -> RowStream:
        return RowStream(self, GenRequest(ids, max_new_tokens, temperature, min_new_tokens=min_new_tokens))

    def _drain(self, request: GenRequest) -> Iterator[str]:
        deadline = request.submitted + self.timeout_s
        try:
            while True:
                try:
                    item = request.out.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise UserError(TIMEOUT) from None
                if item is END:
                    return
                if isinstance(item, BaseException):
                    if isinstance(item, UserError):
                        raise item
                    log.error("generation failed: %s", type(item).__name__)
                    raise UserError(FAILED)
                yield item
        finally:
            request.cancelled.set()

    def stream(self, text: str, *, max_new_tokens: int = 40, temperature: float = 1.0) -> Iterator[str]:
        self.ready()
        text = self.check_text(text)
        n = self.clamp_new_tokens(max_new_tokens)
        return self.stream_ids(self.encode(text, n), max_new_tokens=n, temperature=float(temperature))

    def sample(self, text: str, *, n: int = 3, max_new_tokens: int = 20, temperature: float = 1.0) -> list[str]:
        """``n`` continuations submitted together, so they share one batch."""
        self.ready()
        text = self.check_text(text)
        new = self.clamp_new_tokens(max_new_tokens)
        ids = self.encode(text, new)
        requests = [
            self.batcher.submit(GenRequest(ids, new, float(temperature))) for _ in range(max(1, min(int(n), 8)))
        ]
        return ["".join(self._drain(r)) for r in requests]

    def continues_text(self) -> bool:
        """The teaching model (and any model without a chat template) only writes on from the last message."""
        return self.teaching_model or not getattr(self.tokenizer, "chat_template", None)

    def chat_prompt(self, messages: list[dict[str, str]]) -> str:
        """A model that only continues text gets the last message; an instruct model its own chat template."""
        if self.continues_text():
            users = [m.get("content", "") for m in messages if m.get("role") == "user"]
            return users[-1] if users else ""
        with self._tokenizer_lock:
            return self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)

    def chat_stream(
        self, messages: list[dict[str, str]], *, max_new_tokens: int = 128, temperature: float = 0.7
    ) -> Iterator[str]:
        self.ready()
        total = sum(len(m.get("content", "")) for m in messages)
        if total > self.max_input_chars:
            raise UserError(TOO_LONG.format(limit=self.max_input_chars, size=total))
        messages = [
            {"role": m.get("role", "user"), "content": self.check_text(m.get("content", ""), allow_empty=True)}
            for m in messages
        ]
        prompt = self.chat_prompt(messages)
        if not prompt.strip():
            self.check_text("")
        n = self.clamp_new_tokens(max_new_tokens)
        least = min(n, CONTINUATION_CHAT_MIN_TOKENS) if self.continues_text() else 0
        return self.stream_ids(
            self.encode(prompt, n), max_new_tokens=n, temperature=float(temperature), min_new_tokens=least
        )

    # next-token distribution ---------------------------------------------------------------------
    def top_next(self, text: str, k: int, temperature: float = 1.0) -> list[tuple[int, float]]:
        """The ``k`` likeliest next tokens after ``text`` and their probabilities at ``temperature``."""
        ids = self.encode(text, 1)

        def forward() -> list[tuple[int, float]]:
            with torch.inference_mode():
                logits = self.model(input_ids=torch.tensor([ids])).logits[0, -1].float()
                probs = torch.softmax(logits / max(float(temperature), 1e-3), dim=-1)
                top = torch.topk(probs, k=min(k, probs.numel()))
            return list(zip(top.indices.tolist(), top.values.tolist()))

        return self.batcher.call(forward)

    def token_text(self, token_id: int) -> str:
        text = self.tokenizer.decode([token_id])
        return text.lstrip(" ") or text

    def next_words(self, text: str, k: int = 5, temperature: float = 1.0) -> list[tuple[str, float]]:
        self.ready()
        text = self.check_text(text)
        k = max(1, min(int(k), 50))
        return [(self.token_text(i), round(p, 6)) for i, p in self.top_next(text, k, temperature)]
