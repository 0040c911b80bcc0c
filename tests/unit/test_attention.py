"""One-query attention packed per key/value head: the same logits as transformers' SDPA, with or without padding."""

from __future__ import annotations

import copy

import pytest

pytest.importorskip("torch", reason="torch is installed only in .venv (scripts/test-other-python.sh)")
import torch
from transformers import DynamicCache, GPT2Config, GPT2LMHeadModel

from hocai.ai.backends import attention


def decode_step(model, ids: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    cache = DynamicCache(config=model.config)
    with torch.inference_mode():
        first = model(input_ids=ids, cache=cache, use_cache=True, **({} if mask is None else {"attention_mask": mask}))
        step = {} if mask is None else {"attention_mask": torch.cat([mask, mask.new_ones(len(ids), 1)], dim=1)}
        nxt = first.logits[:, -1].argmax(-1, keepdim=True)
        return model(input_ids=nxt, cache=cache, use_cache=True, **step).logits


def test_packed_one_query_gives_sdpas_logits_and_packs_the_heads(small_qwen, monkeypatch):
    plain = copy.deepcopy(small_qwen).float()
    packed = copy.deepcopy(small_qwen).float()
    assert attention.use_packed_attention(packed) and packed.config._attn_implementation == attention.NAME
    queries: list[tuple[int, ...]] = []
    sdpa = torch.nn.functional.scaled_dot_product_attention
    monkeypatch.setattr(
        torch.nn.functional,
        "scaled_dot_product_attention",
        lambda q, *a, **k: (queries.append(tuple(q.shape)), sdpa(q, *a, **k))[1],
    )
    ids = torch.randint(0, 500, (3, 9), generator=torch.Generator().manual_seed(1))
    padded = torch.ones(3, 9, dtype=torch.long)
    padded[1, :3] = 0
    assert torch.allclose(decode_step(packed, ids, padded), decode_step(plain, ids, padded), atol=1e-5)
    queries.clear()
    assert torch.allclose(decode_step(packed, ids, None), decode_step(plain, ids, None), atol=1e-5)
    # 4 query heads over 2 key/value heads: the step without padding ran as 2 heads of 2 queries each
    assert (3, 2, 2, 16) in queries and (3, 4, 1, 16) in queries  # the plain model: one block per query head


def test_a_model_without_grouped_heads_is_left_alone():
    model = GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=16, n_embd=32, n_layer=1, n_head=2)).eval()
    before = model.config._attn_implementation
    assert not attention.use_packed_attention(model)
    assert model.config._attn_implementation == before
