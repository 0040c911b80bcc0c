"""``hocai bundle OUT``: assemble a bundle in a hidden folder beside OUT and rename it into place when complete,
so a stick never holds a half-written bundle under the name a trainer will use."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hocai import paths
from hocai.ai import store
from hocai.bundle import DEBS, GUIDE, INSTALLER, KIT, MODELS, NODE, WHEELS, debs, guide, kit, manifest, node, wheels
from hocai.errors import UserError


def _commit(root: Path) -> str:
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def _models(dest: Path, extra: list[str], all_fetched: bool) -> list[str]:
    """The teaching model (built now if missing or stale) and the chosen catalogue models, exported with sums."""
    from hocai.ai import build_default
    from hocai.ai.catalogue import export_model

    build_default.ensure_default(progress=True)
    names = [store.DEFAULT_MODEL, *extra]
    if all_fetched:
        names += store.installed_names()
    dest.mkdir(parents=True, exist_ok=True)
    done: list[str] = []
    for name in names:
        folder = store.resolve(name)
        if folder.name in done:
            continue
        export_model(name, dest)
        done.append(folder.name)
    return done


def _size(n: int) -> str:
    return f"{n / 1e6:,.0f} MB".replace(",", ".")


def build(
    out: Path,
    *,
    pythons: list[str],
    apt_packages: list[str] | None,
    models: list[str] = (),
    all_models: bool = False,
    with_node: bool = True,
    root: Path | None = None,
    say=print,
) -> dict[str, Any]:
    """Write a complete bundle to ``out``; return its manifest. ``apt_packages`` None: the kit's list; []: none."""
    root = root or paths.ROOT
    out = Path(out).expanduser().resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"Đã có «{out}» và nó không trống; hãy chọn thư mục khác hoặc xóa nó.")
    if not out.parent.is_dir():
        raise UserError(f"Không có thư mục «{out.parent}» (USB đã cắm và mở chưa?).")
    versions = wheels.check_versions(pythons)
    packages = debs.default_packages(root) if apt_packages is None else debs.check_names(apt_packages)
    staging = out.parent / f".{out.name}.part-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    started = time.monotonic()
    try:
        say(f"1/5 Gói Python cho Python {', '.join(versions)} (torch bản CPU)…")
        found = wheels.download(staging / WHEELS, versions, root)
        say(f"    {len(found)} gói.")
        system = debs.release()
        if packages:
            say(f"2/5 Gói Debian {system['codename']}: {' '.join(packages)} và các gói chúng cần…")
            say(f"    {len(debs.download(staging / DEBS, packages))} gói.")
        else:
            say("2/5 Bỏ qua gói Debian.")
        if with_node and node.available():
            say(f"3/5 {node.PACKAGE} (npm)…")
            node.pack(staging / NODE)
        else:
            with_node = False
            say(f"3/5 Bỏ qua {node.PACKAGE} (không có npm hoặc đã chọn --no-node).")
        say("4/5 Bộ công cụ và mô hình AI…")
        count = kit.pack(root, staging / KIT)
        names = _models(staging / MODELS, list(models), all_models)
        say(f"    {count} tệp của bộ công cụ; mô hình: {', '.join(names)}.")
        info = {
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "kit_commit": _commit(root),
            "python_versions": versions,
            "platform": wheels.PLATFORM,
            "torch": wheels.TORCH + " (CPU)",
            "debian_id": system["id"],
            "debian_codename": system["codename"],
            "debian_version": system["version"],
            "apt_packages": packages,
            "node": node.PACKAGE if with_node else "",
            "models": names,
        }
        shutil.copyfile(Path(__file__).with_name(INSTALLER), staging / INSTALLER)
        total = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file())
        (staging / GUIDE).write_text(guide.text(info, total), encoding="utf-8")
        say("5/5 Mã kiểm tra SHA256SUMS…")
        data = manifest.write(staging, info)
        problem = manifest.problem_message(manifest.verify(staging))
        if problem:
            raise UserError(problem)
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    say(
        f"Đã tạo bộ cài tại {out}: {_size(data['total_bytes'])}, {data['file_count']} tệp, "
        f"{time.monotonic() - started:.0f} giây. Trên máy không có mạng: bash {out / INSTALLER}"
    )
    return data


def bundle_command(args: argparse.Namespace) -> int:
    """``hocai bundle OUT``."""
    apt = None
    if args.no_debs:
        apt = []
    elif args.apt_packages is not None:
        apt = args.apt_packages.replace(",", " ").split()
    build(
        Path(args.out),
        pythons=args.python or [],
        apt_packages=apt,
        models=args.model or [],
        all_models=args.all_models,
        with_node=not args.no_node,
    )
    return 0
