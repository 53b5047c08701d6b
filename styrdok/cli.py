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
from .export import FORMATS
from .progress import progress_bar

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

    build = commands.add_parser("build", help="bygg dokument som Markdown, Word, PDF och HTML",
                                description="Validerar innehållet och bygger de valda dokumenten (standard: alla) till "
                                            "output/. Vid fel behålls tidigare utdata orörd.")
    build.add_argument("documents", nargs="*", metavar="DOKUMENT", help="id för dokument att bygga (standard: alla)")
    _add_content_options(build)
    build.add_argument("--format", type=_formats, default=None, metavar="FORMAT",
                       help="kommaseparerade format bland md, docx, pdf och html (standard: alla)")
    build.add_argument("--output", type=Path, default=Path("output"), metavar="KATALOG",
                       help="utdatakatalogen (standard: output)")

    check_file = commands.add_parser("verify", help="kontrollera att en publicerad fil är vad förrådet innehöll",
                                     description="Bygger filens dokument på nytt vid versionen REF i en tillfällig kopia "
                                                 "av förrådet och jämför byte för byte. Avslutar med 0 om filen är identisk, "
                                                 "annars 1 och en beskrivning av skillnaden.")
    check_file.add_argument("file", type=Path, metavar="FIL", help="den publicerade filen, till exempel output/verksamhetsplan-2025.pdf")
    check_file.add_argument("--ref", required=True, metavar="REF", help="git-versionen filen ska motsvara: tagg, commit eller gren")
    check_file.add_argument("--repo", type=Path, default=Path("."), metavar="KATALOG", help="förrådet (standard: aktuell katalog)")

    compare = commands.add_parser("diff", help="visa vad som ändrats mellan två versioner eller två perioder",
                                  description="Jämför innehållet objekt för objekt mellan två git-versioner (läses direkt ur "
                                              "git, arbetskopian rörs inte) eller mellan två uppföljningsperioder, och visar "
                                              "tillagda, borttagna och ändrade objekt, statusändringar, omnumreringar och "
                                              "flyttar med de commits, författare och datum som ligger bakom.")
    compare.add_argument("refs", nargs="*", metavar="VERSION", help="två versioner, FRÅN och TILL: tagg, commit eller gren")
    compare.add_argument("--periods", nargs=2, metavar=("FRÅN", "TILL"),
                         help="jämför i stället uppföljningarna för två perioder, till exempel 2025-04 2025-08")
    compare.add_argument("--format", choices=("text", "md", "html", "docx"), default="text",
                         help="text (standard, i terminalen), md, html eller docx (Word med spårade ändringar)")
    compare.add_argument("-o", "--output", type=Path, default=None, metavar="FIL",
                         help="skriv rapporten till FIL (standard: terminalen för text och md, annars andringar-FRÅN-TILL.FORMAT)")
    _add_content_options(compare)
    return parser


def _formats(text: str) -> set[str]:
    chosen = {part.strip() for part in text.split(",") if part.strip()}
    unknown = chosen - set(FORMATS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"okänt format: {', '.join(sorted(unknown)) or text}; välj bland {', '.join(sorted(FORMATS))}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # plain `python build.py`: validate and build everything
        args = parser.parse_args(["build", *(argv or [])])
    try:
        return COMMANDS[args.command](args)
    except pipeline.SetupError as error:
        print(f"fel: {error}", file=sys.stderr)
        return EXIT_USAGE


def _validate(args) -> int:
    result = pipeline.check(args.content, args.schemas, strict=args.strict, period=args.period)
    if result.diagnostics or args.format == "json":
        print(format_diagnostics(result.diagnostics, args.format))
    print(result.summary(), file=sys.stderr)
    return EXIT_CONTENT if result.errors else EXIT_OK


def _build(args) -> int:
    from . import publish  # rendering and export libraries load only when building

    try:
        with progress_bar() as advance:
            artifacts = publish.build(args.content, args.output, documents=args.documents, formats=args.format,
                                       schemas=args.schemas, progress=advance)
    except publish.ContentInvalid as invalid:
        print(format_diagnostics(invalid.result.diagnostics, "text"))
        print(f"{invalid.result.summary()} Inget byggdes; tidigare utdata är orörd.", file=sys.stderr)
        return EXIT_CONTENT
    except publish.BuildError as error:
        print(f"fel: bygget misslyckades: {str(error).rstrip('.')}. Tidigare utdata är orörd.", file=sys.stderr)
        return EXIT_CONTENT
    documents = len({artifact.document for artifact in artifacts})
    print(f"Byggde {len(artifacts)} filer för {documents} dokument i {args.output}/ (se manifest.json).", file=sys.stderr)
    return EXIT_OK


def _verify(args) -> int:
    from .verify import verify

    verdict = verify(args.file, args.ref, args.repo)
    print("\n".join(verdict.explanation))
    return EXIT_OK if verdict.identical else EXIT_CONTENT


def _diff(args) -> int:
    from . import changes, diff
    from .export import ExportError
    from .gitsource import VersionInvalid
    from .render import RenderError

    if bool(args.periods) == bool(args.refs) or len(args.refs) not in (0, 2):
        print("fel: ange två versioner (FRÅN TILL) eller --periods FRÅN TILL", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.periods:
            result = pipeline.check(args.content, args.schemas)
            if result.errors:
                print(format_diagnostics(result.errors, "text"))
                print(f"{result.summary()} Ingen jämförelse gjordes.", file=sys.stderr)
                return EXIT_CONTENT
            from .model import build_model

            changeset = diff.diff_periods(build_model(result.loaded, result.schemas), *args.periods, schemas=result.schemas)
        else:
            changeset = diff.diff_refs(args.content, *args.refs, schemas=args.schemas)
        written = changes.write(changeset, args.format, args.output)
    except VersionInvalid as invalid:
        print(format_diagnostics(invalid.diagnostics, "text"))
        print(f"fel: innehållet i versionen \"{invalid.ref}\" har {len(invalid.diagnostics)} fel; ingen jämförelse gjordes.",
              file=sys.stderr)
        return EXIT_CONTENT
    except (ExportError, RenderError) as error:
        print(f"fel: rapporten kunde inte skapas: {error}", file=sys.stderr)
        return EXIT_CONTENT
    if written:
        print(f"Skrev ändringsrapporten till {written} ({changes.summary(changeset)})", file=sys.stderr)
    return EXIT_OK


COMMANDS = {"validate": _validate, "build": _build, "verify": _verify, "diff": _diff}
