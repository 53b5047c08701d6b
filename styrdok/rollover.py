"""Next year's plan (``rulla-over ÅR``): unfinished yearly items carried over, finished
measures closed, and the year's documents copied with the new year.

Everything the municipality decides comes from its content: which follow-up values mean
done (``done: true`` in a vocabulary), the origin carried-over assignments get
(``rollover.origin`` in the model), which fields a type has (its schema). The changes are
planned in memory, written into a copy of the content and validated there; only a valid
result is written to the content, each file replaced whole, and nothing is left
half-written when a write fails.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .model import Content as Model, Term, build_model
from .pipeline import CheckResult, check
from .scaffold import ScaffoldError, yaml_scalar
from .yamledit import period_order, set_field

@dataclass
class Rollover:
    """What a rollover does: the files' new texts and what the summary lists."""

    year: int
    texts: dict[Path, str] = field(default_factory=dict)  # path -> whole new text (changed or new file)
    carried: list[str] = field(default_factory=list)  # "id (type, last status)"
    closed: list[str] = field(default_factory=list)  # "id (type)"
    documents: list[tuple[str, str]] = field(default_factory=list)  # old id, new id
    parts: list[tuple[str, str]] = field(default_factory=list)  # copied items the documents name

    def summary(self, origin: Term | None) -> list[str]:
        """What was done, in Swedish: a heading per kind of change and a line per item."""
        old, new = self.year - 1, self.year
        where = f" som {origin.label.lower()}" if origin else ""
        groups = [
            (f"ofärdiga objekt från {old} förs över till {new}{where}",
             self.carried),
            (f"färdiga objekt avslutas {old}", self.closed),
            (f"dokument kopierade till {new}", [f"{old_id} → {new_id}" for old_id, new_id in self.documents]),
            ("texter och tabeller som dokumenten hänvisar till kopierade",
             [f"{old_id} → {new_id}" for old_id, new_id in self.parts]),
        ]
        lines = [f"Nästa års plan är startad: {new}."]
        for heading, entries in groups:
            lines += [f"{len(entries)} {heading}:"] + [f"  {entry}" for entry in entries] if entries else []
        if self.documents:
            lines.append("Årtalen i kopiorna är flyttade ett år fram. Skriv om texterna och fyll i siffrorna för "
                         f"{new} innan dokumenten beslutas.")
        return lines


def plan(result: CheckResult, content: Path, year: int) -> tuple[Rollover, Term | None]:
    """The rollover to ``year`` of a valid content tree at ``content`` (nothing is written)."""
    model = build_model(result.loaded, result.schemas)
    files = {source.data["id"]: source for source in result.loaded.files if isinstance(source.data, dict)}
    origin = _carried_origin(files, model)
    rollover = Rollover(year)
    paths = {item_id: content.parent / source.path for item_id, source in files.items()}
    latest, first = _latest_status(model, year - 1), _first_years(model)
    for item in sorted(model.items.values(), key=lambda i: i.id):
        properties = list(result.schemas.type_schemas.get(item.type_name, {}).get("properties", {}))
        status, text, path = latest.get(item.id), files[item.id].text, paths[item.id]
        label = result.schemas.title(item.type_name).lower()
        if getattr(item, "year", None) == year - 1 and (status is None or not status.done):
            edits = {"year": str(year)}
            if origin and "origin" in properties:
                edits["origin"] = origin.id
                if "original_year" in properties and getattr(item, "original_year", None) is None:
                    edits["original_year"] = str(year - 1)
            rollover.texts[path] = _edited(text, edits, properties, path)
            rollover.carried.append(f"{item.id} ({label}, {status.label if status else 'ingen uppföljning'})")
        elif "years" in properties and status is not None and status.done:
            span = getattr(item, "years", None) or {}
            if span.get("to") is not None and span["to"] < year:
                continue  # closed already
            span = {"from": span.get("from", first.get(item.id, year - 1)), "to": year - 1}
            rollover.texts[path] = _edited(text, {"years": yaml_scalar(span)}, properties, path) \
                if "years" not in files[item.id].data else set_field(text, ("years", "to"), str(year - 1))
            rollover.closed.append(f"{item.id} ({label})")
    _copy_documents(rollover, model, paths, year)
    return rollover, origin


def _first_years(model: Model) -> dict[str, int]:
    """Each item's year of its first follow-up."""
    first: dict[str, int] = {}
    for period in sorted(model.follow_ups, key=period_order, reverse=True):
        first.update(dict.fromkeys(model.follow_ups[period], int(period[:4])))
    return first


def _carried_origin(files: dict, model: Model) -> Term | None:
    """The origin the model gives carried-over assignments (``rollover.origin``, which
    validation has checked against the origins), if it names one."""
    settings = next(source.data for source in files.values() if source.data.get("type") == "model").get("rollover") or {}
    return model.model.origins.get(settings.get("origin"))


