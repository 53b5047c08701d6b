"""Export stage: turn the generated Markdown into DOCX, PDF and HTML.

pandoc converts the Markdown once per output format, all runs in parallel;
typst sets pandoc's typst output as a tagged PDF/A-2a + PDF/UA-1 file. Styles,
templates and Lua filters live in templates/pandoc/. Files appear atomically
(renamed from temporary files once every format has succeeded), and the same
Markdown and timestamp always give byte-identical files.
"""

from __future__ import annotations

import functools
import os
import secrets
import subprocess
import tempfile
from pathlib import Path

import typst

from .branding import BrandingError, Presentation
from .docx_finish import finish_docx
from .fonts import font_dir

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "pandoc"
FORMATS = frozenset({"md", "docx", "pdf", "html"})
PDF_STANDARDS = ["a-2a", "ua-1"]

# Pandoc Markdown without anything that would pass content to a typesetter
# as code (raw HTML/TeX/typst), read "$" and "@" as math or citations, or
# repeat an image's alt text as a visible caption.
READER = "markdown" + "".join(f"-{extension}" for extension in (
    "raw_html", "raw_tex", "raw_attribute", "tex_math_dollars", "citations", "implicit_figures"))

COMMON_ARGS = [
    f"--from={READER}",
    f"--data-dir={TEMPLATES}",  # ignore the user's pandoc data directory
    f"--lua-filter={TEMPLATES / 'styrdok.lua'}",  # includes list-table.lua
    "--table-caption-position=below",
]
LABELS = {"docx": "Word-filen", "typst": "PDF-filen", "html": "webbsidan"}


class ExportError(Exception):
    """An export failed; the message is Swedish and meant for the user."""


def export(markdown: str, out_dir: Path, stem: str, formats: set[str], *,
           timestamp: int, resource_dir: Path | None = None,
           presentation: Presentation = Presentation()) -> dict[str, Path]:
    """Write out_dir/{stem}.{md,docx,pdf,html} for the requested formats.

    Relative image paths in the Markdown resolve against resource_dir
    (default: out_dir). timestamp (Unix seconds) is the creation date stored
    in the files. presentation gives the pandoc templates, the branding and
    the contents' depth. All files are first written under temporary names and
    renamed only when every format has succeeded, so a failed export leaves
    earlier files untouched. Returns {format: path}; raises ExportError.
    """
    unknown = set(formats) - FORMATS
    if unknown:
        raise ExportError(f"Okänt exportformat: {', '.join(sorted(unknown))}.")
    out_dir = Path(out_dir)
    paths = {fmt: out_dir / f"{stem}.{fmt}" for fmt in sorted(formats)}
    resources = Path(resource_dir or out_dir).resolve()
    source = markdown.encode("utf-8")
    runs: list[_PandocRun] = []
    staged: dict[Path, Path] = {}  # temporary file -> final path
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # All pandoc runs start at once; typst's first, as typst waits for it.
        for fmt in ("pdf", "docx", "html"):
            if fmt in formats:
                runs.append(_PandocRun(fmt, source, paths[fmt], resources, timestamp, presentation))
        if "md" in formats:
            staged[_write_temp(paths["md"], source)] = paths["md"]
        for run in runs:
            output = run.output()
            if run.to == "typst":
                output = _typeset(output, resources, timestamp)
                staged[_write_temp(run.target, output)] = run.target
            else:
                if run.to == "docx":
                    finish_docx(run.temp)  # contents, table widths, header and footer values
                staged[run.temp] = run.target
        for temp, path in list(staged.items()):
            os.replace(temp, path)
            del staged[temp]
    except OSError as err:
        raise ExportError(f"Kunde inte skriva exporten till {out_dir}: {err.strerror or err}.") from err
    finally:
        for run in runs:
            run.abort()
        for temp in staged:
            temp.unlink(missing_ok=True)
    return paths


class _PandocRun:
    """One pandoc process converting the Markdown for one output file.

    pandoc writes DOCX and HTML to a temporary file beside the target; for
    PDF it writes typst source to stdout, which output() returns.
    """

    def __init__(self, fmt: str, source: bytes, target: Path,
                 resources: Path, timestamp: int, presentation: Presentation) -> None:
        self.to = "typst" if fmt == "pdf" else fmt
        self.target = target
        self.temp = None if fmt == "pdf" else _temp_path(target)
        try:
            writer = presentation.writer_args(self.to)
        except BrandingError as err:
            raise ExportError(str(err)) from None
        self.stderr = tempfile.TemporaryFile()
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(timestamp)}
        try:
            args = [_pandoc(), *COMMON_ARGS, *writer, f"--output={self.temp or '-'}"]
            self.process = subprocess.Popen(
                args, stdin=subprocess.PIPE, stderr=self.stderr, cwd=resources, env=env,
                stdout=subprocess.PIPE if self.temp is None else subprocess.DEVNULL)
        except OSError as err:
            self.stderr.close()
            raise ExportError(f"Pandoc kunde inte startas: {err}.") from err
        try:
            self.process.stdin.write(source)
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # pandoc has exited; output() reports why

    def output(self) -> bytes:
        """Wait for pandoc and return its stdout; raise ExportError if it failed."""
        stdout = self.process.stdout.read() if self.process.stdout else b""
        if self.process.wait() != 0:
            self.stderr.seek(0)
            message = _error_text(self.stderr.read().decode("utf-8", "replace"))
            raise ExportError(f"Kunde inte skapa {LABELS[self.to]}: {message}")
        return stdout

    def abort(self) -> None:
        """Stop pandoc if it still runs, close its pipes and remove any
        temporary file left behind (a no-op after a successful rename)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.stderr.close()
        if self.temp:
            self.temp.unlink(missing_ok=True)


def _error_text(stderr: str) -> str:
    """pandoc's error message without warnings, filter paths or Lua stack trace."""
    lines = stderr.split("stack traceback:", 1)[0].splitlines()
    kept = [line.strip() for line in lines if line.strip()
            and not line.startswith(("[WARNING]", "Error running filter"))]
    return " ".join(kept) or "okänt fel i pandoc."


def _typeset(source: bytes, resources: Path, timestamp: int) -> bytes:
    """Compile typst source to PDF/A-2a + PDF/UA-1 with the bundled fonts."""
    try:
        return typst.compile(
            source, root=resources, font_paths=_fonts(), ignore_system_fonts=True,
            format="pdf", pdf_standards=PDF_STANDARDS, timestamp=timestamp)
    except typst.TypstError as err:
        raise ExportError(f"PDF-filen kunde inte sättas: {err.message}") from err


@functools.cache
def _fonts() -> typst.Fonts:
    """Only the fonts shipped with matplotlib (DejaVu) and with typst (Libertinus
    Serif, New Computer Modern): the same on every machine."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                       font_paths=[str(font_dir())])


def font_families() -> list[str]:
    """The font families a PDF can use."""
    return sorted(set(_fonts().families()))


@functools.cache
def _pandoc() -> str:
    import pypandoc  # imported lazily: it is only needed to find the binary

    return pypandoc.get_pandoc_path()


def _temp_path(path: Path) -> Path:
    """A fresh hidden file name next to path (same file system for os.replace)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _write_temp(path: Path, data: bytes) -> Path:
    """Write data to a fresh temporary file next to path; return its name."""
    temp = _temp_path(path)
    try:
        temp.write_bytes(data)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp
