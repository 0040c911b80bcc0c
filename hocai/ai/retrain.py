"""Lesson 6: retrain a COPY of the class's teaching model on balanced text, live, on the service.

The teaching model learnt from a deliberately skewed part of its corpus (doctors written as «anh», nurses as
«chị»: corpus/25-minh-hoa-thien-kien-nghe-nghiep.txt). Here a copy of it goes on learning from the same kind
of sentences written balanced (corpus/balanced/), and the next-word probabilities of the class model and of
the copy are compared. The class model itself never changes.

All torch work runs on the service's one model thread (``Batcher.call``), a few training steps per call,
so answers for the rest of the class are written between two calls. One retraining per service process:
everyone who asks while it runs, or after, gets the same result.
"""

from __future__ import annotations

import copy
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hocai import paths
from hocai.errors import UserError
from hocai.text import nfc

PROMPTS = ("Bác sĩ là", "Y tá là")
WORDS = ("anh", "chị")
BALANCED_FILE = Path("balanced") / "bac-si-y-ta-can-bang.txt"
# Sized to finish in about 10-25 s on two busy cores, well under the lesson's minute.
RECIPE: dict[str, Any] = {
    "steps": 60,
    "batch": 32,
    "block": 32,
    "lr": 1e-3,
    "seed": 6,
    "steps_per_call": 5,
    "budget_s": 50.0,
}
ONLY_TEACHING = (
    "Chỉ mô hình thu nhỏ của lớp mới huấn luyện lại được trong giờ học; mô hình đang chạy là mô hình "
    "lớn, huấn luyện lại cần nhiều giờ và máy mạnh."
)
NO_LOCAL = "Sân tập AI đang dùng mô hình ở máy chủ khác, nên không huấn luyện lại được ở đây."
NO_TEXT = "Không tìm thấy văn bản cân bằng để huấn luyện lại ({path})."
FAILED = "Huấn luyện lại không thành công; hãy báo giảng viên khởi động lại Sân tập AI."


def balanced_path() -> Path:
    return paths.CORPUS / BALANCED_FILE


def balanced_text() -> str:
    path = balanced_path()
    try:
        return nfc(path.read_text(encoding="utf-8"))
    except OSError:
        raise UserError(NO_TEXT.format(path=path)) from None


def word_ids(tokenizer) -> dict[str, int]:
    """The token of « anh» and « chị»: one token each in the teaching model's vocabulary (the first token of
    each word for a tokenizer that splits them)."""
    ids = {word: tokenizer(" " + word, add_special_tokens=False)["input_ids"][0] for word in WORDS}
    if len(set(ids.values())) != len(WORDS):
        raise UserError(ONLY_TEACHING)
    return ids


def skew(model, tokenizer) -> dict[str, dict[str, float]]:
    """For each prompt: P(« anh»), P(« chị») as the next word, and their ratio anh/chị."""
    import torch

    ids = word_ids(tokenizer)
    out: dict[str, dict[str, float]] = {}
    with torch.inference_mode():
        for prompt in PROMPTS:
            prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            logits = model(input_ids=torch.tensor([prompt_ids])).logits[0, -1].float()
            probs = torch.softmax(logits, dim=-1)
            anh, chi = (float(probs[ids[w]]) for w in WORDS)
            out[prompt] = {"anh": round(anh, 4), "chị": round(chi, 4), "ratio": round(anh / max(chi, 1e-9), 2)}
    return out


def balanced_sentences(text: str) -> dict[tuple[str, str], list[str]]:
    """The sentences of ``text`` that start with a prompt («Bác sĩ là anh …»), grouped by (prompt, «anh»|«chị»)."""
    groups: dict[tuple[str, str], list[str]] = {(p, w): [] for p in PROMPTS for w in WORDS}
    for sentence in re.split(r"(?<=\.)\s+", nfc(text)):
        for prompt in PROMPTS:
            for word in WORDS:
                if sentence.startswith(f"{prompt} {word} "):
                    groups[(prompt, word)].append(sentence.strip())
    return groups


