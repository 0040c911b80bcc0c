"""int8 weights for CPU decoding: every linear layer's weight stored once as int8, packed for fbgemm.

Decoding one token reads every weight once, so on a CPU its speed is set by the bytes of weights: int8
halves them against bfloat16. Of what torch 2.13 offers for int8 matmul on a CPU, measured on the 2-core
machine (AVX512-VNNI, no AMX) over the 0.5B Qwen2 shape's linear layers, one thread, batch 1 / 8:
packed bfloat16 (oneDNN) 48 / 74 ms, ``torch._weight_int8pack_mm`` (weight-only, bf16 activations)
46-54 / 150-167 ms, fbgemm's dynamic int8 linear (``quantized.linear_dynamic``) 18 / 31 ms. So this uses
fbgemm: weights int8 per output channel (symmetric), activations quantised to uint8 on the fly per call,
int32 accumulation with VNNI, float32 out. Packed once at load time (``quantized.linear_prepack``).

The quality guard (tests/unit/test_quant.py) runs the real teaching model both ways: top-1 next-token
agreement and held-out loss.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import torch

log = logging.getLogger("hocai.ai")
MODES = ("auto", "int8", "none")
AUTO_MIN_PARAMS = 50_000_000  # below this a decode step is bound by Python, not by reading weights
CORES = torch.get_num_threads()  # torch's intra-op threads when this loads
# An int8 decoding step of a few rows is ~170 small fbgemm calls; with passive OpenMP waits
# (hocai/ai/backends/__init__.py) waking a second thread for each costs more than it brings, and the other
# core serves the page meanwhile. 0.5B shape, 2 cores, passive, step ms with 1 / 2 threads: 1 row 41.6 /
# 47.5, 8 rows 90 / 115, 12 rows 117 / 121, 16 rows 142 / 126, 32 rows 261 / 211 (beside two busy processes,
# 1 row: 66 / 99). So a forward pass of up to this many tokens runs on one thread (but the output head, see
# Int8Linear.forward); prompts and big batches on all cores. bf16 (fewer, larger calls) keeps all cores:
# 78 / 93 ms at 1 / 8 rows against 96 / 106 on one.
ONE_THREAD_TOKENS = 10
# ... but fbgemm's product itself runs on every core when it has at least this many multiply-adds (rows ×
# weights), while the small operations around it stay on one: at 8 rows fbgemm is bound by arithmetic and
# two threads nearly halve it (gate/up, 8 rows: 356 → 234 µs), where the element-wise operations lose more
# to waking the second thread than they gain. 0.5B shape, step ms 1 / 4 / 8 rows, three runs: 34.7–36.0 /
# 46.8–47.4 / 62.4–63.1 without, 33.8–34.8 / 44.4–50.8 / 54.6–56.4 with (a one-row step's largest layer,
# gate/up, is above it too).
PARALLEL_MACS = 8_000_000


def available() -> bool:
    ops = torch.ops.quantized
    return (
        "fbgemm" in torch.backends.quantized.supported_engines
        and hasattr(ops, "linear_dynamic")
        and hasattr(ops, "linear_with_input_q_dq_qweight_dq_output_fp32")
    )


def _cpu_has_vnni() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
    except OSError:
        return False
    return "avx512_vnni" in flags or "avx_vnni" in flags or "amx_int8" in flags


# Without VNNI, fbgemm multiplies uint8 by int8 in pairs that saturate at int16; 7-bit activations avoid it.
REDUCE_RANGE = not _cpu_has_vnni()
LEVELS = 63 if REDUCE_RANGE else 127  # activation integers per row lie in [-LEVELS, LEVELS]


@contextlib.contextmanager
def _engine(name: str) -> Iterator[None]:
    previous = torch.backends.quantized.engine
    torch.backends.quantized.engine = name
    try:
        yield
    finally:
        torch.backends.quantized.engine = previous


def quantize_weight(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per-output-channel int8 of a ``[out, in]`` weight: (int8 values, float64 scales)."""
    w = weight.detach().float()
    scales = (w.abs().amax(dim=1) / 127.0).clamp_min(1e-12).double()
    values = torch.round(w / scales.float()[:, None]).clamp_(-127, 127).to(torch.int8)
    return values, scales


