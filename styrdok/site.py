"""The published website: each period's documents under an accessible index page, every
earlier period kept.

``publish_period`` copies one build (the files its manifest lists, and the manifest) into
``SITE/PERIOD/``, writes that period's index page, and rewrites the site's front page
listing every period in the site. CI runs it on a tag, in the site kept from earlier tags
(the gh-pages branch on GitHub, the last Pages artefact on GitLab). The pages come from
``templates/site/`` along the project's template search path.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .outputdir import MANIFEST
from .pipeline import SetupError
from .project import Templates
from .validate import MEMO_SUFFIX

PERIOD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
READER_FORMATS = ("html", "pdf", "docx")  # the page links these; Markdown is published, not listed


@dataclass
class Listing:
    """One document (or cover memo) on a period's page, with its files by format."""

    title: str
    files: dict[str, dict] = field(default_factory=dict)  # format -> {"path", "size"}


def publish_period(output: Path, site: Path, period: str, titles: dict[str, str], organisation: str,
                   templates: Templates) -> Path:
    """Put the build in ``output`` on the site as ``period``; returns the period's directory."""
    if not PERIOD_NAME.fullmatch(period):
        raise SetupError(f'perioden "{period}" kan inte bli en katalog på webbplatsen: använd bara bokstäver a–z, '
                         "siffror, punkt, bindestreck och understreck, till exempel 2025-08")
    manifest = _manifest(output)
    target = site / period
    try:
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for entry in manifest["artifacts"]:
            shutil.copy2(output / entry["path"], target / entry["path"])
        shutil.copy2(output / MANIFEST, target / MANIFEST)
    except OSError as error:
        raise SetupError(f"kan inte skriva webbplatsen i {site}: {error.strerror or error}") from None
    pages = _environment(templates)
    listings = _listings(manifest, titles, target)
    example = next((f["path"] for listing in listings for fmt, f in listing.files.items() if fmt == "pdf"), None)
    (target / "index.html").write_text(pages.get_template("site/period.html.j2").render(
        organisation=organisation, period=period, listings=listings, provenance=manifest.get("provenance") or {},
        example=example), encoding="utf-8")
    (site / "index.html").write_text(pages.get_template("site/index.html.j2").render(
        organisation=organisation, periods=_periods(site)), encoding="utf-8")
    return target


def _manifest(output: Path) -> dict:
    try:
        return json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SetupError(f"{output / MANIFEST} kan inte läsas ({error}); bygg dokumenten först") from None


def _listings(manifest: dict, titles: dict[str, str], directory: Path) -> list[Listing]:
    """The documents in the manifest, by title, each memo after its document."""
    listings: dict[str, Listing] = {}
    for entry in manifest["artifacts"]:
        stem, fmt = entry["path"].rsplit(".", 1)
        title = titles.get(entry["document"], entry["document"])
        listing = listings.setdefault(stem, Listing(f"Tjänsteskrivelse: {title}" if stem.endswith(MEMO_SUFFIX) else title))
        if fmt in READER_FORMATS:
            listing.files[fmt] = {"path": entry["path"], "size": size_sv((directory / entry["path"]).stat().st_size)}
    order = {document: index for index, document in enumerate(sorted(titles, key=lambda d: titles[d].lower()))}
    return [listings[stem] for stem in sorted(listings, key=lambda s: (order.get(s.removesuffix(MEMO_SUFFIX), 0), s))]


def _periods(site: Path) -> list[dict]:
    """Every period on the site, newest name first, with its number of documents."""
    periods = []
    for directory in sorted((d for d in site.iterdir() if (d / MANIFEST).is_file()), key=lambda d: d.name, reverse=True):
        try:
            manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        documents = {entry["document"] for entry in manifest.get("artifacts", [])}
        date = ((manifest.get("provenance") or {}).get("commit_date") or "")[:10]
        periods.append({"name": directory.name, "documents": len(documents), "date": date})
    return periods


def _environment(templates: Templates) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in templates.search_path]),
                              undefined=jinja2.StrictUndefined, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def size_sv(size: int) -> str:
    """A file size as a Swedish reader expects it: 230 kB, 1,4 MB."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1000))} kB"
