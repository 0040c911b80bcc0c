"""The bundle's manifest and checksums, and the Vietnamese sentence for a damaged or incomplete bundle: the same
from Python (``hocai bundle``) and from install.sh (which checks with bash and sha256sum before anything else)."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from hocai.bundle import INSTALLER, MANIFEST, SUMS, build, debs, manifest, wheels
from hocai.errors import UserError

INSTALL_SH = Path(build.__file__).with_name(INSTALLER)
INFO = {
    "python_versions": ["3.11"],
    "debian_id": "debian",
    "debian_codename": "bookworm",
    "apt_packages": ["bubblewrap", "hello"],
    "models": ["hocai-teaching-gpt2"],
}


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A small bundle: a few files in folders, the real install.sh, manifest.json and SHA256SUMS."""
    folder = tmp_path / "usb"
    (folder / "wheels").mkdir(parents=True)
    (folder / "models" / "m").mkdir(parents=True)
    (folder / "wheels" / "a-1.0-py3-none-any.whl").write_bytes(b"a" * 1000)
    (folder / "wheels" / "b-2.0-py3-none-any.whl").write_bytes(b"b" * 2000)
    (folder / "models" / "m" / "config.json").write_text("{}", encoding="utf-8")
    (folder / ".Trash-1000").mkdir()  # what a desktop leaves on a stick: not part of the bundle
    (folder / ".Trash-1000" / "x").write_text("x", encoding="utf-8")
    shutil.copyfile(INSTALL_SH, folder / INSTALLER)
    manifest.write(folder, INFO)
    return folder


def check_sh(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(folder / INSTALLER), "--check"], capture_output=True, text=True, timeout=60)


def python_message(folder: Path) -> str | None:
    return manifest.problem_message(manifest.verify(folder))


def test_sound_bundle_passes_both_checks(bundle):
    assert manifest.verify(bundle).ok and python_message(bundle) is None
    sums = (bundle / SUMS).read_text(encoding="utf-8").splitlines()
    assert [line.split("  ", 1)[1] for line in sums] == [
        INSTALLER,
        MANIFEST,
        "models/m/config.json",
        "wheels/a-1.0-py3-none-any.whl",
        "wheels/b-2.0-py3-none-any.whl",
    ]
    data = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
    assert data["file_count"] == 4 and data["python_versions"] == ["3.11"] and data["format"] == manifest.FORMAT
    done = check_sh(bundle)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Bộ cài đủ và nguyên vẹn: 5 tệp khớp mã kiểm tra."
    # sha256sum agrees with the Python digests (the format of coreutils, so a trainer can check by hand too)
    assert subprocess.run(["sha256sum", "--check", "--quiet", SUMS], cwd=bundle).returncode == 0


