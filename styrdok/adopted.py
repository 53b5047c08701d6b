"""Documents as adopted, and earlier versions of the content as models.

A document definition with ``as_of`` (a commit or tag) is built from the content as it
was at that version, its own definition included: the plan a committee adopted, not the
plan as later revised. It shows only the indicator values of periods that had ended by
then, since nothing later was known when it was adopted. The current templates render it,
and its provenance names the version its content came from. ``version_model`` is the one way a build reads an earlier
version, for these documents and for revision tables alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import gitsource, history
from .diff import period_end
from .model import Content, Indicator, Item, build_model
from .provenance import Provenance, content_digest


class VersionUnusable(Exception):
    """The content at an earlier version cannot be built (Swedish message)."""


@dataclass
class Adopted:
    """A document and the model of the version it is built from."""

    content: Content
    document: Item
    provenance: Provenance


def version_model(document: str, content: Path, ref: str, need: str) -> tuple[Content, gitsource.Version]:
    """The model of ``content`` at ``ref``, which ``document`` needs (``need``: see ``history``).

    Raises ``history.HistoryMissing`` when this copy of the repository lacks the version,
    ``VersionUnusable`` when the content there has errors."""
    history.require(document, content, ref, need)
    repo = gitsource.repo_root(content)
    try:
        version = gitsource.load_version(repo, ref, gitsource.relative_path(repo, content))
    except gitsource.VersionInvalid as invalid:
        raise VersionUnusable(f"{document}: innehållet vid versionen {ref} har {len(invalid.diagnostics)} fel") from None
    return build_model(version.loaded, version.schemas), version


def adopted(document: Item, content: Path, build: Provenance) -> Adopted:
    """``document`` (which has ``as_of``) as it was at that version, with its provenance."""
    model, version = version_model(document.id, content, document.as_of, history.AS_OF)
    if document.id not in model.items:
        raise VersionUnusable(f"{document.id}: dokumentet finns inte i versionen {document.as_of}")
    committed = gitsource.iso_utc(version.date)
    _known_by(model, committed[:10])
    provenance = build.at_version(version.commit, committed, content_digest(version.loaded))
    return Adopted(model, model.items[document.id], provenance)


def _known_by(model: Content, day: str) -> None:
    """Keep only the indicator values of periods that had ended by ``day`` (YYYY-MM-DD)."""
    for indicator in (item for item in model.items.values() if isinstance(item, Indicator)):
        indicator.values = [value for value in indicator.values if period_end(value["period"])[:10] <= day]
        indicator.__dict__.pop("series", None)  # computed again from the values kept
