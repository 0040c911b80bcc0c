"""A class chatting at once through the Sân tập AI page: what thirty participants feel.

Each simulated participant speaks the browser's own protocol to a real ``hocai app`` (``POST
/gradio_api/queue/join`` with the page's chat event, then the event stream of ``/gradio_api/queue/data``,
through Gradio's queue, exactly as the page's button does): sends a chat message, waits for the streamed
answer, "reads" for a few seconds, now and then checks a text in the personal-data tab, and sends the
next, until the time is up. Prints p50/p95 time to the first model token, streamed tokens per second per
participant, errors, the service's RSS and CPU, and writes benchmarks/results/class_load.json.

Runs, each on its own service process, in one invocation: the teaching model and the 0.5B Qwen2 shape
(random weights, saved to a temporary store), each with the settings before issue 22 (bf16, one
``generate()`` per batch of at most 8, 16 Gradio events at once: the baseline) and with today's defaults
(continuous batching of up to 32 rows, 64 events at once; the 0.5B model with bf16 and with int8 weights).

    .venv/bin/python benchmarks/class_load.py [--participants 30] [--seconds 90] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.app_latency import start_service  # noqa: E402
from hocai.net import free_port  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "class_load.json"
GOALS = {"qwen-int8": {"p95_ttft_s": 3.0, "min_tok_s": 2.0}, "teaching": {"p95_ttft_s": 0.3}}
# The settings before issue 22 (one generate() per batch of at most 8, 16 Gradio events at once, bf16).
BEFORE = {
    "HOCAI_CONTINUOUS_BATCHING": "0",
    "HOCAI_MAX_BATCH": "8",
    "HOCAI_CONCURRENCY_LIMIT": "16",
    "HOCAI_QUANTIZE": "none",
}
RUNS = {  # label: (model, service environment); the others run on today's defaults
    "teaching-before": ("teaching", BEFORE),
    "teaching": ("teaching", {}),
    "qwen-bf16-before": ("qwen", BEFORE),
    "qwen-bf16": ("qwen", {"HOCAI_QUANTIZE": "none"}),
    "qwen-int8": ("qwen", {"HOCAI_QUANTIZE": "int8"}),
}
MESSAGES = [
    "Viết giúp tôi lời mời họp thôn vào tối thứ bảy",
    "Tóm tắt quy trình làm căn cước công dân cho người cao tuổi",
    "Soạn thông báo nghỉ học do mưa bão gửi phụ huynh",
    "Làm sao nhận biết tin nhắn lừa đảo chuyển tiền?",
    "Gợi ý ba hoạt động cho tổ Bình dân học vụ số tuần này",
    "Viết lời cảm ơn các đoàn viên đã hỗ trợ người dân cài ứng dụng",
    "Giải thích trí tuệ nhân tạo cho người lớn tuổi bằng ví dụ đơn giản",
    "Tôi là Nguyễn Văn An, số điện thoại 0912345678, hãy viết đơn xin xác nhận cư trú",
]
PII_TEXT = "Chị Trần Thị Bình, CCCD 001168012345, điện thoại 0987654321, ở 12 Lê Lợi, phường Bến Nghé."


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


# ---- the page's protocol ---------------------------------------------------------------------------


class Page:
    """The page's event ids (from /config), as the browser finds them."""

    def __init__(self, base: str):
        config = httpx.get(f"{base}/config", timeout=30).json()
        self.base = base
        self.events: dict[str, tuple[int, int | None]] = {}
        for dep in config["dependencies"]:
            name = dep.get("api_name")
            if name and dep.get("targets"):
                self.events[name] = (dep["id"], dep["targets"][0][0])

    def run(
        self, client: httpx.Client, session: str, name: str, data: list[Any], timeout_s: float = 300.0
    ) -> dict[str, Any]:
        """One event through Gradio's queue; returns times (from the click) of each streamed output."""
        fn_index, trigger = self.events[name]
        started = time.perf_counter()
        outputs: list[float] = []
        body = {"data": data, "event_data": None, "fn_index": fn_index, "trigger_id": trigger, "session_hash": session}
        joined = client.post(f"{self.base}/gradio_api/queue/join", json=body, timeout=30)
        if joined.status_code != 200:
            return {"ok": False, "error": f"join HTTP {joined.status_code}", "started": started, "outputs": outputs}
        result: dict[str, Any] = {"ok": False, "error": "stream ended", "started": started, "outputs": outputs}
        with client.stream(
            "GET",
            f"{self.base}/gradio_api/queue/data",
            params={"session_hash": session},
            timeout=httpx.Timeout(timeout_s, connect=30),
        ) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                kind = message.get("msg")
                if kind == "process_generating":
                    outputs.append(time.perf_counter() - started)
                elif kind == "process_completed":
                    output = message.get("output") or {}
                    ok = bool(message.get("success")) and not output.get("error")
                    result.update(
                        ok=ok,
                        error=None if ok else str(output.get("error") or "failed")[:200],
                        ended=time.perf_counter() - started,
                        final=output.get("data"),
                    )
                    break
                elif kind == "close_stream":
                    break
        return result


