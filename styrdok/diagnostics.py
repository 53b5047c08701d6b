"""Diagnostics: what validation found, where, and how it is printed."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


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


def format_diagnostics(diagnostics: list[Diagnostic], fmt: str) -> str:
    """Render sorted diagnostics as text, JSON or GitHub annotations."""
    ordered = sorted(diagnostics)
    if fmt == "json":
        return json.dumps([asdict(d) for d in ordered], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(d.github() for d in ordered)
    return "\n".join(d.text() for d in ordered)


def promote_warnings(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """--strict: every warning becomes an error."""
    return [Diagnostic(d.path, d.line, d.col, d.message, "error" if d.severity == "warning" else d.severity)
            for d in diagnostics]
