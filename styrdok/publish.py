"""Building documents: model → render → export, after the checks of ``pipeline``.

Everything is written into a staging directory and moved into ``output`` only when
every document succeeded, with a manifest listing each file and its sha256.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .export import FORMATS, ExportError, export
from . import gitsource
from .model import Content, Item, build_model
from .pipeline import PACKAGE_ROOT, CheckResult, SetupError, check
from .provenance import Provenance, provenance_of
from .render import Renderer, RenderError
from .revisions import RevisionTable, revision_table

MEMO_TEMPLATE = "tjansteskrivelse.md.j2"


@dataclass
class Artifact:
    """One output file, as the manifest lists it."""

    document: str
    format: str
    path: Path
    sha256: str


def build(content: Path, output: Path, *, documents: list[str] | None = None, formats: set[str] | None = None,
          schemas: Path | None = None, templates: Path | None = None, progress=None) -> list[Artifact]:
    """Phases load → validate → model → render → export, for the chosen documents.

    A failed build leaves the last good output untouched. Raises ``ContentInvalid``
    or ``BuildError``.
    """
    result = check(content, schemas)
    if result.errors:
        raise ContentInvalid(result)
    model = build_model(result.loaded, result.schemas)
    chosen = _choose(model.documents, documents)
    templates = templates or PACKAGE_ROOT / "templates"
    origin = provenance_of(result.loaded, [result.schemas.dir, templates])
    renderer = Renderer(model, templates, provenance=origin.line())
    timestamp = origin.timestamp
    jobs = [(doc, template, stem) for doc in chosen for template, stem in _outputs(doc)]
    output = output.resolve()
    output.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=output))
    try:
        revisions = {doc.id: _revision_tables(doc, model, content, templates) for doc in chosen}
        markdown = {stem: renderer.render(doc, template, revisions[doc.id]) for doc, template, stem in jobs}
        artifacts = _export_all(jobs, markdown, staging, formats or set(FORMATS), timestamp, progress)
        _publish(staging, output, artifacts, origin)
    except (RenderError, ExportError) as error:
        raise BuildError(str(error)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return artifacts


class ContentInvalid(Exception):
    """The content has errors; nothing was built."""

    def __init__(self, result: CheckResult):
        super().__init__(result.summary())
        self.result = result


class BuildError(Exception):
    """Rendering or export failed (Swedish message); the old output is kept."""


def _choose(available: list[Item], wanted: list[str] | None) -> list[Item]:
    if not wanted:
        return available
    by_id = {doc.id: doc for doc in available}
    unknown = [name for name in wanted if name not in by_id]
    if unknown:
        raise SetupError(f"okänt dokument: {', '.join(unknown)}. Tillgängliga: {', '.join(sorted(by_id))}")
    return [by_id[name] for name in wanted]


def _revision_tables(document: Item, model: Content, content: Path, templates: Path) -> dict[str, RevisionTable]:
    """For each ``revisions`` block: the plan at that earlier git version, compared with now."""
    tables = {}
    for block in (b["revisions"] for b in document.contents if "revisions" in b):
        repo = gitsource.repo_root(content)
        try:
            earlier = gitsource.load_version(repo, block["since"], gitsource.relative_path(repo, content))
        except gitsource.VersionInvalid as invalid:
            raise BuildError(f'{document.id}: innehållet vid versionen {block["since"]} har {len(invalid.diagnostics)} fel') from None
        old = build_model(earlier.loaded, earlier.schemas)
        if block["document"] not in old.items:
            raise BuildError(f'{document.id}: dokumentet {block["document"]} finns inte vid versionen {block["since"]}')
        tables[block["since"]] = revision_table(old, model, block["document"], block["since"], templates, earlier.date[:10])
    return tables


def _outputs(document: Item) -> list[tuple[str, str]]:
    """(template, file stem) pairs: the document itself and its cover memo."""
    outputs = [(f"{document.kind}.md.j2", document.id)]
    if document.memo:
        outputs.append((MEMO_TEMPLATE, f"{document.id}-tjansteskrivelse"))
    return outputs


def _export_all(jobs, markdown, staging, formats, timestamp, progress) -> list[Artifact]:
    """Export every rendered Markdown text; two at a time, since pandoc and typst run apart."""
    def one(job):
        document, _template, stem = job
        paths = export(markdown[stem], staging, stem, formats, timestamp=timestamp)
        if progress:
            progress(stem)
        return [Artifact(document.id, fmt, path, _sha256(path)) for fmt, path in sorted(paths.items())]

    with ThreadPoolExecutor(max_workers=2) as pool:
        return [artifact for group in pool.map(one, jobs) for artifact in group]


def _publish(staging: Path, output: Path, artifacts: list[Artifact], origin: Provenance) -> None:
    """Move finished files into place, then write the manifest (all atomic renames)."""
    for artifact in artifacts:
        target = output / artifact.path.name
        os.replace(artifact.path, target)
        artifact.path = target
    manifest = {
        "provenance": origin.as_dict(),
        "artifacts": [
            {"document": a.document, "format": a.format, "path": a.path.name, "sha256": a.sha256}
            for a in sorted(artifacts, key=lambda a: a.path.name)
        ]
    }
    _write_atomic(output / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
