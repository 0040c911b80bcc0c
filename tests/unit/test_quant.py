"""int8 weights: close logits, every row quantised on its own, tied weights kept, and the setting's paths."""

from __future__ import annotations

import copy

import pytest

pytest.importorskip("torch", reason="torch is installed only in .venv (scripts/test-other-python.sh)")
import torch
from transformers import GPT2Config, GPT2LMHeadModel

from hocai.ai import catalogue
from hocai.ai.backends import quant
from hocai.ai.backends.local import LocalBackend
from hocai.app.config import load_config
from hocai.errors import UserError

pytestmark = pytest.mark.skipif(not quant.available(), reason="torch built without fbgemm")


def relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.float() - b.float()).norm() / b.float().norm())


def test_int8_qwen_keeps_its_logits_and_the_tied_embedding(small_qwen):
    model = small_qwen
    ids = torch.randint(0, 500, (3, 11))
    with torch.inference_mode():
        before = model(input_ids=ids).logits
        swapped = quant.quantize_linears(model)
        after = model(input_ids=ids).logits
    assert swapped == 2 * 7 + 1  # q, k, v, o, gate, up, down per layer, and the output head
    assert relative_error(after, before) < 0.03
    assert (after.argmax(-1) == before.argmax(-1)).float().mean() > 0.95
    assert after.dtype == torch.float32  # between the int8 layers activations are float32
    assert model.model.embed_tokens.weight.dtype == torch.bfloat16  # the table keeps its size
    assert model.lm_head.weight is model.model.embed_tokens.weight and model.lm_head.precise
    assert not hasattr(model.model.layers[0].mlp.up_proj, "weight")  # only int8 is kept
    assert isinstance(model.model.layers[0].self_attn.k_proj, quant.Sibling)


def test_fused_siblings_give_what_separate_layers_give(small_qwen, monkeypatch):
    ids = torch.randint(0, 500, (3, 11))
    separate = copy.deepcopy(small_qwen)
    with monkeypatch.context() as patch:
        patch.setattr(quant, "FUSED_SIBLINGS", ())
        quant.quantize_linears(separate)
    quant.quantize_linears(small_qwen)
    assert type(separate.model.layers[0].self_attn.q_proj) is quant.Int8Linear
    attention = small_qwen.model.layers[0].self_attn
    assert attention.q_proj.fused is attention.v_proj.fused
    with torch.inference_mode():
        for rows in (ids, ids[:1, -1:]):  # a batch through the per-row path, one token through fbgemm's own
            assert torch.allclose(small_qwen(input_ids=rows).logits, separate(input_ids=rows).logits, atol=1e-5)


def test_each_sibling_gets_its_own_columns_whatever_the_order_of_calls():
    torch.manual_seed(3)
    module = torch.nn.Module()
    for name, width in (("q_proj", 8), ("k_proj", 4), ("v_proj", 4)):
        setattr(module, name, torch.nn.Linear(16, width))
    alone = {name: quant.Int8Linear(child.weight, child.bias) for name, child in module.named_children()}
    assert quant._fuse_siblings(module, {}, precise=False) == 3
    x, other = torch.randn(2, 16), torch.randn(2, 16)
    with torch.inference_mode():
        calls = [("k_proj", x), ("q_proj", x), ("k_proj", x), ("v_proj", other), ("q_proj", other), ("v_proj", x)]
        for name, inputs in calls:  # out of order, twice, and with an input the others never saw
            assert torch.allclose(getattr(module, name)(inputs), alone[name](inputs), atol=1e-5), name


def test_gpt2_conv1d_layers_are_quantised_too():
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=300, n_positions=64, n_embd=64, n_layer=2, n_head=2)).eval()
    ids = torch.randint(0, 300, (2, 9))
    with torch.inference_mode():
        before = model(input_ids=ids).logits
        assert quant.quantize_linears(model) == 2 * 4 + 1  # c_attn, c_proj, c_fc, mlp c_proj; the head
        after = model(input_ids=ids).logits
    assert relative_error(after, before) < 0.03


