"""Serve many participants with one model: requests arriving together become one batched ``generate()``.

On a CPU, decoding one token costs about the same memory traffic for 1 row as for 8 (the weights are read
once per step), so a batch of 8 gives several times the class-wide throughput (docs/ARCHITECTURE.md §9).
``transformers.TextIteratorStreamer`` handles one row only; ``RowStreamer`` routes each row of a batch to
its own request, ``RowStopper`` ends each row at its own limit, ``RowSampler`` samples each row at its
own temperature.

A batch pads every row to its longest prompt and decodes for its largest budget, so the positions it needs
are the longest prompt plus the largest budget: rows join a batch only while that fits the model's context,
and each request is cut to fit the context on its own when it is submitted (``fit_context``).

All of the model's torch work (loading, generating, next-word distributions) runs on the one worker
thread of ``Batcher``. GNU OpenMP, which torch uses, gives every thread that runs a parallel operation its
own team of worker threads; once a process has more of them than cores, every team stops spin-waiting
between operations, and decoding on 2 cores got 25–35% slower (measured with benchmarks/ai_service.py).
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from transformers import LogitsProcessor, StoppingCriteria
from transformers.generation.streamers import BaseStreamer

END = object()
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]")


@dataclass(eq=False)
class GenRequest:
    """One continuation to generate; pieces of text (then ``END`` or an exception) arrive on ``out``."""

    input_ids: list[int]
    max_new_tokens: int
    temperature: float = 1.0
    out: queue.Queue = field(default_factory=queue.Queue)
    cancelled: threading.Event = field(default_factory=threading.Event)
    submitted: float = field(default_factory=time.monotonic)
    generated: int = 0
    min_new_tokens: int = 0

    def fail(self, exc: BaseException) -> None:
        self.out.put(exc)


@dataclass(eq=False)
class Job:
    """Any other torch work for the model thread (loading, one forward pass); the caller waits for it."""

    fn: Callable[[], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as exc:  # handed back to the waiting caller
            self.error = exc
        finally:
            self.done.set()


_STOP = object()
_WAKE = object()


def budget(context: int, prompt_len: int, new_tokens: int) -> tuple[int, int]:
    """(prompt tokens to keep, new tokens) that fit ``context`` positions together.

    New tokens are capped first, leaving the prompt at least half of the context (or all of it when it is
    shorter); then the prompt keeps its end (the latest turns) in what is left.
    """
    context = max(2, int(context))
    new = max(1, min(int(new_tokens), context - min(max(1, prompt_len), context // 2)))
    return max(1, min(prompt_len, context - new)), new


def fit_context(request: GenRequest, context: int | None) -> GenRequest:
    """Cut ``request`` so that its prompt and its new tokens fit the model's positions."""
    if context:
        keep, request.max_new_tokens = budget(context, len(request.input_ids), request.max_new_tokens)
        request.input_ids = request.input_ids[-keep:]
    return request


