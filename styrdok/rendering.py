"""Rendering the chosen documents, each taken from the cache when nothing it read changed.

A document's Markdown is a function of what its render read (``styrdok.reads``: content
files, committed images, templates, earlier versions) and of its context: the content's structure, the
templates' search path and kinds, the branding, the commit and timestamp, and styrdok's
code. The last render's dependency record names what it read; when those inputs still
hash as they did, the Markdown kept under that key is used. Otherwise the document is
rendered: the render finds what the document reads, which its provenance covers
(``Provenance.for_document``), so it shows a stand-in for the checksum, replaced once
the render is done; only when the document's "modified" mark differs from the build's
does it render a second time.

A document built as adopted (``as_of``) is kept the same way under the commit its ref
names: that version's content never changes, so its record names only the templates and
versions it read, and a kept render needs nothing of the version loaded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import babel
import jinja2

from . import gitsource, history
from .cache import MarkdownCache, code_digest
from .charts import Chart, Series
from .images import StagedImage
from .load import LoadedContent, _display
from .model import CONFIG_TYPES, Content, Item
from .outputdir import sha256_of
from .pipeline import SetupError
from .project import Branding, Templates
from .provenance import Provenance
from .reads import Noted, Reads, recording, structure_digest
from .render import COMPILED, Rendered, Renderer

if TYPE_CHECKING:
    from .adopted import Adopted

FORMAT = "styrdok markdown cache 1"  # changes when the key's recipe changes


class DocumentRenderer:
    """Renders the documents of one build, through the Markdown cache."""

    def __init__(self, model: Content, loaded: LoadedContent, templates: Templates, branding: Branding,
                 origin: Provenance, shared: dict[str, Path], cache: MarkdownCache,
                 revisions: Callable[[Item], dict], content_dir: Path | None = None):
        """``shared`` names the files every document is made from besides content and templates
        (the schemas, the project file, the logo); ``revisions`` gives a document's revision tables;
        committed images are read from ``content_dir``."""
        self.model, self.templates, self.origin, self.cache = model, templates, origin, cache
        self.renderer = Renderer(model, templates, provenance=origin, branding=branding, content_dir=content_dir)
        self.revisions = revisions
        self.content_files = {source.path: source.sha256 for source in loaded.files}
        self.root, self.prefix = loaded.root.resolve(), _display(loaded.root, loaded.root.parent) + "/"
        config = [source.path for source in loaded.files if source.data.get("type") in CONFIG_TYPES]
        self.shared = {path: self.content_files[path] for path in config}
        self.shared_files = [self._content_path(path) for path in config]
        for name, path in shared.items():
            self.shared[name] = sha256_of(path)
            self.shared_files.append(path.resolve())
        self.shared["styrdok"] = code_digest()
        self.shared["utseende"] = _branding_digest(branding)
        self.shared["struktur"] = structure_digest(model)
        setting = "\n".join([FORMAT, code_digest(), jinja2.__version__, babel.__version__, repr(branding),
                             repr(templates), repr(dataclasses.replace(origin, content_sha256="", modified=False,
                                                                       changed=frozenset()))])
        self.setting = f"{setting}\n{self.shared['struktur']}"
        self.adopted_setting = f"{setting}\nas adopted"  # the content is the version's, whatever today's structure
        self.branding, self.content_dir = branding, content_dir
        self._templates: dict[str, tuple[str, Path] | None] = {}
        self._images: dict[str, tuple[str, Path] | None] = {}
        self._repo: Path | None = None
        self._revisions: dict[str, Noted] = {}
        self._stand_in = dataclasses.replace(origin, content_sha256=secrets.token_hex(32), changed=frozenset())
        self.versions: dict[str, str] = {}  # every earlier version the documents read: ref -> commit
        self._new: list[tuple] = []  # renders to keep once the build may write beside its output
        COMPILED.keep_in(cache.directory / "compiled")  # and the templates this build compiles

    def render(self, document: Item, template: str, stem: str) -> tuple[Rendered, Provenance | None]:
        """The Markdown of ``stem`` and the document's provenance: from the cache when every
        input its last render read is unchanged, else rendered and kept."""
        context = _sha256(f"{self.setting}\n{document.id}\n{template}\n{stem}")
        kept = self._kept(context)
        if kept is not None:
            return kept
        return self._render(document, template, context)

    def _render(self, document: Item, template: str, context: str) -> tuple[Rendered, Provenance | None]:
        revisions, reads = self._revision_tables(document), Reads()
        stand_in = self._stand_in
        with recording(self.model, reads):
            rendered = self.renderer.render(document, template, revisions, provenance=stand_in)
            provenance = self._provenance(reads)
            if provenance is None or provenance.modified != stand_in.modified:  # None: the build's own
                rendered = self.renderer.render(document, template, revisions, provenance=provenance)
            else:
                rendered = Rendered(rendered.replace(stand_in.content_sha256, provenance.content_sha256), rendered.charts)
        self.versions.update(reads.versions)
        if provenance is None or self._provenance(reads) != provenance:
            return rendered, None  # an input vanished while rendering, or reads vary: keep nothing
        self._new.append((context, reads.as_dict(), self._key(context, provenance),
                          {"markdown": str(rendered), "charts": [self._chart_data(c) for c in rendered.charts]}))
        return rendered, provenance

    def keep(self) -> None:
        """Write this build's new renders into the cache (once the output is known to be styrdok's)."""
        for entry in self._new:
            self.cache.store(*entry)
        self._new.clear()
        COMPILED.write()

    def render_adopted(self, document: Item, version: Callable[[], Adopted], outputs: Callable[[Item], list],
                       revisions: Callable[[Item, Content], dict]) -> tuple[list, dict[str, tuple[Rendered, Provenance]]]:
        """The (document, template, stem) jobs and the Markdown of a document built as adopted
        (``as_of``): its definition and content as ``version`` loads them, rendered with today's
        templates; ``outputs`` gives a definition's (template, stem) pairs, ``revisions`` its
        revision tables in a model. The content at a commit never changes, so the render is
        kept under the commit the ref names now, with a record of the templates and versions
        it read; the version is loaded only when something it read changed."""
        commit = self._adopted_commit(document)
        context = _sha256(f"{self.adopted_setting}\n{document.id}\n{commit}")
        kept = self._kept_adopted(context, commit)
        if kept is not None:
            texts, provenance = kept
            return [(document, template, stem) for template, stem, _ in texts], {stem: (text, provenance) for _, stem, text in texts}
        made = version()
        jobs = [(made.document, template, stem) for template, stem in outputs(made.document)]
        provenance = dataclasses.replace(made.provenance, modified=False)
        renderer = Renderer(made.content, self.templates, provenance=provenance, branding=self.branding,
                            content_dir=self.content_dir)
        reads = Reads(versions={document.as_of: commit})
        with recording(made.content, reads):
            tables = revisions(made.document, made.content)
            rendered = {stem: renderer.render(doc, template, tables) for doc, template, stem in jobs}
        reads.files.clear()  # the version's own files, fixed by its commit
        own = self._provenance(reads)
        if own is not None and own.modified:  # a template or shared file it used has uncommitted changes
            provenance = dataclasses.replace(provenance, modified=True)
            rendered = {stem: renderer.render(doc, template, tables, provenance) for doc, template, stem in jobs}
        self.versions.update(reads.versions)
        if own is not None and all(isinstance(chart, Chart) for text in rendered.values() for chart in text.charts):
            texts = [{"template": template, "stem": stem, "markdown": str(rendered[stem]),
                      "charts": [self._chart_data(c) for c in rendered[stem].charts]} for _doc, template, stem in jobs]
            self._new.append((context, reads.as_dict(), self._key(context, own),
                              {"outputs": texts, "commit_date": provenance.commit_date,
                               "content_sha256": provenance.content_sha256}))
        return jobs, {stem: (text, provenance) for stem, text in rendered.items()}

    def _adopted_commit(self, document: Item) -> str:
        """The commit the document's ``as_of`` names now (``history.HistoryMissing`` when this
        copy of the repository lacks it)."""
        history.require(document.id, self.root, document.as_of, history.AS_OF)
        return self._resolve(document.as_of)

    def _kept_adopted(self, context: str, commit: str) -> tuple[list, Provenance] | None:
        """The kept render of a document built as adopted from ``commit``, if the templates and
        versions it read are unchanged: ((template, stem, Markdown) per output, provenance)."""
        try:
            kept = self._kept_entry(context)
            if kept is None or kept[0].files:  # the version's own files are never in its record
                return None
            reads, own, entry = kept
            at_version = self.origin.at_version(commit, entry["commit_date"], entry["content_sha256"])
            texts = [(text["template"], text["stem"], Rendered(text["markdown"], self._charts(text["charts"])))
                     for text in entry["outputs"]]
        except (KeyError, TypeError, ValueError, AttributeError):  # a foreign record or entry
            return None
        self.versions.update(reads.versions)
        return texts, dataclasses.replace(at_version, modified=own.modified)

    def _revision_tables(self, document: Item) -> Noted:
        """The document's revision tables (made once per build), noting what making them
        read into the record of a render that looks at them."""
        if document.id not in self._revisions:
            reads = Reads()
            with recording(self.model, reads):
                self._revisions[document.id] = Noted(self.revisions(document), reads)
        return self._revisions[document.id]

    def _kept(self, context: str) -> tuple[Rendered, Provenance] | None:
        """The kept render for ``context``, if what it read is unchanged."""
        try:
            kept = self._kept_entry(context)
            if kept is None:
                return None
            reads, provenance, entry = kept
            rendered = Rendered(entry["markdown"], self._charts(entry["charts"]))
        except (KeyError, TypeError, ValueError, AttributeError):  # a foreign record or entry
            return None
        self.versions.update(reads.versions)
        return rendered, provenance

    def _kept_entry(self, context: str) -> tuple[Reads, Provenance, dict] | None:
        """The record of the render kept for ``context``, its provenance now and its cache entry,
        if every input it read still exists and its key (so those inputs) is unchanged."""
        record = self.cache.reads(context)
        reads = Reads.from_dict(record) if record is not None else None
        if reads is None or not self._current_versions(reads):
            return None
        provenance = self._provenance(reads)
        entry = self.cache.markdown(self._key(context, provenance)) if provenance else None
        return (reads, provenance, entry) if entry else None

    def _current_versions(self, reads: Reads) -> bool:
        """Each earlier version the render read, as its ref names a commit now; False when one is gone."""
        for ref in reads.versions:
            try:
                reads.versions[ref] = self._resolve(ref)
            except SetupError:
                return False
        return True

    def _resolve(self, ref: str) -> str:
        """The commit ``ref`` names now (SetupError when it names none)."""
        self._repo = self._repo or gitsource.repo_root(self.root)
        return gitsource.resolve(self._repo, ref)

    def _provenance(self, reads: Reads) -> Provenance | None:
        """The document's provenance from what it read; None when an input no longer exists."""
        inputs, files = dict(self.shared), list(self.shared_files)
        for path in reads.files:
            if path not in self.content_files:
                return None
            inputs[path] = self.content_files[path]
            files.append(self._content_path(path))
        for name in reads.templates:
            found = self._template(name)
            if found is None:
                return None
            inputs[f"mall:{name}"], path = found
            files.append(path)
        for relative in reads.images:
            found = self._image(relative)
            if found is None:
                return None
            inputs[self.prefix + relative], path = found
            files.append(path)
        for ref, commit in reads.versions.items():
            inputs[f"version:{ref}"] = commit
        return self.origin.for_document(inputs, files)

    def _key(self, context: str, provenance: Provenance) -> str:
        return _sha256(f"{context}\n{provenance.content_sha256}\n{provenance.modified}")

    def _template(self, name: str) -> tuple[str, Path] | None:
        if name not in self._templates:
            path = self.templates.find(name)
            self._templates[name] = (sha256_of(path), path.resolve()) if path else None
        return self._templates[name]

    def _image(self, relative: str) -> tuple[str, Path] | None:
        """A committed image's sha256 and place, by its path in the content directory (once per build)."""
        if relative not in self._images:
            path = (self.root / relative).resolve()
            self._images[relative] = (sha256_of(path), path) if path.is_relative_to(self.root) and path.is_file() else None
        return self._images[relative]

    def _chart_data(self, chart: Chart | StagedImage) -> dict:
        """A chart or image of a render as the cache keeps it (an image by its path in the content directory)."""
        if isinstance(chart, StagedImage):
            return {"image": {"source": chart.source.relative_to(self.root).as_posix(), "path": chart.path, "alt": chart.alt}}
        return dataclasses.asdict(chart)

    def _charts(self, data: list[dict]) -> tuple[Chart | StagedImage, ...]:
        """Charts and images as ``_chart_data`` kept them."""
        found = []
        for chart in data:
            if "image" in chart:
                image = chart["image"]
                found.append(StagedImage((self.root / image["source"]).resolve(), image["path"], image["alt"]))
            else:
                series = tuple(Series(s["label"], tuple(s["values"]), s["style"]) for s in chart["series"])
                found.append(Chart(**{**chart, "periods": tuple(chart["periods"]), "series": series}))
        return tuple(found)

    def _content_path(self, display: str) -> Path:
        """A content file's place, from its path as ``load_content`` gives it."""
        return self.root / display.removeprefix(self.prefix)


def _branding_digest(branding: Branding) -> str:
    """sha256 of the branding, its logo by its bytes rather than where it lies."""
    logo = branding.logo and (sha256_of(branding.logo.file), branding.logo.alt, branding.logo.height_mm)
    return _sha256(repr((dataclasses.replace(branding, logo=None), logo)))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
