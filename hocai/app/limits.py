"""Per-client rate limits for a class on one service, and who a request comes from.

A token bucket per client and per kind of call: model calls ("ai") are costly, safety tools ("tools") are
cheap. Behind JupyterHub (``--hub-auth``) the client is the logged-in hub user, whatever address the request
comes from. Otherwise it is the connecting address; ``X-Forwarded-For`` counts only when it arrives from a
proxy the operator named in ``trusted_proxies`` (none by default), and then only the entries those proxies
appended: whatever stands further left was written by the client. The machine itself (the trainer's
browser, notebook kernels of a workshop on this machine) is not limited, unless its request carries a
forwarded address no trusted proxy vouches for. Settings (``hocai.settings``): ``rate_ai_per_min``,
``rate_tools_per_min`` and ``trusted_proxies`` in hocai.toml [service] or their ``HOCAI_*`` variables; a rate
of 0 turns that limit off.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hocai import settings
from hocai.errors import UserError

TOO_FAST = "Bạn gửi nhanh quá, đợi vài giây rồi thử lại."
DEFAULT_PER_MIN = {"ai": settings.ServiceSettings.rate_ai_per_min, "tools": settings.ServiceSettings.rate_tools_per_min}
FORWARDING = ("x-forwarded-for", "x-real-ip", "forwarded")
MAX_CLIENTS = 10_000
Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


class TooFast(UserError):
    """Over the rate limit (HTTP routes answer 429)."""

    def __init__(self) -> None:
        super().__init__(TOO_FAST)


def _ip(host: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((host or "").strip().strip("[]"))
    except ValueError:
        return None


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    ip = _ip(host)
    return bool(ip and ip.is_loopback)


def parse_networks(raw: Any) -> Networks:
    """Addresses or networks ("10.0.0.5", "10.0.0.0/24"), as a list or one comma-separated string."""
    items = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw or [])
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(str(item).strip(), strict=False))
        except ValueError:
            raise UserError(f"Cấu hình «trusted_proxies» không hợp lệ: «{item}».") from None
    return tuple(networks)


def trusted_proxies(environ: Mapping[str, str] | None = None) -> Networks:
    """The proxies whose ``X-Forwarded-For`` counts (setting ``trusted_proxies``)."""
    return settings.service(environ).trusted_proxies


def _trusted(host: str | None, trusted: Networks) -> bool:
    ip = _ip(host)
    return ip is not None and any(ip in net for net in trusted)


def client_address(peer: str | None, headers: Mapping[str, str], trusted: Iterable = ()) -> str | None:
    """The participant's address: the peer, unless the peer is a trusted proxy.

    Each proxy appends the address it saw to ``X-Forwarded-For``, so the client is the right-most entry
    that is not itself a trusted proxy; entries further left come from the client and prove nothing.
    """
    trusted = tuple(trusted)
    if not _trusted(peer, trusted):
        return peer
    chain = [x.strip() for x in (headers.get("x-forwarded-for") or "").split(",") if x.strip()]
    if not chain and headers.get("x-real-ip"):
        chain = [headers["x-real-ip"].strip()]
    for host in reversed(chain):
        if not _trusted(host, trusted):
            return host
    return chain[0] if chain else peer


def hub_user(request: Any) -> str | None:
    """The JupyterHub user ``HubAuthMiddleware`` put in the request's state, if any."""
    try:
        user = getattr(getattr(request, "state", None), "hub_user", None)
    except (AttributeError, KeyError):
        return None
    return user if isinstance(user, str) and user else None


