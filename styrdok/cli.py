"""The command line: ``python build.py [kommando]``, with Swedish help.

Exit codes: 0 when all is well, 1 when the content has errors, 2 for usage or
environment errors (a missing directory, a broken schema).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from . import pipeline
from .diagnostics import format_diagnostics, os_reason
from .progress import progress_bar
from .project import ProjectInvalid, load_project

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
PERIOD = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2]))?")


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


def _add_content_options(parser: argparse.ArgumentParser, templates: bool = False) -> None:
    parser.add_argument("--project", type=Path, default=None, metavar="FIL",
                        help="projektfilen styrdok.yaml eller katalogen där den ligger (standard: styrdok.yaml i "
                             "aktuell katalog om den finns); flaggorna nedan går före projektfilen")
    parser.add_argument("--content", type=Path, default=None, metavar="KATALOG",
                        help="innehållskatalogen (standard: projektfilens, annars content)")
    parser.add_argument("--schemas", type=Path, default=None, metavar="KATALOG",
                        help="schemakatalogen (standard: projektfilens, annars schemas bredvid innehållet, annars styrdoks egna)")
    if templates:
        parser.add_argument("--templates", type=Path, default=None, metavar="KATALOG",
                            help="egna mallar, som går före styrdoks inbyggda mallar med samma namn (standard: projektfilens)")


def build_parser() -> argparse.ArgumentParser:
    parser = SwedishParser(
        prog="styrdok" if Path(sys.argv[0]).name in ("styrdok", "__main__.py") else "build.py",
        description="styrdok: styrdokument som kod. Utan kommando valideras innehållet och alla dokument byggs.",
    )
    commands = parser.add_subparsers(dest="command", title="kommandon", metavar="KOMMANDO", parser_class=SwedishParser)

    check = commands.add_parser("validate", help="kontrollera innehållet mot scheman och regler",
                                description="Kontrollerar varje fil mot sitt schema och alla hänvisningar mellan filer. "
                                            "Alla fel rapporteras i en körning som fil:rad:kolumn: meddelande.")
    _add_content_options(check, templates=True)
    check.add_argument("--strict", action="store_true", help="behandla varningar som fel")
    check.add_argument("--format", choices=("text", "json", "github", "gitlab"), default="text",
                       help="utdataformat: text (standard), json, github (annoteringar i GitHub Actions) eller gitlab "
                            "(kodkvalitetsrapport för GitLab)")
    check.add_argument("--only-files", nargs="+", type=Path, metavar="FIL",
                       help="visa bara fel i de här filerna, till exempel de ändrade filerna i en incheckning; allt "
                            "innehåll kontrolleras ändå")
    check.add_argument("--period", type=_period, metavar="ÅÅÅÅ-MM",
                       help="kräv en uppföljning för perioden av varje uppdrag, åtgärd och mål")

    build = commands.add_parser("build", help="bygg dokument som Markdown, Word, PDF och HTML",
                                description="Validerar innehållet och bygger de valda dokumenten (standard: alla) till "
                                            "output/. Vid fel behålls tidigare utdata orörd.")
    build.add_argument("documents", nargs="*", metavar="DOKUMENT", help="id för dokument att bygga (standard: alla)")
    _add_content_options(build, templates=True)
    build.add_argument("--format", type=_formats, default=None, metavar="FORMAT",
                       help="kommaseparerade format bland md, docx, pdf och html (standard: alla)")
    build.add_argument("--output", type=Path, default=None, metavar="KATALOG",
                       help="utdatakatalogen (standard: projektfilens, annars output)")
    build.add_argument("--jobs", type=_positive, default=None, metavar="N",
                       help="antal dokument som exporteras samtidigt (standard: en per processorkärna)")

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
    compare.add_argument("--periods", nargs=2, type=_period, metavar=("FRÅN", "TILL"),
                         help="jämför i stället uppföljningarna för två perioder, till exempel 2025-04 2025-08")
    compare.add_argument("--format", choices=("text", "md", "html", "docx"), default="text",
                         help="text (standard, i terminalen), md, html eller docx (Word med spårade ändringar)")
    compare.add_argument("-o", "--output", type=Path, default=None, metavar="FIL",
                         help="skriv rapporten till FIL (standard: terminalen för text och md, annars andringar-FRÅN-TILL.FORMAT)")
    _add_content_options(compare)

    site = commands.add_parser("site", help="lägg de byggda dokumenten för en period på den publicerade webbplatsen",
                               description="Kopierar det senaste bygget (filerna i manifest.json och manifestet) till "
                                           "WEBBPLATS/PERIOD/ med en tillgänglig sida som länkar varje dokument som "
                                           "webbsida, PDF och Word, och skriver om webbplatsens startsida med alla "
                                           "perioder. Tidigare perioder lämnas orörda.")
    site.add_argument("period", metavar="PERIOD", help="periodens namn, oftast taggen, till exempel 2025-08")
    site.add_argument("--site", type=Path, default=Path("public"), metavar="KATALOG",
                      help="webbplatsens katalog (standard: public)")
    site.add_argument("--output", type=Path, default=None, metavar="KATALOG",
                      help="bygget som publiceras (standard: projektfilens, annars output)")
    _add_content_options(site, templates=True)
    preview = commands.add_parser("serve", help="förhandsvisa dokumenten som webbsidor medan du skriver",
                                  description="Bygger alla dokument som webbsidor i .styrdok/serve/ (utdatakatalogen "
                                              "rörs inte) och visar dem på en lokal webbserver med en sida som listar "
                                              "alla dokument. När du sparar en fil byggs sidorna om och webbläsaren "
                                              "laddar om dem. Fel i innehållet visas överst på sidan som fil:rad: "
                                              "meddelande, ovanför den senaste versionen utan fel. Avsluta med Ctrl-C.")
    preview.add_argument("--port", type=_port, default=8000, metavar="PORT",
                         help="porten att lyssna på (standard: 8000; 0 väljer en ledig port)")
    preview.add_argument("--host", default="127.0.0.1", metavar="ADRESS",
                         help="adressen att lyssna på (standard: 127.0.0.1, bara den här datorn)")
    _add_content_options(preview, templates=True)
    _add_kolada(commands)
    _add_scaffold(commands)
    return parser


def _add_scaffold(commands) -> None:
    new = commands.add_parser("ny", help="skapa ett nytt objekt, till exempel ett uppdrag eller en åtgärd",
                              description="Skapar en fil för ett nytt objekt i rätt katalog: ett id av rubriken, nästa "
                                          "nummer och ordning under det överordnade objektet och alla fält som krävs, "
                                          "med en kommentar om vad som ska stå. Innehållet kontrolleras direkt.")
    new.add_argument("item_type", metavar="TYP", help="objekttypen, till exempel uppdrag, åtgärd, mål eller indikator")
    new.add_argument("title", metavar="RUBRIK", help="objektets rubrik eller text, inom citattecken")
    new.add_argument("--under", metavar="FÖRÄLDER", help="id för det objekt det nya hör till, till exempel ett uppdrag")
    _add_content_options(new)
    period = commands.add_parser("ny-period", help="skapa uppföljningarna för en ny period",
                                 description="Skapar en uppföljning för perioden av varje objekt som följdes upp förra "
                                             "perioden, med förra periodens status, år och kommentar. Varje kommentar märks "
                                             "updated: false tills den är omskriven; validate --period godkänner inte märkta "
                                             "kommentarer.")
    period.add_argument("period", type=_period, metavar="PERIOD", help="den nya perioden, till exempel 2025-12")
    period.add_argument("--från", dest="previous", type=_period, metavar="PERIOD",
                        help="perioden att utgå från (standard: den senaste före den nya)")
    _add_content_options(period)
    rollover = commands.add_parser("rulla-over", help="starta nästa års plan",
                                   description="Startar planen för ÅR: ofärdiga uppdrag och andra objekt med förra årets "
                                               "årtal förs över till ÅR (som kvarvarande, om modellen anger det under "
                                               "rollover), färdiga åtgärder avslutas förra året och förra årets dokument "
                                               "kopieras med årtalen ett år fram, med de texter och tabeller de hänvisar "
                                               "till. Resultatet kontrolleras innan något skrivs; vid fel ändras ingen fil.")
    rollover.add_argument("year", type=_year, metavar="ÅR", help="det nya året, till exempel 2026")
    _add_content_options(rollover, templates=True)
    init = commands.add_parser("init", help="skapa ett nytt förråd för en kommun",
                               description="Skapar katalogen med projektfil, en minimal modell och innehåll, "
                                           "inställningar för Visual Studio Code, kontroll vid incheckning, "
                                           "arbetsflöden för GitHub och GitLab och en README för medarbetarna. "
                                           "Innehållet kontrolleras och byggs direkt.")
    init.add_argument("directory", type=Path, metavar="KATALOG", help="den nya katalogen (ny eller tom)")
    init.add_argument("--format", type=_formats, default=None, metavar="FORMAT",
                      help="formaten för det första bygget, kommaseparerade bland md, docx, pdf och html (standard: alla)")
    schemas = commands.add_parser("schemas", help="skapa scheman för redigeraren med modellens värden och id",
                                  description="Skriver scheman för Visual Studio Code (tillägget YAML) till "
                                              ".styrdok/editor-schemas/ med modellens statusar, nivåer och ursprung, "
                                              "befintliga id och svenska felmeddelanden, och kopplar dem till "
                                              "innehållets kataloger i .vscode/settings.json. Kör igen när modellen "
                                              "eller objekten har ändrats.")
    _add_content_options(schemas)


def _add_kolada(commands) -> None:
    from .kolada import parse_years

    kolada = commands.add_parser("kolada", help="hämta eller importera indikatorvärden från Kolada",
                                 description="Uppdaterar värdena i de indikatorer som har ett Kolada-id (kolada: {kpi: ...}) "
                                             "för kommunen i organisationsfilen (kolada_municipality). Bara värderaderna "
                                             "ändras; allt annat i filerna lämnas som det var. Vid fel ändras ingen fil.")
    steps = kolada.add_subparsers(dest="kolada_command", title="kommandon", metavar="KOMMANDO",
                                  parser_class=SwedishParser, required=True)
    fetch = steps.add_parser("hämta", help="hämta värdena från Koladas öppna API och spara svaret i content/kolada/",
                             description="Hämtar värdena från Koladas API (version 3), sparar svaren med adress och "
                                         "hämtningsdatum i content/kolada/ och skriver in värdena i indikatorfilerna.")
    fetch.add_argument("--år", dest="years", type=parse_years, default=None, metavar="ÅR",
                       help="åren att hämta, till exempel 2020-2024, 2023 eller 2021,2023 (standard: de fem senaste hela åren)")
    import_ = steps.add_parser("importera", help="läs värdena från en fil som sparats tidigare (JSON eller CSV)",
                               description="Skriver in värdena från ett sparat Kolada-svar (JSON, till exempel en fil i "
                                           "content/kolada/) eller en CSV-fil med kolumnerna kpi, municipality, period, "
                                           "gender och value (eller nyckeltal, kommun, år, kön och värde). Kräver inget nätverk.")
    import_.add_argument("file", type=Path, metavar="FIL", help="filen att läsa (.json eller .csv)")
    for step in (fetch, import_):
        step.add_argument("--kpi", action="append", type=_kpis, default=None, metavar="ID",
                          help="bara dessa nyckeltal, till exempel N31816; kan anges flera gånger eller kommaseparerat "
                               "(standard: alla som en indikator har)")
        _add_content_options(step)


def _kpis(text: str) -> list[str]:
    from .kolada import KPI_PATTERN

    ids = [part.strip() for part in text.split(",") if part.strip()]
    wrong = [kpi for kpi in ids if not KPI_PATTERN.fullmatch(kpi)]
    if wrong or not ids:
        raise argparse.ArgumentTypeError(f"ogiltigt Kolada-id: {', '.join(wrong) or text}; skriv till exempel N31816")
    return ids


def _formats(text: str) -> set[str]:
    from .export import FORMATS  # export's libraries load only when formats are chosen

    chosen = {part.strip() for part in text.split(",") if part.strip()}
    unknown = chosen - set(FORMATS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"okänt format: {', '.join(sorted(unknown)) or text}; välj bland {', '.join(sorted(FORMATS))}")
    return chosen


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"ogiltigt antal \"{text}\"; skriv ett heltal från 1")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"ogiltig port \"{text}\"; skriv ett heltal från 0 till 65535")
    return int(text)


def _year(text: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", text):
        raise argparse.ArgumentTypeError(f"ogiltigt år \"{text}\"; skriv ett årtal, till exempel 2026")
    return int(text)


def _period(text: str) -> str:
    if not PERIOD.fullmatch(text):
        raise argparse.ArgumentTypeError(f"ogiltig period \"{text}\"; skriv ett år (2025) eller en månad (2025-08)")
    return text


def _output_directory_problem(output: Path) -> str | None:
    """Why the build could not write into ``output``, found before building; or None."""
    try:
        if output.exists() and not output.is_dir():
            return f"utdatakatalogen {output} är ingen katalog"
        existing = output
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            return f"utdatakatalogen {output} kan inte skapas: {existing} är ingen katalog"
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        return f"kan inte skriva i utdatakatalogen {output}: {os_reason(error)}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["build", *argv]  # `python build.py [--project DIR …]`: validate and build everything
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except pipeline.SetupError as error:
        print(f"fel: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ProjectInvalid as invalid:
        print(format_diagnostics(invalid.diagnostics, args.format if args.command == "validate" else "text"))
        print(f"fel: projektfilen har {len(invalid.diagnostics)} fel; inget gjordes.", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # the environment: a full disk, a read-only directory, ...
        where = f"{error.filename}: " if error.filename else ""
        print(f"fel: {where}{os_reason(error)}", file=sys.stderr)
        return EXIT_USAGE


def _project(args, output: Path | None = None):
    """The project file's settings, with the command line's options first."""
    return load_project(args.project, content=args.content, schemas=args.schemas,
                        templates=getattr(args, "templates", None), output=output)


def _validate(args) -> int:
    project = _project(args)
    result = pipeline.check(project.content, project.schemas, strict=args.strict, period=args.period,
                            templates=project.templates)
    diagnostics, summary = result.diagnostics, result.summary()
    if args.only_files is not None:
        diagnostics = _in_files(diagnostics, args.only_files, project.content)
        errors = sum(d.severity == "error" for d in diagnostics)
        named = "den angivna filen" if len(args.only_files) == 1 else f"de {len(args.only_files)} angivna filerna"
        summary = f"{errors} fel och {len(diagnostics) - errors} varningar i {named}. Hela innehållet: {summary}"
    if diagnostics or args.format in ("json", "gitlab"):
        print(format_diagnostics(diagnostics, args.format))
    print(summary, file=sys.stderr)
    return EXIT_CONTENT if any(d.severity == "error" for d in diagnostics) else EXIT_OK


def _in_files(diagnostics, files: list[Path], content: Path):
    """The diagnostics about ``files``. Diagnostics name a content file as the content
    directory's name and the path below it, so that is resolved against its parent."""
    wanted = {file.resolve() for file in files}
    base = content.resolve().parent
    return [d for d in diagnostics if (base / d.path).resolve() in wanted]