def participant(
    page: Page, index: int, until: float, read_s: tuple[float, float], pii_every: int, log: list[dict[str, Any]]
) -> None:
    rng = random.Random(index)
    session = uuid.uuid4().hex[:11]
    history: list[dict[str, Any]] = []  # the Chatbot's value, as the browser sends it
    sent = 0
    with httpx.Client() as client:
        time.sleep(rng.uniform(0, read_s[1]))  # participants do not all press «Gửi» in the same second
        while time.perf_counter() < until:
            message = rng.choice(MESSAGES)
            try:
                r = page.run(client, session, "ui_chat", [message, history])
            except (httpx.HTTPError, ValueError) as exc:
                r = {"ok": False, "error": type(exc).__name__, "outputs": []}
            outs = r["outputs"]
            # The first output is the handler's own first yield (the masked question, no model text yet);
            # every later output carries one more streamed piece of the model's answer.
            ttft = outs[1] if len(outs) > 1 else None
            pieces = max(0, len(outs) - 1)
            decode_s = (r.get("ended", 0) - outs[1]) if len(outs) > 2 else None
            log.append(
                {
                    "participant": index,
                    "kind": "chat",
                    "ok": r["ok"],
                    "error": r.get("error"),
                    "ttft_s": ttft,
                    "pieces": pieces,
                    "decode_s": decode_s,
                    "total_s": r.get("ended"),
                    "at": time.perf_counter(),
                }
            )
            if r["ok"]:
                history = (
                    history
                    + [
                        {"role": "user", "content": [{"type": "text", "text": message}]},
                        {"role": "assistant", "content": [{"type": "text", "text": "…"}]},
                    ]
                )[-20:]
            sent += 1
            if pii_every and sent % pii_every == 0:
                try:
                    p = page.run(client, session, "ui_pii", [PII_TEXT])
                    log.append(
                        {
                            "participant": index,
                            "kind": "pii",
                            "ok": p["ok"],
                            "error": p.get("error"),
                            "total_s": p.get("ended"),
                            "at": time.perf_counter(),
                        }
                    )
                except (httpx.HTTPError, ValueError) as exc:
                    log.append({"participant": index, "kind": "pii", "ok": False, "error": type(exc).__name__})
            time.sleep(rng.uniform(*read_s))


# ---- services --------------------------------------------------------------------------------------


def teaching_model(scratch: Path) -> Path:
    """The store's teaching model, or one built now into the scratch folder (about 150 s)."""
    from hocai.ai import store

    folder = store.resolve(store.DEFAULT_MODEL)
    if store.is_installed(folder):
        return folder
    folder = scratch / store.DEFAULT_MODEL
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from hocai.ai import build_default; build_default.ensure_default(sys.argv[1], progress=False)",
            str(folder),
        ],
        cwd=ROOT,
        check=True,
    )
    return folder


