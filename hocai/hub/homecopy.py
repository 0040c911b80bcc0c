"""Writing into a participant's home as the participant, never as root.

A home belongs to its owner, who can swap any folder in it for a symlink at any moment. Root following
such a link writes or chowns wherever the link points: with the first edition's check-copy-lchown, a
participant won ownership of root's files elsewhere (security issue 14, finding 1). So root only packs
what is to be written (a tar stream of the kit's own folders, a few small files) and a child process that
has dropped to the participant's uid, gid and no supplementary groups unpacks it. Whatever links the
participant plants, the child can only write where the participant could write anyway.

Run as ``python -I -m hocai.hub.homecopy`` with a JSON request line, then the tar stream, on stdin.
"""

from __future__ import annotations

import io
import json
import os
import pwd
import subprocess
import sys
import tarfile
from pathlib import Path

SKIP = frozenset({".ipynb_checkpoints", "__pycache__"})


def _pack(trees: dict[str, Path], skip: frozenset[str]) -> bytes:
    """Trusted folders (the kit's, the exchange's outbound) as one tar stream; links stay links, and the
    child's ``data`` filter refuses any that leads out of the home."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, source in trees.items():
            tar.add(source, arcname=name, filter=lambda info: None if Path(info.name).name in skip else info)
    return buffer.getvalue()


def write_home(
    username: str,
    trees: dict[str, Path] | None = None,
    files: dict[str, str] | None = None,
    links: dict[str, str] | None = None,
    mode: int | None = None,
    skip: frozenset[str] = SKIP,
    timeout_s: float = 120,
) -> dict:
    """Copy ``trees`` (name in home → folder) where the name is absent, write ``files`` (path in home → text),
    make ``links`` (name → target) where absent and chmod the home, all as ``username``.

    Returns ``{"copied": [names], "errors": [Vietnamese sentences]}``: one broken item (a name the
    participant already uses, a folder they made read-only) does not stop the others.
    """
    entry = pwd.getpwnam(username)
    if entry.pw_uid == 0:
        raise ValueError("never write a home as root")
    request = {
        "home": entry.pw_dir,
        "trees": sorted(trees or {}),
        "files": files or {},
        "links": links or {},
        "mode": mode,
    }
    payload = json.dumps(request, ensure_ascii=False).encode() + b"\n" + _pack(trees or {}, skip)
    env = {"HOME": entry.pw_dir, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "USER": username}
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-m", "hocai.hub.homecopy"],
            input=payload,
            capture_output=True,
            user=entry.pw_uid,
            group=entry.pw_gid,
            extra_groups=[],
            umask=0o022,
            cwd="/",
            env=env,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        return {"copied": [], "errors": [f"Chép vào thư mục nhà của «{username}» quá {timeout_s:.0f} giây."]}
    except OSError as exc:
        return {"copied": [], "errors": [f"Không chạy được tiến trình chép cho «{username}» ({exc.strerror})."]}
    try:
        return json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [f"mã thoát {done.returncode}"]
        return {"copied": [], "errors": [f"Không chép được vào thư mục nhà của «{username}» ({reason[0]})."]}


def _write_text(home: Path, relative: str, text: str) -> None:
    path = home / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.hocai-tmp")
    tmp.unlink(missing_ok=True)
    with open(tmp, "x", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def main() -> int:
    """The child: runs as the participant (refuses root), unpacks and writes, prints a JSON result."""
    if os.geteuid() == 0:
        print(json.dumps({"copied": [], "errors": ["Tiến trình chép vào thư mục nhà không được chạy bằng root."]}))
        return 1
    stdin = sys.stdin.buffer
    request = json.loads(stdin.readline())
    home = Path(request["home"])
    copied, errors = [], []
    absent = [name for name in request["trees"] if not os.path.lexists(home / name)]
    with tarfile.open(fileobj=io.BytesIO(stdin.read()), mode="r") as tar:
        for name in absent:
            members = [m for m in tar.getmembers() if m.name == name or m.name.startswith(name + "/")]
            try:
                tar.extractall(home, members=members, filter="data")
                copied.append(name)
            except (OSError, tarfile.TarError) as exc:
                errors.append(f"Không chép được «{name}»: {exc.strerror if isinstance(exc, OSError) else exc}.")
    for relative, text in request["files"].items():
        try:
            _write_text(home, relative, text)
        except OSError as exc:
            errors.append(f"Không ghi được «{relative}»: {exc.strerror}.")
    for name, target in request["links"].items():
        try:
            if not os.path.lexists(home / name):
                os.symlink(target, home / name)
        except OSError as exc:
            errors.append(f"Không tạo được liên kết «{name}»: {exc.strerror}.")
    if request.get("mode") is not None:
        try:
            os.chmod(home, request["mode"])
        except OSError as exc:
            errors.append(f"Không đặt được quyền cho thư mục nhà: {exc.strerror}.")
    print(json.dumps({"copied": copied, "errors": errors}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
