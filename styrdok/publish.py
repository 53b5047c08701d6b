"""Building documents: model → render → export, after the checks of ``pipeline``.

Everything is written into a staging directory, which becomes the output in one atomic
switch (``outputdir``) only when every document succeeded, with a manifest listing each
file and its sha256.
"""

from __future__ import annotations

import heapq
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .branding import Presentation
from .cache import DIRECTORY as CACHE_DIRECTORY, ExportCache, MarkdownCache, inputs_stamp
from .export import FORMATS, ExportError, export
from . import history, reads
from .adopted import VersionUnusable, adopted, version_model
from .model import Content, Item, build_model
from .outputdir import OutputDir, PublishError, sha256_of
from .pipeline import CheckResult, SetupError, check, schema_dir_for
from .project import Branding, Templates, default_branding
from .provenance import provenance_of
from .validate import MEMO_SUFFIX

if TYPE_CHECKING:
    from .revisions import RevisionTable


@dataclass
class Artifact:
    """One output file, as the manifest lists it."""

    document: str
    format: str
    path: Path
    sha256: str
    content_sha256: str | None = None  # of what the document was made from (its provenance)

    def entry(self) -> dict:
        """The artifact as the manifest lists it."""
        entry = {"document": self.document, "format": self.format, "path": self.path.name, "sha256": self.sha256}
        return {**entry, "content_sha256": self.content_sha256} if self.content_sha256 else entry


def build(content: Path, output: Path, *, documents: list[str] | None = None, formats: set[str] | None = None,
          schemas: Path | None = None, templates: Templates | None = None, branding: Branding | None = None,
          inputs: tuple[Path, ...] = (), progress=None, workers: int | None = None) -> list[Artifact]:
    """Phases load → validate → model → render → export, for the chosen documents.

    ``templates`` and ``branding`` come from the project (default: styrdok's own);
    ``inputs`` are further files the build reads, for the provenance; ``progress`` (see
    ``styrdok.progress``) hears of each finished file; ``workers`` documents are exported at
    once (default: one per processor). A failed build leaves the last good
    output untouched. Raises ``ContentInvalid`` or ``BuildError``, or ``IncompleteBuild``
    after publishing the others when some documents need history this copy lacks.
    """
    templates, branding = templates or Templates(), branding or default_branding()
    target = OutputDir(output)
    cache = ExportCache(target.path.with_name(CACHE_DIRECTORY))
    stamp = _inputs_stamp(content, schemas, templates, branding, inputs, documents, formats)
    unchanged = cache.unchanged(target.path, stamp, content)
    if unchanged is not None:  # the output is this very build already
        return [Artifact(a["document"], a["format"], target.path / a["path"], a["sha256"]) for a in unchanged["artifacts"]]
    from .render import RenderError
    from .rendering import DocumentRenderer  # rendering's libraries load only when there is work

    result = check(content, schemas, templates=templates)
    if result.errors:
        raise ContentInvalid(result)
    model = build_model(result.loaded, result.schemas)
    chosen = _choose(model.documents, documents)
    origin = provenance_of(result.loaded, [result.schemas.dir, *templates.search_path, *inputs])
    renderer = DocumentRenderer(model, result.loaded, templates, branding, origin, _shared_inputs(result.schemas.dir, inputs),
                                MarkdownCache(cache.directory), lambda doc: _revision_tables(doc, model, content),
                                content)
    timestamp = origin.timestamp
    jobs = [(doc, template, stem) for doc in chosen for template, stem in _outputs(doc, templates)]
    _check_names(jobs)
    looks = {doc.id: Presentation(templates, branding, _contents_depth(doc, templates)) for doc in chosen}
    formats = formats or set(FORMATS)
    try:
        with target.locked():
            staging = target.staging()
            exports = Exports(staging, formats, timestamp, looks, progress, workers or os.cpu_count() or 1, cache)
            if progress:
                progress.start(len(jobs))
            with exports:
                missing, built = _render_all(chosen, renderer, exports, content, origin, templates)
                artifacts = exports.artifacts()
            renderer.keep()
            target.switch(staging, [artifact.entry() for artifact in artifacts], origin.as_dict(),
                          keep=_kept(model.documents, built, formats))
            cache.prune()
    except (RenderError, ExportError, PublishError, VersionUnusable) as error:
        raise BuildError(str(error)) from None
    for artifact in artifacts:
        artifact.path = target.path / artifact.path.name
    if missing:
        raise IncompleteBuild(artifacts, missing)
    cache.record(target.path, stamp, renderer.versions)
    return artifacts


