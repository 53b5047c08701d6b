"""The project file, ``styrdok.yaml``: where a municipality keeps its content, schemas
and templates, how its documents look (the branding), and settings per document kind.

Paths in the file are relative to the file; options on the command line override it.
Without a project file styrdok builds ``content/`` in the current directory with its own
templates and look. The file is checked against ``schemas/project.schema.json``, whose
``default`` values are styrdok's defaults; every problem is reported at its line.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

from .diagnostics import ContentError, Diagnostic
from .load import SourceFile, load_file, locate
from .pipeline import PACKAGE_ROOT, SetupError
from .schema import explain_errors, suggest

PROJECT_FILE = "styrdok.yaml"
BUILTIN_TEMPLATES = PACKAGE_ROOT / "templates"
SCHEMA = json.loads((PACKAGE_ROOT / "schemas" / "project.schema.json").read_text(encoding="utf-8"))
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


@dataclass(frozen=True)
class Logo:
    file: Path
    alt: str
    height_mm: float


@dataclass(frozen=True)
class Branding:
    """The look every format shares: name in the wordmark, logo, colours and fonts."""

    municipality: str | None  # None: the organisation's own name
    logo: Logo | None
    accent: str
    table_header: str
    font: str  # every format (embedded in the PDF, so it must be available)
    word_font: str | None  # DOCX only, a font the readers have; None: the same font, embedded
    justify: bool = False  # body text justified rather than ragged right, in every format


@dataclass(frozen=True)
class Kind:
    """How documents of one kind are built."""

    template: str
    memo_template: str
    contents_depth: int


@dataclass(frozen=True)
class Templates:
    """The template search path, the project's own directory first, and each kind's templates."""

    search_path: tuple[Path, ...] = (BUILTIN_TEMPLATES,)
    kinds: dict[str, Kind] = field(default_factory=dict)

    def kind(self, name: str) -> Kind:
        if name in self.kinds:
            return self.kinds[name]
        return _kind(name, _defaults(_resolve(SCHEMA["$defs"]["kind"]), {}))

    def find(self, name: str) -> Path | None:
        """The first file called ``name`` (e.g. ``pandoc/styrdok.css``) along the search path."""
        return next((d / name for d in self.search_path if (d / name).is_file()), None)


@dataclass(frozen=True)
class Project:
    file: Path | None  # the styrdok.yaml read, if any
    content: Path
    schemas: Path | None  # None: schemas beside the content, else styrdok's own
    templates: Templates
    output: Path
    branding: Branding

    def inputs(self) -> tuple[Path, ...]:
        """Files a build reads besides content, schemas and templates: for provenance."""
        logo = self.branding.logo.file if self.branding.logo else None
        return tuple(p for p in (self.file, logo) if p)


class ProjectInvalid(Exception):
    """The project file has errors; each diagnostic points at its line."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} fel i projektfilen")
        self.diagnostics = diagnostics


def default_branding() -> Branding:
    return _branding(_defaults(SCHEMA, {})["branding"], Path("."))


def load_project(location: Path | None = None, *, content: Path | None = None, schemas: Path | None = None,
                 templates: Path | None = None, output: Path | None = None) -> Project:
    """The project at ``location`` (a styrdok.yaml or its directory; default: one in the
    current directory, if any), with the command line's options put first.

    Raises ``ProjectInvalid`` (located diagnostics) or ``SetupError``.
    """
    path = _project_file(location)
    source = _read(path) if path else None
    data = _defaults(SCHEMA, source.data if source else {})
    base = path.parent if path else Path(".")
    chosen = {"content": content, "schemas": schemas, "templates": templates, "output": output}
    if source:
        problems = _file_problems(source, data, base, chosen)
        if problems:
            raise ProjectInvalid(problems)
    for key, value in chosen.items():
        if value is None and key in data:
            chosen[key] = base / data[key]
    search_path = tuple(dict.fromkeys(d.resolve() for d in (chosen["templates"], BUILTIN_TEMPLATES) if d))
    kinds = {name: _kind(name, settings) for name, settings in data["kinds"].items()}
    return Project(path, chosen["content"], chosen["schemas"], Templates(search_path, kinds), chosen["output"],
                   _branding(data["branding"], base))


def _project_file(location: Path | None) -> Path | None:
    if location is None:
        found = Path(PROJECT_FILE)
        return found if found.is_file() else None
    path = location / PROJECT_FILE if location.is_dir() else location
    if not path.is_file():
        raise SetupError(f"projektfilen {path} finns inte")
    return path


