"""scripts/install_torch.py: torch comes as the CPU build, never PyPI's CUDA one (issue 20, item 3).

Real pip decides, on small stand-in wheels in a find-links folder, with no index at all (PIP_NO_INDEX): the
script must take a local CPU wheel, pass over a local CUDA one, and refuse an environment holding nvidia-*.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("install_torch", ROOT / "scripts" / "install_torch.py")
install_torch = importlib.util.module_from_spec(_spec)
sys.modules["install_torch"] = install_torch  # dataclasses look their module up there
_spec.loader.exec_module(install_torch)

TORCH = install_torch.torch_requirement()
VERSION = TORCH.split("==")[1]


def make_wheel(folder: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> Path:
    """A minimal valid pure-Python wheel (any Python, any platform), as pip reads and installs one."""
    dist = f"{name.replace('-', '_')}-{version}"
    files = {
        f"{name.replace('-', '_')}/__init__.py": f"__version__ = {version!r}\n",
        f"{dist}.dist-info/METADATA": "Metadata-Version: 2.1\n"
        f"Name: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires),
        f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(
        f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()},"
        f"{len(text.encode())}\n"
        for path, text in files.items()
    )
    files[f"{dist}.dist-info/RECORD"] = record + f"{dist}.dist-info/RECORD,,\n"
    wheel = folder / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


@pytest.fixture
def offline_pip(tmp_path, monkeypatch):
    """pip with no configuration and no index: only the wheels in the returned folder exist for it."""
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return wheels


@pytest.fixture
def target(tmp_path):
    """A fresh virtual environment (no pip of its own), driven by this Python's pip through --python."""
    env = tmp_path / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return [sys.executable, "-m", "pip", "--python", str(python)], [site]


def test_the_pin_comes_from_pyproject_and_the_other_requirements_leave_torch_out():
    assert TORCH == "torch==2.13.0"
    others = install_torch.without_torch()
    assert not any(r.startswith("torch") for r in others)
    assert set(install_torch.kit_requirements()) - set(others) == {TORCH}
    assert "nbgrader==0.9.6" in others and "pytest>=8" in others


def test_a_local_cpu_wheel_is_installed_by_its_path(offline_pip, target, capsys):
    cpu = make_wheel(offline_pip, "torch", f"{VERSION}+cpu")
    pip, site = target
    local = install_torch.local_candidate(TORCH, pip)
    assert local.cpu_build and local.version == f"{VERSION}+cpu" and local.path == cpu
    assert install_torch.plan(TORCH, local) == (str(cpu), ["install", "--quiet", str(cpu)])
    assert install_torch.install(pip, site) == 0
    assert (Path(site[0]) / "torch" / "__init__.py").read_text() == f"__version__ = '{VERSION}+cpu'\n"
    assert f"bản CPU từ {cpu}" in capsys.readouterr().out


def test_pip_prefers_the_cpu_build_when_both_lie_in_the_folder(offline_pip, target):
    make_wheel(offline_pip, "torch", VERSION, ("nvidia-cublas==13.0.0; platform_system == 'Linux'",))
    cpu = make_wheel(offline_pip, "torch", f"{VERSION}+cpu")
    local = install_torch.local_candidate(TORCH, target[0])
    assert local.path == cpu and local.cpu_build


def test_a_local_cuda_build_is_passed_over_for_the_cpu_index(offline_pip, target, capsys):
    make_wheel(offline_pip, "torch", VERSION, ("nvidia-cublas==13.0.0; platform_system == 'Linux'", "triton"))
    make_wheel(offline_pip, "nvidia-cublas", "13.0.0")
    make_wheel(offline_pip, "triton", "3.5.0")
    pip, site = target
    local = install_torch.local_candidate(TORCH, pip)
    assert local.version == VERSION and not local.cpu_build
    assert install_torch.plan(TORCH, local) == (
        install_torch.CPU_INDEX,
        ["install", "--quiet", "--index-url", install_torch.CPU_INDEX, f"{TORCH}+cpu"],
    )
    # No index reachable (PIP_NO_INDEX): pip still sees the CUDA wheel in find-links, but the +cpu pin refuses
    # it; the install fails in Vietnamese and installs nothing rather than CUDA.
    assert install_torch.install(pip, site) == 1
    assert "không cài được torch==2.13.0 bản CPU từ https://download.pytorch.org/whl/cpu" in capsys.readouterr().err
    assert not list(Path(site[0]).glob("torch*")) and not list(Path(site[0]).glob("nvidia*"))


def test_no_local_wheel_means_the_cpu_index_and_only_a_cpu_build():
    assert install_torch.plan(TORCH, None) == (
        "https://download.pytorch.org/whl/cpu",
        ["install", "--quiet", "--index-url", "https://download.pytorch.org/whl/cpu", "torch==2.13.0+cpu"],
    )
    assert install_torch.cpu_pin("torch==2.13.0+cpu") == "torch==2.13.0+cpu"


def test_cuda_packages_that_got_in_are_refused_in_vietnamese(offline_pip, target, capsys):
    pip, site = target
    make_wheel(offline_pip, "torch", f"{VERSION}+cpu")
    make_wheel(offline_pip, "nvidia-cublas", "13.0.0")
    make_wheel(offline_pip, "nvidia-cudnn-cu13", "9.1.0")
    subprocess.run([*pip, "install", "--quiet", f"torch=={VERSION}+cpu"], check=True)
    assert install_torch.check(site) == 0
    subprocess.run([*pip, "install", "--quiet", "nvidia-cublas", "nvidia-cudnn-cu13"], check=True)
    assert install_torch.gpu_packages(site) == ["nvidia-cublas", "nvidia-cudnn-cu13"]
    assert install_torch.check(site) == 1
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: môi trường Python có gói CUDA") and "nvidia-cublas, nvidia-cudnn-cu13" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("name", "gpu"),
    [
        ("nvidia-cublas", True),
        ("nvidia_nccl_cu13", True),
        ("triton", True),
        ("cuda-bindings", True),
        ("torch", False),
        ("tritonclient", False),
        ("jupyterlab", False),
    ],
)
def test_gpu_only_names(name, gpu):
    assert install_torch.is_gpu_only(name) is gpu


def test_the_script_runs_on_its_own():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "install_torch.py"), "requirements"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == install_torch.without_torch()
    bad = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "install_torch.py"), "nonsense"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.startswith("Cách dùng:")