def test_each_row_is_quantised_on_its_own():
    """fbgemm scales a whole input at once; a participant's row must not lose precision to another's."""
    torch.manual_seed(1)
    layer = quant.Int8Linear(torch.randn(32, 48), torch.randn(32))
    quiet = torch.randn(1, 48) * 0.01
    loud = torch.randn(1, 48) * 1000.0
    with torch.inference_mode():
        alone = layer(quiet)  # one row: fbgemm's own scale is the row's
        with_quiet = layer(torch.cat([quiet, torch.randn(1, 48) * 0.01]))[:1]
        together = layer(torch.cat([quiet, loud]))[:1]
    assert torch.equal(with_quiet, together)  # in a batch each row has its own scale, whoever sits beside it
    exact = quiet @ layer_weight(layer).T
    for result in (alone, together):
        assert relative_error(result - layer.bias, exact) < 0.02


def layer_weight(layer: quant.Int8Linear) -> torch.Tensor:
    qweight, _ = torch.ops.quantized.linear_unpack(layer.packed)
    return qweight.dequantize()


def test_precise_rows_are_closer_than_plain_ones():
    torch.manual_seed(2)
    weight = torch.randn(64, 96)
    x = torch.randn(4, 96)
    plain, precise = quant.Int8Linear(weight, None), quant.Int8Linear(weight, None, precise=True)
    reference = x @ layer_weight(plain).T  # the int8 weights in float: only activation rounding differs
    with torch.inference_mode():
        assert relative_error(precise(x), reference) < relative_error(plain(x), reference) / 10


def test_auto_means_int8_for_big_models_only_and_bad_modes_are_refused():
    assert quant.resolve("auto", 494_000_000) == "int8"
    assert quant.resolve("auto", 1_100_000) == "none"
    assert quant.resolve("INT8", 1_100_000) == "int8"
    assert quant.resolve("none", 494_000_000) == "none"
    with pytest.raises(ValueError):
        quant.resolve("int4", 1)


def test_service_setting_from_file_and_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("HOCAI_QUANTIZE", raising=False)
    config = tmp_path / "hocai.toml"
    config.write_text('[service]\nquantize = "none"\n', encoding="utf-8")
    monkeypatch.setenv("HOCAI_CONFIG", str(config))
    assert load_config().quantize == "none"
    monkeypatch.setenv("HOCAI_QUANTIZE", " Int8 ")
    assert load_config().quantize == "int8"
    monkeypatch.setenv("HOCAI_QUANTIZE", "fp4")
    with pytest.raises(UserError, match="quantize"):
        load_config()


def test_catalogue_says_int8_for_the_big_models_and_refuses_a_bad_value(tmp_path):
    entries = {e.name: e for e in catalogue.load_catalogue()}
    assert entries["hocai-teaching-gpt2"].quantize == "none"
    assert entries["qwen2.5-0.5b-instruct"].quantize == "int8"
    bad = tmp_path / "catalogue.toml"
    bad.write_text(
        '[[model]]\nname = "m"\ntitle = "m"\nsource = "build"\nlicence = "x"\nparameters = 1\n'
        'disk_mb = 1\nram_mb = 1\ncpu_tokens_per_s = 1\nnotes = "x"\nquantize = "int3"\n',
        encoding="utf-8",
    )
    with pytest.raises(UserError, match="quantize"):
        catalogue.load_catalogue(bad)


