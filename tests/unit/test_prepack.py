"""Packed bfloat16 linears give the same logits as plain ones, and tied weights stay shared."""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="torch is installed only in .venv (scripts/test-other-python.sh)")
import torch

from hocai.ai.backends import prepack

pytestmark = pytest.mark.skipif(not prepack.available(), reason="torch built without oneDNN")


def test_packed_model_gives_identical_logits_and_keeps_the_tied_embedding(small_qwen):
    model = small_qwen
    ids = torch.randint(0, 500, (3, 11))
    with torch.inference_mode():
        before = model(input_ids=ids).logits
        swapped = prepack.prepack_linears(model, batch_hint=8)
        after = model(input_ids=ids).logits
    assert swapped == 2 * 7 + 1  # q, k, v, o, gate, up, down per layer, and the output head
    assert torch.allclose(before.float(), after.float(), atol=1e-2, rtol=1e-2)
    assert model.lm_head.weight is model.model.embed_tokens.weight
    assert not hasattr(model.model.layers[0].mlp.up_proj, "weight")  # the plain copy is released


def test_float32_models_are_left_alone(small_qwen):
    model = small_qwen.float()
    assert prepack.prepack_linears(model) == 0
    assert type(model.lm_head) is torch.nn.Linear
