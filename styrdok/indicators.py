"""The indicator data model: values per period, targets per year, comparison series, development.

An indicator file holds values per period, a year ("2024") or a year and month for
a partial year ("2025-08"), each with a total, Kvinnor and Män and an optional
status (``saknas``, ``preliminärt``). Its target is a direction or a number, and may
be given per year. Comparison series (riket, liknande kommuner, a named
municipality) have their own source. ``styrdok.model.Indicator`` reads a file into
these types; rendering formats them.
"""

from __future__ import annotations

from dataclasses import dataclass

PARTS = ("total", "women", "men")
STEADY = 0.01  # a change within 1 percent of the earlier value counts as unchanged
ARROWS = {"up": "↗", "steady": "→", "down": "↘"}
MOVES = {"up": "ökar", "steady": "oförändrat", "down": "minskar"}
WANTED = {"oka": "up", "minska": "down", "behall": "steady"}  # target direction id -> desired move


@dataclass(frozen=True)
class IndicatorValue:
    period: str
    total: float | None = None
    women: float | None = None
    men: float | None = None
    status: str | None = None  # "saknas" or "preliminärt"

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def month(self) -> int | None:
        return int(self.period[5:7]) if len(self.period) > 4 else None

    @property
    def preliminary(self) -> bool:
        return self.status == "preliminärt"

    @classmethod
    def of(cls, entry: dict) -> IndicatorValue:
        return cls(entry["period"], *(entry.get(part) for part in PARTS), entry.get("status"))


@dataclass(frozen=True)
class Comparison:
    """A series to compare with: its label ("Riket"), its source and its values."""

    label: str
    source: str
    values: tuple[IndicatorValue, ...]

    def value_for(self, year: int) -> IndicatorValue | None:
        return latest_within(self.values, year)

    @property
    def latest(self) -> IndicatorValue:
        return max(self.values, key=lambda v: period_key(v.period))

    @classmethod
    def of(cls, entry: dict) -> Comparison:
        return cls(entry["label"], entry["source"], tuple(IndicatorValue.of(v) for v in entry["values"]))


@dataclass(frozen=True)
class Development:
    """Which way the latest value moved, and whether that is the way the target wants."""

    move: str  # "up", "steady" or "down"
    wanted: bool | None  # None: the indicator has no direction

    @property
    def arrow(self) -> str:
        return ARROWS[self.move]

    @property
    def text(self) -> str:
        """The arrow's text alternative: "ökar, i önskad riktning"."""
        if self.wanted is None:
            return MOVES[self.move]
        return f"{MOVES[self.move]}, {'i' if self.wanted else 'inte i'} önskad riktning"


def period_key(period: str) -> tuple[int, int]:
    """Periods in time order; a full year after its months."""
    return int(period[:4]), int(period[5:7]) if len(period) > 4 else 13


def latest_within(values, year: int) -> IndicatorValue | None:
    """The latest value within a year (a full year beats a partial period)."""
    within = [v for v in values if v.year == year]
    return max(within, key=lambda v: period_key(v.period)) if within else None


def compared(values: list[IndicatorValue], part: str = "total") -> tuple[IndicatorValue, IndicatorValue] | None:
    """The latest value of a part and the one it is compared with: the same month a year
    before for a partial year, else the full year before; None without such a pair."""
    known = sorted((v for v in values if getattr(v, part) is not None and v.status != "saknas"),
                   key=lambda v: period_key(v.period))
    if not known:
        return None
    latest = known[-1]
    earlier = next((v for v in known if v.year == latest.year - 1 and v.month == latest.month), None)
    if earlier is None:
        full = [v for v in known if v.month is None]
        if len(full) < 2:
            return None
        earlier, latest = full[-2], full[-1]
    return earlier, latest


def development(values: list[IndicatorValue], direction: str | None) -> Development | None:
    """The move of the total from the value it is compared with (``compared``), judged
    against a target direction id; None without two such values."""
    pair = compared(values)
    if pair is None:
        return None
    earlier, latest = pair
    change = latest.total - earlier.total
    move = "steady" if abs(change) <= STEADY * abs(earlier.total) else "up" if change > 0 else "down"
    wanted = WANTED.get(direction or "")
    return Development(move, None if wanted is None else move == wanted)


def shown(value: IndicatorValue | None, part: str, decimals: int | None, number, month_short) -> str:
    """A value as the reports show it: "5 787 (okt)", "14,1 (prel.)", "saknas" (``number``
    and ``month_short`` write numbers and months, ``styrdok.render.Renderer``). A no-break
    space holds the note to its number, so a table column never wraps "(okt)" alone."""
    figure = None if value is None else getattr(value, part)
    if figure is None:
        return "saknas" if value is not None and value.status == "saknas" else ""
    notes = [month_short(value.month)] if value.month else []
    notes += ["prel."] if value.preliminary else []
    return number(figure, decimals) + (f"\u00a0({', '.join(notes)})" if notes else "")


def years_with_values(indicators, years) -> list[int]:
    """The years of a table that some indicator has a value for (a column empty
    throughout is left out)."""
    return [year for year in years if any(i.value_for(year) is not None for i in indicators)]


def split_given(indicator, years) -> bool:
    """Whether an indicator's Kvinnor and Män rows would show a value in these years."""
    values = [indicator.value_for(year) for year in years] if indicator.gender_split else []
    return any(v is not None and (v.women is not None or v.men is not None) for v in values)
