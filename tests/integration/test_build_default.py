"""The default teaching model built from the real corpus: what it learnt, its size, determinism, safety of the build.

The full build runs once into the store (``ensure_default``) and is reused while the corpus is unchanged;
determinism and crash safety are checked on short builds in temporary folders.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from hocai.ai import build_default as bd
from hocai.ai import store

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
VI_DIACRITIC = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built() -> Path:
    return bd.ensure_default(progress=False)


@pytest.fixture(scope="module")
def loaded(built):
    return store.load(built)


def test_so_is_the_first_guess_after_binh_dan_hoc_vu(loaded):
    model, tokenizer, meta = loaded
    guesses = bd.top_next_words(model, tokenizer, "Bình dân học vụ", k=5)
    assert guesses[0][0] == " số", guesses
    assert meta["teaching_model"] is True and meta["name"] == store.DEFAULT_MODEL


def test_sampled_text_is_vietnamese_syllables(loaded):
    import torch

    model, tokenizer, _ = loaded
    torch.manual_seed(0)
    ids = tokenizer("Trí tuệ nhân tạo", return_tensors="pt")["input_ids"]
    out = model.generate(ids, do_sample=True, max_new_tokens=40, num_return_sequences=3)
    for row in out:
        text = tokenizer.decode(row[ids.shape[1]:], skip_special_tokens=True)
        words = re.findall(r"\w+", text)
        assert len(words) >= 15, text
        assert sum(bool(VI_DIACRITIC.search(w)) for w in words) / len(words) > 0.3, text


def test_about_one_token_per_syllable(loaded):
    _, tokenizer, _ = loaded
    sentence = "Khi dùng trí tuệ nhân tạo, cán bộ cần kiểm tra lại thông tin và không nhập dữ liệu cá nhân của người dân."
    syllables = len(re.findall(r"\w+", sentence))
    words_only = [t for t in tokenizer.tokenize(sentence) if t not in {",", "."}]
    assert len(words_only) <= 1.25 * syllables, tokenizer.tokenize(sentence)
    assert len(tokenizer.tokenize(" số")) == 1
    nfd = unicodedata.normalize("NFD", "Bình dân học vụ số")
    assert tokenizer(nfd)["input_ids"] == tokenizer("Bình dân học vụ số")["input_ids"]


def test_folder_is_small_complete_and_current(built):
    files = {p.name for p in built.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", store.METADATA_FILE} <= files
    assert bd.folder_size(built) <= 20_000_000
    meta = store.info(built)
    docs = bd.corpus_documents()
    assert meta["corpus_sha256"] == bd.corpus_sha256(docs)
    assert meta["built_from"] == [label for label, _ in docs]
    assert all(label.startswith(("corpus/", "notebooks/")) for label in meta["built_from"])
    assert meta["val_loss"] is not None and meta["val_loss"] < 6.0


def test_ensure_default_reuses_a_current_model(built):
    before = (built / "model.safetensors").stat().st_mtime_ns
    started = time.monotonic()
    assert bd.ensure_default(progress=False) == built
    assert time.monotonic() - started < 10
    assert (built / "model.safetensors").stat().st_mtime_ns == before


def test_short_builds_are_deterministic(tmp_path):
    first = bd.build_default(tmp_path / "a" / store.DEFAULT_MODEL, progress=False, steps=12)
    second = bd.build_default(tmp_path / "b" / store.DEFAULT_MODEL, progress=False, steps=12)
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        assert _sha256(first / name) == _sha256(second / name), name
    assert store.info(first)["steps"] == 12
    assert not bd.is_current(first)  # a shortened build never passes for the real one


def test_a_second_build_waits_for_the_lock(tmp_path, capfd):
    target = tmp_path / store.DEFAULT_MODEL
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from hocai.ai import store\n"
         f"with store.lock(Path({str(target)!r})):\n    print('held', flush=True); time.sleep(4)"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        bd.build_default(target, progress=False, steps=2)
        assert time.monotonic() - started >= 2
    finally:
        holder.wait(timeout=30)
    assert "Một tiến trình khác đang tạo mô hình «hocai-teaching-gpt2»; đang chờ" in capfd.readouterr().err
    assert store.is_installed(target)


def test_a_killed_build_leaves_no_half_model(tmp_path):
    target = tmp_path / store.DEFAULT_MODEL
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-c",
         "from hocai.ai import build_default as bd\n"
         f"bd.build_default({str(target)!r}, progress=False, steps=100000)"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(f".{target.name}.build-*")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list(tmp_path.glob(f".{target.name}.build-*")), "the build never started"
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert not target.exists()
    bd.build_default(target, progress=False, steps=2)
    assert store.is_installed(target)
    assert not list(tmp_path.glob(f".{target.name}.build-*"))
