"""Progress on the terminal while documents export (quiet when not a terminal)."""

from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console


@contextmanager
def progress_bar():
    """Yield a callback that reports each finished output file."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda _name: None
        return
    with console.status("Bygger dokument …") as status:
        yield lambda name: status.update(f"Klar: {name}")
