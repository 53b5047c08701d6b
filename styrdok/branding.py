"""The branding and a document kind's settings, turned into pandoc's arguments per format.

The pandoc templates (``pandoc/styrdok.typ``, ``styrdok.html``, ``styrdok.openxml``,
``styrdok.css``, and optionally a ready-made ``reference.docx``) are looked up along the
template search path, so a municipality can replace any of them. The branding reaches:

- PDF: a typst file of definitions (``brand``: colours, font, logo with its alternative
  text) that pandoc includes at the top of ``styrdok.typ``;
- HTML: ``styrdok.css`` rendered with Jinja (``branding``), and the logo as the template
  variables ``logo`` and ``logo-alt``;
- DOCX: a reference.docx made from the branding (``reference_docx``).

Generated files are made once per branding and process, in a temporary directory.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import html
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from .project import Branding, Templates, default_branding

PANDOC_DIR = "pandoc"
_lock = threading.RLock()  # generated files are made once, also when two exports ask at once


class BrandingError(Exception):
    """A pandoc template or stylesheet cannot be used (Swedish message)."""


@dataclass(frozen=True)
class Presentation:
    """How one document's files look: templates, branding and the contents' depth."""

    templates: Templates = Templates()
    branding: Branding = default_branding()
    contents_depth: int = 2

    def writer_args(self, to: str) -> list[str]:
        """pandoc's writer arguments for ``docx``, ``typst`` or ``html``."""
        depth = self.contents_depth + (1 if to == "html" else 0)  # HTML: the title is the only <h1>
        if to == "docx":
            return ["--to=docx", f"--toc-depth={depth}", f"--reference-doc={self._reference_doc()}",
                    f"--template={self._find('styrdok.openxml')}"]
        if to == "typst":
            return ["--to=typst", "--wrap=none", f"--toc-depth={depth}", f"--template={self._find('styrdok.typ')}",
                    f"--include-in-header={_generated(typst_definitions(self.branding), 'typ')}"]
        # HTML: the title is the only <h1>, so "#" headings become <h2>; the
        # template shows the table of contents for plans only.
        args = ["--to=html5", "--shift-heading-level-by=1", "--toc", f"--toc-depth={depth}",
                f"--template={self._find('styrdok.html')}", f"--css={self._stylesheet()}", "--embed-resources"]
        if self.branding.logo:
            logo = self.branding.logo
            args += [f"--variable=logo:{html.escape(str(logo.file.resolve()))}", f"--variable=logo-alt:{html.escape(logo.alt)}"]
        return args

    def _find(self, name: str) -> Path:
        found = self.templates.find(f"{PANDOC_DIR}/{name}")
        if found is None:
            searched = " och ".join(str(d / PANDOC_DIR) for d in self.templates.search_path)
            raise BrandingError(f"mallen {name} finns inte (sökt i {searched})")
        return found

    def _reference_doc(self) -> Path:
        """The project's own reference.docx, else one made from the branding."""
        own = self.templates.find(f"{PANDOC_DIR}/reference.docx")
        if own:
            return own
        with _lock:
            return _generated(_reference_docx(self.branding), "docx")

    def _stylesheet(self) -> Path:
        import jinja2  # imported when a build exports, not for one with nothing to do

        from .template_errors import explain

        source = self._find("styrdok.css")
        environment = jinja2.Environment(undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                         keep_trailing_newline=True, autoescape=False)
        try:
            css = environment.from_string(source.read_text(encoding="utf-8")).render(branding=self.branding)
        except Exception as error:  # a broken stylesheet template: a located Swedish message
            raise BrandingError(explain(error, source, "stilmallen för webbsidan")) from None
        return _generated(css.encode("utf-8"), "css")


@functools.cache
def typst_definitions(branding: Branding) -> bytes:
    """``#let brand = (...)``: the branding as typst values, the logo as its bytes."""
    logo = "none"
    if branding.logo:
        data = ",".join(map(str, branding.logo.file.read_bytes()))
        logo = (f"(data: bytes(({data},)), alt: {_typst_string(branding.logo.alt)}, "
                f"height: {branding.logo.height_mm:g}mm)")
    return (f"// The branding, from styrdok.yaml.\n"
            f'#let brand = (accent: rgb("{branding.accent}"), table-header: rgb("{branding.table_header}"), '
            f"font: {_typst_string(branding.font)}, justify: {str(branding.justify).lower()}, logo: {logo})\n").encode("utf-8")


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@functools.cache
def _reference_docx(branding: Branding) -> bytes:
    from .reference_docx import reference_docx  # python-docx loads only when DOCX is built

    return reference_docx(branding)


def _generated(data: bytes, suffix: str) -> Path:
    """A file holding ``data`` in this process's directory of generated files."""
    path = _directory() / f"{hashlib.sha256(data).hexdigest()}.{suffix}"
    with _lock:
        if not path.exists():
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(data)
            temporary.replace(path)
    return path


@functools.cache
def _directory() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="styrdok-branding-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory
