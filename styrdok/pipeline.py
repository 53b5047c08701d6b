"""The first phases every command shares: load → validate.

``check`` reads a content tree and reports everything wrong with it. Building
documents continues in ``publish`` (model → render → export).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, promote_warnings
from .load import LoadedContent, load_content
from .schema import SchemaSet
from .validate import validate

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class SetupError(Exception):
    """The environment is wrong (a missing directory, a broken schema): exit 2."""


@dataclass
class CheckResult:
    loaded: LoadedContent
    schemas: SchemaSet
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def summary(self) -> str:
        files = len(self.loaded.files) + len(self.loaded.problems)
        warnings = sum(1 for d in self.diagnostics if d.severity == "warning")
        if not self.diagnostics:
            return f"Inga fel i {files} filer."
        return f"{len(self.errors)} fel och {warnings} varningar i {files} filer."


def schema_dir_for(content: Path, schemas: Path | None) -> Path:
    """The schemas beside the content, else styrdok's own."""
    if schemas is not None:
        return schemas
    beside = content.resolve().parent / "schemas"
    return beside if beside.is_dir() else PACKAGE_ROOT / "schemas"


def load_schemas(directory: Path) -> SchemaSet:
    if not directory.is_dir():
        raise SetupError(f"schemakatalogen {directory} finns inte")
    try:
        return SchemaSet(directory)
    except (json.JSONDecodeError, KeyError, ValueError) as error:
        raise SetupError(f"schemana i {directory} kan inte läsas: {error}") from None


def check(content: Path, schemas: Path | None = None, *, strict: bool = False, period: str | None = None) -> CheckResult:
    """Phases load and validate: everything wrong with a content tree."""
    if not content.is_dir():
        raise SetupError(f"innehållskatalogen {content} finns inte")
    schema_set = load_schemas(schema_dir_for(content, schemas))
    loaded = load_content(content)
    diagnostics = validate(loaded, schema_set, period=period)
    if strict:
        diagnostics = promote_warnings(diagnostics)
    return CheckResult(loaded, schema_set.for_content(loaded), diagnostics)