def _build(args) -> int:
    from . import publish  # rendering and export libraries load only when building

    project = _project(args, output=args.output)
    problem = _output_directory_problem(project.output)
    if problem:
        raise pipeline.SetupError(problem)
    failures = []
    try:
        with progress_bar() as progress:
            artifacts = publish.build(project.content, project.output, documents=args.documents, formats=args.format,
                                       schemas=project.schemas, templates=project.templates, branding=project.branding,
                                       inputs=project.inputs(), progress=progress, workers=args.jobs)
    except publish.IncompleteBuild as incomplete:
        artifacts, failures = incomplete.artifacts, incomplete.failures
    except publish.ContentInvalid as invalid:
        print(format_diagnostics(invalid.result.diagnostics, "text"))
        print(f"{invalid.result.summary()} Inget byggdes; tidigare utdata är orörd.", file=sys.stderr)
        return EXIT_CONTENT
    except publish.BuildError as error:
        print(f"fel: bygget misslyckades: {str(error).rstrip('.')}. Tidigare utdata är orörd.", file=sys.stderr)
        return EXIT_CONTENT
    documents = len({artifact.document for artifact in artifacts})
    if progress.total == 0 and artifacts:  # the build was skipped: its output is this very build already
        print(f"Inget har ändrats sedan förra bygget; de {len(artifacts)} filerna för {documents} dokument i "
              f"{project.output}/ är redan aktuella.", file=sys.stderr)
    else:
        print(f"Byggde {len(artifacts)} filer för {documents} dokument i {project.output}/ (se manifest.json).",
              file=sys.stderr)
    for failure in failures:
        print(f"fel: {failure}", file=sys.stderr)
    return EXIT_CONTENT if failures else EXIT_OK


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
    project = _project(args)
    if args.output is not None and args.output.is_dir():
        print(f"fel: {args.output} är en katalog; ange ett filnamn för rapporten", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.periods:
            result = pipeline.check(project.content, project.schemas)
            if result.errors:
                print(format_diagnostics(result.errors, "text"))
                print(f"{result.summary()} Ingen jämförelse gjordes.", file=sys.stderr)
                return EXIT_CONTENT
            from .model import build_model

            changeset = diff.diff_periods(build_model(result.loaded, result.schemas), *args.periods, schemas=result.schemas)
        else:
            changeset = diff.diff_refs(project.content, *args.refs, schemas=project.schemas)
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


def _kolada(args) -> int:
    from . import kolada

    project = _project(args)
    result = pipeline.check(project.content, project.schemas)
    if result.errors:
        print(format_diagnostics(result.errors, "text"))
        print(f"{result.summary()} Rätta felen först; ingen fil ändrades.", file=sys.stderr)
        return EXIT_CONTENT
    kpis = [kpi for group in args.kpi for kpi in group] if args.kpi else None
    try:
        if args.kolada_command == "hämta":
            report = kolada.fetch_and_update(result.loaded.files, project.content, result.schemas, kpis=kpis, years=args.years)
        else:
            report = kolada.import_and_update(result.loaded.files, project.content, result.schemas, args.file, kpis=kpis)
    except kolada.KoladaError as error:
        print(f"fel: {error}. Ingen fil ändrades.", file=sys.stderr)
        return error.exit_code
    print("\n".join(report), file=sys.stderr)
    return EXIT_OK



def _site(args) -> int:
    from .model import build_model
    from .site import publish_period

    project = _project(args, output=args.output)
    result = pipeline.check(project.content, project.schemas)
    if result.errors:
        print(format_diagnostics(result.errors, "text"))
        print(f"{result.summary()} Inget publicerades.", file=sys.stderr)
        return EXIT_CONTENT
    content = build_model(result.loaded)
    titles = {document.id: document.title for document in content.documents}
    organisation = project.branding.municipality or content.organisation.municipality
    target = publish_period(project.output, args.site, args.period, titles, organisation, project.templates)
    print(f"Publicerade {args.period} i {target}/ och uppdaterade {args.site / 'index.html'}.", file=sys.stderr)
    return EXIT_OK


def _serve(args) -> int:
    import threading

    from . import serve

    project = _project(args)
    output = serve.serve_output(project.content.resolve().parent)
    state, stop = serve.State(), threading.Event()
    watched = [project.content, pipeline.schema_dir_for(project.content, project.schemas),
               *project.templates.search_path, *project.inputs()]
    rebuild = lambda: serve.build(lambda: _project(args), output, state)  # noqa: E731 - the project file is read anew
    try:
        print(f"Bygger förhandsvisningen i {output}/ …", file=sys.stderr, flush=True)
        rebuild()
        server = serve.make_server(output, state, args.host, args.port)
        host, port = server.server_address[:2]
        print(f"Förhandsvisningen finns på http://{host}:{port}/ – avsluta med Ctrl-C.", file=sys.stderr, flush=True)
        serve.run(server, threading.Thread(target=serve.watch, args=(watched, rebuild, stop), daemon=True), stop)
    except KeyboardInterrupt:
        print("\nFörhandsvisningen är avslutad.", file=sys.stderr)
    return EXIT_OK


def _new(args) -> int:
    from . import scaffold

    project = _project(args)
    content = scaffold.read_content(project.content, project.schemas)
    try:
        path = scaffold.new_item(content, args.item_type, args.title, args.under)
    except scaffold.ScaffoldError as error:
        print(f"fel: {error}; ingen fil skapades", file=sys.stderr)
        return EXIT_USAGE
    print(f"Skapade {path}. Fyll i fälten med kommentarer ovanför.", file=sys.stderr)
    return _check_created(project, [path])


def _new_period(args) -> int:
    from . import scaffold

    project = _project(args)
    content = scaffold.read_content(project.content, project.schemas)
    try:
        result = scaffold.new_period(content, args.period, args.previous)
    except scaffold.ScaffoldError as error:
        print(f"fel: {error}; ingen fil skapades", file=sys.stderr)
        return EXIT_USAGE
    print(f"Skapade {len(result.created)} uppföljningar för {args.period} utifrån {result.previous}. Skriv om varje "
          "kommentar och ta bort raden updated: false.", file=sys.stderr)
    if result.started:
        print(f"{len(result.started)} av dem följs upp för första gången och har bara förslag att skriva om: "
              f"{', '.join(result.started)}", file=sys.stderr)
    if result.existing:
        print(f"{len(result.existing)} objekt hade redan en uppföljning för {args.period}: {', '.join(result.existing)}",
              file=sys.stderr)
    return _check_created(project, result.created)


def _check_created(project, created: list[Path]) -> int:
    """Validate the whole content and show the problems in the files just written."""
    result = pipeline.check(project.content, project.schemas, templates=project.templates)
    diagnostics = [d for d in _in_files(result.diagnostics, created, project.content)
                   if "updated: false" not in d.message]
    if diagnostics:
        print(format_diagnostics(diagnostics, "text"))
    print(result.summary(), file=sys.stderr)
    return EXIT_CONTENT if result.errors else EXIT_OK


def _rollover(args) -> int:
    from . import rollover
    from .scaffold import ScaffoldError

    project = _project(args)
    result = pipeline.check(project.content, project.schemas, templates=project.templates)
    if result.errors:
        print(format_diagnostics(result.errors, "text"))
        print(f"{result.summary()} Rätta felen först; ingen fil ändrades.", file=sys.stderr)
        return EXIT_CONTENT
    try:
        planned, origin = rollover.plan(result, project.content, args.year)
        invalid = rollover.apply(planned, project.content, result.schemas.dir, project.templates)
    except ScaffoldError as error:
        print(f"fel: {error}; ingen fil ändrades", file=sys.stderr)
        return EXIT_USAGE
    if invalid is not None:
        print(format_diagnostics(invalid.errors, "text"))
        print(f"fel: nästa års plan skulle få {len(invalid.errors)} fel; ingen fil ändrades.", file=sys.stderr)
        return EXIT_CONTENT
    print("\n".join(planned.summary(origin)), file=sys.stderr)
    return EXIT_OK


def _init(args) -> int:
    from . import scaffold
    from .editor import write_editor_schemas

    try:
        files = scaffold.new_repository(args.directory, pipeline.PACKAGE_ROOT / "ci")
    except scaffold.ScaffoldError as error:
        print(f"fel: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Skapade {len(files)} filer i {args.directory}/. Läs README.md där.", file=sys.stderr)
    project = load_project(args.directory)
    write_editor_schemas(project.content, project.schemas, args.directory / ".styrdok" / "editor-schemas")
    formats = ["--format", ",".join(sorted(args.format))] if args.format else []
    return main(["build", "--project", str(args.directory), *formats])


def _schemas(args) -> int:
    from .editor import write_editor_schemas

    project = _project(args)
    target = project.content.parent / ".styrdok" / "editor-schemas"
    count = write_editor_schemas(project.content, project.schemas, target)
    print(f"Skrev {count} scheman till {target}/ och inställningarna i {project.content.parent / '.vscode'}/.", file=sys.stderr)
    return EXIT_OK


COMMANDS = {"validate": _validate, "build": _build, "serve": _serve, "verify": _verify, "diff": _diff, "site": _site, "kolada": _kolada,
            "ny": _new, "ny-period": _new_period, "rulla-over": _rollover, "init": _init,
            "schemas": _schemas}
