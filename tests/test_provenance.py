"""Reproducible builds, provenance in every file, and `verify`, in real temporary git repositories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from gitrepos import copy_project

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ["build.py", "styrdok", "schemas", "templates", "content"]
PLAN = "verksamhetsplan-2025"
COMMIT_ENV = {"GIT_AUTHOR_NAME": "Anna Handläggare", "GIT_AUTHOR_EMAIL": "anna@ekbacka.se",
              "GIT_COMMITTER_NAME": "Anna Handläggare", "GIT_COMMITTER_EMAIL": "anna@ekbacka.se",
              "GIT_AUTHOR_DATE": "2025-09-16T10:00:00+02:00", "GIT_COMMITTER_DATE": "2025-09-16T10:00:00+02:00"}


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, **COMMIT_ENV}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


def _repository(where: Path) -> Path:
    """A fresh repository holding the project as it is now, committed at a fixed date on top
    of the project's history (the example's revision table compares with an earlier commit)."""
    where.mkdir(parents=True)
    _git(where, "init", "--quiet", "--initial-branch=main")
    _git(where, "fetch", "--quiet", str(ROOT), "HEAD")
    _git(where, "reset", "--quiet", "--soft", "FETCH_HEAD")
    copy_project(where, PROJECT)
    _git(where, "add", ".")
    _git(where, "commit", "--quiet", "-m", "Verksamhetsplan 2025")
    return where


def _styrdok(repo: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    return subprocess.run([sys.executable, "build.py", *args], cwd=repo, capture_output=True, text=True, env=environment)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two independent repositories of the same commit, each built once."""
    base = tmp_path_factory.mktemp("clones")
    repos = [_repository(base / name) for name in ("a", "b")]
    for repo in repos:
        run = _styrdok(repo, "build", PLAN)
        assert run.returncode == 0, run.stderr
    return repos


