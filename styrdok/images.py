"""Committed images (a map, a logo) that a template places by a path relative to the
content directory: ``{{ doc.image("bilder/karta.png", "Karta över …") }}``.

typst reads files only inside the build directory, so an image is copied there for
the export (``stage``) and removed afterwards, like the charts. Only PNG and JPEG
files inside the content directory, of at most ``MAX_BYTES``, are taken; anything
else is a Swedish error. The staged name carries the bytes' hash, so the Markdown
(and with it the export cache's key) changes when the image does.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .markup import escape

TYPES = {".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}  # suffix -> magic bytes
MAX_BYTES = 10 * 1024 * 1024
DIRECTORY = "bilder"  # under the build directory


class ImageError(ValueError):
    """A path a template gave that cannot be placed (the message is Swedish); ``written``
    is the path as written, so that the error can point at it in the template."""

    def __init__(self, message: str, written: str = ""):
        super().__init__(message)
        self.written = written


@dataclass(frozen=True)
class StagedImage:
    """A committed image, and where the export puts it for pandoc and typst."""

    source: Path
    path: str  # relative to the build directory
    alt: str

    def file(self, fmt: str) -> str:
        return self.path

    def image(self, fmt: str) -> str:
        return f"![{escape(self.alt)}]({self.path})"


def declare(content_dir: Path, written: str, alt: str) -> StagedImage:
    """The image at ``written`` (relative to the content directory), checked; or ImageError."""
    relative = PurePosixPath(str(written).replace("\\", "/"))
    if not str(written).strip() or relative.is_absolute() or ".." in relative.parts or ":" in str(written):
        raise ImageError(f'bildens sökväg "{written}" ska vara relativ till innehållskatalogen, utan ".."', written)
    suffix = relative.suffix.lower()
    if suffix not in TYPES:
        raise ImageError(f'bilden "{written}" är inte en PNG- eller JPEG-fil (.png, .jpg, .jpeg)', written)
    if not alt or not str(alt).strip():
        raise ImageError(f'bilden "{written}" saknar alternativtext', written)
    root = content_dir.resolve()
    source = (root / relative).resolve()
    if not source.is_relative_to(root):
        raise ImageError(f'bilden "{written}" ligger utanför innehållskatalogen', written)
    if not source.is_file():
        raise ImageError(f'bilden "{written}" finns inte i innehållskatalogen', written)
    data = source.read_bytes()
    if len(data) > MAX_BYTES:
        raise ImageError(f'bilden "{written}" är större än {MAX_BYTES // (1024 * 1024)} MB', written)
    if not data.startswith(TYPES[suffix]):
        raise ImageError(f'filen "{written}" är inte en {suffix[1:].upper()}-bild', written)
    digest = hashlib.sha256(data).hexdigest()[:16]
    return StagedImage(source, f"{DIRECTORY}/{digest}{suffix}", " ".join(str(alt).split()))


def stage(images: list[StagedImage], directory: Path) -> list[Path]:
    """Copy the images into the build directory; return the files written."""
    written = []
    for image in images:
        target = directory / image.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(image.source, target)
        written.append(target)
    return written
