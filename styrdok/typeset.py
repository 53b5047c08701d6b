"""typst in a child process: a PDF within a time and a memory limit.

A document that would make typst run for ever or use all memory fails with a
Swedish message instead of hanging or exhausting the build machine. The child
reads typst source on stdin and writes a tagged PDF/A-2a + PDF/UA-1 file on
stdout. typst's root is the build directory, so no file outside it can be read.

Run as a script (``python typeset.py ROOT TIMESTAMP MEMORY FONT_DIR``), the module is the child.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SECONDS = 120  # per document; the example's largest takes about 2
MEMORY = 2 * 1024 ** 3  # bytes of address space; the example's largest compiles within 512 MiB
PDF_STANDARDS = ["a-2a", "ua-1"]
OUT_OF_MEMORY = 3  # the child's exit status when typst runs out of memory


class TypesetError(Exception):
    """typst failed; the message is Swedish."""


def typeset(source: bytes, root: Path, timestamp: int) -> bytes:
    """The PDF for typst source, compiled by a child process under the limits."""
    from .fonts import font_dir  # not at the top: the child runs this file as a script

    command = [sys.executable, __file__, str(root), str(timestamp), str(MEMORY), str(font_dir())]
    try:
        done = subprocess.run(command, input=source, capture_output=True, timeout=SECONDS)
    except subprocess.TimeoutExpired:
        raise TypesetError(f"sättningen tog längre tid än {SECONDS} sekunder och avbröts") from None
    except OSError as error:
        raise TypesetError(f"typst kunde inte startas: {error}") from None
    if done.returncode == 0:
        return done.stdout
    stderr = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode == OUT_OF_MEMORY or "memory allocation" in stderr:
        raise TypesetError(f"sättningen behövde mer än {MEMORY // 1024 ** 2} MiB minne och avbröts")
    if done.returncode < 0:
        raise TypesetError(f"sättningen avbröts (signal {-done.returncode})")
    raise TypesetError(stderr or f"typst avslutades med kod {done.returncode}")


def fonts(directory: str):
    """Only the fonts shipped with matplotlib (DejaVu, in ``directory``) and with typst
    (Libertinus Serif, New Computer Modern): the same on every machine."""
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[directory])


def _child(root: str, timestamp: str, memory: str, font_directory: str) -> int:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    import typst

    try:
        pdf = typst.compile(sys.stdin.buffer.read(), root=root, font_paths=fonts(font_directory), ignore_system_fonts=True,
                            format="pdf", pdf_standards=PDF_STANDARDS, timestamp=int(timestamp))
    except MemoryError:
        return OUT_OF_MEMORY
    except typst.TypstError as error:
        sys.stderr.write(error.message)
        return 1
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(_child(*sys.argv[1:]))
