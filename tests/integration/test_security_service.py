"""Findings 10–12 of the security review (issue 14), replayed against the real ``hocai app``.

The service runs the tiny model with the teaching model's 128 positions. This machine (127.0.0.1) is not
rate-limited; 127.0.0.2 plays a reverse proxy the operator named in ``HOCAI_TRUSTED_PROXIES``, which
appends the address it saw to ``X-Forwarded-For`` as JupyterHub's proxy does.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time

import httpx
import psutil
import pytest
from gradio_client import Client
from support import build_tiny_model

from hocai.app.limits import TOO_FAST

PROXY = "127.0.0.2"
LONG = "Cán bộ xã dùng máy tính để soạn văn bản và trả lời người dân. " * 14  # 880 characters


@pytest.fixture(scope="module")
def svc(start_service, tmp_path_factory):
    folder = tmp_path_factory.mktemp("security")
    model = build_tiny_model(folder / "tiny-128", n_positions=128)
    env = {
        "HOCAI_MODEL": str(model),
        "HOCAI_BACKEND": "local",
        "HOCAI_TRUSTED_PROXIES": PROXY,
        "HOCAI_RATE_AI_PER_MIN": "6",
        "HOCAI_RATE_TOOLS_PER_MIN": "6",  # bursts of 3
        "HOCAI_BATCH_WINDOW_MS": "300",
        "HOCAI_MAX_REQUEST_MB": "4",
        "HOCAI_MAX_UPLOAD_MB": "1",
    }
    service = start_service(env, folder / "service.log")
    yield service
    service.stop()


def through_proxy(svc, path: str, forwarded: str, **kwargs) -> httpx.Response:
    """A request as the trusted proxy forwards it: the client's own header, then the address it came from."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=PROXY), timeout=60) as http:
        return http.post(svc.url + path, headers={"X-Forwarded-For": forwarded}, **kwargs)


def scam(svc, forwarded: str, proxied: bool = True) -> int:
    body = {"text": "Chúc mừng bạn trúng thưởng"}
    if proxied:
        return through_proxy(svc, "api/scam", forwarded, json=body).status_code
    return httpx.post(svc.url + "api/scam", json=body, headers={"X-Forwarded-For": forwarded}, timeout=60).status_code


# Finding 10: the rate limit ---------------------------------------------------------------------------


def test_forged_forwarded_addresses_do_not_escape_the_limit(svc):
    """Rotating the client-written part of X-Forwarded-For, or writing 127.0.0.1 there, changes nothing."""
    rotated = [scam(svc, f"198.51.100.{i}, 10.9.0.1") for i in range(6)]
    loopback = [scam(svc, "127.0.0.1, 10.9.0.2") for _ in range(6)]
    assert rotated.count(200) <= 4 and 429 in rotated, rotated
    assert loopback.count(200) <= 4 and 429 in loopback, loopback


def test_forwarded_for_from_a_process_that_is_no_proxy_is_limited(svc):
    """A kernel on this machine writing X-Forwarded-For itself is not "this machine, unlimited"."""
    statuses = [scam(svc, f"198.51.100.{i}", proxied=False) for i in range(5)] + [
        scam(svc, "127.0.0.1", proxied=False) for _ in range(3)
    ]
    assert statuses.count(200) <= 4 and 429 in statuses, statuses
    assert all(scam(svc, "", proxied=False) == 200 for _ in range(6))  # the machine itself, nothing forwarded


def test_a_participant_cannot_drain_another_ones_bucket(svc):
    for _ in range(6):
        scam(svc, "10.9.0.4, 10.9.0.3")  # 10.9.0.3 names 10.9.0.4 as itself
    assert scam(svc, "10.9.0.4") == 200