def _read(path: Path) -> SourceFile:
    """The project file, checked against its schema."""
    try:
        source = load_file(path, path.as_posix())
    except ContentError as error:
        raise ProjectInvalid([error.diagnostic]) from None
    errors = [] if jsonschema_rs.Draft202012Validator(SCHEMA).is_valid(source.data) else _explained(source.data)
    if errors:
        raise ProjectInvalid(sorted(Diagnostic(source.path, *locate(source, e.path, key=e.at_key), e.message)
                                    for e in errors))
    return source


def _explained(data) -> list:
    """What is wrong with a project file that jsonschema-rs refused, in Swedish."""
    from jsonschema import Draft202012Validator  # only when there is something to explain

    return explain_errors(Draft202012Validator(SCHEMA), data)


def _file_problems(source: SourceFile, data: dict, base: Path, overridden: dict) -> list[Diagnostic]:
    """Directories, logo, font and templates the file names but styrdok cannot find."""
    problems = []

    def report(path: tuple, message: str) -> None:
        problems.append(Diagnostic(source.path, *locate(source, path), message))

    for key in ("content", "schemas", "templates"):
        if key in source.data and overridden[key] is None and not (base / data[key]).is_dir():
            report((key,), f'katalogen {(base / data[key]).as_posix()} finns inte')
    logo = data["branding"].get("logo")
    if logo:
        file = base / logo["file"]
        if not file.is_file():
            report(("branding", "logo", "file"), f"logotypen {file.as_posix()} finns inte")
        elif not file.read_bytes()[:8].startswith(IMAGE_SIGNATURES):
            report(("branding", "logo", "file"), f"logotypen {file.as_posix()} är inte en PNG- eller JPEG-bild")
    if "font" in source.data.get("branding", {}):
        problems += _font_problems(source, data["branding"]["font"])
    own = overridden["templates"] or (base / data["templates"] if "templates" in data else None)
    search = [d for d in (own, BUILTIN_TEMPLATES) if d]
    for kind, settings in source.data.get("kinds", {}).items():
        for key in ("template", "memo_template"):
            name = settings.get(key)
            if name and not any((d / name).is_file() for d in search):
                report(("kinds", kind, key),
                       f'mallen "{name}" finns inte (sökt i {" och ".join(d.as_posix() for d in search)})')
    return sorted(problems)


def _font_problems(source: SourceFile, font: str) -> list[Diagnostic]:
    from .export import font_families  # only when a font is named: it starts typst's font search

    families = font_families()
    if font in families:
        return []
    line, col = locate(source, ("branding", "font"))
    return [Diagnostic(source.path, line, col, f'typsnittet "{font}" finns inte i styrdok.{suggest(font, families)} '
                                               f'Tillgängliga typsnitt: {", ".join(sorted(families))}.')]


def _branding(data: dict, base: Path) -> Branding:
    logo = data.get("logo")
    return Branding(
        municipality=data.get("municipality"),
        logo=Logo(base / logo["file"], logo["alt"], logo["height_mm"]) if logo else None,
        accent=data["colours"]["accent"].lower(),
        table_header=data["colours"]["table_header"].lower(),
        font=data["font"],
        word_font=data.get("word_font"),
        justify=data["justify"],
    )


def _kind(name: str, settings: dict) -> Kind:
    return Kind(settings.get("template", f"{name}.md.j2"), settings["memo_template"], settings["contents_depth"])


def _defaults(schema: dict, data: Any) -> Any:
    """``data`` with the schema's ``default`` values filled in where a field is missing."""
    schema = _resolve(schema)
    if not isinstance(data, dict) or schema.get("type") != "object":
        return data
    filled = dict(data)
    for name, sub in schema.get("properties", {}).items():
        sub = _resolve(sub)
        if name not in filled and "default" in sub:
            filled[name] = copy.deepcopy(sub["default"])
        if name in filled:
            filled[name] = _defaults(sub, filled[name])
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        for name in set(filled) - set(schema.get("properties", {})):
            filled[name] = _defaults(extra, filled[name])
    return filled


def _resolve(schema: dict) -> dict:
    """Follow a local ``$ref`` (``#/$defs/name``), keeping the referring schema's own keys."""
    if "$ref" not in schema:
        return schema
    target = SCHEMA
    for step in schema["$ref"].removeprefix("#/").split("/"):
        target = target[step]
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
