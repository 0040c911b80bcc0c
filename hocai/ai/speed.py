"""Measure how fast a catalogue model writes on this machine, without downloading it.

Decoding speed on a CPU depends on the model's shape (how many bytes of weights each token reads), not on
what the weights say, so a model of the same shape with random weights decodes at the same speed. Here the
shape is built with random weights, loaded as the service loads them (int8 where the catalogue and
``quant.resolve`` say so, else packed bfloat16; the teaching model itself, in float32), and a few decode steps
of one participant are timed (the fastest counts): a big shape on two shared cores takes minutes to measure
fully, a few steps take seconds and give the same per-token figure.

``hocai models bench NAME`` prints the figure; ``--save`` writes it into models/catalogue.toml
(``measured_tokens_per_s`` and ``measured_on``, only those two fields of that model).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import time
from datetime import date
from pathlib import Path
from typing import Any

from hocai.errors import UserError

# Shapes from each model's published config.json (transformers class, config arguments).
SHAPES: dict[str, tuple[str, dict[str, Any]]] = {
    "qwen2.5-0.5b-instruct": (
        "Qwen2",
        dict(
            vocab_size=151936,
            hidden_size=896,
            intermediate_size=4864,
            num_hidden_layers=24,
            num_attention_heads=14,
            num_key_value_heads=2,
            tie_word_embeddings=True,
        ),
    ),
    "qwen3-0.6b": (
        "Qwen3",
        dict(
            vocab_size=151936,
            hidden_size=1024,
            intermediate_size=3072,
            num_hidden_layers=28,
            num_attention_heads=16,
            num_key_value_heads=8,
            head_dim=128,
            tie_word_embeddings=True,
        ),
    ),
    "qwen2.5-1.5b-instruct": (
        "Qwen2",
        dict(
            vocab_size=151936,
            hidden_size=1536,
            intermediate_size=8960,
            num_hidden_layers=28,
            num_attention_heads=12,
            num_key_value_heads=2,
            tie_word_embeddings=True,
        ),
    ),
    "seallms-v3-1.5b-chat": (
        "Qwen2",
        dict(
            vocab_size=151936,
            hidden_size=1536,
            intermediate_size=8960,
            num_hidden_layers=28,
            num_attention_heads=12,
            num_key_value_heads=2,
            tie_word_embeddings=True,
        ),
    ),
    "gemma-3-1b-it": (
        "Gemma3Text",
        dict(
            vocab_size=262144,
            hidden_size=1152,
            intermediate_size=6912,
            num_hidden_layers=26,
            num_attention_heads=4,
            num_key_value_heads=1,
            head_dim=256,
            sliding_window=512,
        ),
    ),
    "vinallama-2.7b-chat": (
        "Llama",
        dict(
            vocab_size=46303,
            hidden_size=2560,
            intermediate_size=6912,
            num_hidden_layers=32,
            num_attention_heads=32,
            num_key_value_heads=32,
            tie_word_embeddings=False,
        ),
    ),
}
PROMPT_TOKENS = 32
WARMUP_STEPS = 2
STEPS = 6


def _random_model(name: str):
    """The model's shape with random weights, in the dtype and packing the service would use here."""
    import torch
    import transformers

    from hocai.ai.backends import prepack
    from hocai.ai.backends.local import cpu_has_bf16

    if name not in SHAPES:
        raise UserError(f"Chưa có kích thước của mô hình «{name}» để đo.")
    family, shape = SHAPES[name]
    config = getattr(transformers, f"{family}Config")(**shape)
    model_class = getattr(transformers, f"{family.removesuffix('Text')}ForCausalLM")
    dtype = torch.bfloat16 if cpu_has_bf16() else torch.float32
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        torch.manual_seed(0)
        model = model_class(config)
    finally:
        torch.set_default_dtype(previous)
    model.eval()
    from hocai.ai.backends import quant
    from hocai.ai.catalogue import find_entry

    n_params = sum(p.numel() for p in model.parameters())
    if quant.resolve(find_entry(name).quantize or "auto", n_params) == "int8":  # as the service loads it
        quant.quantize_linears(model, precise=quant.precise_layers(n_params))
        return model, "int8"
    if dtype == torch.bfloat16:
        prepack.prepack_linears(model, batch_hint=8)
    return model, str(dtype).replace("torch.", "")


def _teaching_model():
    from hocai.ai import store

    folder = store.resolve(store.DEFAULT_MODEL)
    if not store.is_installed(folder):
        raise UserError(store.missing_message(store.DEFAULT_MODEL))
    import torch

    model, _tokenizer, _meta = store.load(folder)
    return model.eval().to(torch.float32), "float32"


