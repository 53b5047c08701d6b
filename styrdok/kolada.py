"""Kolada import: indicator values from Kolada's open API, or from a file saved earlier.

An indicator names a Kolada KPI (``kolada: {kpi: N31816}``) and the organisation
names its municipality (``kolada_municipality: "0380"``). ``kolada hämta`` asks
Kolada's API version 3 for each KPI; ``kolada importera`` reads an answer saved
earlier, or a CSV export. Everything is fetched, parsed and checked before any
file changes: the raw answers go to ``content/kolada/`` and the indicator files
get their new figures through ``yamledit``, so a failure leaves every file as
it was.

The answer to ``/v3/data/kpi/{kpi}/municipality/{id}/year/{years}`` is a page::

    {"count": 1, "next_url": "...page 2, absent or empty on the last page...",
     "values": [{"kpi": "N31816", "municipality": "0380", "period": 2023,
                 "values": [{"gender": "T", "count": 1, "status": "", "value": 1.3},
                            {"gender": "K", ...}, {"gender": "M", ...}]}]}

Gender T is the total, K women (kvinnor) and M men (män); a missing value is
``null`` (status "Missing"). Version 2 named the next page ``next_page``; both
are followed.
"""

from __future__ import annotations

import argparse
import csv
import codecs
import io
import json
import os
import re
import urllib.error
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from .diagnostics import ContentError, Diagnostic
from .load import SourceFile, load_bytes, locate
from .oserror import reason
from .yamledit import merge_values, period_order, set_values

API = "https://api.kolada.se/v3"
TIMEOUT = 30  # seconds for each request
PATH_LIMIT = 25  # Kolada refuses longer comma-separated lists in one part of the path
MAX_PAGES = 100
GENDERS = {"T": "total", "K": "women", "M": "men"}
RAW_DIRECTORY = "kolada"
KPI_PATTERN = re.compile(r"[A-Z][0-9]{5}")
EXIT_CONTENT, EXIT_ENVIRONMENT = 1, 2

# CSV columns: the API's field names, or Swedish ones.
CSV_COLUMNS = {"kpi": "kpi", "nyckeltal": "kpi", "municipality": "municipality", "kommun": "municipality",
               "period": "period", "år": "period", "gender": "gender", "kön": "gender", "value": "value", "värde": "value"}

Series = dict[str, dict[str, dict[str, dict[str, float]]]]  # kpi -> municipality -> year -> part -> value
Opener = Callable[[str, float], bytes]


class KoladaError(Exception):
    """A Swedish message for the user, and the exit code it warrants."""

    def __init__(self, message: str, exit_code: int = EXIT_CONTENT):
        super().__init__(message)
        self.exit_code = exit_code


# Reading Kolada's answers

def parse_rows(rows: list, where: str) -> Series:
    """Values by KPI, municipality, year and part (total, women, men); deleted rows and nulls skipped."""
    series: Series = {}
    for row in rows:
        if not isinstance(row, dict) or not {"kpi", "municipality", "period", "values"} <= row.keys():
            raise KoladaError(f"{where}: en post saknar kpi, municipality, period eller values; är det ett svar från Kolada?")
        if row.get("isdeleted"):
            continue
        year = str(row["period"])
        if not re.fullmatch(r"[0-9]{4}", year):
            raise KoladaError(f"{where}: perioden \"{year}\" är inget årtal")
        for value in row["values"] if isinstance(row["values"], list) else ():
            part = GENDERS.get(value.get("gender")) if isinstance(value, dict) else None
            figure = value.get("value") if part else None
            if isinstance(figure, (int, float)) and not isinstance(figure, bool):
                periods = series.setdefault(str(row["kpi"]), {}).setdefault(str(row["municipality"]), {})
                periods.setdefault(year, {})[part] = float(figure)
    return series


def rows_of(page, where: str) -> list:
    """The rows of one answer page, after checking it has Kolada's shape."""
    if not isinstance(page, dict) or not isinstance(page.get("values"), list):
        raise KoladaError(f"{where}: svaret har inte Koladas form (en lista \"values\")", EXIT_ENVIRONMENT)
    return page["values"]


