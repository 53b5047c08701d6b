"""What a chart's description must say, worked out from the indicator files, and the
descriptions (/Alt) of every figure in a tagged PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import yaml
from babel.numbers import format_decimal


def swedish(value: float, decimals: int | None = None) -> str:
    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="sv_SE").replace("-", "\u2212")


def names(text: str, value: str) -> bool:
    """The text names this number as a whole ("1,3" is not found in "1,36")."""
    return re.search(rf"(?<![\d,]){re.escape(value)}(?![\d,])", text) is not None


def figure_alts(pdf: pikepdf.Pdf) -> list[str]:
    """The /Alt of every /Figure in the structure tree, in document order."""
    alts, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                stack.append(node.K)
    return alts


def indicators(directory: Path) -> dict[str, dict]:
    """Every indicator file under a content directory, by its name."""
    found = {}
    for path in directory.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("type") == "indicator":
            found[" ".join(data["name"].split())] = data
    return found


def chart_of(alt: str, known: dict[str, dict]) -> tuple[dict, str] | None:
    """The indicator a chart description is about and the chart's kind, or None."""
    for name in sorted(known, key=len, reverse=True):
        if alt.startswith(name):
            rest = alt[len(name):]
            kind = "gender" if rest.startswith(", kvinnor och män.") else "monthly" if rest.startswith(", per månad") else "line"
            return known[name], kind
    return None


def first_and_last(indicator: dict, kind: str) -> list[str]:
    """The numbers a chart's description must name: the first and last value of its series
    (per year the full year, else its latest month; the monthly chart: per year shown)."""
    say = lambda value: swedish(value, indicator.get("decimals"))  # noqa: E731
    values = indicator.get("values") or []
    if kind == "monthly":
        months = [v for v in values if len(v["period"]) == 7 and v.get("total") is not None]
        ends = []
        for year in sorted({v["period"][:4] for v in months})[-2:]:
            within = sorted((v for v in months if v["period"][:4] == year), key=lambda v: v["period"])
            ends += [say(within[0]["total"]), say(within[-1]["total"])]
        return ends
    by_year: dict[str, dict] = {}
    for value in values:  # a full year beats a month, a later month an earlier
        year = value["period"][:4]
        if year not in by_year or len(by_year[year]["period"]) > 4 and (
                len(value["period"]) == 4 or value["period"] > by_year[year]["period"]):
            by_year[year] = value
    yearly = [by_year[year] for year in sorted(by_year)]
    if kind == "gender":
        split = [v for v in yearly if v.get("women") is not None and v.get("men") is not None]
        return [say(split[0][p]) for p in ("women", "men")] + [say(split[-1][p]) for p in ("women", "men")]
    totals = [v["total"] for v in yearly if v.get("total") is not None]
    return [say(totals[0]), say(totals[-1])]


def check_pdf_figures(pdf_path: Path, known: dict[str, dict]) -> int:
    """Assert every figure has a non-empty /Alt and every chart's names the first and last
    value of its series; return how many charts there were."""
    charts = 0
    for alt in figure_alts(pikepdf.open(pdf_path)):
        assert alt.strip(), f"{pdf_path.name}: a figure without /Alt"
        found = chart_of(alt, known)
        if found is None:
            continue
        charts += 1
        for value in first_and_last(*found):
            assert names(alt, value), (pdf_path.name, value, alt)
    return charts