def decode_tokens_per_s(model, vocab_size: int, steps: int = STEPS, *, cpu_time: bool = False) -> float:
    """One participant's decoding speed from ``steps`` timed steps after a warm-up.

    Wall clock (default): 1 / the fastest step, the speed a trainer sees on their own quiet machine.
    ``cpu_time``: the process's CPU seconds per step on ONE torch thread. The kit's 2-core development
    machines are shared with other work, which stretched wall-clock figures 2-10x at random (measured);
    CPU time counts only the time this process really ran, so it gives the same figure however busy the
    machine is — a conservative one: the service decodes on two threads, which is faster still.
    """
    import random

    import torch
    from transformers import DynamicCache

    ids = torch.tensor([random.Random(0).choices(range(vocab_size), k=PROMPT_TOKENS)])
    clock = time.process_time if cpu_time else time.perf_counter
    threads = torch.get_num_threads()
    if cpu_time:
        torch.set_num_threads(1)
    times = []
    try:
        with torch.inference_mode():
            out = model(
                input_ids=ids, past_key_values=DynamicCache(config=model.config), use_cache=True, logits_to_keep=1
            )
            for step in range(WARMUP_STEPS + steps):
                started = clock()
                out = model(
                    input_ids=out.logits[:, -1].argmax(-1, keepdim=True),
                    past_key_values=out.past_key_values,
                    use_cache=True,
                )
                if step >= WARMUP_STEPS:
                    times.append(clock() - started)
    finally:
        torch.set_num_threads(threads)
    return steps / sum(times) if cpu_time else 1.0 / min(times)


def machine() -> str:
    """This machine in a few words: CPU model, cores, bf16 support and load."""
    from hocai.ai.backends.local import cpu_has_bf16

    cpu = platform.processor() or "CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    bf16 = "có bf16" if cpu_has_bf16() else "không có bf16"
    return f"{cpu}, {os.cpu_count()} nhân, {bf16}, tải {load:.1f} lúc đo"


def measure(name: str, steps: int = STEPS) -> dict[str, Any]:
    """{"name", "tokens_per_s", "dtype", "machine", "date", …} for a catalogue model's shape."""
    import torch

    from hocai.ai.catalogue import find_entry

    entry = find_entry(name)
    threads = torch.get_num_threads()
    started = time.perf_counter()
    model, dtype = _teaching_model() if entry.teaching_model else _random_model(entry.name)
    speed = decode_tokens_per_s(model, model.config.vocab_size, steps, cpu_time=True)
    wall = decode_tokens_per_s(model, model.config.vocab_size, steps)
    result = {
        "name": entry.name,
        "tokens_per_s": round(speed, 1),
        "wall_tokens_per_s": round(wall, 1),
        "dtype": dtype,
        "teaching": entry.teaching_model,
        "steps": steps,
        "threads": threads,
        "machine": machine(),
        "date": date.today().isoformat(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    del model
    return result


def measured_on(result: dict[str, Any]) -> str:
    weights = "mô hình thật" if result.get("teaching") else "trọng số ngẫu nhiên cùng kích thước"
    return (
        f"{result['date']}; {result['machine']}; {result['dtype']}, {weights}, 1 người dùng, "
        f"{result['steps']} bước giải mã trên MỘT nhân, tính theo thời gian CPU (không tính lúc máy bận việc "
        "khác); Sân tập AI dùng hai nhân"
    )


def save(result: dict[str, Any], path: Path | None = None) -> Path:
    """Write the figure into that model's table of the catalogue, touching only the two measured fields."""
    from hocai.ai.catalogue import catalogue_path

    path = path or catalogue_path()
    text = path.read_text(encoding="utf-8")
    tables = re.split(r"(?m)^(?=\[\[model\]\])", text)
    for i, table in enumerate(tables):
        if re.search(rf'(?m)^name = "{re.escape(result["name"])}"$', table):
            table = re.sub(r"(?m)^measured_(tokens_per_s|on) = .*\n", "", table)
            lines = f'measured_tokens_per_s = {result["tokens_per_s"]}\nmeasured_on = "{measured_on(result)}"\n'
            table = re.sub(r"(?m)^(cpu_tokens_per_s = .*\n)", lambda m, lines=lines: m.group(1) + lines, table, count=1)
            tables[i] = table
            break
    else:
        raise UserError(f"Không thấy mô hình «{result['name']}» trong {path}.")
    path.write_text("".join(tables), encoding="utf-8")
    return path


def bench_command(args: argparse.Namespace) -> int:
    """``hocai models bench NAME [--steps N] [--save]``."""
    result = measure(args.name, steps=max(1, int(args.steps)))
    print(
        f"«{result['name']}»: {str(result['tokens_per_s']).replace('.', ',')} token/giây cho một người dùng "
        f"({measured_on(result)}; đo trong {result['seconds']:.0f} giây)."
    )
    print(
        f"Theo đồng hồ, với {result['threads']} luồng, bước nhanh nhất: "
        f"{str(result['wall_tokens_per_s']).replace('.', ',')} token/giây (phụ thuộc máy đang bận đến đâu)."
    )
    print("Khi cả lớp dùng cùng lúc, Sân tập AI gộp nhiều người vào một lượt, nên tổng tốc độ cao hơn vài lần.")
    if args.save:
        print(f"Đã ghi vào {save(result)}.")
    return 0
