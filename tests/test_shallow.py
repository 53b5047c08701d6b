"""Shallow clones and archives: only the documents that need history fail.

A repository of the example is committed twice, the revision table comparing with the
first commit and the 2023 plan built as adopted in it (``as_of``). A ``--depth 1`` clone
lacks that commit, and so does a ZIP export (no .git):
each builds every other document, names the one it could not build and how to fix it,
and exits 1; validation only warns.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gitrepos import commit_all, git, project_repo

DOCUMENT = "information-plan-1000-fler-2025"  # its revision table compares with an earlier version
ADOPTED = "plan-1000-fler"  # built from the content of an earlier version (as_of)


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    repo = project_repo(tmp_path_factory.mktemp("shallow") / "origin")
    first = git(repo, "rev-parse", "HEAD")
    document = repo / "content" / "dokument" / f"{DOCUMENT}.yaml"
    text = document.read_text(encoding="utf-8")
    document.write_text(re.sub(r"since: \S+", f"since: {first}", text), encoding="utf-8")
    plan = repo / "content" / "dokument" / f"{ADOPTED}.yaml"
    plan.write_text(re.sub(r"(?m)^as_of: \S+", f"as_of: {first}", plan.read_text(encoding="utf-8")), encoding="utf-8")
    commit_all(repo, "Revideringstabellen jämför med första versionen")
    return repo


def _styrdok(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "build.py", *args], cwd=repo, capture_output=True, text=True)


def _published(output: Path) -> dict:
    """The manifest, after checking that it lists exactly the files in the output."""
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in output.iterdir()) == sorted([e["path"] for e in manifest["artifacts"]] + ["manifest.json"])
    return manifest


def _documents(repo: Path) -> set[str]:
    return {path.stem for path in (repo / "content" / "dokument").glob("*.yaml")}


def test_a_shallow_clone_builds_every_document_but_the_one_needing_history(origin, tmp_path):
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{origin}", "clone")
    clone = tmp_path / "clone"
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"

    check = _styrdok(clone, "validate")
    assert check.returncode == 0, check.stdout + check.stderr
    warnings = check.stdout.splitlines()
    assert len(warnings) == 2, check.stdout
    assert re.fullmatch(rf"content/dokument/{DOCUMENT}\.yaml:\d+:\d+: varning: .*grund klon.*\"git fetch --unshallow\""
                        rf".*\"fetch-depth: 0\".*", warnings[0]), check.stdout
    assert re.fullmatch(rf"content/dokument/{ADOPTED}\.yaml:\d+:\d+: varning: dokumentet byggs ur innehållet som det var "
                        rf"i versionen [0-9a-f]{{40}}, men .*grund klon.*\"git fetch --unshallow\".*", warnings[1]), check.stdout
    assert _styrdok(clone, "validate", "--strict").returncode == 1

    run = _styrdok(clone, "build", "--format", "md")
    assert run.returncode == 1, run.stderr
    failures = sorted(line for line in run.stderr.splitlines() if line.startswith("fel:"))
    assert len(failures) == 2, run.stderr
    assert failures[0].startswith(f"fel: {DOCUMENT} byggdes inte: revideringstabellen jämför med versionen "), run.stderr
    assert failures[1].startswith(f"fel: {ADOPTED} byggdes inte: dokumentet byggs ur innehållet som det var i versionen "), run.stderr
    assert all("git fetch --unshallow" in failure and "fetch-depth: 0" in failure for failure in failures)
    manifest = _published(clone / "output")
    assert {entry["document"] for entry in manifest["artifacts"]} == _documents(clone) - {DOCUMENT, ADOPTED}

    diff = _styrdok(clone, "diff", "HEAD~1", "HEAD")
    assert diff.returncode == 2 and "grund klon" in diff.stderr and "git fetch --unshallow" in diff.stderr, diff.stderr

    git(clone, "fetch", "--quiet", "--unshallow")  # the fix the message names
    run = _styrdok(clone, "build", DOCUMENT, ADOPTED, "--format", "md")
    assert run.returncode == 0, run.stderr
    assert "# Revideringar av åtgärder" in (clone / "output" / f"{DOCUMENT}.md").read_text(encoding="utf-8")
    first = git(clone, "rev-parse", "HEAD~1")
    assert f"- Versionsnummer: {first}\n" in (clone / "output" / f"{ADOPTED}.md").read_text(encoding="utf-8")
    assert {entry["document"] for entry in _published(clone / "output")["artifacts"]} == _documents(clone)


def test_a_zip_export_builds_the_others_and_says_the_commit_is_unknown(origin, tmp_path):
    archive = tmp_path / "kommun.zip"
    git(origin, "archive", "--format=zip", "--prefix=kommun/", "-o", str(archive), "HEAD")
    zipfile.ZipFile(archive).extractall(tmp_path)
    tree = tmp_path / "kommun"

    check = _styrdok(tree, "validate")
    assert check.returncode == 0 and "varning: " in check.stdout and "ZIP-fil" in check.stdout, check.stdout

    run = _styrdok(tree, "build", "--format", "md")
    assert run.returncode == 1
    assert f"fel: {DOCUMENT} byggdes inte: " in run.stderr and "ZIP-fil" in run.stderr, run.stderr
    assert f"fel: {ADOPTED} byggdes inte: " in run.stderr
    manifest = _published(tree / "output")
    assert manifest["provenance"]["commit"] is None
    assert {entry["document"] for entry in manifest["artifacts"]} == _documents(tree) - {DOCUMENT, ADOPTED}
    plan = (tree / "output" / "verksamhetsplan-2025.md").read_text(encoding="utf-8")
    assert 'provenance: "Utkast utan versionsnummer"' in plan
