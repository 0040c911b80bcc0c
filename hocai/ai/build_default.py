"""Build the default teaching model: a tiny GPT-2 and a byte-level BPE tokenizer trained on corpus/.

The build is deterministic (fixed seeds, deterministic kernels, a fixed thread count), runs in a few
minutes on two CPU cores, needs no network, and lands in the store atomically under a lock, so a
killed or concurrent build never leaves a half-written model behind. It publishes how far it is
(``build_progress``), so the service can say «Mô hình đang được tạo: 40%» while ``hocai start`` runs it in
the background (``python -m hocai.ai.build_default``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hocai import paths, settings
from hocai.ai import build_progress, store
from hocai.errors import UserError
from hocai.text import nfc

# Idle OpenMP threads sleep instead of spinning: on a shared 2-core machine spinning slowed training 2-4x.
# Effective only when torch is first imported after this module (as in ``hocai models build-default``).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

MODEL_NAME = store.DEFAULT_MODEL
PROGRESS_LABEL = "Đang tạo mô hình thu nhỏ"
STEPS_ENV = settings.env_var("build_steps")  # tests only: a shorter build on the same code (never the class model)
EOS = "<|endoftext|>"
PAD = "<pad>"

# Sized to train in about two minutes on two CPU cores; see models/README.md for the measurements.
RECIPE: dict[str, Any] = {
    "version": 3,
    "vocab_size": 4000,
    "min_frequency": 2,
    "n_embd": 128,
    "n_layer": 4,
    "n_head": 4,
    "n_positions": 128,
    "block": 64,
    "batch": 32,
    "steps": 500,
    "lr": 3e-3,
    "warmup": 50,
    "weight_decay": 0.01,
    "dropout": 0.1,
    "val_every": 20,
    "seed": 20240915,
    "threads": 2,
}

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKUP = re.compile(r"<[^>]+>|[`*_#>|]+")


def _markdown_text(source: str) -> str:
    """The words of a markdown cell without links, HTML, emphasis or table markup."""
    text = _MD_LINK.sub(r"\1", source)
    text = _MD_MARKUP.sub(" ", text)
    lines = (re.sub(r"[ \t]+", " ", line).strip(" -") for line in text.splitlines())
    return "\n".join(line for line in lines if line)


_REFERENCE_CELLS = ("## Nguồn", "## Từ điển của khóa học")


def _markdown_sources(path: Path) -> list[str] | None:
    """The markdown cells of a notebook (nbformat 4 JSON), read as plain JSON: importing nbformat costs 2-5 s,
    which ``hocai start`` would pay before JupyterLab opens just to see whether the model is current."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources = [cell.get("source", "") for cell in cells if cell.get("cell_type") == "markdown"]
        return [source if isinstance(source, str) else "".join(source) for source in sources]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def corpus_documents(corpus_dir: Path | None = None, notebooks_dir: Path | None = None) -> list[tuple[str, str]]:
    """(label, NFC text) for every corpus/*.txt and the markdown of every notebooks/*.ipynb, in name order."""
    corpus_dir = Path(corpus_dir or paths.CORPUS)
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS)
    docs: list[tuple[str, str]] = []
    for path in sorted(corpus_dir.glob("*.txt")):
        text = nfc(path.read_text(encoding="utf-8")).replace("\r\n", "\n").strip()
        if text:
            docs.append((f"corpus/{path.name}", text))
    if notebooks_dir.is_dir():
        for path in sorted(notebooks_dir.glob("*.ipynb")):
            if path.name.startswith("00-"):  # the trainer's guide is not course text for the class model
                continue
            sources = _markdown_sources(path)
            if sources is None:  # a notebook being edited may be invalid for a moment; the corpus is enough
                continue
            # The sources list and the glossary page are reference apparatus, generated and repeated across
            # lessons: left out so they do not outweigh the lessons' prose in the class model.
            cells = [_markdown_text(source) for source in sources if not source.startswith(_REFERENCE_CELLS)]
            text = nfc("\n\n".join(c for c in cells if c)).strip()
            if text:
                docs.append((f"notebooks/{path.name}", text))
    if not docs:
        raise UserError(f"Không có văn bản nào để tạo mô hình: thư mục {corpus_dir} chưa có tệp .txt nào.")
    return docs