class Batcher:
    """The model thread: waits ``window_s`` after a first request for others, runs up to ``max_batch``.

    Jobs (``call``) run on the same thread: when it is idle, or between two decoding steps of a batch
    (``run_jobs``), so a next-word question never waits for a whole answer to be written. ``context`` (the
    model's positions, set once it is loaded) bounds each request and what may share a batch; a request
    that does not fit with the others waits for the next batch, ahead of later arrivals.
    """

    def __init__(
        self,
        run_batch: Callable[[list[GenRequest]], None],
        *,
        max_batch: int = 8,
        window_s: float = 0.02,
        enabled: bool = True,
        context: int | None = None,
    ):
        self.run_batch = run_batch
        self.max_batch = max(1, max_batch)
        self.window_s = window_s
        self.enabled = enabled
        self.context = context
        self._queue: queue.Queue[Any] = queue.Queue()
        self._jobs: queue.Queue[Job] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="hocai-model", daemon=True)
        self._thread.start()

    def submit(self, request: GenRequest) -> GenRequest:
        self._queue.put(fit_context(request, self.context))
        return request

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the model thread and return its result (or raise its exception) here."""
        if threading.current_thread() is self._thread:
            return fn()
        job = Job(fn)
        self._jobs.put(job)
        self._queue.put(_WAKE)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def close(self) -> None:
        """End the model thread once the work queued before this is done."""
        self._queue.put(_STOP)
        self._thread.join(60)

    def run_jobs(self) -> None:
        """Run the jobs waiting now (on the model thread: the loop, or a hook between decoding steps)."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            job.run()

    def _fits(self, batch: list[GenRequest], request: GenRequest) -> bool:
        """Whether ``request`` may join ``batch``: longest prompt plus largest budget within the context."""
        if len(batch) >= self.max_batch:
            return False
        if not self.context:
            return True
        width = max(len(r.input_ids) for r in (*batch, request))
        return width + max(r.max_new_tokens for r in (*batch, request)) <= self.context

    def _collect(self, first: GenRequest, waiting: list[Any]) -> tuple[list[GenRequest], list[Any]]:
        """``first``, then what fits of the items already waiting and of those arriving within the window.

        Returns the batch and what is left, in arrival order (requests that did not fit, a stop).
        """
        batch, left = [first], []
        if not self.enabled:
            return batch, waiting
        stopping = False
        for item in waiting:
            if stopping or not isinstance(item, GenRequest) or not self._fits(batch, item):
                stopping = stopping or item is _STOP
                left.append(item)
            else:
                batch.append(item)
        deadline = time.monotonic() + self.window_s
        while not stopping and len(batch) < self.max_batch:
            remaining = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, GenRequest) and self._fits(batch, item):
                batch.append(item)
            elif item is not _WAKE:
                stopping = item is _STOP
                left.append(item)
        return batch, left

    def _loop(self) -> None:
        waiting: list[Any] = []  # taken from the queue, not run yet, in arrival order
        while True:
            item = waiting.pop(0) if waiting else self._queue.get()
            self.run_jobs()
            if item is _STOP:
                return
            if item is _WAKE:
                continue
            batch, waiting = self._collect(item, waiting)
            batch = [r for r in batch if not r.cancelled.is_set()]
            if not batch:
                continue
            try:
                self.run_batch(batch)
            except Exception as exc:  # keep serving: each waiting request gets the error
                for request in batch:
                    request.fail(exc)


class RowStreamer(BaseStreamer):
    """Decode each row of a batched ``generate()`` incrementally and send the new text to its request."""

    def __init__(self, tokenizer, requests: list[GenRequest], eos_ids: set[int]):
        self.tokenizer = tokenizer
        self.requests = requests
        self.eos_ids = eos_ids
        self.tokens: list[list[int]] = [[] for _ in requests]
        self.sent = [0] * len(requests)
        self.done = [False] * len(requests)
        self._prompt_seen = False

    def put(self, value: torch.Tensor) -> None:
        if not self._prompt_seen:  # generate() first hands over the prompt
            self._prompt_seen = True
            return
        for row, token in enumerate(value.reshape(-1).tolist()):
            if self.done[row]:
                continue
            request = self.requests[row]
            if token in self.eos_ids or request.cancelled.is_set():
                self._finish(row)
                continue
            self.tokens[row].append(token)
            request.generated += 1
            if len(self.tokens[row]) >= request.max_new_tokens:
                self._finish(row)
            else:
                self._emit(row, final=False)

    def end(self) -> None:
        for row in range(len(self.requests)):
            if not self.done[row]:
                self._finish(row)

    def _emit(self, row: int, *, final: bool) -> None:
        text = self.tokenizer.decode(self.tokens[row], skip_special_tokens=True)
        if not final and text.endswith("\ufffd"):  # half of a multi-byte character: wait for the rest
            return
        if final:
            text = text.rstrip("\ufffd")
        if len(text) > self.sent[row]:
            piece = _CONTROL.sub("", text[self.sent[row] :])
            if piece:
                self.requests[row].out.put(piece)
            self.sent[row] = len(text)

    def _finish(self, row: int) -> None:
        self._emit(row, final=True)
        self.done[row] = True
        self.requests[row].out.put(END)


class JobsBetweenSteps(StoppingCriteria):
    """Never stops anything: ``generate()`` calls it after every step, a moment to run waiting jobs."""

    def __init__(self, batcher: Batcher):
        self.batcher = batcher

    def __call__(self, input_ids: torch.LongTensor, scores, **kwargs) -> torch.BoolTensor:
        self.batcher.run_jobs()
        return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)


class RowStopper(StoppingCriteria):
    """Per-row stop: its own token budget reached, end of text, or the caller gave up."""

    def __init__(self, requests: list[GenRequest], prompt_len: int, eos_ids: set[int]):
        self.requests = requests
        self.prompt_len = prompt_len
        self.eos = torch.tensor(sorted(eos_ids) or [-1])
        self.limits = torch.tensor([r.max_new_tokens for r in requests])
        self.finished = torch.zeros(len(requests), dtype=torch.bool)

    def __call__(self, input_ids: torch.LongTensor, scores, **kwargs) -> torch.BoolTensor:
        generated = input_ids.shape[1] - self.prompt_len
        last = input_ids[:, -1].cpu()
        cancelled = torch.tensor([r.cancelled.is_set() for r in self.requests])
        self.finished |= (generated >= self.limits) | torch.isin(last, self.eos) | cancelled
        return self.finished.to(input_ids.device)