def test_manifest_keeps_one_key_per_line(bundle):
    lines = (bundle / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert ' "apt_packages": ["bubblewrap", "hello"],' in lines
    assert lines[0] == "{" and lines[-1] == "}"


def assert_refused(bundle: Path, expected: str) -> None:
    """Python and install.sh give the same single sentence; install.sh exits 2 with no traceback."""
    assert python_message(bundle) == expected
    done = check_sh(bundle)
    assert done.returncode == 2
    assert done.stderr.strip() == expected and "\n" not in done.stderr.strip()
    assert done.stdout == ""


def test_damaged_file_is_named(bundle):
    with open(bundle / "wheels" / "b-2.0-py3-none-any.whl", "r+b") as handle:
        handle.seek(1500)
        handle.write(b"X")
    assert_refused(
        bundle,
        "Bộ cài bị hỏng: tệp «wheels/b-2.0-py3-none-any.whl» không khớp mã kiểm tra (USB lỗi "
        "hoặc chép chưa xong); hãy chép lại cả thư mục bộ cài từ máy gốc rồi chạy lại.",
    )


def test_missing_file_is_named_and_the_others_counted(bundle):
    (bundle / "wheels" / "a-1.0-py3-none-any.whl").unlink()
    (bundle / "models" / "m" / "config.json").write_text("{ }", encoding="utf-8")
    assert_refused(
        bundle,
        "Bộ cài chưa đủ: thiếu tệp «wheels/a-1.0-py3-none-any.whl» và 1 tệp khác; hãy chép "
        "lại cả thư mục bộ cài từ máy gốc rồi chạy lại.",
    )


def test_missing_checksum_list(bundle):
    (bundle / SUMS).unlink()
    assert_refused(
        bundle,
        f"«{bundle}» không phải bộ cài hocai đầy đủ: thiếu tệp SHA256SUMS; hãy chép lại cả "
        "thư mục bộ cài từ máy gốc rồi chạy lại.",
    )


@pytest.mark.parametrize("edit", ["drop_line", "escape", "garbage", "empty"])
def test_truncated_or_forged_list(bundle, edit):
    sums = bundle / SUMS
    lines = sums.read_text(encoding="utf-8").splitlines(keepends=True)
    if edit == "drop_line":  # a list cut short: every remaining file is fine, one is no longer checked
        sums.write_text("".join(lines[:-1]), encoding="utf-8")
    elif edit == "escape":
        sums.write_text("".join(lines) + f"{'0' * 64}  ../outside\n", encoding="utf-8")
    elif edit == "garbage":
        sums.write_text("".join(lines) + "not a checksum line\n", encoding="utf-8")
    else:
        sums.write_text("", encoding="utf-8")
    assert_refused(
        bundle,
        "Bộ cài chưa đủ: danh sách tệp SHA256SUMS bị hỏng hoặc bị cắt ngắn; hãy chép lại cả "
        "thư mục bộ cài từ máy gốc rồi chạy lại.",
    )


def test_install_refuses_before_touching_the_target(bundle, tmp_path):
    (bundle / "wheels" / "a-1.0-py3-none-any.whl").unlink()
    target = tmp_path / "kit"
    done = subprocess.run(
        ["bash", str(bundle / INSTALLER), "--no-start", str(target)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "thiếu tệp «wheels/a-1.0-py3-none-any.whl»" in done.stderr
    assert not target.exists()


def test_minimal_status_keeps_required_packages_and_what_they_need():
    status = (
        "\n\n".join(
            [
                "Package: base\nStatus: install ok installed\nPriority: required\nDepends: libx (>= 1) | liby, vmail",
                "Package: libx\nStatus: install ok installed\nPriority: optional",
                "Package: liby\nStatus: install ok installed\nPriority: optional",
                "Package: postfix\nStatus: install ok installed\nPriority: optional\nProvides: vmail",
                "Package: ess\nStatus: install ok installed\nPriority: optional\nEssential: yes\nPre-Depends: libz",
                "Package: libz\nStatus: install ok installed\nPriority: optional",
                "Package: chromium\nStatus: install ok installed\nPriority: optional\nDepends: libx",
                "Package: gone\nStatus: deinstall ok config-files\nPriority: required",
            ]
        )
        + "\n"
    )
    kept = [p.split("\n")[0] for p in debs.minimal_status(status).strip().split("\n\n")]
    assert kept == ["Package: base", "Package: ess", "Package: libx", "Package: libz", "Package: postfix"]


def test_default_packages_follow_the_makefile(tmp_path):
    (tmp_path / "Makefile").write_text("X := 1\nAPT_PACKAGES := bubblewrap poppler-utils\n", encoding="utf-8")
    assert debs.default_packages(tmp_path) == ["bubblewrap", "poppler-utils", "python3", "nodejs", "make"]
    with pytest.raises(UserError):
        debs.check_names(["ok", "bad;rm -rf /"])


def fake_wheel(folder: Path, name: str, metadata: str) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("torch-2.13.0.dist-info/METADATA", metadata)
    return path


def test_only_a_cpu_torch_is_accepted(tmp_path):
    cpu = fake_wheel(tmp_path, "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl", "Name: torch\n")
    cuda = fake_wheel(
        tmp_path,
        "torch-2.13.0-cp312-cp312-manylinux_2_28_x86_64.whl",
        'Name: torch\nRequires-Dist: nvidia-cublas-cu12==12.8; platform_system == "Linux"\n',
    )
    plain = fake_wheel(tmp_path, "torch-2.13.0-cp313-cp313-manylinux_2_28_x86_64.whl", "Name: torch\n")
    assert wheels.is_cpu_torch(cpu) and not wheels.is_cpu_torch(cuda) and wheels.is_cpu_torch(plain)
    (tmp_path / "nvidia_cublas_cu12-12.8-py3-none-manylinux_2_27_x86_64.whl").write_bytes(b"")
    assert wheels.gpu_only(tmp_path) == ["nvidia_cublas_cu12-12.8-py3-none-manylinux_2_27_x86_64.whl"]


def test_requirements_are_what_make_install_installs():
    reqs = wheels.requirements(Path(build.__file__).resolve().parents[2])
    assert reqs[0] == "torch==2.13.0"
    assert any(r.startswith("gradio") for r in reqs) and any(r.startswith("pytest") for r in reqs)
    assert any(r.startswith("setuptools") for r in reqs) and "pip" in reqs
    assert wheels.check_versions(["3.12", "3.12", "3.11"]) == ["3.12", "3.11"]
    with pytest.raises(UserError):
        wheels.check_versions(["3.11; rm"])


def test_build_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "usb").mkdir()
    (tmp_path / "usb" / "anh.jpg").write_bytes(b"\xff")
    with pytest.raises(UserError, match="không trống"):
        build.build(tmp_path / "usb", pythons=[], apt_packages=[])
    assert (tmp_path / "usb" / "anh.jpg").read_bytes() == b"\xff"
