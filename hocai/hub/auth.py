"""Roster login for JupyterHub where there are no system users (Kubernetes).

Passwords are checked against salted PBKDF2 hashes made from the instructor's accounts.csv, so the hub
never holds clear passwords. `python -m hocai.hub.auth accounts.csv > passwords.txt` makes the file.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import secrets
import sys
from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets import Unicode

ITERATIONS = 200_000


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), ITERATIONS).hex()
    return f"pbkdf2_sha256${ITERATIONS}${salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(candidate, digest)


class RosterAuthenticator(Authenticator):
    password_file = Unicode("/etc/hocai/passwords.txt", config=True, help="Lines of `username hash`.")

    def _hashes(self) -> dict[str, str]:
        lines = Path(self.password_file).read_text(encoding="utf-8").splitlines()
        return dict(line.split(maxsplit=1) for line in lines if line.strip() and not line.startswith("#"))

    async def authenticate(self, handler, data):
        username, password = data.get("username", ""), data.get("password", "")
        stored = self._hashes().get(username)
        if stored and verify_password(password, stored):
            return username
        return None


def main(accounts_csv: str) -> None:
    with open(accounts_csv, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["password"] and not row["password"].startswith("("):
                print(row["username"], hash_password(row["password"]))


if __name__ == "__main__":
    main(sys.argv[1])
