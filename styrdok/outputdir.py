"""The output directory, switched atomically from one complete build to the next.

``output`` is a relative symlink to ``.output.builds/<id>``: one complete build with its
manifest. A build is staged in ``.output.builds/.staging-<id>``, renamed to ``<id>`` when
complete, and published by renaming a new symlink over ``output``. That is one
``rename``, so a kill at any instant leaves ``output`` showing either the old build or
the new one, each with its own manifest. The replaced build is kept until the next
build, so a reader still copying it is not cut off; older builds and the staging left by
killed runs are removed. ``.output.lock`` (``flock``, which the kernel releases when a
process dies) lets one build at a time into an output; the next one waits.

A plain ``output`` directory from before this layout is moved into ``.output.builds``
and replaced by the symlink. That takes two renames. In between, the new symlink waits
as ``.output.next``, and the next run puts it in place if a kill fell between them, so
no file is lost. Only an empty directory or one with a manifest is taken over.

For tests, ``STYRDOK_TEST_KILL_AT=N`` makes the process kill itself (SIGKILL) just
before its Nth file-system step of publishing.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import sys
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Callable, Iterator

from .oserror import reason
from .pipeline import SetupError

MANIFEST = "manifest.json"
STAGING = ".staging-"
KILL_AT = "STYRDOK_TEST_KILL_AT"


class PublishError(Exception):
    """Publishing failed (Swedish message); the old output is still in place."""


class OutputDir:
    """One output path, its builds directory, its lock and its waiting symlink, side by side."""

    def __init__(self, path: Path):
        path = Path(os.path.abspath(path))
        if not path.name:
            raise SetupError(f"{path} kan inte vara utdatakatalog")
        self.path = path.parent.resolve() / path.name
        self.builds = self.path.with_name(f".{path.name}.builds")
        self._lock_file = self.path.with_name(f".{path.name}.lock")
        self._next = self.path.with_name(f".{path.name}.next")
        self._staging: Path | None = None
        kill_at = os.environ.get(KILL_AT, "")
        self._kill_at, self._steps = int(kill_at) if kill_at.isdigit() else 0, 0

    @contextmanager
    def locked(self) -> Iterator[OutputDir]:
        """Hold the output's lock (waiting for another build), after finishing what a killed build left."""
        self._check_target()  # before anything is created beside it
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(self._lock_file, "a")
        except OSError as error:
            raise SetupError(f"kan inte bygga till {self.path}: {reason(error)}") from None
        try:
            _wait_for(lock, self.path)
            self._check_target()  # again, as it may have changed while this build waited
            self._recover()
            yield self
        except OSError as error:
            raise PublishError(f"Kunde inte publicera till {self.path}: {reason(error)}.") from None
        finally:
            if self._staging:
                shutil.rmtree(self._staging, ignore_errors=True)
            lock.close()  # releases the lock

    def staging(self) -> Path:
        """A new, empty staging directory in the builds directory."""
        self._step()
        self.builds.mkdir(exist_ok=True)
        self._staging = self.builds / f"{STAGING}{secrets.token_hex(8)}"
        self._step()
        self._staging.mkdir()
        return self._staging

    def switch(self, staging: Path, artifacts: list[dict], provenance: dict, keep: Callable[[dict], bool]) -> None:
        """Make ``staging`` the output: the new ``artifacts`` (manifest entries of its files),
        plus hard links to the current build's files that ``keep`` accepts and this build
        did not make, with a manifest listing exactly these files."""
        current = self._current()
        made = {artifact["path"] for artifact in artifacts}
        carried = self._carry(current, staging, lambda entry: keep(entry) and entry["path"] not in made, provenance)
        entries = sorted(artifacts + carried, key=lambda entry: entry["path"])
        _check_listing(staging, entries)
        self._step()
        manifest = {"provenance": provenance, "artifacts": entries}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        build = self.builds / staging.name.removeprefix(STAGING)
        self._step()
        os.rename(staging, build)
        self._staging = None
        self._step()
        os.symlink(Path(self.builds.name) / build.name, self._next)
        if current == self.path:  # a plain directory from before this layout
            current = self.builds / secrets.token_hex(8)
            self._step()
            os.rename(self.path, current)
        self._step()
        os.replace(self._next, self.path)  # the switch
        self._prune({build.name, current.name if current else ""})

    def _check_target(self) -> None:
        """Refuse a path that is not styrdok's output: a file, a foreign link or directory."""
        path = self.path
        if self._is_ours() or not os.path.lexists(path):
            return
        if path.is_symlink():
            raise SetupError(f"{path} är en symbolisk länk som styrdok inte har skapat; ange katalogen den pekar på")
        if not path.is_dir():
            raise SetupError(f"{path} finns redan och är ingen katalog")
        try:
            foreign = any(path.iterdir()) and not (path / MANIFEST).is_file()
        except OSError as error:
            raise SetupError(f"kan inte läsa {path}: {reason(error)}") from None
        if foreign:
            raise SetupError(f"{path} innehåller annat än styrdoks utdata (ingen {MANIFEST}); ange en ny eller tom katalog")

    def _is_ours(self) -> bool:
        """Whether ``output`` is a symlink into the builds directory, as ``switch`` makes it."""
        if not self.path.is_symlink():
            return False
        target = Path(os.readlink(self.path))
        return target.parent == Path(self.builds.name) and target.name not in ("", ".", "..")

    def _current(self) -> Path | None:
        """The directory ``output`` shows now: its build, or a plain directory from before."""
        if self._is_ours():
            build = self.builds / Path(os.readlink(self.path)).name
            return build if build.is_dir() else None
        return self.path if self.path.is_dir() else None

    def _recover(self) -> None:
        """Finish or undo what a killed build left: a waiting symlink, staging directories."""
        if os.path.lexists(self._next):
            self._step()
            if os.path.lexists(self.path):
                os.unlink(self._next)
            else:  # killed between the two renames that replace a plain directory
                os.replace(self._next, self.path)
        for staging in self.builds.glob(f"{STAGING}*"):
            self._step()
            shutil.rmtree(staging, ignore_errors=True)

    def _carry(self, current: Path | None, staging: Path, wanted: Callable[[dict], bool], provenance: dict) -> list[dict]:
        """Hard-link the current build's files that ``wanted`` accepts into ``staging``.

        Only files whose bytes still match the current manifest are carried. Their entries
        keep the provenance of the build that made them when it differs from this one."""
        manifest = _read_manifest(current)
        if manifest is None:
            return []
        carried = []
        for entry in filter(wanted, manifest["artifacts"]):
            source, target = current / entry["path"], staging / entry["path"]
            if source.is_symlink() or not source.is_file():
                continue
            self._step()
            _link(source, target)
            if sha256_of(target) != entry["sha256"]:
                target.unlink()
                continue
            origin = entry.get("provenance", manifest["provenance"])
            carried.append({**entry, "provenance": origin} if origin != provenance else entry)
        return carried

    def _prune(self, keep: set[str]) -> None:
        """Remove every build but the new one and the one it replaced (the switch is done:
        what cannot be removed now is removed by a later build)."""
        with suppress(OSError):
            for entry in self.builds.iterdir():
                if entry.name not in keep:
                    self._step()
                    shutil.rmtree(entry, ignore_errors=True)

    def _step(self) -> None:
        """Count a file-system step of publishing; the test hook kills the process at one."""
        self._steps += 1
        if self._steps == self._kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


