"""Pack a bfloat16 model's linear weights once, in oneDNN's own blocked layout, for faster CPU decoding.

``torch.nn.functional.linear`` hands oneDNN a plain weight and oneDNN re-blocks it on every call; decoding
one token reads every weight once, so that work is paid per token. ``torch.compile``'s freezing pass packs
the weights once with ``mkldnn._reorder_linear_weight`` and calls ``mkldnn._linear_pointwise``; this does
the same at load time without compiling. Measured on the 2-core machine (benchmarks/ai_service.py): one
stream of the 0.5B model decodes about 1.35× faster and a batch of 8 about 1.3× faster, with identical
logits. Float32 models (the teaching model) are left as they are.
"""

from __future__ import annotations

import logging

import torch

log = logging.getLogger("hocai.ai")


def available() -> bool:
    return torch.backends.mkldnn.is_available() and hasattr(torch.ops.mkldnn, "_reorder_linear_weight")


class PackedLinear(torch.nn.Module):
    """A ``nn.Linear`` whose weight lives only in oneDNN's layout (kept plain too when another module shares it)."""

    def __init__(self, linear: torch.nn.Linear, *, batch_hint: int, keep_plain: bool):
        super().__init__()
        self.in_features = linear.in_features
        self.out_features = linear.out_features
        self.dtype = linear.weight.dtype
        self.packed = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach(), batch_hint)
        self.bias = linear.bias
        if keep_plain:  # a tied weight: the embedding still reads it
            self.weight = linear.weight

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        flat = x.reshape(-1, self.in_features).to(self.dtype)
        out = torch.ops.mkldnn._linear_pointwise(flat, self.packed, self.bias, "none", [None], "")
        return out.reshape(*shape[:-1], self.out_features)

    def packed_bytes(self) -> int:
        return self.packed.numel() * self.packed.element_size()


def prepack_linears(model: torch.nn.Module, *, batch_hint: int = 8) -> int:
    """Swap every bfloat16 ``nn.Linear`` of ``model`` (on CPU) for a ``PackedLinear``; returns how many."""
    if not available():
        return 0
    uses: dict[int, int] = {}
    for _, parameter in model.named_parameters(remove_duplicate=False):
        uses[id(parameter)] = uses.get(id(parameter), 0) + 1
    swapped = 0
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if (
                type(child) is torch.nn.Linear
                and child.weight.dtype == torch.bfloat16
                and child.weight.device.type == "cpu"
            ):
                shared = uses.get(id(child.weight), 0) > 1
                setattr(module, name, PackedLinear(child, batch_hint=batch_hint, keep_plain=shared))
                swapped += 1
    log.info("packed %d linear layers for oneDNN", swapped)
    return swapped