def _render_all(chosen: list[Item], renderer, exports: Exports, content: Path, origin, templates: Templates):
    """Render each document and hand its Markdown to ``exports`` at once, so that exports run
    while the next document renders. Returns the gaps in history and the documents built."""
    missing, built = [], []
    for doc in chosen:
        try:
            if getattr(doc, "as_of", None):  # built from the content of an earlier version, its definition included
                doc_jobs, rendered = renderer.render_adopted(
                    doc, lambda doc=doc: adopted(doc, content, origin), lambda old: _outputs(old, templates),
                    lambda old, model: _revision_tables(old, model, content))
            else:
                doc_jobs = [(doc, template, stem) for template, stem in _outputs(doc, templates)]
                rendered = {stem: renderer.render(doc, template, stem) for _doc, template, stem in doc_jobs}
        except history.HistoryMissing as gap:
            missing.append(gap)
            continue
        for job in doc_jobs:
            exports.submit(job, *rendered[job[2]])
        built.append(doc)
    return missing, built


class ContentInvalid(Exception):
    """The content has errors; nothing was built."""

    def __init__(self, result: CheckResult):
        super().__init__(result.summary())
        self.result = result


class BuildError(Exception):
    """Rendering or export failed (Swedish message); the old output is kept."""


class IncompleteBuild(Exception):
    """Every document was published except those whose history is missing (``failures``)."""

    def __init__(self, artifacts: list[Artifact], failures: list[history.HistoryMissing]):
        super().__init__(f"{len(failures)} dokument byggdes inte")
        self.artifacts, self.failures = artifacts, failures


def _shared_inputs(schemas: Path, inputs: tuple[Path, ...]) -> dict[str, Path]:
    """The files every document is made from besides content and templates, by a name that
    is the same in every copy of the repository: the schemas, the project file and the logo."""
    shared = {f"schemas/{path.relative_to(schemas).as_posix()}": path
              for path in sorted(schemas.rglob("*")) if path.is_file()}
    return {**shared, **{path.name: path for path in inputs if path.is_file()}}


def _inputs_stamp(content: Path, schemas: Path | None, templates: Templates, branding: Branding,
                  inputs: tuple[Path, ...], documents: list[str] | None, formats: set[str] | None) -> str:
    """What a build's output depends on, as one sha256 (``cache.inputs_stamp``)."""
    logo = [branding.logo.file] if branding.logo else []
    paths = [content, schema_dir_for(content, schemas), *templates.search_path, *inputs, *logo]
    options = repr((str(content.resolve()), documents, sorted(formats or FORMATS), branding, templates,
                    os.environ.get("SOURCE_DATE_EPOCH")))
    return inputs_stamp(paths, content, options)


def _choose(available: list[Item], wanted: list[str] | None) -> list[Item]:
    if not wanted:
        return available
    by_id = {doc.id: doc for doc in available}
    unknown = [name for name in wanted if name not in by_id]
    if unknown:
        raise SetupError(f"okänt dokument: {', '.join(unknown)}. Tillgängliga: {', '.join(sorted(by_id))}")
    return [by_id[name] for name in wanted]


def _revision_tables(document: Item, model: Content, content: Path) -> dict[str, RevisionTable]:
    """For each ``revisions`` block: the plan at that earlier git version, compared with now."""
    from .revisions import revision_table

    tables = {}
    for block in (b["revisions"] for b in document.contents if "revisions" in b):
        old, earlier = version_model(document.id, content, block["since"], history.REVISIONS)
        reads.version_read(block["since"], earlier.commit)
        if block["document"] not in old.items:
            raise BuildError(f'{document.id}: dokumentet {block["document"]} finns inte vid versionen {block["since"]}')
        tables[block["since"]] = revision_table(old, model, block["document"], block["since"], earlier.date[:10],
                                                block.get("business_plan"))
    return tables


