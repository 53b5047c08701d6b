"""Verify a published file: rebuild its document at a git ref and compare bytes.

The rebuild runs in a temporary clone checked out at the ref, with that ref's own
code, templates and content, so it is exactly what the repository held then.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .git import GitError, git_text
from .gitsource import resolve
from .validate import MEMO_SUFFIX
from .pipeline import SetupError

TEXT_FORMATS = ("md", "html")


@dataclass
class Verdict:
    identical: bool
    explanation: list[str]


def verify(file: Path, ref: str, repo: Path) -> Verdict:
    """Rebuild ``file``'s document at ``ref`` of ``repo`` and compare it byte for byte."""
    if not file.is_file():
        raise SetupError(f"filen {file} finns inte")
    document, fmt = _document_of(file)
    commit = resolve(repo, ref)
    with tempfile.TemporaryDirectory(prefix="styrdok-verify-") as temporary:
        rebuilt = _rebuild(repo, commit, document, fmt, Path(temporary)) / file.name
        if not rebuilt.is_file():
            raise SetupError(f"dokumentet {document} byggs inte som {file.name} vid {ref}")
        expected, actual = rebuilt.read_bytes(), file.read_bytes()
        if expected == actual:
            return Verdict(True, [f"{file.name} är byte för byte identisk med bygget av {ref} ({commit[:12]})."])
        return Verdict(False, _differences(file.name, fmt, expected, actual, ref))


def _document_of(file: Path) -> tuple[str, str]:
    """Document id and format from an output file name (memos end in -tjansteskrivelse)."""
    stem, fmt = file.stem, file.suffix.lstrip(".")
    return stem.removesuffix(MEMO_SUFFIX), fmt


def _rebuild(repo: Path, commit: str, document: str, fmt: str, workdir: Path) -> Path:
    tree, output = workdir / "tree", workdir / "output"
    _git(repo, "clone", "--quiet", "--shared", "--no-checkout", str(repo), str(tree), error="kunde inte klona förrådet")
    _git(tree, "checkout", "--quiet", "--detach", commit, error=f"kunde inte checka ut {commit[:12]}")
    environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    # The repository's own build.py (styrdok's checkout), else the installed styrdok (a municipality's repository).
    command = [sys.executable, "build.py"] if (tree / "build.py").is_file() else [sys.executable, "-m", "styrdok"]
    run = subprocess.run([*command, "build", document, "--format", fmt, "--output", str(output)],
                         cwd=tree, capture_output=True, text=True, env=environment)
    if run.returncode != 0:
        raise SetupError(f"bygget vid {commit[:12]} misslyckades:\n{run.stdout}{run.stderr}".rstrip())
    return output


def _differences(name: str, fmt: str, expected: bytes, actual: bytes, ref: str) -> list[str]:
    lines = [f"{name} skiljer sig från bygget av {ref}:",
             f"  storlek {len(actual)} byte, väntat {len(expected)} byte",
             f"  sha256 {_sha(actual)}, väntat {_sha(expected)}"]
    if fmt in TEXT_FORMATS:
        diff = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                    actual.decode("utf-8", "replace").splitlines(),
                                    f"{name} vid {ref}", name, lineterm="", n=1)
        lines += ["  " + line for line in list(diff)[:40]]
    elif fmt == "docx":
        lines += [f"  delen {part} skiljer sig" for part in _zip_differences(expected, actual)]
    return lines


def _zip_differences(expected: bytes, actual: bytes) -> list[str]:
    try:
        old, new = (_zip_parts(data) for data in (expected, actual))
    except zipfile.BadZipFile:
        return ["(filen är inte en giltig docx)"]
    return sorted(part for part in old.keys() | new.keys() if old.get(part) != new.get(part))


def _zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _git(directory: Path, *args: str, error: str) -> str:
    try:
        return git_text(directory, *args)
    except GitError as failure:
        raise SetupError(f"{error} ({failure})") from None