def test_local_backend_loads_int8_when_asked_and_answers(tiny_model_dir):
    backend = LocalBackend(model=str(tiny_model_dir), quantize="int8")
    try:
        backend.load()
        assert backend.status == "ok", backend.message
        assert backend.health()["quantize"] == "int8"
        assert isinstance(backend.model.lm_head, quant.Int8Linear) and backend.model.lm_head.all_cores
        assert not any(m.all_cores for m in backend.model.transformer.modules() if isinstance(m, quant.Int8Linear))
        assert backend.generate("Xin chào", max_new_tokens=5, temperature=0)
        prompt = list(range(5, 5 + quant.ONE_THREAD_TOKENS + 1))

        def threads_after(ids: list[int]) -> int:
            with torch.inference_mode():
                backend.model(input_ids=torch.tensor([ids]))
            return torch.get_num_threads()

        assert backend.batcher.call(lambda: threads_after(prompt[:1])) == 1  # one participant's next token
        assert backend.batcher.call(lambda: threads_after(prompt)) == quant.CORES  # a prompt
    finally:
        backend.close()


def test_local_backend_auto_leaves_a_small_model_alone(tiny_model_dir):
    backend = LocalBackend(model=str(tiny_model_dir))
    try:
        backend.load()
        assert backend.health()["quantize"] == "none"
        assert type(backend.model.lm_head) is torch.nn.Linear
        assert backend.batcher.call(torch.get_num_threads) == quant.CORES
    finally:
        backend.close()


@pytest.mark.skipif(quant.CORES < 2, reason="one core")
def test_the_output_head_wakes_every_core_for_a_one_thread_step():
    head = quant.Int8Linear(torch.randn(64, 32), None, precise=True, all_cores=True)
    seen: list[int] = []
    inner = head._forward
    head._forward = lambda x: (seen.append(torch.get_num_threads()), inner(x))[1]
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        with torch.inference_mode():
            head(torch.randn(1, 32))
        assert seen == [quant.CORES]
        assert torch.get_num_threads() == 1  # the step's own count again
    finally:
        torch.set_num_threads(before)


@pytest.mark.skipif(quant.CORES < 2, reason="one core")
def test_a_big_product_wakes_every_core_for_fbgemm_only(monkeypatch):
    """In a one-thread step, fbgemm's product of a batch with a big layer runs on every core; the element-wise
    operations around it, and a small product, stay on the step's one thread."""
    layer = quant.Int8Linear(torch.randn(64, 32), torch.randn(64))  # 2,048 multiply-adds a row
    monkeypatch.setattr(quant, "PARALLEL_MACS", 4 * 2048)
    seen: list[tuple[int, int]] = []
    inner = layer._fbgemm
    layer._fbgemm = lambda x, integers: (seen.append((x.shape[0], torch.get_num_threads())), inner(x, integers))[1]
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        with torch.inference_mode():
            layer(torch.randn(4, 32))  # 4 rows: 8,192 multiply-adds
            layer(torch.randn(1, 32))  # one row: 2,048
            assert torch.get_num_threads() == 1  # the step's own count again
        assert seen == [(4, quant.CORES), (1, 1)]
    finally:
        torch.set_num_threads(before)


def test_drawn_rows_skip_the_heads_remainder_and_greedy_rows_keep_it(small_qwen):
    """In one forward pass, rows drawn at a temperature get the head without the precise remainder and
    greedy rows get it; outside the context every row gets it again."""
    quant.quantize_linears(small_qwen)
    head = small_qwen.get_output_embeddings()
    ids = torch.randint(0, 500, (3, 1))
    with torch.inference_mode():
        exact = small_qwen(input_ids=ids).logits
        head.precise = False
        plain = small_qwen(input_ids=ids).logits
        head.precise = True
        assert not torch.allclose(exact, plain, atol=1e-5)  # the remainder changes the logits
        with quant.drawn_rows(small_qwen, [0.0, 0.7, 0.0]):
            mixed = small_qwen(input_ids=ids).logits
        with quant.drawn_rows(small_qwen, [1.0, 1.0, 1.0]):
            drawn = small_qwen(input_ids=ids).logits
        again = small_qwen(input_ids=ids).logits
    assert torch.allclose(mixed[[0, 2]], exact[[0, 2]], atol=1e-5)
    assert torch.allclose(mixed[1], plain[1], atol=1e-5)
    assert torch.allclose(drawn, plain, atol=1e-5)
    assert head.drawn is None and torch.allclose(again, exact, atol=1e-5)
