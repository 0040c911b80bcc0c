"""Memory per participant on a class JupyterHub: 10 participants, each with a single-user server and a
lesson kernel that has imported its lesson, beside the one shared Sân tập AI service.

Goal: ≤ 250 MB per participant (PSS: each process's own memory plus its share of libraries it shares with
others — the memory a participant really costs the server; RSS is printed too). Needs root (it creates
and removes 10 system users). Writes benchmarks/results/hub_memory.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support import ClassHub, build_tiny_model  # noqa: E402

N = 10
GOAL_MB = 250
LESSON = "bai-hoc/02-mo-hinh-ngon-ngu.ipynb"
CODE = "from hocai.lessons import lesson02 as bai\nimport ipywidgets"


def run_lesson_kernel(p) -> None:
    """Open the lesson as JupyterLab would (a session) and run its first cell over the kernel websocket."""
    import websocket

    session = p.server(
        "POST", "api/sessions", json={"path": LESSON, "type": "notebook", "name": LESSON, "kernel": {"name": "python3"}}
    ).json()
    kernel_id = session["kernel"]["id"]
    cookies = "; ".join(f"{c.name}={c.value}" for c in p.http.cookies)
    ws = websocket.create_connection(
        p.base.replace("http", "ws") + f"user/{p.name}/api/kernels/{kernel_id}/channels",
        header=[f"Cookie: {cookies}"],
        timeout=120,
    )
    msg_id = uuid.uuid4().hex
    ws.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": p.name,
                    "session": uuid.uuid4().hex,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "content": {
                    "code": CODE,
                    "silent": False,
                    "store_history": True,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
            }
        )
    )
    while True:
        reply = json.loads(ws.recv())
        if reply.get("msg_type") == "execute_reply" and reply["parent_header"].get("msg_id") == msg_id:
            assert reply["content"]["status"] == "ok", reply["content"]
            break
    ws.close()


def memory_of(processes: list[psutil.Process]) -> tuple[float, float]:
    rss = pss = 0
    for proc in processes:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


def main() -> None:
    if os.geteuid() != 0:
        sys.exit("benchmarks/hub_memory.py creates system users: run it as root.")
    model = build_tiny_model(Path("/tmp/hocai-bench-tiny-model"))
    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]
    people = [(f"Nguyễn Văn {g}", f"hvdo{i:02d}") for i, g in enumerate(given[:N])]
    hub = ClassHub(people, model, course_id="lop-do")
    try:
        hub.start()
        started = time.monotonic()
        participants = [hub.participant(u) for _, u in people]
        for p in participants:
            p.login()
            p.wait_server()
            run_lesson_kernel(p)
        time.sleep(5)
        per_user = {}
        for p in participants:
            procs = [q for q in psutil.process_iter(["username"]) if q.info["username"] == p.name]
            rss, pss = memory_of(procs)
            per_user[p.name] = {"processes": len(procs), "rss_mb": round(rss, 1), "pss_mb": round(pss, 1)}
        service = [q for q in psutil.process_iter(["cmdline"]) if "--hub-auth" in (q.info["cmdline"] or [])]
        service_rss, service_pss = memory_of(service)
        hub_procs = [
            q
            for q in psutil.process_iter(["cmdline", "username"])
            if q.info["username"] == "root"
            and any(
                Path(part).name in ("jupyterhub", "configurable-http-proxy") or part == "jupyterhub_idle_culler"
                for part in q.info["cmdline"] or []
            )
        ]
        hub_rss, _ = memory_of(hub_procs)
    finally:
        hub.close()
    pss_values = [u["pss_mb"] for u in per_user.values()]
    rss_values = [u["rss_mb"] for u in per_user.values()]
    figures = {
        "participants": N,
        "per_participant_pss_mb_mean": round(statistics.mean(pss_values), 1),
        "per_participant_pss_mb_max": round(max(pss_values), 1),
        "per_participant_rss_mb_mean": round(statistics.mean(rss_values), 1),
        "shared_service_rss_mb": round(service_rss, 1),
        "shared_service_pss_mb": round(service_pss, 1),
        "hub_and_proxy_rss_mb": round(hub_rss, 1),
        "goal_mb": GOAL_MB,
        "goal_met": max(pss_values) <= GOAL_MB,
        "setup_seconds": round(time.monotonic() - started, 1),
        "load_average": os.getloadavg(),
        "per_user": per_user,
    }
    print(f"{N} participants, each a single-user server + a lesson kernel (lesson 02 imported):")
    print(
        f"  per participant PSS: mean {figures['per_participant_pss_mb_mean']} MB, "
        f"max {figures['per_participant_pss_mb_max']} MB (goal ≤ {GOAL_MB} MB: "
        f"{'PASS' if figures['goal_met'] else 'FAIL'})"
    )
    print(f"  per participant RSS: mean {figures['per_participant_rss_mb_mean']} MB (counts shared libraries fully)")
    print(
        f"  shared Sân tập AI service: RSS {figures['shared_service_rss_mb']} MB, "
        f"PSS {figures['shared_service_pss_mb']} MB (one process for the whole class)"
    )
    print(f"  JupyterHub + proxy: RSS {figures['hub_and_proxy_rss_mb']} MB")
    out = ROOT / "benchmarks" / "results" / "hub_memory.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"  written to {out}")


if __name__ == "__main__":
    main()