def read_saved(path: Path) -> Series:
    """A file saved earlier: an answer stored by ``kolada hämta``, a plain API answer, or a CSV export."""
    if path.suffix.lower() not in (".json", ".csv"):
        raise KoladaError(f"{path}: ange en fil som slutar på .json eller .csv", EXIT_ENVIRONMENT)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise KoladaError(f"kan inte läsa {path}: {reason(error)}", EXIT_ENVIRONMENT) from None
    if path.suffix.lower() == ".csv":
        return _read_csv(raw, str(path))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise KoladaError(f"{path}: filen är inte sparad som UTF-8") from None
    except json.JSONDecodeError as error:
        raise KoladaError(f"{path}:{error.lineno}:{error.colno}: ogiltig JSON ({error.msg})") from None
    pages = [page.get("response") if isinstance(page, dict) else None for page in data["data"]] \
        if isinstance(data, dict) and isinstance(data.get("data"), list) else [data]
    return parse_rows([row for page in pages for row in rows_of(page, str(path))], str(path))


def _read_csv(raw: bytes, where: str) -> Series:
    """Columns kpi, municipality, period, gender, value (or nyckeltal, kommun, år, kön, värde), comma or semicolon."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KoladaError(f"{where}: filen är inte sparad som UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [CSV_COLUMNS.get(name.strip().lower()) for name in next(reader, [])]
    missing = [name for name in ("kpi", "municipality", "period", "gender", "value") if name not in header]
    if missing:
        raise KoladaError(f"{where}:1: kolumnerna {', '.join(missing)} saknas; första raden ska vara kpi,municipality,period,gender,value")
    rows = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        cells = {name: cell.strip() for name, cell in zip(header, record) if name}
        rows.append({"kpi": cells.get("kpi", ""), "municipality": cells.get("municipality", "").zfill(4),
                     "period": cells.get("period", ""),
                     "values": [{"gender": cells.get("gender", "").upper(),
                                 "value": _csv_number(cells.get("value", ""), delimiter, f"{where}:{reader.line_num}")}]})
    return parse_rows(rows, where)


def _csv_number(text: str, delimiter: str, where: str) -> float | None:
    text = re.sub(r"[\s\u00a0]", "", text)
    if delimiter == ";":
        text = text.replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise KoladaError(f"{where}: värdet \"{text}\" är inget tal") from None


# Fetching from Kolada

def parse_years(text: str) -> list[int]:
    """``2020-2024``, ``2023`` or ``2020,2022``: the years, in order (argparse type)."""
    years: set[int] = set()
    for part in text.replace(" ", "").split(","):
        match = re.fullmatch(r"([0-9]{4})(?:[-–]([0-9]{4}))?", part)
        if not match or int(match.group(2) or match.group(1)) < int(match.group(1)):
            raise argparse.ArgumentTypeError(f"ogiltiga år \"{text}\"; skriv till exempel 2020-2024, 2023 eller 2021,2023")
        years.update(range(int(match.group(1)), int(match.group(2) or match.group(1)) + 1))
    return sorted(years)


def default_years(today: date) -> list[int]:
    """The five most recent whole years: Kolada publishes a year's figures after it ends."""
    return list(range(today.year - 5, today.year))


def fetch(kpis: list[str], municipality: str, years: list[int], *, opener: Opener | None = None,
          today: date | None = None) -> tuple[Series, dict[str, dict]]:
    """Every KPI's values for the municipality and years, and the raw answers to store, or KoladaError."""
    opener = opener or _download
    metadata = {kpi: _kpi_metadata(kpi, opener) for kpi in kpis}
    unknown = [kpi for kpi, page in metadata.items() if not page]
    if unknown:
        raise KoladaError(f"Kolada känner inte till nyckeltalet {' eller '.join(unknown)}; kontrollera id:t i indikatorfilen "
                          "(nyckeltalen finns på kolada.se)")
    series, records = {}, {}
    for kpi in kpis:
        pages = [page for chunk in _chunks(years, PATH_LIMIT) for page in _pages(_data_url(kpi, municipality, chunk), opener)]
        found = parse_rows([row for page in pages for row in page["response"]["values"]], pages[0]["url"])
        if not found.get(kpi, {}).get(municipality):
            raise KoladaError(f"Kolada har inga värden för {kpi} i kommun {municipality} åren {_span(years)}; "
                              "kontrollera kommunens id (kolada_municipality) och åren (--år)")
        series[kpi] = {municipality: found[kpi][municipality]}
        records[kpi] = {"source": f"Kolada, {API}", "retrieved": (today or date.today()).isoformat(),
                        "municipality": municipality, "years": years, "kpi": metadata[kpi], "data": pages}
    return series, records