def test_openai_routes_are_limited_with_an_openai_shaped_429(svc):
    chat = {"messages": [{"role": "user", "content": "Xin chào"}], "max_tokens": 2}
    answers = [through_proxy(svc, "v1/chat/completions", "10.9.0.5", json=chat) for _ in range(5)]
    statuses = [a.status_code for a in answers]
    assert statuses.count(200) <= 4 and statuses[-1] == 429, statuses
    assert answers[-1].json()["error"]["message"] == TOO_FAST
    completion = {"prompt": "Xin chào", "max_tokens": 2}
    statuses = [through_proxy(svc, "v1/completions", "10.9.0.6", json=completion).status_code for _ in range(5)]
    assert statuses.count(200) <= 4 and statuses[-1] == 429, statuses


# Finding 11: batches and the model's context ----------------------------------------------------------


def test_max_tokens_beyond_the_context_is_cut_not_an_error(svc):
    for path, body in (
        ("v1/completions", {"prompt": "Xin chào", "max_tokens": 300}),
        ("v1/chat/completions", {"messages": [{"role": "user", "content": LONG}], "max_tokens": 200}),
    ):
        answer = httpx.post(svc.url + path, json=body, timeout=120)
        assert answer.status_code == 200, answer.text
        assert answer.json()["usage"]["total_tokens"] <= 128


