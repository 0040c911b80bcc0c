# JupyterHub for one class on one server, started by `hocai hub start` (which writes the settings read here).
# System users from the course roster (PAM login, no open sign-up), private homes, per-user limits,
# idle servers culled, the Sân tập AI service once behind hub login, and formgrader for instructors only.
import os
import sys
from pathlib import Path

from hocai import settings as kit_settings
from hocai.hub import board, settings

c = get_config()  # noqa: F821
s = settings.load()
hub_dir = settings.hub_dir()
bin_dir = Path(sys.executable).parent
public_port = int(s.get("port", kit_settings.HUB_PORT))
service_port = int(s.get("service_port", kit_settings.APP_PORT))

c.JupyterHub.ip = s.get("ip", "127.0.0.1")
c.JupyterHub.port = public_port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(s.get("hub_port", kit_settings.HUB_API_PORT))
c.JupyterHub.db_url = f"sqlite:///{hub_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(hub_dir / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(hub_dir / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(hub_dir / "proxy.pid")
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(s.get('proxy_api_port', kit_settings.PROXY_API_PORT))}"
c.ConfigurableHTTPProxy.command = [settings.proxy_command() or "configurable-http-proxy"]
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# Accounts: only the roster, never root, no sign-up (JupyterHub 5+ admits nobody without an allow rule).
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(s.get("allowed_users", []))
c.Authenticator.blocked_users = {"root"}
c.Authenticator.allow_all = False
c.Authenticator.admin_users = set()
c.PAMAuthenticator.open_sessions = False

# Single-user servers: the kit's environment, JupyterLab (Vietnamese, see hocai.workshop), lessons on login.
c.JupyterHub.spawner_class = "hocai.hub.spawner.ClassSpawner"
c.Spawner.cmd = [str(bin_dir / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/bai-hoc"
c.Spawner.notebook_dir = "~"
c.Spawner.mem_limit = s.get("mem_limit", "1G")
c.Spawner.cpu_limit = float(s.get("cpu_limit", 1.0))
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120
service_url = f"http://127.0.0.1:{public_port}/services/{settings.SERVICE_NAME}/"
c.Spawner.environment = {
    kit_settings.env_var("service_url"): service_url,
    "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
    "HF_HUB_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
}
# The server's token may call the Sân tập AI service (kernels send it as `Authorization: token …`).
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    f"access:services!service={settings.SERVICE_NAME}",
]

# The Sân tập AI service: one process, one model, reachable only through hub login.
c.JupyterHub.services = [
    {
        "name": settings.SERVICE_NAME,
        "url": f"http://127.0.0.1:{service_port}",
        "command": [sys.executable, "-m", "hocai.cli", "app", "--port", str(service_port), "--hub-auth"],
        "environment": {k: v for k, v in os.environ.items() if k.startswith("HOCAI_")},
        "oauth_no_confirm": True,
        "display": True,
        "info": {"title": "Sân tập AI"},
    },
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={int(s.get('idle_timeout', 3600))}"],
    },
]
# The instructors' live board (hocai.hub.board): a hub service only the instructors' group may open.
if s.get("course_dir"):
    board_port = int(s.get("board_port", kit_settings.BOARD_PORT))
    c.JupyterHub.services.append(
        {
            "name": board.SERVICE_NAME,
            "url": f"http://127.0.0.1:{board_port}",
            "command": [
                sys.executable,
                "-m",
                "hocai.hub.board",
                str(s["course_dir"]),
                "--port",
                str(board_port),
                "--hub-auth",
            ],
            # Where it asks the Sân tập AI for the assistant's question counts (hocai.hub.board).
            "environment": {kit_settings.env_var("service_url"): service_url},
            "oauth_no_confirm": True,
            "display": True,  # in the hub's «Services» menu of those who may open it: the instructors
            "info": {"title": "Bảng tiến độ lớp học"},
        }
    )
c.JupyterHub.load_groups = {"giang-vien": {"users": sorted(s.get("instructors", []))}}
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", f"access:services!service={settings.SERVICE_NAME}"]},
    {"name": "giang-vien", "groups": ["giang-vien"], "scopes": [f"access:services!service={board.SERVICE_NAME}"]},
    # The board reads the assistant's question counts (counts only) from the Sân tập AI with its own token.
    {
        "name": "bang-tien-do",
        "services": [board.SERVICE_NAME],
        "scopes": [f"access:services!service={settings.SERVICE_NAME}"],
    },
    {
        "name": "idle-culler",
        "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    },
]
