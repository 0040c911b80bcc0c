"""The default teaching model built from the real corpus: what it learnt, its size, determinism, safety of the build.

The full build runs once per session into the store (the ``default_model`` fixture) and is reused while the corpus
is unchanged;
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
def built(default_model) -> Path:
    return default_model


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
        text = tokenizer.decode(row[ids.shape[1] :], skip_special_tokens=True)
        words = re.findall(r"\w+", text)
        assert len(words) >= 15, text
        assert sum(bool(VI_DIACRITIC.search(w)) for w in words) / len(words) > 0.3, text


def test_about_one_token_per_syllable(loaded):
    _, tokenizer, _ = loaded
    sentence = (
        "Khi dùng trí tuệ nhân tạo, cán bộ cần kiểm tra lại thông tin và không nhập dữ liệu cá nhân của người dân."
    )
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
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from hocai.ai import store\n"
            f"with store.lock(Path({str(target)!r})):\n    print('held', flush=True); time.sleep(4)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
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
        [
            sys.executable,
            "-c",
            "from hocai.ai import build_default as bd\n"
            f"bd.build_default({str(target)!r}, progress=False, steps=100000)",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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


# ---- issue 17: what each lesson shows, live on the class model (thresholds from the issue) --------------

SAMPLES = 30
CITATION = re.compile(r"^\s*(\d+/\d{4}/QĐ-[A-ZĐ]+)")


@pytest.fixture(scope="module")
def backend(built):
    """The class model behind the service's own backend (model thread, batched sampling), as lessons use it."""
    from hocai.ai.backends.local import LocalBackend

    local = LocalBackend(model=str(built))
    local.load()
    assert local.status == "ok", local.message
    yield local
    local.close()


def _samples(backend, prompt: str, temperature: float, max_new_tokens: int) -> list[str]:
    import torch

    torch.manual_seed(20261204)  # the model is built deterministically; seeded draws make the figure exact
    out: list[str] = []
    while len(out) < SAMPLES:
        out += backend.sample(
            prompt, n=min(8, SAMPLES - len(out)), max_new_tokens=max_new_tokens, temperature=temperature
        )
    return out


def test_lesson5_invented_decision_numbers(backend):
    """After «Căn cứ Quyết định số» the model writes a well-formed number it made up, a different one each time."""
    from hocai.lessons import lesson05

    texts = _samples(backend, lesson05.SAMPLE_START, 1.0, 20)  # the lesson's slider starts at 1.0
    numbers = [m.group(1) for t in texts if (m := CITATION.match(t))]
    assert len(numbers) >= 0.6 * SAMPLES, texts
    assert len(set(numbers)) >= 0.8 * len(numbers), numbers
    corpus = (ROOT / "corpus" / "24-minh-hoa-so-hieu-van-ban.txt").read_text(encoding="utf-8")
    assert sum(n not in corpus for n in numbers) >= 0.3 * len(numbers), "it recombines digits, not only copies"


def test_digits_are_split_so_numbers_recombine(loaded):
    _, tokenizer, _ = loaded
    pieces = [tokenizer.convert_tokens_to_string([p]) for p in tokenizer.tokenize("Quyết định số 128/2024/QĐ-UBND")]
    start = pieces.index(" 1")
    assert pieces[start - 1 : start + 5] == [" số", " 1", "2", "8", "/", "2024"], pieces


def test_lesson6_bias_from_data_and_a_retrained_copy(backend):
    """The class model shows the skew of its data (≥ 3×); a copy retrained on the service's model thread in under
    60 s on balanced text is within 1.5×, and the class model is unchanged."""
    from hocai.ai import retrain
    from hocai.lessons import lesson06

    before = backend.batcher.call(lambda: retrain.skew(backend.model, backend.tokenizer))
    assert before["Bác sĩ là"]["anh"] >= lesson06.SKEW_GOAL * before["Bác sĩ là"]["chị"], before
    assert before["Y tá là"]["chị"] >= lesson06.SKEW_GOAL * before["Y tá là"]["anh"], before
    words = dict(backend.next_words("Bác sĩ là", 2))
    assert set(words) == {"anh", "chị"}, words  # what the lesson's next-word chart shows

    started = time.monotonic()
    result = retrain.retrain_copy(backend.model, backend.tokenizer, run=backend.batcher.call)
    assert time.monotonic() - started < 60 and result["steps"] == retrain.RECIPE["steps"]
    assert result["before"] == before
    for *_figures, factor in lesson06.skew_rows(result["after"]):
        assert factor < lesson06.BALANCED_GOAL, result["after"]
    assert backend.batcher.call(lambda: retrain.skew(backend.model, backend.tokenizer)) == before


def test_lesson5_knowledge_cutoff(backend):
    """Asked about a change after its text stops, the model names the old leader and never the new one."""
    from hocai.lessons import lesson05

    for prompt in lesson05.CUTOFF_PROMPTS:
        counts = lesson05.who_it_names(_samples(backend, prompt, lesson05.CUTOFF_TEMPERATURE, 8))
        assert counts["new"] == 0 and counts["old"] >= 0.5 * SAMPLES, (prompt, counts)


def test_temperature_and_same_question_different_answers(backend):
    # Lesson 2's subject; «Trí tuệ nhân tạo» is followed by four near-equal words in the course text (trong , » ra)
    # since the second edition cites the AI law, so even 0.1 does not settle it.
    low = _samples(backend, "Mô hình ngôn ngữ", 0.1, 8)
    high = _samples(backend, "Mô hình ngôn ngữ", 1.0, 8)
    assert len(set(low)) <= 5 and len(set(high)) >= 20, (set(low), set(high))
    sharp = dict(backend.next_words("Bình dân học vụ", 3, 0.5))
    flat = dict(backend.next_words("Bình dân học vụ", 3, 2.0))
    assert sharp["số"] > flat["số"]
    assert backend.next_words("không cung cấp mã", 1)[0][0] == "OTP"