def corpus_sha256(docs: list[tuple[str, str]]) -> str:
    """A digest of the training text, so a changed corpus means a rebuild."""
    digest = hashlib.sha256()
    for label, text in docs:
        for part in (label, text):
            data = part.encode("utf-8")
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
    return digest.hexdigest()


def train_tokenizer(docs: list[tuple[str, str]], recipe: dict[str, Any] = RECIPE):
    """A byte-level BPE tokenizer (NFC first, GPT-2 word splitting) wrapped for transformers.

    Digits are split one by one (a space before a number stays with its first digit), so the model learns
    the shape of a document number digit by digit and writes numbers it never saw, which is what lesson 5
    shows ("Căn cứ Quyết định số" → an invented number); a year 2010-2029 stays one piece, so it can
    become one token and the model does not lose count of its digits.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r"(?<![0-9]) ?20[12][0-9](?![0-9])| ?[0-9]"), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=recipe["vocab_size"],
        min_frequency=recipe["min_frequency"],
        special_tokens=[EOS, PAD],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator([text for _, text in docs], trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=EOS,
        eos_token=EOS,
        pad_token=PAD,
        model_max_length=recipe["n_positions"],
        clean_up_tokenization_spaces=False,
    )


@contextmanager
def _deterministic_torch(threads: int, seed: int) -> Iterator[None]:
    """Seed everything and pin threads and kernels for the build; restore the process's settings after."""
    import random

    import numpy as np
    import torch

    saved = (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled(), torch.random.get_rng_state())
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        torch.set_num_threads(saved[0])
        torch.use_deterministic_algorithms(saved[1])
        torch.random.set_rng_state(saved[2])


def _token_stream(tokenizer, docs: list[tuple[str, str]]):
    import torch

    ids: list[int] = []
    for _, text in docs:
        ids.extend(tokenizer.backend_tokenizer.encode(text, add_special_tokens=False).ids)
        ids.append(tokenizer.eos_token_id)
    return torch.tensor(ids, dtype=torch.long)


def _split(stream, block: int, val_every: int):
    """Every ``val_every``-th block is held out; training windows never overlap a held-out block."""
    import torch

    n = stream.numel()
    held = torch.zeros(n, dtype=torch.long)
    val_starts = list(range((val_every - 1) * block, n - block - 1, val_every * block))
    for start in val_starts:
        held[start : start + block + 1] = 1
    csum = torch.cat([torch.zeros(1, dtype=torch.long), held.cumsum(0)])
    starts = torch.arange(0, n - block)
    clean = (csum[starts + block + 1] - csum[starts]) == 0
    return starts[clean], torch.tensor(val_starts, dtype=torch.long)


def _windows(stream, starts, block: int):
    import torch

    offsets = torch.arange(block + 1)
    return stream[starts.unsqueeze(1) + offsets]