def _kpi_metadata(kpi: str, opener: Opener) -> dict | None:
    """The stored request and answer for the KPI's description, or None when Kolada does not know it."""
    url = f"{API}/kpi/{kpi}"
    try:
        response = _get_json(url, opener)
    except _NotFound:
        return None
    known = any(isinstance(row, dict) and row.get("id") == kpi for row in rows_of(response, url))
    return {"url": url, "response": response} if known else None


def _data_url(kpi: str, municipality: str, years: list[int]) -> str:
    return f"{API}/data/kpi/{kpi}/municipality/{municipality}/year/{','.join(map(str, years))}"


def _pages(url: str, opener: Opener) -> list[dict]:
    """Every page of one answer, following next_url (or v2's next_page) until a page is empty or last."""
    pages, seen = [], set()
    while url:
        if url in seen or len(pages) >= MAX_PAGES:
            raise KoladaError(f"Koladas svar tar aldrig slut (sida {len(pages) + 1}: {url})", EXIT_ENVIRONMENT)
        seen.add(url)
        response = _get_json(url, opener)
        pages.append({"url": url, "response": response})
        url = (response.get("next_url") or response.get("next_page")) if rows_of(response, url) else None
    return pages


class _NotFound(KoladaError):
    pass


def _get_json(url: str, opener: Opener):
    try:
        body = opener(url, TIMEOUT)
    except urllib.error.HTTPError as error:
        kind = _NotFound if error.code == 404 else KoladaError
        raise kind(f"Kolada svarade med felkod {error.code} ({error.reason}) på {url}", EXIT_ENVIRONMENT) from None
    except (urllib.error.URLError, OSError) as error:
        why = getattr(error, "reason", None) or error
        raise KoladaError(f"kunde inte nå Kolada ({why}); kontrollera nätverket och försök igen, eller importera en "
                          "sparad fil med kolada importera", EXIT_ENVIRONMENT) from None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KoladaError(f"Kolada svarade inte med JSON på {url}", EXIT_ENVIRONMENT) from None


def _download(url: str, timeout: float) -> bytes:
    import http.client  # loaded only when fetching: validation imports this module too
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "styrdok"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except http.client.HTTPException as error:  # a broken answer, e.g. cut off halfway
        raise urllib.error.URLError(error) from None


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


# Updating the content

@dataclass
class Plan:
    """What an import will write: new file contents by path, and a line per change for the user."""

    files: dict[Path, bytes] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)


def municipality_of(files: list[SourceFile]) -> str:
    """The organisation's Kolada municipality id, or KoladaError naming the file."""
    organisation = next(s for s in files if s.data.get("type") == "organisation")
    if "kolada_municipality" not in organisation.data:
        raise KoladaError(f"{organisation.path}: organisationen saknar fältet kolada_municipality, kommunens id i Kolada "
                          "(fyra siffror inom citattecken, till exempel \"0380\")")
    return organisation.data["kolada_municipality"]


def linked_indicators(files: list[SourceFile], kpis: list[str] | None = None) -> dict[str, list[SourceFile]]:
    """Indicator files by the KPI they name, only ``kpis`` when given (each must be named by one)."""
    linked: dict[str, list[SourceFile]] = defaultdict(list)
    for source in files:
        if source.data.get("type") == "indicator" and "kolada" in source.data:
            linked[source.data["kolada"]["kpi"]].append(source)
    if kpis is None:
        if not linked:
            raise KoladaError("ingen indikator har ett Kolada-id; lägg till kolada: {kpi: ...} i indikatorfilerna")
        return dict(linked)
    unlinked = [kpi for kpi in kpis if kpi not in linked]
    if unlinked:
        raise KoladaError(f"ingen indikator har Kolada-id {' eller '.join(unlinked)}")
    return {kpi: linked[kpi] for kpi in kpis}