def client_key(request: Any, trusted: Iterable = ()) -> str | None:
    """A key for a ``gr.Request`` or Starlette request (anything with .client.host and .headers); None = not limited."""
    if request is None:
        return None
    user = hub_user(request)
    if user:
        return "user:" + user
    client = getattr(request, "client", None)
    peer = getattr(client, "host", None)
    headers = {str(k).lower(): str(v) for k, v in dict(getattr(request, "headers", {}) or {}).items()}
    trusted = tuple(trusted)
    address = client_address(peer, headers, trusted)
    if address is None:
        return None
    if is_loopback(address):
        # This machine, unless an address was forwarded by something the operator did not name as a proxy.
        vouched = _trusted(peer, trusted) or not any(headers.get(h) for h in FORWARDING)
        return None if vouched else address
    return address


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """``per_min`` calls per minute with bursts up to ``burst``; thread-safe."""

    def __init__(self, per_min: Mapping[str, float] | None = None, clock=time.monotonic, trusted: Iterable = ()):
        self.per_min = dict(DEFAULT_PER_MIN if per_min is None else per_min)
        self.clock = clock
        self.trusted: Networks = parse_networks(trusted)
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, environ: Mapping[str, str] | None = None) -> RateLimiter:
        config = settings.service(environ)
        per_min = {"ai": config.rate_ai_per_min, "tools": config.rate_tools_per_min}
        return cls(per_min, trusted=config.trusted_proxies)

    def burst(self, kind: str) -> float:
        """A burst of a quarter of the minute's allowance (at least 3): typing fast is fine, a loop is not."""
        return max(3.0, self.per_min.get(kind, 0) / 4)

    def allow(self, key: str | None, kind: str, spend: bool = True) -> bool:
        """Whether ``key`` may make one more ``kind`` call now; ``spend=False`` only looks."""
        rate = self.per_min.get(kind, 0)
        if key is None or rate <= 0:
            return True
        now, capacity = self.clock(), self.burst(kind)
        with self._lock:
            bucket = self._buckets.get((key, kind))
            if bucket is None:
                if len(self._buckets) >= MAX_CLIENTS:
                    self._prune(now)
                bucket = self._buckets[(key, kind)] = _Bucket(capacity, now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.stamp) * rate / 60.0)
            bucket.stamp = now
            if bucket.tokens < 1.0:
                return False
            if spend:
                bucket.tokens -= 1.0
            return True

    def key(self, request: Any) -> str | None:
        """Who ``request`` comes from, for the buckets (None: this machine, not limited)."""
        return client_key(request, self.trusted)

    def check(self, request: Any, kind: str) -> None:
        """Raise the Vietnamese "too fast" message when this client is over its limit."""
        if not self.allow(self.key(request), kind):
            raise TooFast()

    def _prune(self, now: float) -> None:
        """Forget clients idle long enough to have a full bucket again (the oldest half if none is)."""
        idle = [k for k, b in self._buckets.items() if now - b.stamp > 60.0]
        if not idle:
            idle = sorted(self._buckets, key=lambda k: self._buckets[k].stamp)[: len(self._buckets) // 2]
        for key in idle:
            del self._buckets[key]


# Request bodies --------------------------------------------------------------------------------------
BODY_TOO_BIG = "Nội dung gửi lên quá lớn: tối đa {limit} byte."


def _declared_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    """Pure ASGI middleware: no request body larger than ``limit`` bytes gets in, whatever the route.

    Starlette's ``request.body()`` and Gradio's routes read a whole body before anything can check its
    size. Here a declared ``Content-Length`` over the limit is answered 413 before any of the body is read,
    and a body without one is counted as it streams and answered 413 the moment it passes the limit.
    """

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = int(limit)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = _declared_length(scope)
        if declared is not None and declared > self.limit:
            return await self._refuse(scope, send)
        received, refused, started = 0, False, False

        async def counted_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = True
                    if not started:
                        await self._refuse(scope, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal started
            if refused:
                return  # the route's answer to a body it never got
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, scope, send) -> None:
        import json

        message = BODY_TOO_BIG.format(limit=self.limit)
        if "/v1/" in scope.get("path", ""):
            payload = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}
        else:
            payload = {"error": message}
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def read_capped(request: Any, limit: int) -> bytes | None:
    """A route's body, or None when it is over ``limit`` bytes; what is over the limit is read and dropped,
    never kept (``BodyLimit`` bounds how much that can be), so the client is answered after it has sent all."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
    return b"".join(chunks) if size <= limit else None