def _check_names(jobs) -> None:
    """No two outputs share a file name (a document id equal to another's memo name)."""
    seen: dict[str, str] = {}
    for document, _template, stem in jobs:
        if stem in seen:
            raise BuildError(f"dokumenten {seen[stem]} och {document.id} ger båda filerna {stem}.*")
        seen[stem] = document.id


def _kept(documents: list[Item], rebuilt: list[Item], formats: set[str]):
    """Which files of the current output a build keeps: those of documents that still
    exist, except the ones it makes anew (a rebuilt document in a chosen format)."""
    existing, remade = {doc.id for doc in documents}, {doc.id for doc in rebuilt}
    return lambda old: old.get("document") in existing and not (old.get("document") in remade and old.get("format") in formats)


def _contents_depth(document: Item, templates: Templates) -> int:
    """The document's own depth of contents, else its kind's."""
    return getattr(document, "contents_depth", None) or templates.kind(document.kind).contents_depth


def _outputs(document: Item, templates: Templates) -> list[tuple[str, str]]:
    """(template, file stem) pairs: the document itself and its cover memo."""
    kind = templates.kind(document.kind)
    outputs = [(kind.template, document.id)]
    if document.memo:
        outputs.append((kind.memo_template, document.id + MEMO_SUFFIX))
    return outputs


class Exports:
    """The exports of a build, ``workers`` documents at a time, started as soon as each
    Markdown is submitted; a free worker takes the longest text waiting, so that no core ends
    up alone with a long document at the end. Files the cache holds for the same Markdown and
    settings are taken from it. ``artifacts()`` lists the files in the order they were submitted.

    Threads suffice: pandoc and typst run in child processes, and a thread waiting for
    one releases the GIL; only the charts not yet in the cache, the Word finish, the web page
    check and the hashing run in Python."""

    def __init__(self, staging: Path, formats: set[str], timestamp: int, looks: dict, progress, workers: int,
                 cache: ExportCache):
        self.staging, self.formats, self.timestamp, self.looks = staging, formats, timestamp, looks
        self.progress, self.cache = progress, cache
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.waiting: list[tuple] = []  # a heap: (-length, order, job, text, checksum, its Future)
        self.futures: list[Future] = []  # in the order submitted
        self.lock = threading.Lock()

    def __enter__(self) -> Exports:
        return self

    def __exit__(self, *failure) -> None:
        self.pool.shutdown(cancel_futures=failure[0] is not None)

    def submit(self, job, text, provenance) -> None:
        """Queue one rendered text for export (``job`` is (document, template, stem))."""
        with self.lock:
            future = Future()
            heapq.heappush(self.waiting, (-len(text), len(self.futures), job, text,
                                          provenance and provenance.content_sha256, future))
            self.futures.append(future)
        self.pool.submit(self._take)

    def _take(self) -> None:
        """Export the longest text waiting."""
        with self.lock:
            _length, _order, job, text, checksum, future = heapq.heappop(self.waiting)
        try:
            future.set_result(self._one(job, text, checksum))
        except BaseException as error:  # noqa: B036 - handed to artifacts(), which raises it
            future.set_exception(error)

    def artifacts(self) -> list[Artifact]:
        """Every exported file, once all are done; raises the first export's error."""
        return [artifact for future in self.futures for artifact in future.result()]

    def _one(self, job, text, content_sha256: str | None) -> list[Artifact]:
        document, _template, stem = job
        started = time.perf_counter()
        look, cache = self.looks[document.id], self.cache
        keys = {fmt: cache.key(text, fmt, stem, look, self.timestamp, text.charts) for fmt in self.formats}
        digests = {fmt: cache.fetch(key, fmt, self.staging / f"{stem}.{fmt}") for fmt, key in keys.items()}
        missing = {fmt for fmt, digest in digests.items() if digest is None}
        if missing:
            paths = export(text, self.staging, stem, missing, timestamp=self.timestamp, presentation=look,
                           charts=text.charts, cache=cache)
            for fmt, path in paths.items():
                digests[fmt] = sha256_of(path)
                cache.store(keys[fmt], fmt, path, digests[fmt])
        if self.progress:
            title = document.title if stem == document.id else f"Tjänsteskrivelse: {document.title}"
            self.progress.done(title, stem, time.perf_counter() - started)
        return [Artifact(document.id, fmt, self.staging / f"{stem}.{fmt}", digests[fmt], content_sha256)
                for fmt in sorted(self.formats)]
