"""Deployment files parse and say what the class needs: roster login, the service behind hub login, limits."""

from pathlib import Path

import yaml

from hocai.hub import auth

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def load(name):
    return list(yaml.safe_load_all((DEPLOY / "kubernetes" / name).read_text(encoding="utf-8")))


def test_z2jh_values():
    (values,) = load("values.yaml")
    hub = values["hub"]
    assert hub["config"]["JupyterHub"]["authenticator_class"] == "hocai.hub.auth.RosterAuthenticator"
    assert hub["config"]["Authenticator"]["allow_all"] is False
    assert "access:services!service=san-tap-ai" in hub["loadRoles"]["user"]["scopes"]
    assert hub["services"]["san-tap-ai"]["url"].startswith("http://san-tap-ai.")
    single = values["singleuser"]
    assert single["memory"]["limit"] and single["cpu"]["limit"]
    assert single["extraEnv"]["HOCAI_SERVICE_URL"].endswith("/services/san-tap-ai/")
    assert any(m["mountPath"] == "/srv/nbgrader/exchange" for m in single["storage"]["extraVolumeMounts"])
    assert values["cull"]["enabled"] is True


def test_service_uses_openai_backend_on_vllm_behind_hub_auth():
    docs = {d["kind"]: d for d in load("san-tap-ai.yaml")}
    container = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert "--hub-auth" in container["command"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["HOCAI_BACKEND"] == "openai" and env["HOCAI_OPENAI_BASE_URL"].startswith("http://vllm.")
    vllm = {d["kind"]: d for d in load("vllm.yaml")}
    assert vllm["Service"]["spec"]["ports"][0]["port"] == 8000


def test_roster_authenticator_password_hashes():
    stored = auth.hash_password("abcd-efgh-jkmn")
    assert stored.startswith("pbkdf2_sha256$") and "abcd" not in stored
    assert auth.verify_password("abcd-efgh-jkmn", stored)
    assert not auth.verify_password("abcd-efgh-jkmm", stored)
    assert not auth.verify_password("x", "garbage")


def test_hub_config_compiles():
    compile((DEPLOY / "jupyterhub_config.py").read_text(encoding="utf-8"), "jupyterhub_config.py", "exec")