@contextlib.contextmanager
def _every_core() -> Iterator[None]:
    """All cores for what runs inside, then the calling step's own thread count again."""
    threads = torch.get_num_threads()
    if threads >= CORES:
        yield
        return
    torch.set_num_threads(CORES)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class Int8Linear(torch.nn.Module):
    """``y = x W^T + b`` with W int8 in fbgemm's packed layout; takes and returns the model's dtype.

    fbgemm's dynamic linear quantises its whole input with one scale, so one participant's large activations
    would cost another row of the batch its precision. Each row is therefore scaled to integers in
    [-127, 127] here and handed to fbgemm's static-input linear with scale 1 (zero point 128), which
    quantises them exactly and returns float32: every row is quantised on its own and the weights are read
    once for the whole batch. (A guard row holding -128 and 127 makes the dynamic linear's scale 1 too, with
    the same numbers, but costs a ninth row of arithmetic at 8 rows: gate/up 413 → 360 µs on one core.)
    ``precise`` adds each row's rounding remainder as a second integer row (about 15 bits of activation for
    the price of reading the weights once): used for the output head, where top-1 words are decided. While
    ``drawn`` marks rows (``drawn_rows``), those rows go without it.
    """

    drawn: torch.Tensor | None = None  # bool per input row: its word is drawn at a temperature

    def __init__(
        self,
        weight: torch.Tensor,
        bias: torch.Tensor | None,
        *,
        keep_plain: torch.Tensor | None = None,
        precise: bool = False,
        all_cores: bool = False,
    ):
        super().__init__()
        self.all_cores = all_cores
        self.out_features, self.in_features = weight.shape
        self.dtype = weight.dtype
        self.precise = precise
        values, scales = quantize_weight(weight)
        with warnings.catch_warnings():  # quantized tensors are deprecated; fbgemm's prepack still takes one
            warnings.simplefilter("ignore", UserWarning)
            zero_points = torch.zeros_like(scales, dtype=torch.long)
            qweight = torch._make_per_channel_quantized_tensor(values, scales, zero_points, 0)
        self.bias = None if bias is None else bias.detach().float()
        with _engine("fbgemm"):  # fbgemm adds the bias to every row it returns, after its own scaling
            self.packed = torch.ops.quantized.linear_prepack(qweight, self.bias)
        self.int8_bytes = values.numel() + scales.numel() * 4
        self.macs_per_row = self.out_features * self.in_features
        if keep_plain is not None:  # a tied weight: the embedding still reads it
            self.weight = keep_plain

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.all_cores:
            return self._forward(x)
        # The output head (a quarter of a 0.5B model's bytes in one call) is worth waking every core for
        # even when a step of a few rows runs on one: 13 → 7.5 ms a step, 2 cores.
        with _every_core():
            return self._forward(x)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.float_out(x)
        return y.reshape(*x.shape[:-1], self.out_features).to(self.dtype)

    def _matmul(self, x: torch.Tensor, *, integers: bool) -> torch.Tensor:
        """fbgemm's product, on every core when it is big enough to be worth waking them (see PARALLEL_MACS).
        ``integers``: ``x`` lies in [-LEVELS, LEVELS] and is rounded to integers as it is; else fbgemm scales it."""
        if x.shape[0] * self.macs_per_row < PARALLEL_MACS:
            return self._fbgemm(x, integers)
        with _every_core():
            return self._fbgemm(x, integers)

    def _fbgemm(self, x: torch.Tensor, integers: bool) -> torch.Tensor:
        if integers:
            return torch.ops.quantized.linear_with_input_q_dq_qweight_dq_output_fp32(x, 1.0, LEVELS + 1, self.packed)
        return torch.ops.quantized.linear_dynamic(x, self.packed, REDUCE_RANGE)

    def _exact_rows(self, rows: int) -> slice | torch.Tensor | None:
        """Which rows get the precise remainder: all (a slice), some (their indices) or none."""
        if not self.precise:
            return None
        if self.drawn is None or len(self.drawn) != rows or not self.drawn.any():
            return slice(None)
        exact = (~self.drawn).nonzero().squeeze(1)
        return exact if len(exact) else None

    def float_out(self, x: torch.Tensor) -> torch.Tensor:
        """The output as float32 rows ``[tokens, out_features]``."""
        flat = x.reshape(-1, self.in_features).float()
        rows = flat.shape[0]
        exact = self._exact_rows(rows)
        if rows == 1 and exact is None:
            # One row (a participant decoding alone, the common case) needs no scaling of its own: fbgemm's
            # scale for the whole input is that row's. Nine fewer small operations per layer: 40 → 36 ms a
            # step on the 0.5B shape, where the weights alone would allow about 20.
            return self._matmul(flat, integers=False)
        scale = flat.abs().amax(dim=1, keepdim=True).clamp_min_(1e-30) / LEVELS
        scaled = flat / scale  # fbgemm rounds it to integers as it quantises with scale 1
        if exact is not None:
            remainder = scaled[exact] - torch.round(scaled[exact])
            scaled = torch.cat([scaled, torch.round(remainder * (2 * LEVELS))])
        out = self._matmul(scaled, integers=True)
        if self.bias is not None:  # added by fbgemm before this row's scale: taken back, added after it
            out.sub_(self.bias)
        y = out[:rows]
        if exact is not None:
            fine = out[rows:] / (2 * LEVELS)
            y = y + fine if isinstance(exact, slice) else y.index_add(0, exact, fine)
        y.mul_(scale)
        if self.bias is not None:
            y.add_(self.bias)
        return y