def save_qwen_shape(folder: Path) -> Path:
    """The 0.5B Qwen2 shape with random bf16 weights and a word-level tokenizer of its 151,936 ids, as a
    model folder the service loads like any other (in a child process: torch stays out of this one)."""
    code = r"""
import json, sys, torch
from pathlib import Path
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM
sys.path.insert(0, sys.argv[2])
from benchmarks.ai_service import QWEN2_05B
folder = Path(sys.argv[1]); folder.mkdir(parents=True, exist_ok=True)
vocab = {f"t{i}": i for i in range(1, QWEN2_05B["vocab_size"])}
vocab["<unk>"] = 0
raw = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
raw.pre_tokenizer = pre_tokenizers.Whitespace()
tok = PreTrainedTokenizerFast(tokenizer_object=raw, unk_token="<unk>", pad_token="<unk>", eos_token="t1",
                              bos_token="t1")
tok.save_pretrained(folder)
torch.manual_seed(0)
torch.set_default_dtype(torch.bfloat16)
config = Qwen2Config(**QWEN2_05B, bos_token_id=1, eos_token_id=1)
Qwen2ForCausalLM(config).save_pretrained(folder)
(folder / "hocai_model.json").write_text(json.dumps({"name": "qwen2-0.5b-shape-random", "teaching_model": False}))
"""
    subprocess.run([sys.executable, "-c", code, str(folder), str(ROOT)], check=True)
    return folder


class Watch:
    """The service process's RSS (peak) and CPU seconds while the class works."""

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.Error:
                return

    def __enter__(self) -> Watch:
        self.cpu0, self.t0 = sum(self.proc.cpu_times()[:2]), time.perf_counter()
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        self.thread.join()
        self.cpu_s = sum(self.proc.cpu_times()[:2]) - self.cpu0
        self.wall_s = time.perf_counter() - self.t0


