"""Small pieces shared by the kit's pure ASGI middleware (the class password and the hub login)."""

from __future__ import annotations

from http.cookies import SimpleCookie


def request_headers(scope) -> dict[str, str]:
    """The request's headers, names in lower case, values as sent (latin-1, as ASGI gives them)."""
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def request_cookies(headers: dict[str, str]) -> dict[str, str]:
    """The cookies of a request, by name."""
    return {k: m.value for k, m in SimpleCookie(headers.get("cookie", "")).items()}


async def respond(
    send,
    status: int,
    body: bytes,
    content_type: str = "text/plain; charset=utf-8",
    *,
    location: str | None = None,
    cookies: list[str] = (),
) -> None:
    """A whole answer from the middleware itself; never cached (it may set a login cookie or depend on one)."""
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    if location:
        headers.append((b"location", location.encode()))
    headers += [(b"set-cookie", c.encode()) for c in cookies]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
