"""Helpers shared by the test folders (importable because tests/ holds the root conftest.py)."""

from __future__ import annotations

import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import json
from pathlib import Path

HOCAI = str(Path(sys.executable).with_name("hocai"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Workshop:
    """`hocai start` as a participant's trainer runs it, with its printed addresses."""

    def __init__(self, env: dict[str, str], lab_port: int, app_port: int):
        self.proc = subprocess.Popen(
            [HOCAI, "start", "--lab-port", str(lab_port), "--app-port", str(app_port), "--no-browser"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, marker: str, timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            seen.append(line)
            if marker in line:
                return line
        raise AssertionError(f"{marker!r} not printed; output was:\n{''.join(seen)}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=60)


LINES = [
    "Xin chào các bạn, hôm nay chúng ta học về trí tuệ nhân tạo.",
    "Cán bộ xã dùng máy tính để soạn văn bản và trả lời người dân.",
    "Mô hình ngôn ngữ đoán từ tiếp theo dựa trên các từ đứng trước.",
    "Không gửi số điện thoại, số căn cước hay số tài khoản cho người lạ.",
    "Trời hôm nay đẹp, bà con ra đồng sớm để gặt lúa.",
]


def build_tiny_model(folder: Path, *, teaching: bool = True, n_positions: int = 256) -> Path:
    """A random 2-layer GPT-2 and a BPE tokenizer saved with save_pretrained (about 1 s)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    raw.train_from_iterator(LINES * 4, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, eos_token="<|endoftext|>",
                                        bos_token="<|endoftext|>", pad_token="<|endoftext|>")
    tokenizer.save_pretrained(folder)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=n_positions, n_embd=64, n_layer=2, n_head=2,
                        bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id)
    import torch

    torch.manual_seed(0)
    GPT2LMHeadModel(config).save_pretrained(folder)
    meta = {"name": folder.name, "teaching_model": teaching, "built_from": "tests (random weights)"}
    (folder / "hocai_model.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder
