"""Continuous batching: requests join a running batch between two decoding steps and leave when done.

With one ``generate()`` per batch (static batching), a participant who presses «Gửi» while a batch is being
written waits for its longest answer: with thirty participants on the 0.5B model that is most of a whole
answer (benchmarks/class_load.py). Here the model thread keeps one batch of rows in flight: between two
steps it takes the requests waiting in the batcher's queue (up to ``max_rows`` rows), computes their
prompts in one forward pass and appends their key/value cache to the batch's, left-padded to the same
length; a row that has finished is dropped from the cache at once. Each row has its own position ids,
so padding never uses up the model's positions.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass
from typing import Any

import torch

from hocai.ai.backends import quant
from hocai.ai.batching import Batcher, GenRequest, RowMinLength, RowSampler, RowStreamer


@dataclass(eq=False)
class _Row:
    request: GenRequest
    streamer: RowStreamer
    last: int = 0


def _pad_left(t: torch.Tensor, width: int, dim: int) -> torch.Tensor:
    missing = width - t.shape[dim]
    if missing <= 0:
        return t
    shape = list(t.shape)
    shape[dim] = missing
    return torch.cat([t.new_zeros(shape), t], dim=dim)


class ContinuousDecoder:
    """Runs on the model thread (``Batcher``'s ``run_batch``): one call serves every request that arrives
    while it runs, and returns when no row is left."""

    def __init__(self, model: Any, tokenizer: Any, batcher: Batcher, eos_ids: set[int], *, max_rows: int):
        self.model = model
        self.tokenizer = tokenizer
        self.batcher = batcher
        self.eos_ids = eos_ids
        self.max_rows = max(1, max_rows)
        self.step_sizes: list[int] = []  # rows of each decoding step (benchmarks read it)

    def run(self, first: list[GenRequest]) -> None:
        rows: list[_Row] = []
        state: dict[str, Any] = {"cache": None, "mask": None}
        held: list[Any] = []  # the batcher's other messages (stop, wake), handed back at the end
        waiting = list(first)
        try:
            with torch.inference_mode():
                while True:
                    waiting += self._take(self.max_rows - len(rows) - len(waiting), held)
                    waiting = [r for r in waiting if not r.cancelled.is_set()]
                    if waiting:
                        rows = self._admit(waiting, rows, state)
                        waiting = []
                    if not rows:
                        return
                    rows = self._step(rows, state)
                    self.batcher.run_jobs()
        except Exception as exc:  # every request still waiting gets the error
            for request in [row.request for row in rows] + waiting:
                request.fail(exc)
        finally:
            for item in held:
                self.batcher._queue.put(item)

    def _take(self, room: int, held: list[Any]) -> list[GenRequest]:
        taken: list[GenRequest] = []
        while room > len(taken):
            try:
                item = self.batcher._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, GenRequest):
                taken.append(item)
            else:
                held.append(item)
        return taken

    def _forward(self, rows: list[GenRequest], ids: torch.Tensor, mask: torch.Tensor, cache: Any) -> torch.Tensor:
        positions = (mask.cumsum(dim=1) - 1).clamp_(min=0)[:, -ids.shape[1] :]
        with quant.drawn_rows(self.model, [r.temperature for r in rows]):
            out = self.model(
                input_ids=ids,
                attention_mask=mask,
                position_ids=positions,
                cache=cache,
                use_cache=True,
                logits_to_keep=1,
            )
        return out.logits[:, -1, :]

    def _choose(self, rows: list[_Row], logits: torch.Tensor) -> list[int]:
        requests = [row.request for row in rows]
        scores = RowMinLength(requests, self.eos_ids)(None, logits.float())
        return RowSampler([r.temperature for r in requests]).choose(scores).tolist()

    def _emit(self, rows: list[_Row], tokens: list[int]) -> list[int]:
        """Stream each row's token; the indices of the rows still going."""
        keep = []
        for i, (row, token) in enumerate(zip(rows, tokens)):
            row.streamer.put(torch.tensor([token]))
            row.last = token
            if not row.streamer.done[0]:
                keep.append(i)
        return keep

    def _admit(self, requests: list[GenRequest], rows: list[_Row], state: dict[str, Any]) -> list[_Row]:
        from transformers import DynamicCache

        width = max(len(r.input_ids) for r in requests)
        pad = self.tokenizer.pad_token_id or 0
        ids = torch.tensor([[pad] * (width - len(r.input_ids)) + r.input_ids for r in requests], dtype=torch.long)
        mask = torch.tensor(
            [[0] * (width - len(r.input_ids)) + [1] * len(r.input_ids) for r in requests], dtype=torch.long
        )
        cache = DynamicCache(config=self.model.config)
        logits = self._forward(requests, ids, mask, cache)
        new = []
        for request in requests:
            streamer = RowStreamer(self.tokenizer, [request], self.eos_ids)
            streamer.put(torch.tensor([request.input_ids]))  # the prompt, which the streamer skips
            new.append(_Row(request, streamer))
        keep = self._emit(new, self._choose(new, logits))
        new = [new[i] for i in keep]
        if not new:
            return rows
        index = torch.tensor(keep)
        mask = mask[index]
        for layer in cache.layers:
            layer.keys, layer.values = layer.keys[index], layer.values[index]
        if state["cache"] is None or not rows:
            state["cache"], state["mask"] = cache, mask
            return new
        total = max(state["mask"].shape[1], mask.shape[1])
        for old, add in zip(state["cache"].layers, cache.layers):
            old.keys = torch.cat([_pad_left(old.keys, total, 2), _pad_left(add.keys, total, 2)])
            old.values = torch.cat([_pad_left(old.values, total, 2), _pad_left(add.values, total, 2)])
        state["mask"] = torch.cat([_pad_left(state["mask"], total, 1), _pad_left(mask, total, 1)])
        return rows + new

    def _step(self, rows: list[_Row], state: dict[str, Any]) -> list[_Row]:
        cache = state["cache"]
        mask = torch.cat([state["mask"], state["mask"].new_ones(len(rows), 1)], dim=1)
        self.step_sizes.append(len(rows))
        logits = self._forward([row.request for row in rows], torch.tensor([[row.last] for row in rows]), mask, cache)
        keep = self._emit(rows, self._choose(rows, logits))
        if len(keep) < len(rows):
            index = torch.tensor(keep, dtype=torch.long)
            mask = mask[index]
            for layer in cache.layers:
                layer.keys, layer.values = layer.keys[index], layer.values[index]
            rows = [rows[i] for i in keep]
        if rows:
            unused = int((mask.sum(dim=0) == 0).long().cumprod(dim=0).sum())  # left columns no row needs
            if unused:
                mask = mask[:, unused:]
                for layer in cache.layers:
                    layer.keys, layer.values = layer.keys[:, :, unused:], layer.values[:, :, unused:]
        state["mask"] = mask
        return rows
