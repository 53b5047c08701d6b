"""What a document's render reads: its dependency record.

While one document renders, ``recording`` notes the content file of every item whose
fields the render (templates and Python alike) looks at, every committed image it shows
(``styrdok.images``), every template Jinja loads and every earlier git version it
compares with. The Markdown cache is keyed by exactly
these inputs, and the document's provenance covers them.

An item's structure is not noted: which items exist, of what type, in which file, and
how they hang together (parents, goal levels, follow-ups' periods and items). Every
render looks it up over the whole content (which goals a document lists, which
measures hang under them, which assignments have an origin), so the structure is an
input of every document as a whole (``structure_digest``; of one file, ``structure_of``),
in its cache key and its provenance alike, rather than through each file. So a render that only
counts or places items (a memo's ``{measure}``, which vocabulary a follow-up field of
a measure takes) does not depend on the rest of their files: editing a measure's text
changes only the documents that show one of its fields.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from .model import Content, Item

UNNOTED = frozenset({"id", "type_name", "source_file", "parents", "level", "__class__"})


@dataclass
class Reads:
    """The inputs one render read."""

    files: set[str] = field(default_factory=set)  # content files, as loaded (``SourceFile.path``)
    templates: set[str] = field(default_factory=set)  # template names, as Jinja loads them
    versions: dict[str, str] = field(default_factory=dict)  # git ref -> the commit it named
    images: set[str] = field(default_factory=set)  # committed images, relative to the content directory

    def as_dict(self) -> dict:
        return {"files": sorted(self.files), "templates": sorted(self.templates),
                "versions": dict(sorted(self.versions.items())), "images": sorted(self.images)}

    @classmethod
    def from_dict(cls, data: dict) -> Reads:
        return cls(set(data["files"]), set(data["templates"]), dict(data["versions"]), set(data["images"]))

    def update(self, other: Reads) -> None:
        self.files |= other.files
        self.templates |= other.templates
        self.versions.update(other.versions)
        self.images |= other.images


class Noted(dict):
    """Values made beforehand (a document's revision tables) with what making them read:
    a render that looks at them has read that too."""

    def __init__(self, values: dict, reads: Reads):
        super().__init__(values)
        self.reads = reads

    def _note(self) -> None:
        if _active is not None:
            _active.update(self.reads)

    def __getitem__(self, key):
        self._note()
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._note()
        return super().get(key, default)

    def __contains__(self, key) -> bool:
        self._note()
        return super().__contains__(key)

    def __iter__(self):
        self._note()
        return super().__iter__()

    def items(self):
        self._note()
        return super().items()

    def values(self):
        self._note()
        return super().values()


_active: Reads | None = None
_lock = threading.RLock()  # one recording at a time: the items' classes are swapped while it lasts


@contextmanager
def recording(content: Content, reads: Reads):
    """Note in ``reads`` what is read of ``content``'s items, and the templates loaded."""
    global _active
    with _lock:
        if _active is not None:  # already recording (a render within a render): one record
            yield reads
            return
        items = list(content.items.values())
        classes = [type(item) for item in items]
        for item, cls in zip(items, classes):
            item.__class__ = _recorder(cls)
        _active = reads
        try:
            yield reads
        finally:
            _active = None
            for item, cls in zip(items, classes):
                item.__class__ = cls


def template_loaded(name: str) -> None:
    if _active is not None:
        _active.templates.add(name)


def image_read(path: str) -> None:
    """Note a committed image, by its path relative to the content directory."""
    if _active is not None:
        _active.images.add(path)


def version_read(ref: str, commit: str) -> None:
    if _active is not None:
        _active.versions[ref] = commit


@functools.cache
def _recorder(cls: type[Item]) -> type[Item]:
    """``cls`` noting every field read into the active record."""
    def __getattribute__(self, name):
        if _active is not None and name not in UNNOTED:
            _active.files.add(object.__getattribute__(self, "source_file"))
        return object.__getattribute__(self, name)

    return type(cls.__name__, (cls,), {"__slots__": (), "__getattribute__": __getattribute__,
                                        "__module__": cls.__module__, "__qualname__": cls.__qualname__})


def structure_digest(content: Content) -> str:
    """sha256 of which items exist, their types and files, their parents and goal levels,
    and which item each follow-up follows in which period: what lookups over the whole
    content see (``structure_of`` every file)."""
    lines = []
    for item in content.items.values():
        followed = (getattr(getattr(item, "item", None), "id", ""), str(item.period)) if item.type_name == "follow_up" else ()
        parents = ",".join(getattr(parent, "id", str(parent)) for parent in item.parents)
        level = str(getattr(item.level, "id", item.level))
        lines.append("\0".join([item.id, item.type_name, item.source_file, parents, level, *followed]))
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


def structure_of(data) -> tuple:
    """What ``structure_digest`` covers of one content file, from its data as written
    (its path aside): to tell whether an edit of the file changed the structure."""
    if not isinstance(data, dict):
        return (data,)
    followed = (data.get("item"), data.get("period")) if data.get("type") == "follow_up" else ()
    return (data.get("id"), data.get("type"), data.get("parents"), data.get("level"), *followed)
