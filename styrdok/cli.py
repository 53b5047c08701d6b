"""The command line: ``python build.py [kommando]``, with Swedish help.

Exit codes: 0 when all is well, 1 when the content has errors, 2 for usage or
environment errors (a missing directory, a broken schema).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import pipeline
from .diagnostics import format_diagnostics

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class SwedishParser(argparse.ArgumentParser):
    """argparse with Swedish headings and error messages, exiting 2 on misuse."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argument"
        self._optionals.title = "flaggor"
        self.add_argument("-h", "--help", action="help", help="visa den här hjälpen och avsluta")

    def format_usage(self):
        return super().format_usage().replace("usage:", "användning:", 1)

    def format_help(self):
        return super().format_help().replace("usage:", "användning:", 1)

    def error(self, message):
        self.print_usage(sys.stderr)
        translated = (
            message.replace("the following arguments are required", "följande argument krävs")
            .replace("unrecognized arguments", "okända argument")
            .replace("invalid choice", "ogiltigt val")
            .replace("choose from", "välj bland")
            .replace("expected one argument", "värde saknas")
        )
        self.exit(EXIT_USAGE, f"{self.prog}: fel: {translated}\n")


def _add_content_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), metavar="KATALOG",
                        help="innehållskatalogen (standard: content)")
    parser.add_argument("--schemas", type=Path, default=None, metavar="KATALOG",
                        help="schemakatalogen (standard: schemas bredvid innehållet, annars styrdoks egna)")


def build_parser() -> argparse.ArgumentParser:
    parser = SwedishParser(
        prog="build.py",
        description="styrdok: styrdokument som kod. Utan kommando valideras innehållet och alla dokument byggs.",
    )
    commands = parser.add_subparsers(dest="command", title="kommandon", metavar="KOMMANDO", parser_class=SwedishParser)

    check = commands.add_parser("validate", help="kontrollera innehållet mot scheman och regler",
                                description="Kontrollerar varje fil mot sitt schema och alla hänvisningar mellan filer. "
                                            "Alla fel rapporteras i en körning som fil:rad:kolumn: meddelande.")
    _add_content_options(check)
    check.add_argument("--strict", action="store_true", help="behandla varningar som fel")
    check.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="utdataformat: text (standard), json eller github (annoteringar i GitHub Actions)")
    check.add_argument("--period", metavar="ÅÅÅÅ-MM",
                       help="kräv en uppföljning för perioden av varje uppdrag, åtgärd och mål")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "validate"
    try:
        if command == "validate":
            return _validate(args)
    except pipeline.SetupError as error:
        print(f"fel: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_USAGE


def _validate(args) -> int:
    result = pipeline.check(getattr(args, "content", Path("content")), getattr(args, "schemas", None),
                            strict=getattr(args, "strict", False), period=getattr(args, "period", None))
    fmt = getattr(args, "format", "text")
    if result.diagnostics or fmt == "json":
        print(format_diagnostics(result.diagnostics, fmt))
    print(result.summary(), file=sys.stderr)
    return EXIT_CONTENT if result.errors else EXIT_OK
