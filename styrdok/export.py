"""Export stage: turn the generated Markdown into DOCX, PDF and HTML.

pandoc reads the Markdown once, into its JSON form, and writes each output
format from that, all writers in parallel; typst sets pandoc's typst output as a tagged PDF/A-2a + PDF/UA-1 file, in a
child process with a time and memory limit (styrdok.typeset). Styles,
templates and Lua filters live in templates/pandoc/. pandoc reads only the
Markdown the text policy writes (styrdok.markup), the Lua filter removes what
styrdok's templates do not write, and every web page is checked before it is
kept (styrdok.htmlcheck). Files appear atomically (renamed from temporary files
once every format has succeeded), and the same Markdown and timestamp always
give byte-identical files.
"""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
import subprocess
import tempfile
from pathlib import Path

from . import charts as charting
from . import images
from . import htmlcheck, markup
from .branding import BrandingError, Presentation
from .fonts import font_dir
from .pipeline import PACKAGE_ROOT
from .typeset import TypesetError, typeset
from .typeset import fonts as typeset_fonts

TEMPLATES = PACKAGE_ROOT / "templates" / "pandoc"
FORMATS = frozenset({"md", "docx", "pdf", "html"})

READ_ARGS = [
    f"--from={markup.READER}",  # the Markdown the text policy escapes for
    f"--data-dir={TEMPLATES}",  # ignore the user's pandoc data directory
    f"--lua-filter={TEMPLATES / 'read.lua'}",  # includes sanitize.lua and list-table.lua
    "--to=json",
]
WRITE_ARGS = [
    "--from=json",
    f"--data-dir={TEMPLATES}",
    f"--lua-filter={TEMPLATES / 'styrdok.lua'}",  # the rules of each format
    "--table-caption-position=below",
]
FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", re.S)
METADATA_BLOCK = re.compile(r"^---[ \t]*\n(?![ \t]*\n)", re.M)
LABELS = {"docx": "Word-filen", "typst": "PDF-filen", "html": "webbsidan"}


class ExportError(Exception):
    """An export failed; the message is Swedish and meant for the user."""


def export(markdown: str, out_dir: Path, stem: str, formats: set[str], *,
           timestamp: int, resource_dir: Path | None = None,
           presentation: Presentation = Presentation(), charts: tuple = (), cache=None) -> dict[str, Path]:
    """Write out_dir/{stem}.{md,docx,pdf,html} for the requested formats.

    Relative image paths in the Markdown resolve against resource_dir
    (default: out_dir). timestamp (Unix seconds) is the creation date stored
    in the files. presentation gives the pandoc templates, the branding and
    the contents' depth. All files are first written under temporary names and
    renamed only when every format has succeeded, so a failed export leaves
    earlier files untouched. charts (``styrdok.charts.Chart``) are drawn into
    resource_dir for pandoc and typst to read, and removed afterwards; a chart file
    that cache (``styrdok.cache.ExportCache``) holds is taken from it.
    Returns {format: path}; raises ExportError.
    """
    unknown = set(formats) - FORMATS
    if unknown:
        raise ExportError(f"Okänt exportformat: {', '.join(sorted(unknown))}.")
    out_dir = Path(out_dir)
    paths = {fmt: out_dir / f"{stem}.{fmt}" for fmt in sorted(formats)}
    resources = Path(resource_dir or out_dir).resolve()
    _check_metadata_blocks(markdown, stem)
    source = markdown.encode("utf-8")
    runs: list[_PandocRun] = []
    staged: dict[Path, Path] = {}  # temporary file -> final path
    drawn: list[Path] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # pandoc reads while the charts are drawn: only its writers open them
        reading = [_PandocRun("json", source, None, resources, timestamp, presentation)
                   ] if formats - {"md"} else []
        runs += reading
        drawn = charting.write([c for c in charts if isinstance(c, charting.Chart)], resources,
                               set(formats) - {"md"}, presentation.branding, cache)
        drawn += images.stage([c for c in charts if isinstance(c, images.StagedImage)], resources)
        if "md" in formats:
            staged[_write_temp(paths["md"], source)] = paths["md"]
        document = reading[0].output() if reading else b""
        # All writers start at once; typst's first, as typst waits for it.
        for fmt in ("pdf", "docx", "html"):
            if fmt in formats:
                runs.append(_PandocRun(fmt, _chart_files(document, charts, fmt), paths[fmt], resources, timestamp,
                                       presentation))
        for run in runs[len(reading):]:
            output = run.output()
            if run.to == "typst":
                output = _typeset(output, resources, timestamp, f"PDF-filen {run.target.name}")
                staged[_write_temp(run.target, output)] = run.target
            else:
                if run.to == "html":
                    _check_html(run.temp, run.target.name)
                if run.to == "docx":
                    from .docx_finish import finish_docx  # lxml loads only when Word files are made

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
        charting.remove(drawn)
    return paths


