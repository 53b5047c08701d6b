"""styrdok as an installed package: a wheel, installed into a fresh environment, validates
and builds content in another directory with its own schemas and templates.

The wheel is built without network or build isolation (setuptools from requirements-dev)
from a copy of the project, and installed without dependencies into a venv that sees the
test environment's packages, so the test takes seconds.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gitrepos import git, project_repo

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
PACKAGED = ["pyproject.toml", "requirements.txt", "README.md", "styrdok", "templates", "schemas", "ci"]


def _pip(*args: str) -> None:
    run = subprocess.run([sys.executable, "-m", "pip", "--quiet", *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in PACKAGED:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, source / name)
    _pip("wheel", "--no-index", "--no-deps", "--no-build-isolation", str(source), "-w", str(source / "dist"))
    return next((source / "dist").glob("styrdok-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The ``styrdok`` command of a venv with only the wheel installed in it."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    _pip("--python", str(venv / "bin" / "python"), "install", "--no-index", "--no-deps", str(wheel))
    return venv / "bin" / "styrdok"


def test_the_wheel_ships_templates_schemas_and_the_command(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file():
            assert f"styrdok/templates/{path.relative_to(ROOT / 'templates').as_posix()}" in names
    assert {f"styrdok/schemas/{p.name}" for p in (ROOT / "schemas").glob("*.json")} <= set(names)
    assert {"styrdok/ci/gitlab-ci.yml", "styrdok/starter/styrdok.yaml", "styrdok/starter/gitignore"} <= set(names)
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "styrdok = styrdok.cli:main" in entry_points
    assert not [name for name in names if name.startswith(("tests/", "bench/", "content/"))]


def test_the_installed_command_validates_and_builds_elsewhere(installed, tmp_path):
    """Run from a directory with content only: schemas and templates come from the package."""
    shutil.copytree(ROOT / "content", tmp_path / "exempel")
    shutil.copytree(MINIMAL, tmp_path / "minimal")
    where = subprocess.run([installed.parent / "python", "-c", "import styrdok.pipeline as p; print(p.PACKAGE_ROOT)"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent.parent), where.stderr
    run = subprocess.run([installed, "validate", "--content", "exempel"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.match(r"0 fel och \d+ varningar i \d+ filer", run.stderr), run.stderr  # the revision table: no git here
    run = subprocess.run([installed, "build", "--content", "minimal", "--format", "md", "--output", "ut"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "ut" / "plan.md").is_file() and (tmp_path / "ut" / "manifest.json").is_file()
    usage = subprocess.run([installed, "--help"], capture_output=True, text=True)
    assert usage.stdout.startswith("användning: styrdok")


def test_the_installed_command_inits_a_repository_from_the_packaged_starter(installed, tmp_path):
    run = subprocess.run([installed, "init", "kommun", "--format", "md"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    for name in (".gitlab-ci.yml", ".github/workflows/styrdok.yml", ".vscode/settings.json", "output/plan.md"):
        assert (tmp_path / "kommun" / name).is_file(), name


def test_an_auditor_verifies_a_file_of_a_repository_without_styrdok_in_it(installed, tmp_path):
    """The hint on the published site: `styrdok verify FILE --ref TAG` in the municipality's repository."""
    repo = project_repo(tmp_path / "kommun", names=(), content=MINIMAL)
    git(repo, "tag", "2025-04")
    build = subprocess.run([installed, "build", "--format", "md"], cwd=repo, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    shutil.copy(repo / "output" / "plan.md", tmp_path / "plan.md")  # as downloaded from the site
    run = subprocess.run([installed, "verify", str(tmp_path / "plan.md"), "--ref", "2025-04"], cwd=repo,
                         capture_output=True, text=True)
    assert run.returncode == 0 and "plan.md är byte för byte identisk med bygget av 2025-04" in run.stdout, run.stderr