def _latest_status(model: Model, year: int) -> dict[str, Term]:
    """Each item's last follow-up value up to and including ``year`` in a field whose
    vocabulary says which values mean done."""
    progress = {name for name, bindings in model.model.follow_up.items()
                if any(any(t.done for t in model.model.vocabularies.get(b.vocabulary, {}).values()) for b in bindings)}
    latest: dict[str, Term] = {}
    for period in sorted((p for p in model.follow_ups if int(p[:4]) <= year), key=period_order):
        for item_id, follow_up in model.follow_ups[period].items():
            term = next((getattr(follow_up, name) for name in sorted(progress)
                         if isinstance(getattr(follow_up, name, None), Term)), None)
            if term is not None:
                latest[item_id] = term
    return latest


def _edited(text: str, edits: dict[str, str], properties: list[str], path: Path) -> str:
    """``text`` with top-level fields set, a new one after the fields the schema lists before it."""
    if path.suffix not in (".yaml", ".yml"):
        raise ScaffoldError(f"{path} kan inte ändras av rulla-over; bara YAML-filer ändras")
    for name, value in edits.items():
        before = tuple(properties[:properties.index(name)]) if name in properties else ()
        text = set_field(text, (name,), value, before)
    return text


def _copy_documents(rollover: Rollover, model: Model, paths: dict[str, Path], year: int) -> None:
    """Each document of the old year (its id names the year, not a month of it) copied with
    the years moved one year on, and every item it names that the same move renames."""
    old = year - 1
    of_year = re.compile(rf"(?<![\w.]){old}(?![\w])(?!-\d\d(?!\d))")
    waiting = [doc.id for doc in model.documents if of_year.search(doc.id)]
    copied: set[str] = set()
    while waiting:
        item_id = waiting.pop(0)
        if item_id in copied:
            continue
        copied.add(item_id)
        new_id, path = shift_years(item_id, old), paths[item_id]
        if new_id in model.items:
            raise ScaffoldError(f"{new_id} finns redan, så nästa års plan verkar redan vara startad")
        original = path.read_text(encoding="utf-8")
        text = shift_years(original, old)
        target = path.with_name(shift_years(path.name, old) if shift_years(path.name, old) != path.name
                                else new_id + path.suffix)
        if target.exists() or target in rollover.texts:
            raise ScaffoldError(f"filen {target} finns redan")
        rollover.texts[target] = text
        (rollover.documents if model.items[item_id].type_name == "document" else rollover.parts).append((item_id, new_id))
        waiting += [named for named in model.items if named not in copied and shift_years(named, old) != named
                    and shift_years(named, old) not in model.items and _names(original, named)]


def _names(text: str, item_id: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(item_id)}(?![\w-])", text) is not None


def shift_years(text: str, old: int) -> str:
    """Years near ``old`` (the year before to two after) moved one year on, wherever they stand
    alone: ``vp-2025-inledning`` → ``vp-2026-inledning``, ``2024-12-03`` → ``2025-12-03``."""
    near = "|".join(str(y) for y in range(old - 1, old + 3))
    return re.sub(rf"(?<![\w.])({near})(?![\w])", lambda match: str(int(match.group(1)) + 1), text)


def apply(rollover: Rollover, content: Path, schemas: Path, templates=None) -> CheckResult | None:
    """Validate the rollover in a copy of ``content``; when valid, write it. The copy's check
    result when it has errors (and nothing was written), else None."""
    with tempfile.TemporaryDirectory(prefix="styrdok-rulla-over-") as scratch:
        copy = Path(scratch) / content.name  # the same name, so that diagnostics name the real files
        shutil.copytree(content, copy)
        for path, text in rollover.texts.items():
            target = copy / path.relative_to(content)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        result = check(copy, schemas, templates=templates)
        if result.errors:
            return result
    _write_all(rollover.texts)
    return None


def _write_all(texts: dict[Path, str]) -> None:
    """Write every file whole (a temporary file renamed over it); on a failure, put back
    the files already replaced and remove the new ones, then raise."""
    staged: dict[Path, Path] = {}
    originals = {path: path.read_bytes() for path in texts if path.exists()}
    done: list[Path] = []
    try:
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            staged[path] = path.with_name(f".{path.name}.rulla-over")
            staged[path].write_text(text, encoding="utf-8")
        for path, temporary in staged.items():
            os.replace(temporary, path)
            done.append(path)
    except OSError:
        for path in done:
            if path in originals:
                path.write_bytes(originals[path])
            else:
                path.unlink(missing_ok=True)
        raise
    finally:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