def _chart_files(document: bytes, charts, fmt: str) -> bytes:
    """The JSON document with each chart's image in the file type the format reads."""
    files = {chart.file("pdf"): chart.file(fmt) for chart in charts if chart.file("pdf") != chart.file(fmt)}
    if not files:
        return document
    tree = json.loads(document)
    _replace_images(tree["blocks"], files)
    return json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _replace_images(node, files: dict[str, str]) -> None:
    """Point every Image element whose file is in ``files`` at its replacement."""
    if isinstance(node, list):
        for child in node:
            _replace_images(child, files)
    elif isinstance(node, dict):
        if node.get("t") == "Image":
            target = node["c"][2]  # [attributes, alt text, [file, title]]
            target[0] = files.get(target[0], target[0])
        _replace_images(node.get("c"), files)


class _PandocRun:
    """One pandoc process: reading the Markdown into its JSON form (format "json", after
    read.lua's checks and rules), or writing one output file from the JSON document.

    pandoc writes DOCX and HTML to a temporary file beside the target; the JSON
    document, and for PDF the typst source, it writes to stdout, which output() returns.
    """

    def __init__(self, fmt: str, source: bytes, target: Path | None,
                 resources: Path, timestamp: int, presentation: Presentation) -> None:
        self.to = "typst" if fmt == "pdf" else fmt
        self.target = target
        self.temp = None if fmt in ("pdf", "json") else _temp_path(target)
        try:
            writer = READ_ARGS if fmt == "json" else [*WRITE_ARGS, *presentation.writer_args(self.to)]
        except BrandingError as err:
            raise ExportError(str(err)) from None
        self.stderr = tempfile.TemporaryFile()
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(timestamp)}
        try:
            args = [_pandoc(), *writer, f"--output={self.temp or '-'}"]
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
            raise ExportError(f"Kunde inte läsa texten: {message}" if self.to == "json"
                              else f"Kunde inte skapa {LABELS[self.to]}: {message}")
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


def _check_metadata_blocks(markdown: str, stem: str) -> None:
    """Only the template's own front matter may set metadata: refuse a later
    YAML block (a line "---" followed by text), which content cannot write."""
    front = FRONT_MATTER.match(markdown)
    second = METADATA_BLOCK.search(markdown, front.end() if front else 0)
    if second:
        line = markdown.count("\n", 0, second.start()) + 1
        raise ExportError(f"Texten till {stem} har ett extra metadatablock på rad {line}; exporten stoppades.")


def _check_html(path: Path, name: str) -> None:
    """The written web page may hold nothing that runs (styrdok.htmlcheck)."""
    found = htmlcheck.problems(path.read_text(encoding="utf-8"))
    if found:
        more = f" (och {len(found) - 1} fel till)" if len(found) > 1 else ""
        raise ExportError(f"Webbsidan {name} stoppades: {found[0]}{more}.")


def _typeset(source: bytes, resources: Path, timestamp: int, name: str = "PDF-filen") -> bytes:
    """Compile typst source to PDF/A-2a + PDF/UA-1 with the bundled fonts, in a
    child process with a time and memory limit (styrdok.typeset)."""
    try:
        return typeset(source, resources, timestamp)
    except TypesetError as err:
        raise ExportError(f"{name} kunde inte sättas: {err}") from err


def font_families() -> list[str]:
    """The font families a PDF can use."""
    return sorted(set(typeset_fonts(str(font_dir())).families()))


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