def test_two_clean_repositories_build_byte_identical_outputs(built):
    first, second = (sorted((repo / "output").iterdir()) for repo in built)
    assert [p.name for p in first] == [p.name for p in second]
    assert len(first) == 9  # plan and memo in four formats, and the manifest
    assert "*Diagram 3." in (first[0].parent / f"{PLAN}.md").read_text(encoding="utf-8")  # charts are covered
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_every_file_carries_its_provenance(built):
    repo = built[0]
    commit = _git(repo, "rev-parse", "HEAD")
    manifest = json.loads((repo / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["provenance"]["commit"] == commit
    assert manifest["provenance"]["commit_date"].startswith("2025-09-16T08:00:00")
    assert manifest["provenance"]["modified"] is False
    digest = next(a["content_sha256"] for a in manifest["artifacts"] if a["path"] == f"{PLAN}.pdf")
    assert len(manifest["provenance"]["content_sha256"]) == 64  # the whole content's, beside each document's own
    line = f"Version {commit[:7]} · 16 september 2025"
    output = repo / "output"
    markdown = (output / f"{PLAN}.md").read_text(encoding="utf-8")
    assert f'provenance: "{line}"' in markdown
    html = (output / f"{PLAN}.html").read_text(encoding="utf-8")
    assert f"<p>{line}</p>" in html
    pdf = PdfReader(str(output / f"{PLAN}.pdf"))
    assert line in pdf.pages[2].extract_text()  # the footer
    assert pdf.metadata.subject == (f"Versionsnummer: {commit}; Versionens datum: 16 september 2025; "
                                    f"Underlagets kontrollsumma (SHA-256): {digest}")
    assert pdf.metadata["/CreationDate"].startswith("D:20250916080000")
    word = zipfile.ZipFile(output / f"{PLAN}.docx")
    assert line in word.read("docProps/custom.xml").decode("utf-8")
    footers = [word.read(name).decode("utf-8") for name in word.namelist() if name.startswith("word/footer")]
    assert any(line in footer for footer in footers)  # the field's value, for viewers that do not compute it


def test_the_colophon_gives_every_detail_in_every_format(built):
    repo = built[0]
    commit = _git(repo, "rev-parse", "HEAD")
    artifacts = json.loads((repo / "output" / "manifest.json").read_text(encoding="utf-8"))["artifacts"]
    digest = next(a["content_sha256"] for a in artifacts if a["path"] == f"{PLAN}.md")
    output = repo / "output"
    pdf = PdfReader(str(output / f"{PLAN}.pdf"))
    texts = {
        "md": (output / f"{PLAN}.md").read_text(encoding="utf-8"),
        "html": (output / f"{PLAN}.html").read_text(encoding="utf-8"),
        "pdf": "".join(page.extract_text() for page in pdf.pages[-2:]),
        "docx": zipfile.ZipFile(output / f"{PLAN}.docx").read("word/document.xml").decode("utf-8"),
    }
    for fmt, text in texts.items():
        assert "Dokumentinformation" in text, fmt
        assert commit in text and digest in text and "16 september 2025" in text, fmt


def test_verify_accepts_the_exact_file(built):
    run = _styrdok(built[0], "verify", f"output/{PLAN}.pdf", "--ref", "HEAD")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "byte för byte identisk" in run.stdout


def test_verify_explains_a_difference(built, tmp_path):
    repo = built[1]
    goal = repo / "content" / "mal" / "fokusmal-1-ekonomi.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace("stark ekonomi", "god ekonomi"), encoding="utf-8")
    _git(repo, "commit", "--quiet", "-am", "Ny formulering av fokusmål 1")
    run = _styrdok(repo, "verify", f"output/{PLAN}.md", "--ref", "HEAD")
    assert run.returncode == 1
    assert "skiljer sig från bygget av HEAD" in run.stdout
    assert "-## Fokusmål 1: Ekbacka ska ha en god ekonomi" in run.stdout
    assert _styrdok(repo, "verify", f"output/{PLAN}.md", "--ref", "HEAD~1").returncode == 0


def test_verify_usage_errors(built):
    missing_ref = _styrdok(built[0], "verify", f"output/{PLAN}.pdf", "--ref", "finns-inte")
    assert missing_ref.returncode == 2 and '"finns-inte" är ingen känd version' in missing_ref.stderr
    missing_file = _styrdok(built[0], "verify", "output/saknas.pdf", "--ref", "HEAD")
    assert missing_file.returncode == 2 and "Traceback" not in missing_file.stderr


def test_an_uncommitted_edit_marks_only_the_documents_made_from_it(tmp_path):
    repo = _repository(tmp_path / "repo")
    measure = repo / "content" / "atgarder" / "atgard-sprakstodjande-insatser.yaml"  # shown in the plan
    measure.write_text(measure.read_text(encoding="utf-8").replace("så att både individer", "så att både unga", 1),
                       encoding="utf-8")
    run = _styrdok(repo, "build", PLAN, "delarsrapport-2025-04", "--format", "md")
    assert run.returncode == 0, run.stderr
    output = repo / "output"
    plan = (output / f"{PLAN}.md").read_text(encoding="utf-8")
    memo = (output / f"{PLAN}-tjansteskrivelse.md").read_text(encoding="utf-8")
    assert "Utkast efter version" in plan and "så att både unga" in plan
    assert "Utkast efter version" not in memo and "provenance: \"Version " in memo
    report = (output / "delarsrapport-2025-04.md").read_text(encoding="utf-8")
    counting = (output / "delarsrapport-2025-04-tjansteskrivelse.md").read_text(encoding="utf-8")
    assert "Utkast efter version" in report  # it shows the measure's text
    assert "Utkast efter version" not in counting  # its memo only counts the measures
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["provenance"]["modified"] is True
    digests = {a["path"]: a["content_sha256"] for a in manifest["artifacts"]}
    assert digests[f"{PLAN}.md"] != digests[f"{PLAN}-tjansteskrivelse.md"]
    assert f"kontrollsumma (SHA-256): {digests[f'{PLAN}.md']}" in plan


def test_the_structure_is_modified_only_by_an_uncommitted_change_to_it(tmp_path):
    from gitrepos import commit_all, git
    from styrdok.load import load_content
    from styrdok.provenance import provenance_of

    repo = tmp_path / "repo"
    (repo / "content").mkdir(parents=True)
    goal, measure = repo / "content" / "mal.yaml", repo / "content" / "atgard.yaml"
    goal.write_text("type: goal\nid: mal\nname: Ett mål\n", encoding="utf-8")
    measure.write_text("type: measure\nid: atgard\nparents: [mal]\ntext: Gör något.\n", encoding="utf-8")
    git(repo, "init", "--quiet", "--initial-branch=main")
    commit_all(repo, "Första versionen")

    def origin():
        return provenance_of(load_content(repo / "content"), [])

    assert not origin().modified and not origin().structure_modified
    measure.write_text("type: measure\nid: atgard\nparents: [mal]\ntext: Gör något annat.\n", encoding="utf-8")
    assert origin().modified and not origin().structure_modified  # only its text
    measure.write_text("type: measure\nid: atgard\nparents: []\ntext: Gör något annat.\n", encoding="utf-8")
    assert origin().structure_modified  # moved
    commit_all(repo, "Flyttad")
    (repo / "content" / "ny.yaml").write_text("type: measure\nid: ny\nparents: [mal]\n", encoding="utf-8")
    assert origin().structure_modified  # added
    (repo / "content" / "ny.yaml").unlink()
    assert not origin().structure_modified
    goal.unlink()
    assert origin().structure_modified  # removed
