"""Per-client rate limits for a class on one service, and who a request comes from.

A token bucket per client and per kind of call: model calls ("ai") are costly, safety tools ("tools") are
cheap. The machine itself (the trainer's browser, notebook kernels of a workshop on this machine) is not
limited; a proxy on this machine that forwards a client's address (``X-Forwarded-For``, as JupyterHub's
proxy does) is trusted for that address. Settings: env ``HOCAI_RATE_AI_PER_MIN`` /
``HOCAI_RATE_TOOLS_PER_MIN`` or ``rate_ai_per_min`` / ``rate_tools_per_min`` in hocai.toml [service]; 0 turns
a limit off.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
import tomllib
from dataclasses import dataclass
from typing import Any, Mapping

from hocai.errors import UserError

TOO_FAST = "Bạn gửi nhanh quá, đợi vài giây rồi thử lại."
DEFAULT_PER_MIN = {"ai": 20, "tools": 120}
ENV = {"ai": "HOCAI_RATE_AI_PER_MIN", "tools": "HOCAI_RATE_TOOLS_PER_MIN"}
MAX_CLIENTS = 10_000


def service_section() -> dict[str, Any]:
    """The [service] section of hocai.toml (or HOCAI_CONFIG); {} when absent or unreadable."""
    from hocai.app.config import config_file

    path = config_file()
    try:
        section = tomllib.loads(path.read_text(encoding="utf-8")).get("service", {}) if path.is_file() else {}
    except (OSError, ValueError):
        return {}
    return section if isinstance(section, dict) else {}


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def client_address(peer: str | None, headers: Mapping[str, str]) -> str | None:
    """The participant's address: the peer, or the first forwarded address when the peer is this machine."""
    forwarded = (headers.get("x-forwarded-for") or headers.get("x-real-ip") or "").split(",")[0].strip()
    if forwarded and is_loopback(peer):
        return forwarded
    return peer


def client_key(request: Any) -> str | None:
    """A key for a ``gr.Request`` (or any object with .client.host and .headers); None = not limited."""
    if request is None:
        return None
    client = getattr(request, "client", None)
    peer = getattr(client, "host", None)
    headers = {str(k).lower(): str(v) for k, v in dict(getattr(request, "headers", {}) or {}).items()}
    address = client_address(peer, headers)
    if address is None or is_loopback(address):
        return None
    return address


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """``per_min`` calls per minute with bursts up to ``burst``; thread-safe."""

    def __init__(self, per_min: Mapping[str, float] | None = None, clock=time.monotonic):
        self.per_min = dict(DEFAULT_PER_MIN if per_min is None else per_min)
        self.clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, environ: Mapping[str, str] | None = None) -> "RateLimiter":
        environ = os.environ if environ is None else environ
        section = service_section()
        per_min: dict[str, float] = {}
        for kind, default in DEFAULT_PER_MIN.items():
            raw = environ.get(ENV[kind]) or section.get(f"rate_{kind}_per_min", default)
            try:
                per_min[kind] = max(0.0, float(raw))
            except (TypeError, ValueError):
                raise UserError(f"Cấu hình «rate_{kind}_per_min» không hợp lệ: «{raw}».") from None
        return cls(per_min)

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

    def check(self, request: Any, kind: str) -> None:
        """Raise the Vietnamese "too fast" message when this client is over its limit."""
        if not self.allow(client_key(request), kind):
            raise UserError(TOO_FAST)

    def _prune(self, now: float) -> None:
        """Forget clients idle long enough to have a full bucket again (the oldest half if none is)."""
        idle = [k for k, b in self._buckets.items() if now - b.stamp > 60.0]
        if not idle:
            idle = sorted(self._buckets, key=lambda k: self._buckets[k].stamp)[: len(self._buckets) // 2]
        for key in idle:
            del self._buckets[key]
