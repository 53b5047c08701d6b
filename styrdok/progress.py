"""Progress while documents export: a live bar with "3/10" and each finished document's
title on a terminal; one plain line per document, with its time, in a build server's log."""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager


class PlainProgress:
    """One line per finished document, for logs: ``[3/10] Titel (id): 4,2 s``."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.total = self.finished = 0
        self._lock = threading.Lock()

    def start(self, total: int) -> None:
        self.total = total

    def done(self, title: str, stem: str, seconds: float) -> None:
        with self._lock:  # documents finish in parallel
            self.finished += 1
            print(f"[{self.finished}/{self.total}] {title} ({stem}): {seconds_sv(seconds)}", file=self.stream, flush=True)


class LiveProgress:
    """rich's progress bar with "3/10", and a line above it for each finished document."""

    def __init__(self, bar):
        self.bar, self.total = bar, 0
        self.task = bar.add_task("Bygger dokument", total=None)

    def start(self, total: int) -> None:
        self.total = total
        self.bar.update(self.task, total=total)

    def done(self, title: str, stem: str, seconds: float) -> None:
        self.bar.update(self.task, advance=1, description=f"senast klar: {title}")
        self.bar.console.print(f"Klar: {title} ({seconds_sv(seconds)})", markup=False, highlight=False)


def seconds_sv(seconds: float) -> str:
    return f"{seconds:.1f} s".replace(".", ",")


@contextmanager
def progress_bar(console=None):
    """Yield an object with ``start(total)`` and ``done(title, stem, seconds)``: live on a
    terminal, plain lines otherwise."""
    if console is None and not sys.stderr.isatty():  # a log: rich is not even loaded
        yield PlainProgress(sys.stderr)
        return
    from rich.console import Console  # only builds show progress
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Column

    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield PlainProgress(console.file)
        return
    # On a narrow terminal the title is what gets cut, never the count.
    columns = (SpinnerColumn(), MofNCompleteColumn(), BarColumn(bar_width=20), TimeElapsedColumn(),
               TextColumn("{task.description}", table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis")))
    with Progress(*columns, console=console, transient=True, expand=True) as bar:
        yield LiveProgress(bar)
