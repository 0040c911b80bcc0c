"""Package discovery that pyproject.toml cannot say (everything else is there).

The instructor workflow keeps its folder ``grader/`` at the top of the repository (docs/ARCHITECTURE.md §3) but
installs as the package ``hocai_grader``: a bare top-level ``grader`` in site-packages could clash with another
distribution's. A renamed folder needs an explicit package list, which ``[tool.setuptools.packages.find]``
cannot produce, so the list is found here; tests/unit/test_wheel_packaging.py checks the built wheel.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["hocai", "hocai.*"]),
        "hocai_grader",
        *(f"hocai_grader.{name}" for name in find_namespace_packages(where="grader")),
    ],
    package_dir={"hocai_grader": "grader"},
)