def _lr(step: int, recipe: dict[str, Any], steps: int) -> float:
    warmup = min(recipe["warmup"], max(1, steps // 10))
    if step < warmup:
        return recipe["lr"] * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return recipe["lr"] * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def train(
    docs: list[tuple[str, str]],
    *,
    steps: int | None = None,
    progress: bool = True,
    recipe: dict[str, Any] = RECIPE,
    on_progress: Callable[[float], None] | None = None,
):
    """Train tokenizer and model; returns (model, tokenizer, stats). ``on_progress(fraction)`` after each step."""
    import torch
    from tqdm.auto import tqdm
    from transformers import GPT2Config, GPT2LMHeadModel

    steps = int(steps or recipe["steps"])
    with store.quiet_transformers(), _deterministic_torch(recipe["threads"], recipe["seed"]):
        tokenizer = train_tokenizer(docs, recipe)
        stream = _token_stream(tokenizer, docs)
        block = recipe["block"]
        if stream.numel() < 4 * block:
            raise UserError("Kho văn bản quá ít chữ để tạo mô hình; hãy thêm văn bản vào thư mục corpus/.")
        train_starts, val_starts = _split(stream, block, recipe["val_every"])
        config = GPT2Config(
            vocab_size=len(tokenizer),
            n_positions=recipe["n_positions"],
            n_embd=recipe["n_embd"],
            n_layer=recipe["n_layer"],
            n_head=recipe["n_head"],
            resid_pdrop=recipe["dropout"],
            embd_pdrop=recipe["dropout"],
            attn_pdrop=recipe["dropout"],
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
            tie_word_embeddings=True,
            loss_type="ForCausalLM",
        )
        model = GPT2LMHeadModel(config)
        generator = torch.Generator().manual_seed(recipe["seed"])
        decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
        no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
        optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": recipe["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}],
            lr=recipe["lr"],
            betas=(0.9, 0.95),
            foreach=False,
        )
        model.train()
        started = time.perf_counter()
        ema = None
        bar = tqdm(
            total=steps, desc=PROGRESS_LABEL, unit="bước", disable=not progress, file=sys.stderr, dynamic_ncols=True
        )
        for step in range(steps):
            for group in optimizer.param_groups:
                group["lr"] = _lr(step, recipe, steps)
            pick = torch.randint(len(train_starts), (recipe["batch"],), generator=generator)
            batch = _windows(stream, train_starts[pick], block)
            loss = model(input_ids=batch, labels=batch).loss
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            value = loss.item()
            ema = value if ema is None else 0.95 * ema + 0.05 * value
            bar.update(1)
            if on_progress is not None:
                on_progress((step + 1) / steps)
            if step % 10 == 0 or step == steps - 1:
                bar.set_postfix(loss=f"{ema:.2f}")
        bar.close()
        model.eval()
        val_loss = _evaluate(model, stream, val_starts, block)
        n_chars = sum(len(text) for _, text in docs)
        stats = {
            "steps": steps,
            "train_loss": round(ema, 4),
            "val_loss": round(val_loss, 4) if val_loss is not None else None,
            "train_seconds": round(time.perf_counter() - started, 1),
            "tokens": int(stream.numel()),
            "characters": n_chars,
            "parameters": sum(p.numel() for p in model.parameters()),
        }
    return model, tokenizer, stats


def _evaluate(model, stream, val_starts, block: int) -> float | None:
    import torch

    if len(val_starts) == 0:
        return None
    with torch.no_grad():
        losses = [
            model(input_ids=chunk, labels=chunk).loss.item() for chunk in _windows(stream, val_starts, block).split(64)
        ]
    return sum(losses) / len(losses)


