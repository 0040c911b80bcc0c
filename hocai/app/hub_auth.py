"""Sân tập AI behind JupyterHub login (``hocai app --hub-auth``, run by the hub as a managed service).

Every request must carry a hub token the service may accept: an ``Authorization: token …`` header (kernels
send their server's token) or the cookie set at the end of the hub's OAuth login (browsers). Anonymous
browsers are sent to the hub's login; anonymous API calls get 403 with a Vietnamese message.
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import parse_qs, urlencode

from hocai.app.asgi import request_cookies, request_headers, respond

COOKIE = "hocai-hub-token"
STATE_COOKIE = "hocai-hub-state"
REFUSED = "Cần đăng nhập JupyterHub của lớp học để dùng Sân tập AI."


class HubAuthMiddleware:
    """Pure ASGI middleware (streaming responses and websockets pass through untouched)."""

    def __init__(self, app, auth=None):
        from jupyterhub.services.auth import HubOAuth

        self.app = app
        self.auth = auth or HubOAuth(cache_max_age=60)
        self.prefix = self.auth.base_url.rstrip("/") + "/"
        self.callback_path = self.prefix + "oauth_callback"

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = request_headers(scope)
        cookies = request_cookies(headers)
        if scope["type"] == "http" and scope["path"] == self.callback_path:
            return await self._callback(scope, send, cookies)
        token = None
        match = self.auth.auth_header_pat.match(headers.get("authorization", ""))
        if match:
            token = match.group(1)
        token = token or cookies.get(COOKIE)
        user = await self.auth.user_for_token(token, sync=False) if token else None
        if user and self.auth.check_scopes(self.auth.access_scopes, user):
            state = scope.setdefault("state", {})
            state["hub_user"], state["hub_kind"] = user["name"], user.get("kind", "user")
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        if scope["method"] == "GET" and "text/html" in headers.get("accept", ""):
            return await self._login_redirect(scope, send)
        return await respond(
            send, 403, json.dumps({"error": REFUSED}, ensure_ascii=False).encode(), "application/json; charset=utf-8"
        )

    async def _login_redirect(self, scope, send):
        next_url = scope.get("root_path", "") + scope["path"]
        verifier, challenge, method = self.auth.generate_pkce_code_challenge()
        state = self.auth.generate_state(next_url, code_verifier=verifier, nonce=secrets.token_urlsafe(8))
        query = urlencode(
            {
                "client_id": self.auth.oauth_client_id,
                "redirect_uri": self.auth.oauth_redirect_uri,
                "response_type": "code",
                "state": state,
                "code_challenge": challenge,
                "code_challenge_method": method,
            }
        )
        cookie = f"{STATE_COOKIE}={state}; Path={self.prefix}; HttpOnly; SameSite=Lax; Max-Age=600"
        return await respond(send, 302, b"", location=f"{self.auth.oauth_authorization_url}?{query}", cookies=[cookie])

    async def _callback(self, scope, send, cookies):
        params = parse_qs(scope.get("query_string", b"").decode())
        code, state = params.get("code", [""])[0], params.get("state", [""])[0]
        if not code or not state or cookies.get(STATE_COOKIE) != state:
            return await respond(send, 403, REFUSED.encode(), "text/plain; charset=utf-8")
        token = await self.auth.token_for_code(code, code_verifier=self.auth.get_code_verifier(state), sync=False)
        next_url = self.auth.get_next_url(state)
        self.auth.clear_oauth_state(state)
        cookie = f"{COOKIE}={token}; Path={self.prefix}; HttpOnly; SameSite=Lax"
        clear = f"{STATE_COOKIE}=; Path={self.prefix}; Max-Age=0"
        return await respond(send, 302, b"", location=next_url, cookies=[cookie, clear])


def prefixed(app):
    """Serve ``app`` under the hub's service prefix (the proxy forwards the full path) with login required.

    A mounted app gets no lifespan events of its own, and Gradio starts its queue in ``app``'s lifespan:
    without passing it on, every queued call (gradio_client, the page) would wait forever behind the hub.
    """
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.routing import Mount

    @asynccontextmanager
    async def lifespan(_outer):
        async with app.router.lifespan_context(app) as state:
            yield state

    middleware = HubAuthMiddleware(app)
    outer = Starlette(routes=[Mount(middleware.prefix.rstrip("/"), app=app)], lifespan=lifespan)
    middleware.app = outer
    return middleware
