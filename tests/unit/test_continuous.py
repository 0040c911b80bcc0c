"""Continuous batching: a request joins a running batch, gets the same words as alone, and does not wait
for the others' answers to end."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="torch is installed only in .venv (scripts/test-other-python.sh)")
import torch

from hocai.ai.backends.local import LocalBackend

PROMPTS = ["t5 t17 t3", "t40 t41 t42 t43 t44 t45 t46 t47", "t9", "t100 t7 t7 t7 t200"]


def words(text: str) -> int:
    return len(re.findall(r"t\d+", text))


@pytest.fixture(scope="module")
def qwen_dir(tmp_path_factory) -> Path:
    """A small random Qwen2 (float32) with a word-level tokenizer: every position changes its greedy words."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    folder = tmp_path_factory.mktemp("models") / "small-qwen"
    raw = Tokenizer(models.WordLevel(vocab={f"t{i}": i for i in range(300)}, unk_token="t0"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    raw.decoder = decoders.WordPiece(prefix="##")
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, unk_token="t0", pad_token="t0", eos_token="t1")
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=300,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=64,
        eos_token_id=1,
        initializer_range=0.5,
    )
    Qwen2ForCausalLM(config).save_pretrained(folder)
    (folder / "hocai_model.json").write_text(json.dumps({"name": "small-qwen", "teaching_model": False}))
    return folder


@pytest.fixture(scope="module")
def backend(qwen_dir):
    backend = LocalBackend(model=str(qwen_dir), continuous=True, max_new_tokens=64)
    backend.load()
    assert backend.status == "ok", backend.message
    backend.eos_ids = set()  # every answer runs to its budget
    yield backend
    backend.close()


def test_rows_joining_a_running_batch_get_the_same_greedy_words_as_alone(backend):
    budgets = [20, 12, 25, 8]
    alone = [backend.generate(p, max_new_tokens=n, temperature=0) for p, n in zip(PROMPTS, budgets)]
    assert len(set(alone)) > 1 and [words(a) for a in alone] == budgets
    together: list[str | None] = [None] * len(PROMPTS)

    def ask(i: int) -> None:
        time.sleep(0.02 * i)
        together[i] = backend.generate(PROMPTS[i], max_new_tokens=budgets[i], temperature=0)

    backend.decoder.step_sizes.clear()
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(PROMPTS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert together == alone
    assert max(backend.decoder.step_sizes) >= 2  # they really shared steps


def test_a_late_request_starts_before_a_long_answer_ends(backend):
    long = backend.stream(PROMPTS[0], max_new_tokens=60, temperature=0)
    pieces = iter(long)
    next(pieces)  # the long answer is being written
    started = time.monotonic()
    short = backend.generate(PROMPTS[2], max_new_tokens=3, temperature=0)
    short_done = time.monotonic()
    rest = list(pieces)
    long_done = time.monotonic()
    assert words(short) == 3
    assert len(rest) > 10 and short_done - started < long_done - started


def test_positions_are_per_row_so_padding_never_overflows_the_context(backend):
    """Max 64 positions: a 50-token prompt beside a 1-token one, both writing 12 more, pads to 62 columns."""
    outputs: list[str] = []
    threads = [
        threading.Thread(target=lambda p=p: outputs.append(backend.generate(p, max_new_tokens=12, temperature=0.8)))
        for p in (" ".join(["t8"] * 50), "t9")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(words(o) for o in outputs) == [12, 12]


def test_cancelled_rows_leave_and_a_failure_reaches_every_row(backend, monkeypatch):
    stream = iter(backend.stream(PROMPTS[1], max_new_tokens=60, temperature=0))
    next(stream)
    stream.close()  # the participant left: the row is dropped at the next step
    assert backend.generate(PROMPTS[3], max_new_tokens=4, temperature=0)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(backend.decoder, "_forward", broken)
    from hocai.errors import UserError

    with pytest.raises(UserError):
        backend.generate(PROMPTS[0], max_new_tokens=4, temperature=0)