# Layers of one block that read the same input in every forward pass (Llama, Qwen2, Mistral, Gemma): one
# fbgemm call for each group reads the input and scales its rows once: 169 calls a step become 97 on the 0.5B
# shape (2 cores, float32 activations, step ms 1 / 8 rows: 36.5 / 66.6 separate, 36.4 / 63.8 fused).
FUSED_SIBLINGS = (("q_proj", "k_proj", "v_proj"), ("gate_proj", "up_proj"))


class FusedSiblings(torch.nn.Module):
    """Sibling layers' weights packed as one ``Int8Linear``: the first sibling called with an input computes
    every sibling's output; each of the others takes its own columns when it is called with that same input.
    A sibling called with another input, or a second time, computes them all again, so any order of calls
    stays right."""

    def __init__(self, layer: Int8Linear, widths: list[int]):
        super().__init__()
        self.layer = layer
        self.bounds = [(sum(widths[:i]), sum(widths[: i + 1])) for i in range(len(widths))]
        self._input: torch.Tensor | None = None
        self._output: torch.Tensor | None = None
        self._waiting: set[int] = set()

    def columns(self, x: torch.Tensor, which: int) -> torch.Tensor:
        if x is not self._input or which not in self._waiting:
            self._input, self._output = x, self.layer.float_out(x)
            self._waiting = set(range(len(self.bounds)))
        self._waiting.discard(which)
        start, end = self.bounds[which]
        y = self._output[:, start:end].reshape(*x.shape[:-1], end - start).to(self.layer.dtype)
        if not self._waiting:  # every sibling served: hold no tensor until the next pass
            self._input = self._output = None
        return y


