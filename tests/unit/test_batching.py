"""The local backend batches requests that arrive together, streams each row, and guards its limits."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="torch is installed only in .venv (scripts/test-other-python.sh)")
import torch

from hocai.ai.backends import EMPTY, LOAD_BUSY, TIMEOUT
from hocai.ai.backends.local import LocalBackend
from hocai.ai.batching import Batcher, GenRequest, RowMinLength, RowSampler, budget
from hocai.errors import UserError


class CountingBackend(LocalBackend):
    """Counts real ``model.generate`` calls and the rows each one served."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.batch_sizes: list[int] = []
        self.positions: list[int] = []  # longest prompt + largest budget of each batch

    def generate_batch(self, **kwargs):
        self.batch_sizes.append(int(kwargs["input_ids"].shape[0]))
        self.positions.append(int(kwargs["input_ids"].shape[1]) + int(kwargs["max_new_tokens"]))
        return super().generate_batch(**kwargs)


@pytest.fixture(scope="module")
def model_dir(tiny_model_dir) -> Path:
    return tiny_model_dir


def make(model_dir: Path, **kwargs) -> CountingBackend:
    backend = CountingBackend(model=str(model_dir), **kwargs)
    backend.load()
    assert backend.status == "ok", backend.message
    return backend


def run_together(backend: LocalBackend, prompts: list[str], **kwargs) -> list[str]:
    barrier = threading.Barrier(len(prompts))
    results: list[str | None] = [None] * len(prompts)

    def one(i: int) -> None:
        barrier.wait()
        results[i] = backend.generate(prompts[i], **kwargs)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(prompts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


PROMPTS = ["Xin chào", "Mô hình ngôn ngữ đoán từ tiếp theo", "Trời hôm nay", "Cán bộ xã"]


def test_four_concurrent_requests_share_one_generate(model_dir):
    backend = make(model_dir, window_s=0.5, max_batch=8)
    results = run_together(backend, PROMPTS, max_new_tokens=6, temperature=0)
    assert all(isinstance(r, str) for r in results), results
    assert backend.batch_sizes == [4]


def test_batching_off_runs_one_generate_per_request(model_dir):
    backend = make(model_dir, batching=False)
    run_together(backend, PROMPTS, max_new_tokens=4, temperature=0)
    assert backend.batch_sizes == [1, 1, 1, 1]


def test_left_padding_gives_the_same_greedy_text_as_alone(model_dir):
    alone = make(model_dir, batching=False).generate("Xin", max_new_tokens=8, temperature=0)
    backend = make(model_dir, window_s=0.5)
    together = run_together(
        backend, ["Xin", "Mô hình ngôn ngữ đoán từ tiếp theo dựa trên"], max_new_tokens=8, temperature=0
    )
    assert backend.batch_sizes == [2]
    assert together[0] == alone


def test_each_row_stops_at_its_own_budget(model_dir):
    backend = make(model_dir, window_s=0.5)
    short_ids = backend.encode("Xin chào", 2)
    barrier = threading.Barrier(2)
    out: dict[str, list[str]] = {}

    def one(name: str, n: int) -> None:
        barrier.wait()
        out[name] = list(backend.stream_ids(short_ids, max_new_tokens=n, temperature=0))

    threads = [threading.Thread(target=one, args=("short", 2)), threading.Thread(target=one, args=("long", 12))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert backend.batch_sizes == [2]
    short = backend.tokenizer("".join(out["short"]), add_special_tokens=False)["input_ids"]
    assert 1 <= len(short) <= 3
    assert len("".join(out["long"])) > len("".join(out["short"]))


def test_stream_yields_several_pieces(model_dir):
    backend = make(model_dir)
    pieces = list(backend.stream("Xin chào các bạn", max_new_tokens=12, temperature=0))
    assert len(pieces) >= 3


def test_next_words_is_a_temperature_aware_distribution(model_dir):
    backend = make(model_dir)
    hot = backend.next_words("Xin chào", k=5, temperature=2.0)
    cold = backend.next_words("Xin chào", k=5, temperature=0.3)
    assert len(hot) == 5 and all(isinstance(t, str) and 0 <= p <= 1 for t, p in hot)
    assert [p for _, p in hot] == sorted((p for _, p in hot), reverse=True)
    assert cold[0][1] > hot[0][1]
    assert not any(t.startswith(" ") for t, _ in hot + cold)


def test_bad_input_gets_a_vietnamese_message(model_dir):
    backend = make(model_dir)
    with pytest.raises(UserError, match=EMPTY):
        backend.next_words("   \x00 ")
    with pytest.raises(UserError, match="quá dài"):
        backend.generate("a" * 1_000_000)
    nfd = "Xin cha\u0300o"
    assert backend.next_words(nfd, 3) == backend.next_words("Xin chào", 3)


def test_a_slow_request_times_out_with_a_message(model_dir):
    backend = make(model_dir, timeout_s=0.0001)
    with pytest.raises(UserError, match=TIMEOUT):
        backend.generate("Xin chào", max_new_tokens=50)


def test_a_second_load_while_loading_is_refused(model_dir):
    release = threading.Event()

    class SlowLoad(LocalBackend):
        def _load(self):
            release.wait(30)
            super()._load()

    backend = SlowLoad(model=str(model_dir))
    thread = backend.start()
    try:
        with pytest.raises(UserError, match=LOAD_BUSY):
            backend.load()
        assert backend.health()["status"] == "loading"
    finally:
        release.set()
        thread.join(60)
    assert backend.health()["status"] == "ok"


def test_missing_model_folder_sets_error_status(tmp_path):
    backend = LocalBackend(model=str(tmp_path / "nothing-here"))
    backend.load()
    health = backend.health()
    assert health["status"] == "error" and "Không tìm thấy" in health["message"]
    with pytest.raises(UserError):
        backend.next_words("Xin chào")


def test_row_sampler_makes_zero_rows_greedy_and_marks_the_choice():
    scores = torch.tensor([[1.0, 3.0, 2.0], [1.0, 3.0, 2.0]])
    out = RowSampler([0.0, 1.0], torch.Generator().manual_seed(0))(None, scores)
    assert out[0].argmax() == 1 and torch.isinf(out[0, 1])
    assert torch.isinf(out[1]).sum() == 1  # one sampled token per row, the rest untouched
    assert torch.equal(out[1][torch.isfinite(out[1])], scores[1][torch.isfinite(out[1])])


def test_row_min_length_holds_back_the_end_only_for_rows_that_are_short():
    short, done, free = GenRequest([1], 9, min_new_tokens=3), GenRequest([1], 9, min_new_tokens=3), GenRequest([1], 9)
    done.generated = 3
    scores = torch.tensor([[0.0, 5.0, 1.0]] * 3)  # token 1 (the end) is the likeliest in every row
    out = RowMinLength([short, done, free], {1})(None, scores)
    assert out[0, 1] == float("-inf") and out[0].argmax() == 2
    assert torch.equal(out[1:], scores[1:])


@pytest.mark.parametrize("continuous", [False, True])
def test_a_request_with_a_minimum_writes_past_its_first_end(model_dir, continuous):
    """The random model's likeliest first token is made an end of text: alone it ends the reply at once;
    with a minimum of 5 the same greedy reply goes on for at least 5 tokens (batch and continuous decoding)."""
    backend = make(model_dir, continuous=continuous)
    ids = backend.encode("Xin chào các bạn", 12)
    first = backend.top_next("Xin chào các bạn", 1, 1.0)[0][0]
    backend.eos_ids.add(first)
    alone = backend.stream_ids(ids, max_new_tokens=12, temperature=0)
    assert "".join(alone) == "" and alone.request.generated == 0
    held = backend.stream_ids(ids, max_new_tokens=12, temperature=0, min_new_tokens=5)
    list(held)
    assert held.request.generated >= 5


def test_a_continuation_chat_is_never_cut_to_a_syllable(model_dir):
    """CI once showed «Phần viết tiếp: Xin chào các bạnọc»: a chat with a model that only continues text
    writes at least CONTINUATION_CHAT_MIN_TOKENS tokens, even where the model would end at once."""
    from hocai.ai.backends.local import CONTINUATION_CHAT_MIN_TOKENS

    backend = make(model_dir)
    assert backend.continues_text()
    backend.eos_ids.add(backend.top_next("Xin chào các bạn", 1, 1.0)[0][0])
    reply = backend.chat_stream([{"role": "user", "content": "Xin chào các bạn"}], max_new_tokens=40, temperature=0)
    list(reply)
    assert reply.request.generated >= CONTINUATION_CHAT_MIN_TOKENS
    assert backend.generate("Xin chào các bạn", max_new_tokens=40, temperature=0) == ""


def frequencies(temperature: float, draws: int = 4000, choose: bool = False) -> torch.Tensor:
    probs = torch.tensor([0.1, 0.6, 0.3])
    scores = probs.log().repeat(draws, 1)
    sampler = RowSampler([temperature] * draws, torch.Generator().manual_seed(1))
    chosen = sampler.choose(scores) if choose else sampler(None, scores).argmax(dim=-1)
    return torch.bincount(chosen, minlength=3) / draws


def test_row_sampler_draws_from_the_softmax_at_each_rows_temperature():
    assert torch.allclose(frequencies(1.0), torch.tensor([0.1, 0.6, 0.3]), atol=0.03)
    sharp = torch.softmax(torch.tensor([0.1, 0.6, 0.3]).log() / 0.5, dim=0)
    assert torch.allclose(frequencies(0.5), sharp, atol=0.03)
    mixed = RowSampler([0.0, 5.0], torch.Generator().manual_seed(2))
    picks = [int(mixed(None, torch.tensor([[0.0, 9.0, 0.0], [0.0, 9.0, 0.0]])).argmax(-1)[0]) for _ in range(50)]
    assert picks == [1] * 50


def test_row_sampler_choose_returns_the_ids_the_scores_would_mark():
    """The continuous decoder takes ``choose``'s ids; ``generate()`` takes the marked scores: same draws."""
    scores = torch.randn(6, 50, generator=torch.Generator().manual_seed(3)) * 2
    temps = [0.0, 0.7, 1.0, 0.0, 2.0, 0.3]
    marked = RowSampler(temps, torch.Generator().manual_seed(4))(None, scores).argmax(dim=-1)
    chosen = RowSampler(temps, torch.Generator().manual_seed(4)).choose(scores)
    assert torch.equal(chosen, marked)
    assert chosen[0] == scores[0].argmax() and chosen[3] == scores[3].argmax()
    assert frequencies(1.0, choose=True).sub(torch.tensor([0.1, 0.6, 0.3])).abs().max() < 0.03


def test_inverse_cdf_in_blocks_picks_what_one_cumulative_sum_picks():
    """The two-level search gives the whole-vocabulary search's index (but for rounding at a boundary), and
    never a token without probability, even the last of a block."""
    from hocai.ai.batching import CDF_BLOCK, inverse_cdf

    generator = torch.Generator().manual_seed(5)
    probs = torch.softmax(torch.randn(4, CDF_BLOCK * 40, generator=generator) * 3, dim=-1)
    uniform = torch.rand(4, 500, generator=generator)
    cdf = probs.cumsum(dim=-1)
    whole = torch.searchsorted(cdf, uniform * cdf[:, -1:])
    blocks = torch.stack([inverse_cdf(probs, uniform[:, i : i + 1]) for i in range(500)], dim=1)
    assert (blocks != whole).float().mean() < 0.01
    sparse = torch.zeros(1, CDF_BLOCK * 8)
    sparse[0, [3, CDF_BLOCK - 2, 5 * CDF_BLOCK]] = torch.tensor([0.2, 0.3, 0.5])
    picks = torch.cat([inverse_cdf(sparse, torch.rand(1, 1, generator=generator)) for _ in range(3000)])
    counts = torch.bincount(picks, minlength=sparse.shape[1])
    assert set(picks.tolist()) == {3, CDF_BLOCK - 2, 5 * CDF_BLOCK}
    assert abs(counts[5 * CDF_BLOCK] / 3000 - 0.5) < 0.04
    assert int(inverse_cdf(sparse, torch.tensor([[0.9999999]]))) == 5 * CDF_BLOCK


def test_jobs_run_on_the_model_thread_and_their_errors_come_back():
    batcher = Batcher(lambda batch: None)
    try:
        assert batcher.call(lambda: threading.current_thread().name) == "hocai-model"
        with pytest.raises(ZeroDivisionError):
            batcher.call(lambda: 1 / 0)
        assert batcher.call(lambda: 42) == 42  # still serving
    finally:
        batcher.close()


def test_all_model_work_runs_on_the_one_model_thread(model_dir):
    """Torch work on other threads would start more OpenMP teams and slow decoding (see batching.py)."""
    backend = make(model_dir, window_s=0.2)
    threads: set[str] = set()
    backend.model.register_forward_pre_hook(lambda module, args: threads.add(threading.current_thread().name))
    backend.next_words("Xin chào", 3)
    run_together(backend, PROMPTS[:2], max_new_tokens=3, temperature=1.0)
    assert threads == {"hocai-model"}
    backend.close()


def test_next_words_does_not_wait_for_a_long_answer(model_dir):
    backend = make(model_dir, max_new_tokens=200)
    backend.model.register_forward_pre_hook(lambda module, args, kwargs: time.sleep(0.02), with_kwargs=True)
    started, finished = threading.Event(), threading.Event()

    def long_answer() -> None:
        for _ in backend.stream("Xin chào", max_new_tokens=200, temperature=1.0):
            started.set()
        finished.set()

    backend.eos_ids = set()  # the answer runs its full 200 steps (about 4 s with the hook)
    thread = threading.Thread(target=long_answer)
    thread.start()
    assert started.wait(30)
    words = backend.next_words("Xin chào", 3)
    answered_during_the_answer = not finished.is_set()
    thread.join(60)
    backend.close()
    assert len(words) == 3 and finished.is_set()
    assert answered_during_the_answer


@pytest.fixture(scope="module")
def short_context_dir(tmp_path_factory) -> Path:
    """The tiny model with the teaching model's 128 positions."""
    from support import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("ctx128") / "tiny-128", n_positions=128)


def test_budget_keeps_prompt_end_and_new_tokens_within_the_context():
    assert budget(128, 10, 20) == (10, 20)
    assert budget(128, 1, 256) == (1, 127)  # a long answer asked alone
    assert budget(128, 200, 16) == (112, 16)  # a long prompt keeps its end
    assert budget(128, 120, 100) == (64, 64)  # both long: half each
    assert all(sum(budget(128, p, n)) <= 128 for p in (1, 5, 64, 127, 128, 500) for n in (1, 16, 64, 127, 1000))


def test_a_budget_beyond_the_context_is_cut_not_an_error(short_context_dir):
    backend = make(short_context_dir)
    backend.eos_ids = set()  # run to the cap
    pieces = backend.stream("Xin chào", max_new_tokens=200, temperature=1.0)
    assert "".join(pieces)
    assert pieces.usage["total_tokens"] <= 128 and pieces.finish_reason == "length"
    assert backend.positions == [128]
    backend.close()


def test_rows_share_a_batch_only_when_they_fit_the_context_together(short_context_dir):
    """A long prompt (long completions) and short chats with long budgets: every batch fits, none fails."""
    backend = make(short_context_dir, window_s=0.5, max_new_tokens=256)
    long_prompt = " ".join(["Cán bộ xã dùng máy tính để soạn văn bản và trả lời người dân."] * 6)
    barrier = threading.Barrier(5)
    results: dict[str, object] = {}

    def one(name: str, text: str, n: int) -> None:
        barrier.wait()
        try:
            results[name] = "".join(backend.chat_stream([{"role": "user", "content": text}], max_new_tokens=n))
        except Exception as exc:  # what a participant would have seen
            results[name] = exc

    jobs = [("long", long_prompt, 16)] + [(f"chat{i}", f"Xin chào các bạn {i}", 80) for i in range(4)]
    threads = [threading.Thread(target=one, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    backend.close()
    assert all(isinstance(r, str) for r in results.values()), results
    assert len(results) == 5 and max(backend.positions) <= 128
    assert sorted(backend.batch_sizes) == [1, 4]  # the four chats together, the long prompt on its own


def test_a_request_that_does_not_fit_waits_for_the_next_batch_in_order():
    from hocai.ai.batching import END, GenRequest

    batches: list[list[str]] = []

    def run(batch):
        batches.append([r.name for r in batch])
        for r in batch:
            r.out.put(END)

    batcher = Batcher(run, window_s=0.2, context=20)
    gate = threading.Event()
    holder = threading.Thread(target=batcher.call, args=(gate.wait,))  # hold the model thread
    holder.start()
    time.sleep(0.1)
    requests = {}
    for name, prompt, new in (("a", 15, 2), ("b", 3, 10), ("c", 4, 5), ("d", 30, 40)):
        requests[name] = batcher.submit(GenRequest(list(range(prompt)), new))
        requests[name].name = name
    gate.set()
    for r in requests.values():
        assert r.out.get(timeout=10) is END
    holder.join(10)
    batcher.close()
    assert (len(requests["d"].input_ids), requests["d"].max_new_tokens) == (10, 10)  # cut to fit on its own
    assert batches == [["a", "c"], ["b", "d"]]  # b with a would need 15 + 10 > 20 positions