def fetch_and_update(files: list[SourceFile], content: Path, schemas, *, kpis: list[str] | None = None,
                     years: list[int] | None = None, opener: Opener | None = None, today: date | None = None) -> list[str]:
    """``kolada hämta``: fetch every linked KPI (or ``kpis``), store the answers, update the indicators."""
    municipality = municipality_of(files)
    chosen = list(linked_indicators(files, kpis))
    series, records = fetch(chosen, municipality, years or default_years(today or date.today()), opener=opener, today=today)
    result = plan(files, content, series, municipality, schemas, chosen)
    stored = stored_files(content, records)
    write_all(result.files | stored)
    return result.report + [f"Sparade Koladas svar i {', '.join(_shown(content, path) for path in stored)}."]


def import_and_update(files: list[SourceFile], content: Path, schemas, path: Path, *, kpis: list[str] | None = None) -> list[str]:
    """``kolada importera``: update the indicators from a saved answer or a CSV export."""
    municipality = municipality_of(files)
    result = plan(files, content, read_saved(path), municipality, schemas, kpis)
    write_all(result.files)
    return result.report


def _shown(content: Path, path: Path) -> str:
    return path.relative_to(content.parent).as_posix()


def plan(files: list[SourceFile], content: Path, series: Series, municipality: str, schemas,
         kpis: list[str] | None = None) -> Plan:
    """New text for the indicators of every KPI with values (or of ``kpis``); each edit is checked before it is kept."""
    available = {kpi for kpi, places in series.items() if places.get(municipality)}
    if not available:
        others = sorted({m for places in series.values() for m in places})
        found = f"; värdena gäller {', '.join(others)}" if others else ""
        raise KoladaError(f"det finns inga värden för kommun {municipality}{found}")
    linked = linked_indicators(files, kpis)
    result = Plan()
    for kpi in kpis if kpis is not None else sorted(available):
        if kpi not in available:
            raise KoladaError(f"det finns inga värden för {kpi} i kommun {municipality}")
        if kpi not in linked:
            result.report.append(f"{kpi}: ingen indikator har detta Kolada-id; värdena hoppades över.")
            continue
        for source in linked[kpi]:
            _plan_indicator(result, source, content, series[kpi][municipality], schemas)
    if not result.files:
        result.report.append("Alla värden var redan aktuella; inga indikatorfiler ändrades.")
    return result


def _plan_indicator(result: Plan, source: SourceFile, content: Path, periods: dict, schemas) -> None:
    parts = ("total", "women", "men") if source.data.get("gender_split") else ("total",)
    wanted = {year: {p: v for p, v in values.items() if p in parts} for year, values in periods.items()}
    current = {entry["period"]: entry for entry in source.data.get("values", [])}
    updates = {year: values for year, values in wanted.items()
               if values and any(current.get(year, {}).get(p) != v for p, v in values.items())}
    if not updates:
        return
    raw = _in_file_style(set_values(source.text, updates), (content.parent / source.path).read_bytes())
    _check_edit(source, raw, updates, schemas)
    result.files[content.parent / source.path] = raw
    added = [year for year in sorted(updates, key=period_order) if year not in current]
    changed = [year for year in sorted(updates, key=period_order) if year in current]
    words = ([f"nya värden för {', '.join(added)}"] if added else []) + ([f"ändrade värden för {', '.join(changed)}"] if changed else [])
    result.report.append(f"{source.path}: {' och '.join(words)}.")


def _in_file_style(text: str, original: bytes) -> bytes:
    """The edited text (read with "\\n" line ends and no byte-order mark) as bytes in the
    original file's style: its byte-order mark and its line ends kept."""
    bom = codecs.BOM_UTF8 if original.startswith(codecs.BOM_UTF8) else b""
    if b"\r\n" in original:
        text = text.replace("\n", "\r\n")
    return bom + text.encode("utf-8")


def _check_edit(source: SourceFile, raw: bytes, updates: dict, schemas) -> None:
    """The edited file must hold exactly the old data with the new values, and still be valid."""
    expected = dict(source.data, values=merge_values(source.data.get("values", []), updates))
    try:
        edited = load_bytes(raw, source.path)
        faithful = edited.data == expected and not schemas.errors(edited.data)
    except ContentError:
        faithful = False
    if not faithful:
        raise KoladaError(f"{source.path}: värdena kunde inte skrivas in utan att ändra något annat i filen; "
                          "skriv in dem för hand")


