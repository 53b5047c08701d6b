"""Atomic publishing: kills at every step, concurrent builds, odd output paths, failures.

Builds use a small content tree (the minimal fixture with twelve plans) and Markdown,
so the many builds here run in seconds. Killed builds run in forked children of the
test process (no interpreter start-up), with the test hook STYRDOK_TEST_KILL_AT.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from styrdok import outputdir, publish
from styrdok.cli import main
from minimal import MEMO, MINIMAL

ROOT = Path(__file__).resolve().parent.parent
PLANS = [f"plan-{number}" for number in range(1, 13)]


def _content(where: Path, title: str, ids: list[str] = PLANS, memo: str = "") -> Path:
    """The minimal fixture with one plan per id, each titled ``title``."""
    shutil.copytree(MINIMAL, where)
    plan = (where / "dokument" / "plan.yaml").read_text(encoding="utf-8")
    (where / "dokument" / "plan.yaml").unlink()
    for number, name in enumerate(ids):
        text = plan.replace("id: plan\n", f"id: {name}\n").replace("Verksamhetsplan 2025", f"{title} {number}")
        (where / "dokument" / f"{name}.yaml").write_text(text + (memo if number == 0 else ""), encoding="utf-8")
    return where


@pytest.fixture(scope="module")
def contents(tmp_path_factory):
    """Two versions of the same twelve plans, differing in their titles."""
    base = tmp_path_factory.mktemp("content")
    return _content(base / "a", "Plan"), _content(base / "b", "Ny plan")


def _published(output: Path) -> dict[str, bytes]:
    """The files behind ``output``, after checking that its manifest lists exactly them."""
    manifest = json.loads((output / outputdir.MANIFEST).read_text(encoding="utf-8"))
    files = {path.name: path.read_bytes() for path in output.iterdir()}
    listed = {entry["path"]: entry["sha256"] for entry in manifest["artifacts"]}
    assert sorted(files) == sorted([*listed, outputdir.MANIFEST])
    assert len(listed) == len(manifest["artifacts"])
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    return files


def _assert_tidy(output: Path) -> None:
    """Only the current build and the one before it remain, and nothing waits to be switched."""
    builds = sorted(path.name for path in (output.parent / f".{output.name}.builds").iterdir())
    assert 1 <= len(builds) <= 2 and not [name for name in builds if name.startswith(outputdir.STAGING)], builds
    assert os.readlink(output).split("/")[-1] in builds
    assert not os.path.lexists(output.parent / f".{output.name}.next")


def _child(content: Path, output: Path, formats: set[str], kill_at: int) -> None:
    os.environ[outputdir.KILL_AT] = str(kill_at)
    publish.build(content, output, formats=formats)


def _build_forked(content: Path, output: Path, formats: set[str], kill_at: int) -> int:
    """Build in a forked child; its exit code (``-SIGKILL`` when the hook killed it)."""
    child = multiprocessing.get_context("fork").Process(target=_child, args=(content, output, formats, kill_at))
    child.start()
    child.join(120)
    return child.exitcode


def _kill_at_every_step(contents, start: Path, tmp_path: Path) -> tuple[dict, dict, list[str]]:
    """Copy ``start`` (a directory holding ``out``), kill a partial build of the new content
    at step 1, 2, … until one completes, check each kill and the run after it.

    Returns the old and new files and, per kill, which of them ``out`` showed."""
    old = _published(start / "out")
    finished = tmp_path / "finished"
    shutil.copytree(start, finished, symlinks=True)
    publish.build(contents[1], finished / "out", formats={"md"})
    new = _published(finished / "out")
    seen = []
    for step in range(1, 200):
        work = tmp_path / f"kill-{step}"
        shutil.copytree(start, work, symlinks=True)
        code = _build_forked(contents[1], work / "out", {"md"}, kill_at=step)
        if code == 0:
            break
        assert code == -signal.SIGKILL, (step, code)
        if not os.path.lexists(work / "out"):  # between the two renames that replace a plain directory
            seen.append("waiting")
            assert os.path.islink(work / ".out.next")
            assert old in [_published(build) for build in (work / ".out.builds").iterdir() if build.is_dir()]
        else:
            now = _published(work / "out")
            assert now in (old, new), step
            seen.append("old" if now == old else "new")
        publish.build(contents[1], work / "out", formats={"md"})
        assert _published(work / "out") == new
        _assert_tidy(work / "out")
    return old, new, seen


def test_a_kill_at_any_step_of_publishing_leaves_the_old_or_the_new_build(contents, tmp_path):
    start = tmp_path / "start"
    start.mkdir()
    publish.build(contents[1], start / "out", formats={"md", "html"})  # the build before
    publish.build(contents[0], start / "out", formats={"md", "html"})
    # What killed builds leave: a staging directory, and a whole build waiting to be switched to.
    builds = start / ".out.builds"
    (builds / ".staging-0123456789abcdef").mkdir()
    (builds / ".staging-0123456789abcdef" / "plan-1.md").write_text("halv", encoding="utf-8")
    shutil.copytree(start / "out", builds / "0123456789abcdef")
    (start / ".out.next").symlink_to(Path(".out.builds") / "0123456789abcdef")
    old, new, seen = _kill_at_every_step(contents, start, tmp_path)
    print(f"{len(seen)} kill points: {seen}")
    assert len(seen) >= 20
    assert seen[0] == "old" and seen[-1] == "new"
    # The new Markdown replaced the old; the HTML that was not rebuilt was carried over.
    assert {name for name in old if old[name] != new[name]} == {*(f"{plan}.md" for plan in PLANS), "manifest.json"}
    manifest = json.loads(new["manifest.json"])
    carried = [entry for entry in manifest["artifacts"] if entry["format"] == "html"]
    assert len(carried) == len(PLANS) and all(entry["provenance"] != manifest["provenance"] for entry in carried)


def test_a_kill_while_taking_over_a_plain_output_directory_loses_nothing(contents, tmp_path):
    """The first build after upgrading turns a plain output directory into the symlink."""
    built = tmp_path / "built"
    publish.build(contents[0], built / "out", formats={"md"})
    publish.build(contents[0], built / "out", documents=["plan-1"], formats={"html"})
    start = tmp_path / "start"
    shutil.copytree(built / "out", start / "out")  # a plain directory, as older versions left it
    old, new, seen = _kill_at_every_step(contents, start, tmp_path)
    print(f"{len(seen)} kill points: {seen}")
    assert old == _published(built / "out")
    assert seen[0] == "old" and seen[-1] == "waiting"


def test_a_killed_command_line_build_is_finished_by_the_next(contents, tmp_path):
    """The hook works through build.py; the kill falls just before the switch."""
    out = tmp_path / "out"
    arguments = [sys.executable, str(ROOT / "build.py"), "build", "--content", str(contents[0]),
                 "--format", "md", "--output", str(out)]
    assert subprocess.run(arguments, capture_output=True).returncode == 0
    old = _published(out)
    arguments[arguments.index(str(contents[0]))] = str(contents[1])
    # steps: make builds dir, staging, manifest, rename, symlink, switch
    killed = subprocess.run(arguments, capture_output=True, env={**os.environ, outputdir.KILL_AT: "6"})
    assert killed.returncode == -signal.SIGKILL
    assert _published(out) == old
    assert os.path.islink(tmp_path / ".out.next")
    assert subprocess.run(arguments, capture_output=True).returncode == 0
    assert _published(out) != old
    _assert_tidy(out)


def _start(arguments: list[str], stderr: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", *arguments],
                            stdout=subprocess.DEVNULL, stderr=stderr.open("w"))


def test_a_second_build_waits_for_the_first(contents, tmp_path):
    out = tmp_path / "out"
    assert main(["build", "--content", str(contents[0]), "--format", "md", "--output", str(out)]) == 0
    with open(tmp_path / ".out.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a build that is still publishing
        logs = [tmp_path / "first.log", tmp_path / "second.log"]
        builds = [_start([plan, "--content", str(contents[0]), "--format", "html", "--output", str(out)], log)
                  for plan, log in zip(PLANS[:2], logs)]
        deadline = time.monotonic() + 60
        while not all("Väntar på att ett annat bygge" in log.read_text(encoding="utf-8") for log in logs):
            assert time.monotonic() < deadline and all(build.poll() is None for build in builds)
            time.sleep(0.05)
    assert [build.wait(60) for build in builds] == [0, 0]
    files = _published(out)
    assert sorted(files) == sorted(["manifest.json", *(f"{plan}.md" for plan in PLANS), "plan-1.html", "plan-2.html"])
    _assert_tidy(out)


def test_two_builds_at_once_leave_one_whole_build(contents, tmp_path):
    out = tmp_path / "out"
    builds = [_start(["--content", str(content), "--format", "md", "--output", str(out)], tmp_path / f"{n}.log")
              for n, content in enumerate(contents)]
    assert [build.wait(60) for build in builds] == [0, 0]
    files = _published(out)
    titles = {"Plan 0" in files["plan-1.md"].decode(), "Ny plan 0" in files["plan-1.md"].decode()}
    assert titles == {True, False}  # all files come from one of the two builds
    assert all(("Ny plan" in files[f"{plan}.md"].decode()) == ("Ny plan" in files["plan-1.md"].decode()) for plan in PLANS)
    _assert_tidy(out)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file()}


def test_a_file_system_error_while_switching_is_a_swedish_error(contents, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert main(["build", "--content", str(contents[0]), "--format", "md", "--output", str(out)]) == 0
    before = _snapshot(out)
    stale = tmp_path / ".out.builds" / ".staging-0123456789abcdef"  # left by a killed build
    stale.mkdir()

    def full_disk(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(outputdir.os, "symlink", full_disk)
        assert main(["build", "--content", str(contents[1]), "--format", "md", "--output", str(out)]) == 1
    error = capsys.readouterr().err
    assert "disken är full" in error and "Tidigare utdata är orörd" in error and "Traceback" not in error
    assert _snapshot(out) == before
    assert not stale.exists()  # removed before this build began
    assert main(["build", "--content", str(contents[1]), "--format", "md", "--output", str(out)]) == 0
    assert _snapshot(out) != before
    _assert_tidy(out)


def test_a_directory_at_manifest_json(contents, tmp_path, capsys):
    """A plain directory whose manifest.json is a directory is not taken over; in a build
    it only means that nothing is carried over from that build."""
    plain = tmp_path / "plain"
    (plain / "manifest.json").mkdir(parents=True)
    (plain / "plan-1.md").write_text("gammal", encoding="utf-8")
    assert main(["build", "--content", str(contents[0]), "--format", "md", "--output", str(plain)]) == 2
    assert "ingen manifest.json" in capsys.readouterr().err
    assert plain.is_dir() and not plain.is_symlink() and (plain / "plan-1.md").read_text(encoding="utf-8") == "gammal"

    out = tmp_path / "out"
    assert main(["build", "--content", str(contents[0]), "--format", "md", "--output", str(out)]) == 0
    (out / "manifest.json").unlink()
    (out / "manifest.json").mkdir()
    assert main(["build", "plan-2", "--content", str(contents[0]), "--format", "md", "--output", str(out)]) == 0
    assert sorted(_published(out)) == ["manifest.json", "plan-2.md"]


@pytest.mark.parametrize("kind", ["file", "device", "foreign directory", "foreign symlink"])
def test_an_output_that_is_not_styrdoks_is_refused_and_left_alone(contents, tmp_path, capsys, kind):
    target = {"file": tmp_path / "out", "device": Path("/dev/null"),
              "foreign directory": tmp_path / "out", "foreign symlink": tmp_path / "out"}[kind]
    if kind == "file":
        target.write_text("min fil", encoding="utf-8")
    elif kind == "foreign directory":
        target.mkdir()
        (target / "anteckningar.txt").write_text("min fil", encoding="utf-8")
    elif kind == "foreign symlink":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    before = sorted(os.listdir(tmp_path))
    assert main(["build", "--content", str(contents[0]), "--format", "md", "--output", str(target)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("fel: ") and str(target) in error and "Traceback" not in error
    assert sorted(os.listdir(tmp_path)) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only directory")
def test_a_read_only_directory_is_a_swedish_error(contents, tmp_path, capsys):
    parent = tmp_path / "skrivskyddad"
    parent.mkdir(mode=0o555)
    assert main(["build", "--content", str(contents[0]), "--format", "md", "--output", str(parent / "out")]) == 2
    assert "behörighet saknas" in capsys.readouterr().err


def test_colliding_file_names_never_touch_the_output(contents, tmp_path):
    """A document whose id is another document's memo name."""
    content = _content(tmp_path / "content", "Plan", ids=["plan", "plan-tjansteskrivelse"], memo=MEMO)
    out = tmp_path / "out"
    assert main(["build", "--content", str(contents[0]), "--format", "md", "--output", str(out)]) == 0
    before = _snapshot(out)
    assert main(["build", "--content", str(content), "--format", "md", "--output", str(out)]) == 1
    assert _snapshot(out) == before