def run_class(
    label: str, model: Path, env_extra: dict[str, str], args: argparse.Namespace, scratch: Path
) -> dict[str, Any]:
    port = free_port()
    loading = time.perf_counter()
    proc = start_service(model, port, scratch / f"service-{port}.log", env_extra, timeout=600)
    load_s = time.perf_counter() - loading
    try:
        base = f"http://127.0.0.1:{port}"
        health = httpx.get(f"{base}/health", timeout=10).json()
        page = Page(base)
        with httpx.Client() as warm:  # one answer first: the first call pays one-time costs
            page.run(warm, uuid.uuid4().hex[:11], "ui_chat", ["Xin chào", []])
        log: list[dict[str, Any]] = []
        with Watch(proc.pid) as watch:
            until = time.perf_counter() + args.seconds
            threads = [
                threading.Thread(
                    target=participant,
                    args=(page, i, until, (args.read_min, args.read_max), args.pii_every, log),
                    daemon=True,
                )
                for i in range(args.participants)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.seconds + 600)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    chats = [e for e in log if e["kind"] == "chat"]
    ok = [e for e in chats if e["ok"]]
    ttfts = [e["ttft_s"] for e in ok if e["ttft_s"] is not None]
    per_participant = []
    for i in range(args.participants):
        mine = [e for e in ok if e["participant"] == i and e["decode_s"]]
        seconds = sum(e["decode_s"] for e in mine)
        if seconds > 0:
            per_participant.append(sum(e["pieces"] - 1 for e in mine) / seconds)
    pii = [e for e in log if e["kind"] == "pii"]
    pii_times = [e["total_s"] for e in pii if e.get("ok") and e.get("total_s") is not None]
    errors = [e.get("error") for e in log if not e.get("ok")]
    result = {
        "label": label,
        "model": health.get("model"),
        "quantize": health.get("quantize"),
        "participants": args.participants,
        "seconds": args.seconds,
        "service_load_s": round(load_s, 1),
        "chat_messages": len(chats),
        "chat_answered": len(ok),
        "ttft_p50_s": _r(percentile(ttfts, 50)),
        "ttft_p95_s": _r(percentile(ttfts, 95)),
        "ttft_max_s": _r(max(ttfts, default=None)),
        "tok_s_per_participant_p50": _r(percentile(per_participant, 50)),
        "tok_s_per_participant_min": _r(min(per_participant, default=None)),
        "answer_s_p50": _r(percentile([e["total_s"] for e in ok], 50)),
        "tokens_streamed": sum(e["pieces"] for e in ok),
        "pii_checks": len(pii),
        "pii_p50_s": _r(percentile(pii_times, 50)),
        "pii_p95_s": _r(percentile(pii_times, 95)),
        "errors": len(errors),
        "error_kinds": sorted(set(str(e) for e in errors))[:5],
        "service_rss_peak_mb": round(watch.peak / 2**20),
        "service_cpu_cores": round(watch.cpu_s / watch.wall_s, 2),
    }
    result["aggregate_tok_s"] = round(result["tokens_streamed"] / watch.wall_s, 1)
    return result


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def print_row(r: dict[str, Any]) -> None:
    print(
        f"{r['label']:<26} {r['chat_answered']:>4}/{r['chat_messages']:<4} "
        f"{_s(r['ttft_p50_s']):>8} {_s(r['ttft_p95_s']):>8} "
        f"{_s(r['tok_s_per_participant_p50']):>9} {_s(r['tok_s_per_participant_min']):>8} {r['aggregate_tok_s']:>8} "
        f"{_s(r['pii_p95_s']):>8} {r['errors']:>6} {r['service_rss_peak_mb']:>7} {r['service_cpu_cores']:>6}",
        flush=True,
    )


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=90.0, help="how long the class chats, per run")
    parser.add_argument("--read-min", type=float, default=3.0, help="reading time after an answer, seconds")
    parser.add_argument("--read-max", type=float, default=8.0)
    parser.add_argument(
        "--pii-every", type=int, default=3, help="a personal-data check after every N messages (0: none)"
    )
    parser.add_argument("--quick", action="store_true", help="the teaching model only")
    parser.add_argument("--only", choices=list(RUNS), action="append", help="run only these (repeatable)")
    parser.add_argument("--qwen-dir", type=Path, help="reuse (or keep) the random 0.5B model folder here")
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for every service (e.g. HOCAI_MAX_BATCH=16)"
    )
    args = parser.parse_args()
    extra = dict(kv.split("=", 1) for kv in args.env)
    load_before = os.getloadavg()
    print(
        f"{args.participants} participants, {args.seconds:.0f} s per run, "
        f"reading {args.read_min:.0f}–{args.read_max:.0f} s; "
        f"{os.cpu_count()} cores, load average before {load_before[0]:.2f}",
        flush=True,
    )
    scratch = tempfile.TemporaryDirectory(prefix="hocai-class-")
    folder = Path(scratch.name)
    wanted = args.only or (["teaching-before", "teaching"] if args.quick else list(RUNS))
    runs: list[dict[str, Any]] = []
    print(
        f"\n{'run':<26} {'answered':>9} {'TTFT p50':>8} {'p95':>8} {'tok/s p50':>9} {'min':>8} {'all tok/s':>8} "
        f"{'pii p95':>8} {'errors':>6} {'RSS MB':>7} {'CPU':>6}"
    )
    qwen = None
    for label in RUNS:
        if label not in wanted:
            continue
        model_kind, env = RUNS[label]
        if model_kind == "teaching":
            model = teaching_model(folder)
        else:
            if qwen is None:
                qwen = args.qwen_dir or folder / "qwen2-0.5b-shape-random"
                if not (qwen / "hocai_model.json").is_file():
                    save_qwen_shape(qwen)
            model = qwen
        runs.append(run_class(label, model, {**env, **extra}, args, folder))
        print_row(runs[-1])
    goals = []
    for r in runs:
        goal = GOALS.get(r["label"], {})
        if "p95_ttft_s" in goal:
            goals.append(
                {
                    "run": r["label"],
                    "goal": f"p95 TTFT <= {goal['p95_ttft_s']} s",
                    "value": r["ttft_p95_s"],
                    "pass": r["ttft_p95_s"] is not None and r["ttft_p95_s"] <= goal["p95_ttft_s"],
                }
            )
        if "min_tok_s" in goal:
            goals.append(
                {
                    "run": r["label"],
                    "goal": f">= {goal['min_tok_s']} tok/s per participant (slowest)",
                    "value": r["tok_s_per_participant_min"],
                    "pass": (r["tok_s_per_participant_min"] or 0) >= goal["min_tok_s"],
                }
            )
        if goal:
            goals.append({"run": r["label"], "goal": "0 errors", "value": r["errors"], "pass": r["errors"] == 0})
    print()
    for g in goals:
        print(f"{'PASS' if g['pass'] else 'FAIL'}  {g['run']}: {g['goal']}: {g['value']}")
    load_after = os.getloadavg()
    shared = load_before[0] > (os.cpu_count() or 1) * 0.5
    if shared:
        print(
            f"\nNote: started under load (load average {load_before[0]:.1f} on {os.cpu_count()} cores): other "
            "processes shared the CPU."
        )
    result = {
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in load_after],
            "shared": shared,
        },
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if k != "only"},
        "runs": runs,
        "goals": goals,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWrote {RESULTS.relative_to(ROOT)}")
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
