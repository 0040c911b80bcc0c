"""Catalogue parsing, the model store loader, export/import with checksums, and fetch without a network."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from hocai import cli
from hocai.ai import catalogue, store
from hocai.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
TINY = "tiny-gpt2"


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    monkeypatch.setenv("HOCAI_MODEL_STORE", str(folder))
    return folder


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    """A randomly initialised GPT-2 and a byte-level BPE tokenizer saved with save_pretrained."""
    torch = pytest.importorskip("torch", reason="torch is installed only in .venv (scripts/test-other-python.sh)")
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    text = ["Bình dân học vụ số giúp mọi người dùng trí tuệ nhân tạo an toàn."] * 4
    backend = Tokenizer(models.BPE())
    backend.normalizer = normalizers.NFC()
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    backend.train_from_iterator(
        text,
        trainers.BpeTrainer(
            vocab_size=300, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        ),
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, eos_token="<|endoftext|>", bos_token="<|endoftext|>", pad_token="<|endoftext|>"
    )
    torch.manual_seed(0)
    model = GPT2LMHeadModel(
        GPT2Config(
            vocab_size=len(tokenizer), n_positions=32, n_embd=16, n_layer=1, n_head=2, bos_token_id=0, eos_token_id=0
        )
    )
    folder = tmp_path_factory.mktemp("models") / TINY
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


def _install(tiny_model_dir: Path, store_folder: Path) -> Path:
    import shutil

    target = store_folder / TINY
    shutil.copytree(tiny_model_dir, target)
    return target


# ---- catalogue ------------------------------------------------------------------------------------


def test_catalogue_lists_teaching_model_and_vietnamese_instruct_models():
    entries = catalogue.load_catalogue()
    teaching = [e for e in entries if e.teaching_model]
    assert [e.name for e in teaching] == [store.DEFAULT_MODEL]
    assert teaching[0].source == "build"
    hub = [e for e in entries if e.source == "huggingface"]
    assert len(hub) >= 4
    for e in hub:
        assert "/" in e.hf_id and e.licence and e.licence_url.startswith("https://")
        assert e.parameters > 100 and e.disk_mb > 100 and e.ram_mb >= e.disk_mb and e.cpu_tokens_per_s > 0
        measured = e.measured_tokens_per_s > 0 and re.match(r"\d{4}-\d{2}-\d{2}; ", e.measured_on)
        assert measured or "ước tính" in e.notes.lower(), "a speed is measured, or the notes say it is estimated"
    for e in entries:
        assert unicodedata.is_normalized("NFC", e.notes) and any(ch in e.notes for ch in "ảạấầẩậếềểệốồổộờởợứừửựđ")


def test_find_entry_by_name_or_hub_id():
    assert catalogue.find_entry("Qwen/Qwen2.5-0.5B-Instruct").name == "qwen2.5-0.5b-instruct"
    assert catalogue.find_entry("QWEN2.5-0.5B-INSTRUCT").hf_id == "Qwen/Qwen2.5-0.5B-Instruct"
    assert catalogue.find_entry("không-có", missing_ok=True) is None
    with pytest.raises(UserError, match="hocai models list"):
        catalogue.find_entry("không-có")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[[model]]\nname = "x"\n', "thiếu trường"),
        ("[[model]\nname = 1", "cú pháp TOML"),
        ("title = 'không có model'", "không có mục"),
        (
            '[[model]]\nname="a b"\ntitle="t"\nsource="build"\nlicence="l"\nparameters=1\ndisk_mb=1\nram_mb=1\n'
            'cpu_tokens_per_s=1\nnotes="n"\n',
            "chỉ được gồm",
        ),
        (
            '[[model]]\nname="a"\ntitle="t"\nsource="huggingface"\nlicence="l"\nparameters=1\ndisk_mb=1\nram_mb=1\n'
            'cpu_tokens_per_s=1\nnotes="n"\n',
            "hf_id",
        ),
        (
            '[[model]]\nname="a"\ntitle="t"\nsource="build"\nlicence="l"\nparameters="nhiều"\ndisk_mb=1\nram_mb=1\n'
            'cpu_tokens_per_s=1\nnotes="n"\n',
            "giá trị sai",
        ),
        (
            '[[model]]\nname="a"\ntitle="t"\nsource="build"\nlicence="l"\nparameters=1\ndisk_mb=1\nram_mb=1\n'
            'cpu_tokens_per_s=1\nnotes="n"\ncolour="red"\n',
            "trường lạ",
        ),
    ],
)
def test_broken_catalogue_is_reported_in_vietnamese(tmp_path, text, needle):
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=needle):
        catalogue.load_catalogue(path)


def test_models_list_shows_sizes_and_what_is_installed(capsys, tiny_model_dir, private_store):
    assert cli.main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "qwen2.5-0.5b-instruct" in out and "Chưa tải — hocai models fetch qwen2.5-0.5b-instruct" in out
    assert "Chưa có — hocai models build-default" in out and "token/giây" in out and "HOCAI_MODEL" in out
    _install(tiny_model_dir, private_store)
    assert cli.main(["models", "list"]) == 0
    assert f"{TINY}" in capsys.readouterr().out


# ---- loader ---------------------------------------------------------------------------------------


def test_load_by_name_and_by_path(tiny_model_dir, private_store):
    import torch

    _install(tiny_model_dir, private_store)
    model, tokenizer, meta = store.load(TINY)
    assert meta["name"] == TINY and meta["teaching_model"] is False and meta["model_type"] == "gpt2"
    ids = tokenizer("Bình dân học vụ", return_tensors="pt")["input_ids"]
    assert model(input_ids=ids).logits.shape[-1] == len(tokenizer)
    model2, _, _ = store.load(str(tiny_model_dir), dtype=torch.bfloat16)
    assert model2.dtype == torch.bfloat16 and not model2.training


def test_missing_model_says_how_to_build_it():
    with pytest.raises(UserError, match="Chưa có mô hình «hocai-teaching-gpt2».*hocai models build-default"):
        store.load()
    with pytest.raises(UserError, match="hocai models fetch qwen2.5-0.5b-instruct"):
        store.load("qwen2.5-0.5b-instruct")
    with pytest.raises(UserError, match="Không tìm thấy thư mục"):
        store.load("./không/có/đâu")


@pytest.mark.parametrize("damage", ["truncate_weights", "garbage_config", "no_weights", "wrong_shapes"])
def test_corrupt_model_folder_gives_a_clear_message(tiny_model_dir, private_store, damage):
    folder = _install(tiny_model_dir, private_store)
    weights = folder / "model.safetensors"
    if damage == "truncate_weights":
        weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    elif damage == "garbage_config":
        (folder / "config.json").write_text("{không phải json", encoding="utf-8")
    elif damage == "no_weights":
        weights.unlink()
    else:
        import json

        config = json.loads((folder / "config.json").read_text())
        config["n_embd"] = 32
        (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(UserError, match="bị hỏng hoặc thiếu tệp"):
        store.load(TINY)


# ---- export / import ------------------------------------------------------------------------------


def test_export_import_round_trip(tiny_model_dir, private_store, tmp_path, monkeypatch):
    import torch

    _install(tiny_model_dir, private_store)
    usb = tmp_path / "usb"
    usb.mkdir()
    assert cli.main(["models", "export", TINY, str(usb)]) == 0
    carried = usb / TINY
    sums = (carried / store.CHECKSUMS_FILE).read_text().splitlines()
    assert sorted(line.split("  ", 1)[1] for line in sums) == store.model_files(carried)
    assert any(line.endswith("  model.safetensors") for line in sums)
    check = subprocess.run(["sha256sum", "-c", store.CHECKSUMS_FILE], cwd=carried, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert cli.main(["models", "export", TINY, str(usb)]) == 2  # never overwrites a copy on the stick

    other_store = tmp_path / "other-machine-store"
    monkeypatch.setenv("HOCAI_MODEL_STORE", str(other_store))
    assert cli.main(["models", "import", str(carried)]) == 0
    assert sorted(p.name for p in other_store.iterdir() if not p.name.startswith(".")) == [TINY]
    imported, _, _ = store.load(TINY)
    original, _, _ = store.load(str(tiny_model_dir))
    for (name, a), (_, b) in zip(imported.state_dict().items(), original.state_dict().items()):
        assert torch.equal(a, b), name
    monkeypatch.setenv("HOCAI_MODEL", TINY)  # how a trainer chooses it; the service resolves the same name
    assert store.resolve(os.environ["HOCAI_MODEL"]) == other_store / TINY


def test_import_detects_a_corrupt_copy_and_leaves_the_store_clean(
    tiny_model_dir, private_store, tmp_path, monkeypatch, capsys
):
    _install(tiny_model_dir, private_store)
    carried = catalogue.export_model(TINY, tmp_path / "usb-copy")
    assert carried == tmp_path / "usb-copy"
    weights = carried / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0xFF
    weights.write_bytes(bytes(data))
    other_store = tmp_path / "other-store"
    monkeypatch.setenv("HOCAI_MODEL_STORE", str(other_store))
    assert cli.main(["models", "import", str(carried)]) == 2
    err = capsys.readouterr().err
    assert "model.safetensors" in err and "không khớp mã kiểm tra" in err and "Traceback" not in err
    assert not (other_store / TINY).exists()
    assert [p.name for p in other_store.iterdir() if not p.name.endswith(".lock")] == []


def test_import_rejects_missing_files_bad_sums_and_bad_paths(tiny_model_dir, private_store, tmp_path):
    _install(tiny_model_dir, private_store)
    carried = catalogue.export_model(TINY, tmp_path / "copy")
    (carried / "config.json").unlink()
    with pytest.raises(UserError, match="thiếu tệp «config.json»"):
        catalogue.import_model(carried)
    (carried / store.CHECKSUMS_FILE).write_text("0" * 64 + "  ../../etc/passwd\n")
    with pytest.raises(UserError, match="bị hỏng ở dòng 1"):
        catalogue.import_model(carried)
    (carried / store.CHECKSUMS_FILE).unlink()
    with pytest.raises(UserError, match="không có tệp SHA256SUMS"):
        catalogue.import_model(carried)
    with pytest.raises(UserError, match="Không tìm thấy thư mục"):
        catalogue.import_model(tmp_path / "không-có")
    with pytest.raises(UserError, match="Không có thư mục"):
        catalogue.export_model(TINY, tmp_path / "không-có" / "sâu" / "hơn")


# ---- fetch ----------------------------------------------------------------------------------------


def test_fetch_without_network_fails_fast_in_vietnamese(private_store):
    env = dict(os.environ, HF_ENDPOINT="http://127.0.0.1:9", HOCAI_MODEL_STORE=str(private_store))
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "hocai.cli", "models", "fetch", "qwen2.5-0.5b-instruct"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "không có mạng" in result.stderr and "hocai models export qwen2.5-0.5b-instruct" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 60
    assert not (private_store / "qwen2.5-0.5b-instruct").exists()


def test_fetch_refuses_the_built_model_and_unknown_names():
    with pytest.raises(UserError, match="build-default"):
        catalogue.fetch(store.DEFAULT_MODEL)
    with pytest.raises(UserError, match="Không có mô hình «mô-hình-lạ» trong danh mục"):
        catalogue.fetch("mô-hình-lạ")


def test_hub_reachable_is_false_for_a_closed_port_quickly():
    started = time.monotonic()
    assert catalogue.hub_reachable("http://127.0.0.1:9", timeout=2) is False
    assert time.monotonic() - started < 5
