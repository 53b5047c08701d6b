"""Diagnostics: what validation found, where, and how it is printed."""

from __future__ import annotations

import errno
import hashlib
import json
from dataclasses import asdict, dataclass

OS_REASONS = {
    errno.EACCES: "åtkomst nekas",
    errno.EPERM: "åtkomst nekas",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.ENOSPC: "disken är full",
    errno.EDQUOT: "diskkvoten är slut",
    errno.ENOENT: "finns inte",
    errno.ENOTDIR: "en del av sökvägen är ingen katalog",
    errno.EISDIR: "är en katalog",
    errno.EEXIST: "finns redan",
    errno.ELOOP: "länkar i en slinga",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.EIO: "läs- eller skrivfel på disken",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, pointing at a file, a line and a column (both 1-based)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"  # "error", "warning", or "note" (what waits on an error elsewhere)

    def text(self) -> str:
        prefix = {"warning": "varning: ", "note": "obs: "}.get(self.severity, "")
        return f"{self.path}:{self.line}:{self.col}: {prefix}{self.message}"

    def github(self) -> str:
        kind = {"warning": "warning", "note": "notice"}.get(self.severity, "error")
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{kind} file={self.path},line={self.line},col={self.col}::{message}"


class ContentError(Exception):
    """Raised for a problem that stops one file from being read."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.text())
        self.diagnostic = diagnostic
        self.declared: tuple[str | None, str | None] = (None, None)  # type and id the file seems to hold


def format_diagnostics(diagnostics: list[Diagnostic], fmt: str) -> str:
    """Render sorted diagnostics as text, JSON, GitHub annotations or a GitLab Code Quality report."""
    ordered = sorted(diagnostics)
    if fmt == "json":
        return json.dumps([asdict(d) for d in ordered], ensure_ascii=False, indent=2)
    if fmt == "gitlab":
        return json.dumps(code_quality(ordered), ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(d.github() for d in ordered)
    return "\n".join(d.text() for d in ordered)


def code_quality(diagnostics: list[Diagnostic]) -> list[dict]:
    """GitLab's Code Quality report. The fingerprint hashes file and message, not the line,
    so a finding keeps it when lines above it move; repeats in a file are numbered."""
    seen: dict[tuple[str, str], int] = {}
    issues = []
    for d in diagnostics:
        repeat = seen[d.path, d.message] = seen.get((d.path, d.message), -1) + 1
        fingerprint = hashlib.sha256(f"{d.path}\0{d.message}\0{repeat}".encode("utf-8")).hexdigest()
        issues.append({"description": d.message, "check_name": "styrdok-validate", "fingerprint": fingerprint,
                       "severity": "minor" if d.severity == "warning" else "major",
                       "location": {"path": d.path, "lines": {"begin": d.line}}})
    return issues


def promote_warnings(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """--strict: every warning becomes an error."""
    return [Diagnostic(d.path, d.line, d.col, d.message, "error" if d.severity == "warning" else d.severity)
            for d in diagnostics]


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in Swedish (never the English text of the system)."""
    reason = OS_REASONS.get(error.errno)
    return reason or f"systemfel {errno.errorcode.get(error.errno, error.errno)}"
