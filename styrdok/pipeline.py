"""The first phases every command shares: load → validate.

``check`` reads a content tree and reports everything wrong with it. Building
documents continues in ``publish`` (model → render → export).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import history
from .diagnostics import ContentError, Diagnostic, os_reason, promote_warnings
from .git import GitError, run_git
from .load import LoadedContent, load_bytes, load_content
from .parse_cache import ParseCache
from .schema import SchemaInvalid, SchemaSet
from .validate import validate


def _package_root() -> Path:
    """Where styrdok's own schemas/ and templates/ are: inside the package when it is
    installed (pyproject.toml puts them there), else in the checkout around it."""
    package = Path(__file__).resolve().parent
    return package if (package / "schemas").is_dir() else package.parent


PACKAGE_ROOT = _package_root()


class SetupError(Exception):
    """The environment is wrong (a missing directory, a broken schema): exit 2."""


class Workspace:
    """What a content tree is built with besides itself: templates and git history."""

    def __init__(self, content: Path, templates: list[Path], named: dict[str, str] | None = None):
        self.content, self.templates = content, templates
        self.named = named or {}  # kind -> template file, as the project file names them
        self._gaps: dict[str, str | None] = {}

    def kinds(self) -> list[str]:
        """Document kinds: every template <kind>.md.j2 that is not a part (_name), and every
        kind the project file names a template for that exists."""
        suffix = ".md.j2"
        found = {path.name for directory in self.templates for path in directory.glob("*" + suffix)}
        return sorted({name[:-len(suffix)] for name in found if not name.startswith("_")}
                      | {kind for kind, template in self.named.items() if template in found})

    def history_gap(self, ref: str) -> str | None:
        """``history.history_gap`` of ``ref``, asked of git once per ref."""
        if ref not in self._gaps:
            self._gaps[ref] = history.history_gap(self.content, ref)
        return self._gaps[ref]

    def file_at(self, ref: str, path: str) -> dict | None:
        """The data of the content file ``path`` (relative to the content directory) at the
        git version ``ref``; None when it is not there or cannot be read."""
        try:
            return load_bytes(run_git(self.content, "cat-file", "blob", f"{ref}:./{path}"), path).data
        except (GitError, ContentError):
            return None


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
    except SchemaInvalid as error:
        raise SetupError(f"schemana i {directory} kan inte användas: {error}") from None
    except OSError as error:
        raise SetupError(f"schemana i {directory} kan inte läsas: {os_reason(error)}") from None


def check(content: Path, schemas: Path | None = None, *, strict: bool = False, period: str | None = None,
          templates=None) -> CheckResult:
    """Phases load and validate: everything wrong with a content tree, and everything a
    build with ``templates`` (a project's ``Templates``; default: styrdok's own) would
    find missing."""
    if not content.is_dir():
        raise SetupError(f"innehållskatalogen {content} finns inte")
    schema_set = load_schemas(schema_dir_for(content, schemas))
    cache = ParseCache(content)
    loaded = load_content(content, load=cache.load)
    if templates is None:
        workspace = Workspace(content, [PACKAGE_ROOT / "templates"])
    else:
        named = {name: kind.template for name, kind in templates.kinds.items()}
        workspace = Workspace(content, list(templates.search_path), named)
    diagnostics = validate(loaded, schema_set, period=period, workspace=workspace, memory=cache)
    cache.save()
    if strict:
        diagnostics = promote_warnings(diagnostics)
    try:
        extended = schema_set.for_content(loaded)  # with the item types the model declares
    except SchemaInvalid as error:
        raise SetupError(f"schemana i {schema_set.dir} kan inte användas: {error}") from None
    return CheckResult(loaded, extended, diagnostics)
