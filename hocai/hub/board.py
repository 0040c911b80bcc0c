"""The instructor's live board as a small web service: ``python -m hocai.hub.board COURSE_DIR --port N``.

On JupyterHub it runs as the hub service «bang-tien-do» behind hub login (``--hub-auth``): the hub lets in
only users whose roles grant ``access:services!service=bang-tien-do``, which deploy/jupyterhub_config.py
gives to the instructors' group and never to participants. On one machine (``hocai start``) it needs the
trainer token (HOCAI_TRAINER_TOKEN) as ``Authorization: Bearer …`` or ``?token=…``; without a token only
this machine (loopback) may read it. Data: grader/board.py; export: grader/export.py, as the report.
"""

from __future__ import annotations

import argparse
import hmac
import html
import json
import os
import tempfile
import urllib.request
from pathlib import Path

from tornado import ioloop, web

from hocai import settings
from hocai.hub import settings as hub_settings

SERVICE_NAME = hub_settings.BOARD_SERVICE_NAME
TOKEN_ENV = settings.env_var("trainer_token")
PAGE = Path(__file__).with_name("board_page.html")
TRAINERS_ONLY = "Chỉ giảng viên xem được bảng tiến độ."


class TokenHandler(web.RequestHandler):
    """One machine: the trainer token, or loopback when none is set."""

    def prepare(self) -> None:
        token = settings.kit().trainer_token
        if token:
            sent = self.request.headers.get("Authorization", "").partition(" ")[2].strip() or self.get_query_argument(
                "token", ""
            )
            if not hmac.compare_digest(sent.encode(), token.encode()):
                raise web.HTTPError(403, TRAINERS_ONLY)
        elif self.request.remote_ip not in ("127.0.0.1", "::1"):
            raise web.HTTPError(403, TRAINERS_ONLY)

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(TRAINERS_ONLY if status_code == 403 else "Không đọc được tiến độ lớp; hãy thử lại.")


def assistant_questions(timeout_s: float = 1.0) -> dict | None:
    """How many questions the course assistant got, per lesson section (counts only, no text, no person), from the
    Sân tập AI service: what the class finds hard (issue 23, item 5). None when the service cannot be asked;
    the board draws without it.

    On JupyterHub the board sends its own hub token (its role in deploy/jupyterhub_config.py lets it through
    the service's hub login); on one machine the trainer token, or nothing, where the service lets this machine in.
    """
    kit = settings.kit()
    token = os.environ.get("JUPYTERHUB_API_TOKEN") or kit.trainer_token
    request = urllib.request.Request(
        kit.service_url.rstrip("/") + "/api/assistant/stats",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"} if token else {},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError):  # URLError is an OSError
        return None
    return data if isinstance(data, dict) and isinstance(data.get("sections"), list) else None


def _xsrf(handler: web.RequestHandler) -> str:
    """The hub's XSRF token for the page's own data requests ("" on one machine, where the token is the check).

    JupyterHub 4.1+ ignores a service's login cookie on a script's ``fetch`` (Sec-Fetch-Mode: cors) that sends
    no ``X-XSRFToken``: the board's data request was sent back to log in, again and again
    (ERR_TOO_MANY_REDIRECTS), and the table never drew. Reading the token here also sets the ``_xsrf`` cookie.
    """
    if not hasattr(handler, "hub_auth"):
        return ""
    token = handler.xsrf_token
    return token.decode() if isinstance(token, bytes) else str(token)


def _handlers(course_dir: Path, base: type[web.RequestHandler], auth: callable) -> list:
    class Page(base):
        @auth
        def get(self) -> None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.set_header(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
            )
            self.finish(PAGE.read_text(encoding="utf-8").replace("{{xsrf}}", html.escape(_xsrf(self))))

    class Data(base):
        @auth
        async def get(self) -> None:
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            from hocai_grader import board

            # In a thread: a slow Sân tập AI must not hold up the board's other requests.
            assistant = await ioloop.IOLoop.current().run_in_executor(None, assistant_questions)
            self.finish(json.dumps({**board.as_json(course_dir), "assistant": assistant}, ensure_ascii=False))

    class Export(base):
        @auth
        def get(self, suffix: str) -> None:
            from hocai_grader import export
            from hocai_grader.report import build_report

            report = build_report(course_dir)
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder) / f"tien-do{suffix}"
                export.WRITERS[suffix](report, out)
                body = out.read_bytes()
            kind = (
                "text/csv; charset=utf-8"
                if suffix == ".csv"
                else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            self.set_header("Content-Type", kind)
            self.set_header("Content-Disposition", f'attachment; filename="tien-do-{report.course_id}{suffix}"')
            self.finish(body)

    return [(r"/", Page), (r"/data\.json", Data), (r"/export(\.csv|\.xlsx)", Export)]


def make_app(course_dir: str | Path, *, hub_auth: bool = False) -> web.Application:
    course_dir = Path(course_dir)
    if not hub_auth:
        return web.Application(_handlers(course_dir, TokenHandler, lambda f: f))
    from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
    from jupyterhub.utils import url_path_join

    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")

    class HubHandler(HubOAuthenticated, web.RequestHandler):
        pass

    routes = [
        (url_path_join(prefix, path.lstrip("/")) if path != r"/" else prefix, handler)
        for path, handler in _handlers(course_dir, HubHandler, web.authenticated)
    ]
    routes.append((url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler))
    return web.Application(routes, cookie_secret=os.urandom(32))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hocai.hub.board", description="Bảng tiến độ lớp học")
    parser.add_argument("course_dir")
    parser.add_argument("--port", type=int, default=settings.BOARD_PORT)
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--hub-auth", action="store_true")
    args = parser.parse_args(argv)
    make_app(args.course_dir, hub_auth=args.hub_auth).listen(args.port, args.ip)
    ioloop.IOLoop.current().start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
