"""One-query attention with grouped key/value heads, packed per key/value head, also when no mask is given.

A decoding step asks one query per row. Where a row has padding, transformers packs each key/value head's
query heads as that head's queries (one SDPA block per key/value head); without padding (a participant
alone, or rows that joined together) it hands SDPA ``enable_gqa=True`` instead, and on a CPU the flash kernel
then runs one block per query head. 0.5B shape (14 query heads, 2 key/value heads), one thread, 64 cached
tokens, one layer: 8 rows 111 → 61 µs, one row 17.5 → 14 µs. Registered through transformers'
``AttentionInterface`` under its own name; everything else goes to transformers' SDPA function unchanged.
"""

from __future__ import annotations

from typing import Any

import torch

NAME = "hocai_sdpa"


def packed_one_query(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    dropout: float = 0.0,
    scaling: float | None = None,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    groups = getattr(module, "num_key_value_groups", 1)
    plain = query.shape[2] == 1 and groups > 1 and attention_mask is None and not dropout
    if not plain or any(kwargs.get(k) for k in ("softcap", "position_bias", "output_attentions")):
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout, scaling, **kwargs)
    rows, heads, _, dim = query.shape
    out = torch.nn.functional.scaled_dot_product_attention(
        query.reshape(rows, heads // groups, groups, dim), key, value, scale=scaling
    )
    return out.reshape(rows, heads, 1, dim).transpose(1, 2).contiguous(), None


def use_packed_attention(model: Any) -> bool:
    """Switch a model with grouped key/value heads on transformers' SDPA attention to ``packed_one_query``;
    False (and nothing changed) for any other model."""
    from transformers import AttentionInterface
    from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

    config = model.config
    heads, kv_heads = getattr(config, "num_attention_heads", None), getattr(config, "num_key_value_heads", None)
    grouped = bool(heads and kv_heads and kv_heads < heads)
    if not grouped or getattr(config, "_attn_implementation", None) != "sdpa":
        return False
    AttentionInterface.register(NAME, packed_one_query)
    AttentionMaskInterface.register(NAME, sdpa_mask)
    model.set_attn_implementation(NAME)
    return True
