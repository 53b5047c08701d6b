"""Progress on the terminal while documents export (quiet when not a terminal)."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def progress_bar():
    """Yield a callback that reports each finished output file."""
    from rich.console import Console  # only builds show progress

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda _name: None
        return
    with console.status("Bygger dokument …") as status:
        yield lambda name: status.update(f"Klar: {name}")