def stored_files(content: Path, records: dict[str, dict]) -> dict[Path, bytes]:
    """The raw answers as content/kolada/KPI.json, each with its requests and retrieval date."""
    return {content / RAW_DIRECTORY / f"{kpi}.json": (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
            for kpi, record in records.items()}


def write_all(files: dict[Path, bytes]) -> None:
    """Every file written beside its target first, then all renamed into place."""
    staged: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temporary.write_bytes(data)
            staged[temporary] = target
        for temporary, target in staged.items():
            os.replace(temporary, target)
    except OSError as error:
        raise KoladaError(f"kan inte skriva {error.filename or 'filerna'}: {reason(error)}", EXIT_ENVIRONMENT) from None
    finally:
        for temporary in staged:
            temporary.unlink(missing_ok=True)


# Validation: a year a document shows, without a value

def missing_years(sources: list[SourceFile]) -> list[Diagnostic]:
    """Warnings for indicators fed from Kolada that lack a value for a year a document shows.

    A document shows the indicators under every goal a ``goals`` block names, and under
    their subgoals, and those a ``charts`` block lists; in the years of its
    ``indicator_years``, or else every year any indicator of that table has a value for.
    A period marked ``status: saknas`` is known to be missing and is not warned about.
    Only when the organisation names its Kolada municipality: without it nothing can be fetched.
    The warning stands at the indicator's ``values`` (where the value goes), else at ``kolada``.
    """
    kinds = defaultdict(list)
    for source in sources:
        kinds[source.data["type"]].append(source)
    if not any("kolada_municipality" in s.data for s in kinds["organisation"]):
        return []
    by_id = {s.data["id"]: s for s in kinds["indicator"]}
    tables = defaultdict(list)  # goal id -> its indicators
    for indicator in kinds["indicator"]:
        for goal in indicator.data["parents"]:
            tables[goal].append(indicator)
    subgoals = defaultdict(list)
    for goal in kinds["goal"]:
        for parent in goal.data.get("parents") or []:
            subgoals[parent].append(goal.data["id"])
    gaps: dict[str, tuple[SourceFile, dict[int, list[str]]]] = {}  # path -> (indicator, year -> document ids)
    for document in kinds["document"]:
        shown = [tables[goal] for block in document.data["contents"] for goal in _with_subgoals(block.get("goals", []), subgoals)]
        shown += [[by_id[i] for i in block["charts"]["indicators"] if i in by_id]
                  for block in document.data["contents"] if isinstance(block.get("charts"), dict)]
        for table in shown:
            years = document.data.get("indicator_years") or {y for s in table for y in _years_with_values(s)}
            for source in (s for s in table if "kolada" in s.data):
                for year in set(years) - _years_with_values(source) - _years_known_missing(source):
                    gaps.setdefault(source.path, (source, defaultdict(list)))[1][year].append(document.data["id"])
    return [_gap_warning(source, years) for source, years in gaps.values()]


def _with_subgoals(goals: list[str], subgoals: dict[str, list[str]]) -> list[str]:
    found, queue = [], list(goals)
    while queue:
        goal = queue.pop(0)
        if goal not in found:
            found.append(goal)
            queue += subgoals.get(goal, [])
    return found


def _years_with_values(source: SourceFile) -> set[int]:
    return {int(entry["period"][:4]) for entry in source.data.get("values", []) if "total" in entry}


def _years_known_missing(source: SourceFile) -> set[int]:
    return {int(entry["period"][:4]) for entry in source.data.get("values", []) if entry.get("status") == "saknas"}


def _gap_warning(source: SourceFile, years: dict[int, list[str]]) -> Diagnostic:
    documents = sorted({d for ids in years.values() for d in ids})
    shown = f"dokumentet \"{documents[0]}\"" if len(documents) == 1 else "dokumenten " + _join([f"\"{d}\"" for d in documents])
    year_list = _join([str(y) for y in sorted(years)])
    line, col = locate(source, ("values",) if "values" in source.data else ("kolada",), key=True)
    message = (f"indikatorn får sina värden från Kolada ({source.data['kolada']['kpi']}) men saknar värde för {year_list}, "
               f"som {shown} visar; hämta värdena med python build.py kolada hämta, eller skriv status: saknas för året")
    return Diagnostic(source.path, line, col, message, "warning")


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} och {words[-1]}"