class Sibling(torch.nn.Module):
    """One of ``FusedSiblings``' layers, standing where the original linear layer stood."""

    def __init__(self, fused: FusedSiblings, which: int):
        super().__init__()
        self.fused, self.which = fused, which
        self.in_features = fused.layer.in_features
        self.out_features = fused.bounds[which][1] - fused.bounds[which][0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fused.columns(x, self.which)


@contextlib.contextmanager
def drawn_rows(model: torch.nn.Module, temperatures: list[float]) -> Iterator[None]:
    """For one forward pass whose rows each choose their next word (one position per row): the output head
    skips the precise remainder for rows drawn at a temperature. A greedy row's word is the top-1, which the
    remainder is for; a drawn row's probabilities move with the activation's rounding by about as much as
    with the weights' own (teaching model, see tests/integration/test_quant_teaching.py), and its rows cost
    the head's arithmetic: 0.5B shape, 8 rows, the head is 17 rows of fbgemm instead of 9."""
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    if not isinstance(head, Int8Linear) or not head.precise:
        yield
        return
    head.drawn = torch.tensor([float(t) > 0 for t in temperatures])
    try:
        yield
    finally:
        head.drawn = None


def _linear_parts(module: torch.nn.Module) -> tuple[torch.Tensor, torch.Tensor | None] | None:
    """(weight as ``[out, in]``, bias) of a ``nn.Linear`` or GPT-2's ``Conv1D``; None for anything else."""
    if type(module) is torch.nn.Linear:
        return module.weight, module.bias
    if type(module).__name__ == "Conv1D" and hasattr(module, "nf"):  # transformers' GPT-2 layer: x @ W + b
        return module.weight.t(), module.bias
    return None


def precise_layers(n_params: int) -> str:
    """Which layers get ~15-bit activations: the output head only on a big model (each extra row costs a
    little compute in a batch), all of them on a small one, whose decoding is bound by Python, not by its
    weights (the teaching model: top-1 agreement 99.1% → 99.3% on its held-out text)."""
    return "head" if n_params >= AUTO_MIN_PARAMS else "all"


def quantize_linears(model: torch.nn.Module, precise: str = "head") -> int:
    """Swap every linear layer of ``model`` (on CPU) for an ``Int8Linear``; returns how many.

    ``precise``: "head" (the output head gets ~15-bit activations) or "all" (every layer does)."""
    if not available():
        return 0
    uses: dict[int, int] = {}
    for _, parameter in model.named_parameters(remove_duplicate=False):
        uses[id(parameter)] = uses.get(id(parameter), 0) + 1
    output_head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    swapped = 0
    for module in list(model.modules()):
        swapped += _fuse_siblings(module, uses, precise == "all")
        for name, child in list(module.named_children()):
            parts = _linear_parts(child)
            if parts is None or parts[0].device.type != "cpu":
                continue
            shared = uses.get(id(child.weight), 0) > 1
            head = child is output_head
            exact = precise == "all" or head
            layer = Int8Linear(*parts, keep_plain=child.weight if shared else None, precise=exact, all_cores=head)
            setattr(module, name, layer)
            swapped += 1
    _float32_activations(model)
    log.info("int8: %d linear layers packed for fbgemm", swapped)
    return swapped


def _as_float32(module: torch.nn.Module, args: tuple, output: torch.Tensor) -> torch.Tensor:
    return output.float()


def _float32_activations(model: torch.nn.Module) -> None:
    """Run everything between the int8 layers in float32: fbgemm takes and returns float32 anyway, and
    bfloat16's small operations (norms, attention, rotary) are slower on a CPU. 0.5B shape, 2 cores, step ms
    1 / 8 rows: 38 / 77 in bfloat16, 35 / 62 in float32. Embedding tables keep their dtype (a step reads one
    row each; the 0.5B model's table would double to 545 MB) and hand float32 on."""
    for module in model.modules():
        if isinstance(module, torch.nn.Embedding):
            module.register_forward_hook(_as_float32)
            continue
        if isinstance(module, Int8Linear):
            module.dtype = torch.float32
            continue  # its plain weight, if any, is an embedding's
        for parameter in module.parameters(recurse=False):
            if parameter.is_floating_point():
                parameter.data = parameter.data.float()
        for name, buffer in module.named_buffers(recurse=False):
            if buffer is not None and buffer.is_floating_point():
                module._buffers[name] = buffer.float()


def _fuse_siblings(module: torch.nn.Module, uses: dict[int, int], precise: bool) -> int:
    """Replace each group of ``FUSED_SIBLINGS`` that ``module`` holds (plain, unshared, same input width) by one
    packed weight; returns how many layers were replaced."""
    replaced = 0
    for names in FUSED_SIBLINGS:
        children = [getattr(module, name, None) for name in names]
        parts = [_linear_parts(child) for child in children]
        if any(
            part is None or part[0].device.type != "cpu" or uses.get(id(child.weight), 0) > 1
            for child, part in zip(children, parts)
        ):
            continue
        if len({part[0].shape[1] for part in parts}) != 1:
            continue
        with_bias = [part[1] is not None for part in parts]
        if any(with_bias) and not all(with_bias):
            continue
        weight = torch.cat([part[0] for part in parts])
        bias = torch.cat([part[1] for part in parts]) if all(with_bias) else None
        fused = FusedSiblings(Int8Linear(weight, bias, precise=precise), [part[0].shape[0] for part in parts])
        for which, name in enumerate(names):
            setattr(module, name, Sibling(fused, which))
        replaced += len(names)
    return replaced


def _threads_for_step(module: torch.nn.Module, args: tuple, kwargs: dict) -> None:
    """Before each forward pass: one thread for a few tokens, all cores for more (or for embeddings)."""
    ids = kwargs.get("input_ids", args[0] if args else None)
    wanted = 1 if isinstance(ids, torch.Tensor) and ids.numel() <= ONE_THREAD_TOKENS else CORES
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)


def one_thread_for_short_steps(model: torch.nn.Module) -> None:
    """Give an int8 model's forward passes the thread count above. For the thread that owns the model (the
    local backend's model thread): OpenMP's count is per thread, and this changes it on every step."""
    model.register_forward_pre_hook(_threads_for_step, with_kwargs=True)


def release_freed_memory() -> None:
    """Hand the bf16 weights freed by quantising back to the system: glibc keeps freed blocks in its heaps
    (0.5B model: RSS 2.95 GB after loading, 1.9 GB after this)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def resolve(mode: str, n_params: int) -> str:
    """``int8`` or ``none`` for a model of ``n_params`` parameters (``auto``: int8 where it is faster)."""
    mode = (mode or "auto").strip().lower()
    if mode not in MODES:
        raise ValueError(mode)
    if mode == "auto":
        mode = "int8" if n_params >= AUTO_MIN_PARAMS else "none"
    return mode if available() else "none"
