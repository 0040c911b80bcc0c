"""A password for a class network: a small Vietnamese login in front of the whole service.

Set ``password`` in hocai.toml [service] or ``HOCAI_APP_PASSWORD`` (``hocai.settings``). Browsers get a Vietnamese
login page and a session cookie; ``gradio_client.Client(url, auth=("hocvien", password))`` logs in through the same
``POST /login``; OpenAI clients send ``Authorization: Bearer <password>``. The machine itself (loopback,
nothing forwarded) needs no password, so notebook kernels of a workshop on this machine keep working.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
from urllib.parse import parse_qs

from hocai import settings
from hocai.app.asgi import request_cookies, request_headers, respond
from hocai.app.limits import RateLimiter, client_address, is_loopback
from hocai.app.ui_style import font_face_css
from hocai.text import nfc

COOKIE = "hocai-app-session"
LOGIN_PAGE = "/dang-nhap"
OPEN_PATHS = ("/health", "/hocai-static/")
NEEDED = "Cần đăng nhập bằng mật khẩu của lớp học để dùng Sân tập AI."
WRONG = "Mật khẩu chưa đúng, hãy hỏi giảng viên rồi nhập lại."
TOO_MANY = "Bạn nhập sai nhiều lần quá, đợi một phút rồi thử lại."
MAX_FORM = 4096


def configured_password() -> str:
    """The class password (setting ``password``), "" when none is set."""
    return nfc(settings.service().password).strip()


def login_page(message: str = "") -> bytes:
    """The Vietnamese login page (large type, works without JavaScript)."""
    notice = f'<p class="err" role="alert">{html.escape(message)}</p>' if message else ""
    page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Đăng nhập — Sân tập AI</title>
<style>{font_face_css()}
body{{font-family:"Be Vietnam Pro",system-ui,sans-serif;font-size:20px;line-height:1.5;margin:0;
background:#f6f7f9;color:#111}}main{{max-width:28rem;margin:3rem auto;padding:1.5rem;background:#fff;
border:2px solid #1d4ed8;border-radius:12px}}h1{{font-size:1.6rem;margin:0 0 .5rem}}
label{{display:block;font-weight:600;margin:1rem 0 .3rem}}input{{font:inherit;width:100%;box-sizing:border-box;
padding:.6rem;border:2px solid #333;border-radius:8px}}button{{font:inherit;font-weight:700;margin-top:1rem;
width:100%;padding:.7rem;border:0;border-radius:8px;background:#1d4ed8;color:#fff;cursor:pointer}}
.err{{color:#9f1239;font-weight:600}}</style></head><body><main><h1>Sân tập AI</h1>
<p>Nhập mật khẩu lớp học do giảng viên cung cấp.</p>{notice}
<form method="post" action="/login"><input type="hidden" name="username" value="hocvien">
<label for="pw">Mật khẩu</label><input id="pw" name="password" type="password" autocomplete="current-password"
required autofocus><button type="submit">Vào Sân tập AI</button></form></main></body></html>"""
    return page.encode("utf-8")


class PasswordGate:
    """Pure ASGI middleware (streams and websockets pass through once the client is known)."""

    def __init__(self, app, password: str, trusted=()):
        self.app = app
        self.password = password
        self.trusted = tuple(trusted)  # proxies whose X-Forwarded-For names the client (hocai.app.limits)
        self.session = hmac.new(secrets.token_bytes(32), password.encode("utf-8"), hashlib.sha256).hexdigest()
        self.failures = RateLimiter({"login": 20})  # wrong passwords: 5 at once, then one every 3 s

    def _trusted(self, scope, headers: dict[str, str], cookies: dict[str, str]) -> bool:
        peer = (scope.get("client") or (None, None))[0]
        if is_loopback(peer) and not headers.get("x-forwarded-for") and not headers.get("x-real-ip"):
            return True
        if hmac.compare_digest(cookies.get(COOKIE, ""), self.session):
            return True
        auth = headers.get("authorization", "")
        given = auth[7:].strip().encode("latin-1")  # header bytes as sent: UTF-8 for a Vietnamese password
        return auth.startswith("Bearer ") and hmac.compare_digest(given, self.password.encode("utf-8"))

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = request_headers(scope)
        cookies = request_cookies(headers)
        path = scope.get("path", "")
        if scope["type"] == "http" and path.rstrip("/") == "/login" and scope["method"] == "POST":
            return await self._login(scope, receive, send, headers)
        if scope["type"] == "http" and path == LOGIN_PAGE:
            return await respond(send, 200, login_page(), "text/html; charset=utf-8")
        if path.startswith(OPEN_PATHS) or self._trusted(scope, headers, cookies):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        if scope["method"] == "GET" and "text/html" in headers.get("accept", ""):
            return await respond(send, 303, b"", location=LOGIN_PAGE)
        return await respond(send, 401, _json({"error": NEEDED}), "application/json; charset=utf-8")

    async def _login(self, scope, receive, send, headers: dict[str, str]):
        body = await _read_body(receive, MAX_FORM)
        form = parse_qs(body.decode("utf-8", "replace")) if body is not None else {}
        given = nfc(form.get("password", [""])[0]).strip()
        browser = "text/html" in headers.get("accept", "")
        address = client_address((scope.get("client") or (None, None))[0], headers, self.trusted) or "?"
        if not self.failures.allow(address, "login", spend=False):
            ok, message = False, TOO_MANY
        else:
            ok, message = hmac.compare_digest(given.encode("utf-8"), self.password.encode("utf-8")), WRONG
            if not ok:
                self.failures.allow(address, "login")
        if not ok:
            if browser:
                return await respond(send, 401, login_page(message), "text/html; charset=utf-8")
            return await respond(send, 401, _json({"error": message}), "application/json; charset=utf-8")
        cookie = f"{COOKIE}={self.session}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200"
        if browser:
            return await respond(send, 303, b"", location="/", cookies=[cookie])
        return await respond(send, 200, _json({"success": True}), "application/json; charset=utf-8", cookies=[cookie])


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


async def _read_body(receive, limit: int) -> bytes | None:
    """The request body, or None when it is larger than ``limit``."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)
