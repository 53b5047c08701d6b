"""Charts of indicators, drawn from their values at build time.

Render describes each chart as data (``Chart``: its points, target, comparison and a
Swedish alternative text made from the same numbers) and writes a Markdown image with
a relative path that styrdok chooses. Export draws the charts with matplotlib into the
build directory just before pandoc and typst read them (``write``): SVG for PDF and
HTML, PNG at print resolution for DOCX (Word shows no SVG without a PNG fallback, which
pandoc cannot make). Two builds give the same bytes: SVG ids come from a fixed salt,
and no file carries a date or a program version.

Legible in grey print and for colour-blind readers: every series has its own marker
and line style or hatch, never colour alone, and the branding's accent colour is dark.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .markup import escape
from .outputdir import sha256_of
from .project import Branding

PNG_DPI = 300  # print resolution for DOCX
SIZE = (6.3, 3.0)  # inches: the text width of an A4 page, a little less than half its height
KINDS = {"line": "", "gender": ", kvinnor och män", "monthly": ", per månad"}  # kind -> caption ending


@dataclass(frozen=True)
class Series:
    """One named row of values, a value per period label (None: no value)."""

    label: str
    values: tuple[float | None, ...]
    style: int = 0  # which marker, line style and hatch: 0 the main series


@dataclass(frozen=True)
class Chart:
    """One chart as data: what is drawn, and the text that describes it."""

    path: str  # relative to the build directory, without suffix
    kind: str  # "line" or "gender" (bars)
    periods: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    alt: str
    target: float | None = None
    target_label: str = ""  # a direction, written in the chart's corner

    def file(self, fmt: str) -> str:
        """The file pandoc reads for an output format: PNG for DOCX, SVG otherwise."""
        return f"{self.path}.{'png' if fmt == 'docx' else 'svg'}"

    def image(self, fmt: str) -> str:
        """The Markdown image of the chart, with its description, for an output format."""
        return f"![{escape(self.alt)}]({self.file(fmt)})"


def with_unit(number: str, unit: str) -> str:
    """"1,53 procent", or the bare number for a count."""
    return number if unit in ("", "antal") else f"{number} {unit}"


def _change(first: float, last: float) -> str:
    return "ökade" if last > first else "minskade" if last < first else "var oförändrat"


def of_indicator(indicator, kind: str, path: str, name: str, format) -> Chart | None:
    """The chart of one kind for an indicator, or None when it has no values for it.
    ``format`` writes numbers and months (``styrdok.render.Renderer``)."""
    unit = indicator.unit or ""
    number = functools.partial(format.number, decimals=indicator.decimals)
    if kind == "monthly":
        return _monthly(indicator, path, name, unit, number, format)
    years = sorted({v.year for v in indicator.series})
    yearly = [indicator.value_for(year) for year in years]
    parts = ("total",) if kind == "line" else ("women", "men")
    if not yearly or not all(any(getattr(v, part) is not None for v in yearly) for part in parts):
        return None
    if kind == "line" and sum(v.total is not None for v in yearly) < 2:
        return None  # one point is no line
    periods = [str(v.year) if v.month is None else f"{format.month_short(v.month)} {v.year}" for v in yearly]
    spoken = [f"år {v.year}" if v.month is None else f"i {format.month_name(v.month)} {v.year}" for v in yearly]
    if kind == "gender":
        return gender_chart(path, name, periods, spoken, [v.women for v in yearly], [v.men for v in yearly],
                            unit=unit, number=number)
    comparisons = []
    for comparison in indicator.comparison_series:
        values = [getattr(comparison.value_for(year), "total", None) for year in years]
        comparisons.append((comparison.label, values))
    year_targets = [indicator.year_targets.get(year) for year in years]
    if any(isinstance(t, (int, float)) for t in year_targets):
        comparisons.insert(0, ("Mål", [t if isinstance(t, (int, float)) else None for t in year_targets]))
    return line_chart(path, name, periods, spoken, [v.total for v in yearly], unit=unit, number=number,
                      direction=indicator.direction.label if indicator.direction else "",
                      target=indicator.target_value, comparisons=comparisons)


def _monthly(indicator, path: str, name: str, unit: str, number: Callable, format) -> Chart | None:
    """A line per year for the last two years with monthly values, January to December."""
    if not indicator.monthly:
        return None
    months = [v for v in indicator.series if v.month is not None and v.total is not None]
    years = sorted({v.year for v in months})[-2:]
    series, told = [], []
    for style, year in enumerate(years):
        values = {v.month: v.total for v in months if v.year == year}
        series.append(Series(str(year), tuple(values.get(month) for month in range(1, 13)), style))
        first, last = min(values), max(values)
        told.append(f"År {year} gick värdet från {with_unit(number(values[first]), unit)} i "
                    f"{format.month_name(first)} till {with_unit(number(values[last]), unit)} i "
                    f"{format.month_name(last)}.")
    alt = f"{name}, per månad {' och '.join(map(str, years))}. {' '.join(told)}"
    return Chart(path, "line", tuple(format.month_short(m) for m in range(1, 13)), tuple(series), unit, alt)


def line_chart(path: str, name: str, periods: list[str], spoken: list[str], values: list[float | None], *, unit: str,
               number: Callable, direction: str = "", target: float | None = None,
               comparisons: list[tuple[str, list[float | None]]] = ()) -> Chart:
    """A line of an indicator's totals, with its target and a line per comparison series
    (a label and a value per period; a target per year comes as the series "Mål").
    ``periods`` label the axis ("okt 2024"), ``spoken`` the same periods in the text ("i oktober 2024")."""
    shown = [(p, v) for p, v in zip(spoken, values) if v is not None]
    (first_period, first), (last_period, last) = shown[0], shown[-1]
    alt = [f"{name}. Värdet {_change(first, last)} från {with_unit(number(first), unit)} {first_period} "
           f"till {with_unit(number(last), unit)} {last_period}."]
    if direction:
        alt.append(f"Målet är att värdet ska {direction.lower()}.")
    elif target is not None:
        alt.append(f"Målet är {with_unit(number(target), unit)}.")
    lines = [Series("Utfall", tuple(values))]
    for label, series in comparisons:
        known = [(p, v) for p, v in zip(spoken, series) if v is not None]
        if not known:
            continue
        period, value = known[-1]
        shown = with_unit(number(value), unit)
        alt.append(f"Målet är {shown} {period}." if label == "Mål" else f"{label} hade {shown} {period}.")
        lines.append(Series(label, tuple(series), min(len(lines), len(MARKERS) - 1)))
    return Chart(path, "line", tuple(periods), tuple(lines), unit, " ".join(alt),
                 target=target, target_label=f"Mål: {direction.lower()}" if direction else "")


def gender_chart(path: str, name: str, periods: list[str], spoken: list[str], women: list[float | None],
                 men: list[float | None], *, unit: str, number: Callable) -> Chart:
    """Bars for women and men per period."""
    parts = []
    for period, w, m in zip(spoken, women, men):
        if w is not None and m is not None:
            parts.append(f"{period} {with_unit(number(w), unit)} för kvinnor och {with_unit(number(m), unit)} för män")
    told = "; ".join(parts)
    alt = f"{name}, kvinnor och män. {told[:1].upper()}{told[1:]}."
    return Chart(path, "gender", tuple(periods),
                 (Series("Kvinnor", tuple(women), 0), Series("Män", tuple(men), 1)), unit, alt)


def write(charts: list[Chart], directory: Path, formats: set[str], branding: Branding, cache=None) -> list[Path]:
    """Draw every chart into ``directory`` in the file types these output formats read;
    return the files written. A file the ``cache`` (``styrdok.cache.ExportCache``) holds
    for the same chart is taken from it; a chart is drawn only for the files it lacks."""
    suffixes = sorted({Path(chart.file(fmt)).suffix for fmt in formats for chart in charts})
    written = []
    for chart in charts:
        figure = None
        for suffix in suffixes:
            path = directory / f"{chart.path}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.unlink(missing_ok=True)  # never write through a link to a cache entry
            key = cache and cache.chart_key(chart, suffix, branding)
            if not cache or cache.fetch(key, suffix[1:], path) is None:
                figure = figure or _draw(chart, branding)
                _save(figure, path)
                if cache:
                    cache.store(key, suffix[1:], path, sha256_of(path))
            written.append(path)
    return written


def remove(files: list[Path]) -> None:
    """Remove drawn charts and the directories that held only them."""
    for path in files:
        path.unlink(missing_ok=True)
    for directory in sorted({path.parent for path in files}, reverse=True):
        try:
            directory.rmdir()
        except OSError:
            pass  # not empty: something else lives there


@functools.cache
def _figure():
    """matplotlib's Figure, loaded only when a document has charts. Not pyplot: its list of
    open figures is global state that threads exporting at once would share, and it takes
    twice as long to load."""
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({
        "svg.hashsalt": "styrdok", "svg.fonttype": "path", "font.family": "DejaVu Sans", "font.size": 9,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "axes.grid.axis": "y",
        "grid.color": "#d0d0d0", "grid.linewidth": 0.6, "legend.frameon": False,
    })
    return Figure


MARKERS = ("o", "s", "^", "D")
LINES = ("-", "--", "-.", ":")
HATCHES = ("", "///", "..", "xx")


def _draw(chart: Chart, branding: Branding):
    figure = _figure()(figsize=SIZE)
    axes = figure.subplots()
    colours = (branding.accent, "#c46a00", "#6b6b6b", "#2a9d8f")  # dark accent, orange, grey: apart in grey too
    positions = list(range(len(chart.periods)))
    if chart.kind == "line":
        for series in chart.series:
            points = [(x, v) for x, v in zip(positions, series.values) if v is not None]
            axes.plot([x for x, _ in points], [v for _, v in points], color=colours[series.style],
                      linestyle=LINES[series.style], marker=MARKERS[series.style], linewidth=2, markersize=6,
                      label=series.label)
        if chart.target is not None:
            axes.axhline(chart.target, color=colours[1], linestyle="--", linewidth=1.5, label="Mål")
        if chart.target_label:
            axes.text(1, 1.02, chart.target_label, transform=axes.transAxes, ha="right", va="bottom")
    else:
        width = 0.8 / len(chart.series)
        for index, series in enumerate(chart.series):
            offset = (index - (len(chart.series) - 1) / 2) * width
            values = [v if v is not None else 0 for v in series.values]
            axes.bar([x + offset for x in positions], values, width, label=series.label,
                     color=colours[series.style] if series.style == 0 else branding.table_header,
                     edgecolor=colours[0], hatch=HATCHES[series.style], linewidth=0.8)
    axes.set_xticks(positions, chart.periods)
    axes.set_axisbelow(True)
    low, high = axes.get_ylim()
    axes.set_ylim(min(0, low), high * 1.1)  # from zero, with room above the highest line
    axes.margins(x=0.08)
    axes.set_ylabel("" if chart.unit == "antal" else chart.unit)
    axes.yaxis.set_major_formatter(_swedish_ticks())
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, fontsize=8)
    figure.tight_layout()
    return figure


def _swedish_ticks():
    """Axis numbers as the tables write them: decimal comma, no-break space, real minus."""
    from matplotlib.ticker import FuncFormatter
    from babel.numbers import format_decimal

    return FuncFormatter(lambda value, _pos: format_decimal(round(value, 6), locale="sv_SE").replace("-", "\u2212"))


def _save(figure, path: Path) -> None:
    if path.suffix == ".svg":
        figure.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    else:
        figure.savefig(path, format="png", dpi=PNG_DPI, metadata={"Software": None})