def _wait_for(lock, path: Path) -> None:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"Väntar på att ett annat bygge till {path} ska bli klart …", file=sys.stderr, flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)


def _read_manifest(directory: Path | None) -> dict | None:
    """The manifest in ``directory`` with its well-formed entries, or None if there is none to read."""
    if directory is None:
        return None
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        entries = [entry for entry in manifest["artifacts"]
                   if _plain_name(entry.get("path")) and isinstance(entry.get("sha256"), str)]
        return {"provenance": manifest.get("provenance"), "artifacts": entries}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _plain_name(name) -> bool:
    """A file name directly in a build: no directories, not hidden, not the manifest."""
    return (isinstance(name, str) and name == os.path.basename(name) and "\0" not in name
            and not name.startswith(".") and name != MANIFEST)


def _check_listing(staging: Path, entries: list[dict]) -> None:
    """Every file in the staging directory is listed once, and every listed file is there."""
    present = sorted(path.name for path in staging.iterdir())
    listed = [entry["path"] for entry in entries]
    if present != listed:
        odd = (set(present) ^ set(listed)) | {name for name in listed if listed.count(name) > 1}
        raise PublishError(f"Bygget gav andra filer än förteckningen: {', '.join(sorted(odd))}.")


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)


def sha256_of(path: Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