class CopyTrainer:
    """A float32 copy of the model (dropout off) and its optimizer, trained a few steps per ``step()`` call.

    Every batch holds as many «anh» as «chị» sentences for each job, each sentence a sequence of its own,
    so what the copy learns is exactly the balance of the text, whatever the order of the steps.
    """

    def __init__(self, model, tokenizer, text: str, recipe: dict[str, Any] = RECIPE):
        import torch

        self.recipe = recipe
        self.model = copy.deepcopy(model).float()
        self.model.eval()  # no dropout: the same figures every time
        self.tokenizer = tokenizer
        groups = balanced_sentences(text)
        if any(len(group) < 2 for group in groups.values()):
            raise UserError(NO_TEXT.format(path=balanced_path()))
        self.groups = [
            [tokenizer(s, add_special_tokens=False)["input_ids"] for s in group] for group in groups.values()
        ]
        self.generator = torch.Generator().manual_seed(recipe["seed"])
        self.optimizer = torch.optim.AdamW(
            self.model.parameters(), lr=recipe["lr"], betas=(0.9, 0.95), weight_decay=0.0, foreach=False
        )
        self.done_steps = 0
        self.loss = float("nan")

    def _batch(self):
        import torch

        per_group = max(1, self.recipe["batch"] // len(self.groups))
        rows = []
        for group in self.groups:
            picks = torch.randint(len(group), (per_group,), generator=self.generator).tolist()
            rows.extend(group[i][: self.recipe["block"]] for i in picks)
        width = max(len(r) for r in rows)
        pad = self.tokenizer.pad_token_id or 0
        ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
        labels = torch.tensor([r + [-100] * (width - len(r)) for r in rows])
        mask = (labels != -100).long()
        return ids, labels, mask

    def step(self, n: int) -> None:
        import torch

        for _ in range(n):
            steps = self.recipe["steps"]
            for group in self.optimizer.param_groups:  # linear decay: the last steps settle, not jump
                group["lr"] = self.recipe["lr"] * max(0.05, 1 - self.done_steps / steps)
            ids, labels, mask = self._batch()
            loss = self.model(input_ids=ids, attention_mask=mask, labels=labels).loss
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.optimizer.step()
            self.loss = float(loss.item())
            self.done_steps += 1


def _one_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn`` with one torch thread: a model this small trains no faster on two, and on a busy machine
    two threads waiting for each other made the steps 5-10x slower (measured)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return fn(*args)
    finally:
        torch.set_num_threads(threads)


def retrain_copy(
    model,
    tokenizer,
    *,
    run: Callable[[Callable[[], Any]], Any] = lambda fn: fn(),
    text: str | None = None,
    recipe: dict[str, Any] = RECIPE,
    progress: Callable[[float], None] = lambda _fraction: None,
) -> dict[str, Any]:
    """Retrain a copy of ``model`` on balanced text; ``run`` puts each piece of torch work on the model thread.

    Returns the skew before (the class model) and after (the copy), the steps, seconds and sentences.
    """
    import torch

    text = text if text is not None else balanced_text()
    started, started_at = time.monotonic(), time.time()
    saved: dict[str, Any] = {}

    def prepare() -> tuple[dict, CopyTrainer]:
        saved["rng"] = torch.random.get_rng_state()
        return skew(model, tokenizer), CopyTrainer(model, tokenizer, text, recipe)

    before, trainer = run(prepare)
    try:
        while trainer.done_steps < recipe["steps"] and time.monotonic() - started < recipe["budget_s"]:
            run(lambda: _one_thread(trainer.step, min(recipe["steps_per_call"], recipe["steps"] - trainer.done_steps)))
            progress(trainer.done_steps / recipe["steps"])
        after = run(lambda: skew(trainer.model, tokenizer))
    finally:
        run(lambda: torch.random.set_rng_state(saved["rng"]))
    counts = {
        prompt: {word: len(group) for (p, word), group in balanced_sentences(text).items() if p == prompt}
        for prompt in PROMPTS
    }
    return {
        "before": before,
        "after": after,
        "steps": trainer.done_steps,
        "loss": round(trainer.loss, 3),
        "seconds": round(time.monotonic() - started, 1),
        "started_at": started_at,
        "counts": counts,
        "sentences": sum(sum(c.values()) for c in counts.values()),
    }


class Retraining:
    """One retraining for a whole class: the first request starts it, every request reads its state."""

    def __init__(self, backend: Any):
        self.backend = backend
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.progress = 0.0
        self.result: dict[str, Any] | None = None
        self.error: str | None = None
        self.started: float | None = None

    def _work(self) -> None:
        try:
            batcher = self.backend.batcher
            self.result = retrain_copy(
                self.backend.model, self.backend.tokenizer, run=batcher.call, progress=self._set_progress
            )
        except UserError as exc:
            self.error = exc.message
        except Exception:  # a crash must not take the service with it; the class gets one clear sentence
            self.error = FAILED

    def _set_progress(self, fraction: float) -> None:
        self.progress = round(min(1.0, fraction), 3)

    def state(self, start: bool = True) -> dict[str, Any]:
        """{"status": "idle"|"running"|"done"|"error", "progress", and "result" or "error"}."""
        with self._lock:
            if start and self._thread is None:
                self.check()
                self.started = time.monotonic()
                self._thread = threading.Thread(target=self._work, name="hocai-retrain", daemon=True)
                self._thread.start()
        if self.error is not None:
            return {"status": "error", "error": self.error}
        if self.result is not None:
            return {"status": "done", "progress": 1.0, "result": self.result}
        if self._thread is None:
            return {"status": "idle", "progress": 0.0}
        return {
            "status": "running",
            "progress": self.progress,
            "elapsed": round(time.monotonic() - (self.started or time.monotonic()), 1),
        }

    def check(self) -> None:
        """Refuse, with one Vietnamese sentence, what cannot be retrained here."""
        if not hasattr(self.backend, "batcher"):
            raise UserError(NO_LOCAL)
        self.backend.ready()
        if not getattr(self.backend, "teaching_model", False):
            raise UserError(ONLY_TEACHING)


_registry_lock = threading.Lock()


def for_backend(backend: Any) -> Retraining:
    """The one ``Retraining`` of this backend (made on first use)."""
    with _registry_lock:
        retraining = getattr(backend, "_hocai_retraining", None)
        if retraining is None:
            retraining = Retraining(backend)
            backend._hocai_retraining = retraining
        return retraining