def _write(folder: Path, model, tokenizer, docs, stats: dict[str, Any], recipe: dict[str, Any]) -> None:
    import torch
    import transformers
    from transformers import GenerationConfig

    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        do_sample=True,
        temperature=1.0,
        max_new_tokens=30,
    )
    model.save_pretrained(str(folder), safe_serialization=True)
    tokenizer.save_pretrained(str(folder))
    meta = {
        "name": MODEL_NAME,
        "teaching_model": True,
        "title": "Mô hình thu nhỏ (GPT-2 tí hon, học từ kho văn bản của bộ công cụ)",
        "built_from": [label for label, _ in docs],
        "corpus_sha256": corpus_sha256(docs),
        "recipe": recipe,
        **stats,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "created_by": "hocai models build-default",
    }
    (folder / store.METADATA_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def is_current(folder: Path, docs: list[tuple[str, str]] | None = None, *, steps: int | None = None) -> bool:
    """True when ``folder`` holds a complete teaching model built by this recipe (``steps`` long, default the
    recipe's) from today's corpus."""
    if not store.is_installed(folder):
        return False
    meta = store.info(folder)
    docs = docs if docs is not None else corpus_documents()
    recipe = dict(RECIPE, steps=int(steps)) if steps else RECIPE
    return meta.get("corpus_sha256") == corpus_sha256(docs) and meta.get("recipe") == recipe


def steps_from_env() -> int | None:
    """``HOCAI_BUILD_STEPS`` (tests only, ``hocai.settings``), else None: the recipe's steps."""
    return settings.kit().build_steps


def _target(out_dir: str | Path | None) -> Path:
    return Path(out_dir) if out_dir else store.store_dir() / MODEL_NAME


def default_target() -> Path:
    """Where ``hocai start`` builds the teaching model: the store (``HOCAI_MODEL_STORE`` counts)."""
    return _target(None)


# Share of the progress bar: reading the corpus and training the tokenizer, then the training steps, then
# writing and installing the folder (the file disappears once the model is in place).
_PREPARED, _TRAINED = 5, 97


def _build_locked(target: Path, docs, *, progress: bool, steps: int | None) -> Path:
    store.clean_stale(target)
    staging = store.staging_dir(target, "build")
    report = build_progress.Reporter(target)
    report(0)
    try:

        def on_progress(fraction: float) -> None:
            report(_PREPARED + (_TRAINED - _PREPARED) * fraction)

        model, tokenizer, stats = train(docs, steps=steps, progress=progress, on_progress=on_progress)
        recipe = dict(RECIPE, steps=stats["steps"])
        _write(staging, model, tokenizer, docs, stats, recipe)
        store.install(staging, target)
        build_progress.clear(target)
    except UserError as exc:
        build_progress.fail(target, exc.message)
        raise
    except Exception as exc:
        build_progress.fail(target, build_progress.FAILED.format(kind=type(exc).__name__))
        raise
    except BaseException:  # stopped (Ctrl-C, the workshop closing): not a failure, the next start builds again
        build_progress.clear(target)
        raise
    finally:
        if staging.exists():
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
    return target


def build_default(out_dir: str | Path | None = None, *, progress: bool = True, steps: int | None = None) -> Path:
    """Train the teaching model from the corpus and install it at ``out_dir`` (default: the store)."""
    target = _target(out_dir)
    docs = corpus_documents()
    with store.lock(target, what="tạo"):
        return _build_locked(target, docs, progress=progress, steps=steps)


def ensure_default(out_dir: str | Path | None = None, *, progress: bool = True, steps: int | None = None) -> Path:
    """The teaching model's folder, building it only when missing or when the corpus changed."""
    target = _target(out_dir)
    docs = corpus_documents()
    if is_current(target, docs, steps=steps):
        return target
    with store.lock(target, what="tạo"):
        if is_current(target, docs, steps=steps):  # another process built it while we waited
            return target
        return _build_locked(target, docs, progress=progress, steps=steps)


def _stop(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    """``python -m hocai.ai.build_default``: the background build ``hocai start`` runs while the class opens.

    Stopped (the workshop closing), it removes its staging folder and progress file on the way out; nicer than
    the lessons and the service, so the class stays responsive while it trains.
    """
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    try:
        os.nice(5)
    except OSError:
        pass
    started = time.perf_counter()
    try:
        folder = ensure_default(progress=False, steps=steps_from_env())
    except UserError as exc:
        print(exc.message, file=sys.stderr, flush=True)
        return 2
    print(f"Mô hình AI đã sẵn sàng tại {folder} ({time.perf_counter() - started:.0f} giây).", flush=True)
    return 0


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def top_next_words(model, tokenizer, text: str, k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` likeliest next tokens after ``text`` with their probabilities."""
    import torch

    ids = tokenizer(nfc(text), return_tensors="pt", add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0, -1]
    probs = torch.softmax(logits.float(), dim=-1)
    values, indices = probs.topk(k)
    return [(tokenizer.decode([int(i)]), float(v)) for v, i in zip(values, indices)]


def _vi(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def build_command(args: argparse.Namespace) -> int:
    """``hocai models build-default``: build (or rebuild) the teaching model and show what it learnt."""
    started = time.perf_counter()
    folder = build_default(progress=True)
    seconds = time.perf_counter() - started
    model, tokenizer, meta = store.load(folder)
    size_mb = _vi(folder_size(folder) / 1e6)
    print(
        f"Đã tạo mô hình thu nhỏ tại {folder} ({size_mb} MB, {_vi(meta['parameters'] / 1e6)} triệu tham số, "
        f"{seconds:.0f} giây; độ lỗi cuối: {_vi(meta['train_loss'], 2)} khi học, {_vi(meta['val_loss'] or 0, 2)} "
        "trên đoạn văn giữ lại để kiểm tra)."
    )
    prompt = "Bình dân học vụ"
    guesses = ", ".join(f"«{word.strip()}» {p:.0%}" for word, p in top_next_words(model, tokenizer, prompt))
    print(f"Thử đoán từ tiếp theo sau «{prompt}»: {guesses}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