class RowMinLength(LogitsProcessor):
    """No end of text for a row before its ``min_new_tokens``: ``generate()``'s own minimum is one length
    for the whole batch, and rows here join and ask at different times. Reads each request's ``generated``,
    which the streamer counts before the next step's scores."""

    def __init__(self, requests: list[GenRequest], eos_ids: set[int]):
        self.requests = requests
        self.eos = torch.tensor(sorted(eos_ids), dtype=torch.long)

    def __call__(self, input_ids: torch.LongTensor | None, scores: torch.FloatTensor) -> torch.FloatTensor:
        early = [i for i, r in enumerate(self.requests) if r.generated < r.min_new_tokens]
        if not early or not len(self.eos):
            return scores
        scores = scores.clone()
        scores[torch.tensor(early).unsqueeze(1), self.eos.to(scores.device)] = float("-inf")
        return scores


CDF_BLOCK = 128  # divides Qwen2's 151,936 (and 32,000, 50,304, 128,256)


def inverse_cdf(probs: torch.Tensor, uniform: torch.Tensor) -> torch.Tensor:
    """Each row's index where its cumulative probability first reaches ``uniform`` (``[rows, 1]`` in [0, 1))
    of its total. In two levels where the vocabulary splits into blocks: block totals, then one block's
    cumulative sum, instead of a cumulative sum over the whole vocabulary (8 rows × 152k: 1.2 → 0.15 ms)."""
    rows, vocab = probs.shape
    if vocab % CDF_BLOCK or vocab < 4 * CDF_BLOCK:
        cdf = probs.cumsum(dim=-1)
        return torch.searchsorted(cdf, uniform * cdf[:, -1:]).squeeze(1).clamp_(max=vocab - 1)
    blocks = probs.view(rows, -1, CDF_BLOCK)
    ends = blocks.sum(dim=-1).cumsum_(dim=-1)
    target = uniform * ends[:, -1:]
    block = torch.searchsorted(ends, target).clamp_(max=ends.shape[1] - 1)
    before = torch.where(block > 0, ends.gather(1, (block - 1).clamp(min=0)), torch.zeros_like(target))
    inside = blocks[torch.arange(rows).unsqueeze(1), block].squeeze(1).cumsum(dim=-1)
    # rounding may put the target a hair past the block's own total: its last token with any probability
    rest = torch.minimum(target - before, inside[:, -1:])
    return (block * CDF_BLOCK + torch.searchsorted(inside, rest).clamp_(max=CDF_BLOCK - 1)).squeeze(1)


class RowSampler(LogitsProcessor):
    """Sample each row's next token at its own temperature (0: the likeliest), for a greedy ``generate()``.

    ``generate()`` has one temperature per call and samples with ``torch.multinomial``, which on a CPU
    draws one random number per vocabulary entry: about 3.6 ms per row per step for a 152k vocabulary, a
    third of a batch-of-8 step. Inverse-CDF sampling draws one number per row (about 0.15 ms per row).
    The chosen token's score becomes +inf, so greedy decoding picks it; ``choose`` returns the ids themselves
    (the continuous decoder's path: no copy of the scores to scatter into and no argmax over them, 8 rows ×
    152k: 7.5 → 2.1 ms).
    """

    def __init__(self, temperatures: list[float], generator: torch.Generator | None = None):
        self.temps = torch.tensor([max(float(t), 1e-5) for t in temperatures]).unsqueeze(1)
        self.greedy = torch.tensor([float(t) <= 0 for t in temperatures])
        self.generator = generator

    def choose(self, scores: torch.Tensor) -> torch.Tensor:
        """Each row's token id, ``[rows]``."""
        if bool(self.greedy.all()):
            return scores.argmax(dim=-1)
        probs = torch.softmax(scores.float() / self.temps.to(scores.device), dim=-1)
        chosen = inverse_cdf(probs, torch.rand(probs.shape[0], 1, generator=self.generator, device=probs.device))
        if bool(self.greedy.any()):
            chosen = torch.where(self.greedy.to(scores.device), scores.argmax(dim=-1), chosen)
        return chosen

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        if bool(self.greedy.all()):
            return scores
        return scores.scatter(1, self.choose(scores).unsqueeze(1), float("inf"))