def test_chats_keep_working_while_another_client_sends_long_completions(svc):
    """Long prompts with short budgets and short chats with long budgets arrive together (one batch window)."""
    gc = Client(svc.url, verbose=False, download_files=False, analytics_enabled=False, max_workers=16)
    failures: list[str] = []

    def completion(i: int) -> None:
        answer = httpx.post(svc.url + "v1/completions", json={"prompt": LONG[: 220 * (1 + i % 4)]}, timeout=120)
        if answer.status_code != 200:
            failures.append(answer.text)

    threads = [threading.Thread(target=completion, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    jobs = [gc.submit(f"Xin chào các bạn, câu số {i}", api_name="/chat") for i in range(10)]
    for job in jobs:
        try:
            assert "mô hình thu nhỏ" in job.result(timeout=120)["reply"]
        except Exception as exc:  # what the participant would have seen
            failures.append(str(exc))
    for t in threads:
        t.join(120)
    assert not failures, f"{len(failures)} of 14 failed: {failures[:2]}"
    assert "IndexError" not in svc.log_text() and "generation failed" not in svc.log_text()


# Finding 12: uploads and request bodies ---------------------------------------------------------------


def test_upload_route_refuses_files_over_the_upload_cap(svc):
    small = httpx.post(svc.url + "gradio_api/upload", files={"files": ("a.txt", b"x" * 1000)}, timeout=60)
    assert small.status_code == 200
    big = httpx.post(svc.url + "gradio_api/upload", files={"files": ("a.bin", b"x" * 2_000_000)}, timeout=60)
    assert big.status_code == 413


def raw_request(svc, head: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", svc.port), timeout=10)
    sock.sendall(head.encode("ascii"))
    return sock


def test_a_declared_oversize_body_is_refused_before_it_is_sent(svc):
    sock = raw_request(
        svc,
        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 300000000\r\n\r\n",
    )
    with sock:  # nothing of the body sent: the whole answer comes now, possibly in several segments
        reply = read_response(sock)
    assert reply.startswith("HTTP/1.1 413")
    assert "quá lớn" in json.loads(reply.split("\r\n\r\n", 1)[1])["error"]["message"]


def read_response(sock: socket.socket) -> str:
    """Read one HTTP response: headers, then as many body bytes as Content-Length says."""
    data = b""
    while b"\r\n\r\n" not in data:
        part = sock.recv(65536)
        if not part:
            break
        data += part
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        None,
    )
    while length is not None and len(body) < length:
        part = sock.recv(65536)
        if not part:
            break
        body += part
    return (head + b"\r\n\r\n" + body).decode("utf-8", "replace")


@pytest.mark.parametrize("path", ["v1/chat/completions", "gradio_api/queue/join", "api/pii"])
def test_a_streamed_body_is_refused_as_it_passes_the_cap(svc, path):
    """64 MB sent in chunks without a length: the 413 comes after about 4 MB and the service does not grow."""
    process = psutil.Process(svc.proc.pid)
    before = process.memory_info().rss
    sock = raw_request(
        svc, f"POST /{path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    sent, reply = 0, b""
    with sock:
        sock.settimeout(0.5)
        while sent < 64 * 2**20:
            if select.select([sock], [], [], 0)[0]:
                reply = sock.recv(65536)
                break
            try:
                sock.sendall(chunk)
            except OSError:  # the service closed the connection after answering
                break
            sent += 65536
        deadline = time.monotonic() + 10
        while not reply and time.monotonic() < deadline:
            try:
                reply = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
    grown = process.memory_info().rss - before
    assert reply.startswith(b"HTTP/1.1 413"), (sent, reply[:200])
    assert sent < 32 * 2**20, sent
    assert grown < 48 * 2**20, grown


# Finding 10 on the hub: the logged-in user keys the bucket ----------------------------------------------


@pytest.fixture(scope="module")
def hub(tiny_model_dir):
    import os
    import shutil

    from support import ClassHub

    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("the hub creates system users: it needs root (CI runs it as root)")
    hub = ClassHub(
        [("Nguyễn Thị Giớihạn", "hubgha"), ("Trần Văn Giớihạn", "hubghb")], tiny_model_dir, course_id="lop-gioi-han"
    )
    hub.env.update({"HOCAI_RATE_AI_PER_MIN": "6", "HOCAI_RATE_TOOLS_PER_MIN": "6"})
    try:
        yield hub.start()
    finally:
        hub.close()


def service_session(hub, user: str):
    """A participant logged in to the hub, then to the service through the hub's OAuth (as a browser)."""
    participant = hub.participant(user)
    participant.login()
    page = participant.http.get(f"{hub.base}services/san-tap-ai/", headers={"Accept": "text/html"}, timeout=120)
    assert page.status_code == 200 and "services/san-tap-ai" in page.url
    return participant.http


@pytest.mark.slow
def test_on_the_hub_each_participant_has_a_bucket_whatever_they_forward(hub):
    """Through JupyterHub's proxy every request comes from 127.0.0.1 with X-Forwarded-For: the hub user counts."""
    a, b = service_session(hub, "hubgha"), service_session(hub, "hubghb")
    api = f"{hub.base}services/san-tap-ai/"

    def tool(http, forwarded: str | None = None) -> int:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return http.post(api + "api/scam", json={"text": "Trúng thưởng"}, headers=headers, timeout=60).status_code

    forged = [tool(a, f"198.51.100.{i}") for i in range(4)] + [tool(a, "127.0.0.1") for _ in range(3)]
    assert forged.count(200) <= 4 and 429 in forged, forged
    assert tool(b) == 200  # a's calls, whatever address they named, are not b's
    chat = {"messages": [{"role": "user", "content": "Xin chào"}], "max_tokens": 2}
    statuses = [
        a.post(
            api + "v1/chat/completions", json=chat, headers={"X-Forwarded-For": f"198.51.100.{i}"}, timeout=60
        ).status_code
        for i in range(5)
    ]
    assert statuses.count(200) <= 4 and statuses[-1] == 429, statuses
    token = next(c.value for c in b.cookies if c.name == "hocai-hub-token")
    gc = Client(
        api,
        headers={"Cookie": f"hocai-hub-token={token}", "X-Forwarded-For": "127.0.0.1"},
        verbose=False,
        download_files=False,
        analytics_enabled=False,
    )
    for _ in range(3):
        gc.predict("Xin chào", 2, 1.0, api_name="/next_words")
    with pytest.raises(Exception, match="Bạn gửi nhanh quá"):  # the Gradio queue knows the hub user too
        gc.predict("Xin chào", 2, 1.0, api_name="/next_words")
