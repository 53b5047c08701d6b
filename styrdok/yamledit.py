"""Targeted edits of an indicator file's ``values``: every other byte stays as it was.

An import must show up in a pull request as exactly the new figures. Re-dumping
the YAML would lose comments, quoting and layout, so this module composes the
text once for positions, and splices new text in at those positions: a changed
number replaces only its own characters, a new key goes at the end of its
entry, and a new period becomes a new entry (a new line in a block list) in the
style of its neighbours. Periods keep chronological order, a full year after
the months of that year.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

PARTS = ("total", "women", "men")


@dataclass
class _Edit:
    start: int
    end: int
    text: str


def period_order(period: str) -> tuple[int, int]:
    """Sort key: a year's months first, then the whole year."""
    return int(period[:4]), int(period[5:7]) if len(period) > 4 else 13


def number(value: float) -> str:
    """A number as YAML text: integers without decimals, others in their shortest exact form."""
    if float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    return f"{value:.12f}".rstrip("0") if "e" in text else text


def merge_values(values: list[dict], updates: dict[str, dict[str, float]]) -> list[dict]:
    """The values list as data after ``updates`` (period -> part -> number): what the edited text must say."""
    merged = [dict(entry) for entry in values]
    for period in sorted(updates, key=period_order):
        entry = next((e for e in merged if e.get("period") == period), None)
        if entry is None:
            position = next((i for i, e in enumerate(merged) if period_order(e["period"]) > period_order(period)), len(merged))
            merged.insert(position, entry := {"period": period})
        entry.update(updates[period])
    return merged


def set_values(text: str, updates: dict[str, dict[str, float]]) -> str:
    """``text`` with each period's parts set; numbers already equal are left untouched."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    newline = "\r\n" if "\r\n" in text else "\n"
    sequence = _value_of(root, "values")
    if sequence is None:
        return _append_values_key(text, root, updates, newline)
    if not isinstance(sequence, yaml.SequenceNode):
        raise ValueError("values is not a list")
    edits, new = [], {}
    entries = {}
    for entry in sequence.value:
        entries.setdefault(_period_of(entry), entry)
    for period, parts in updates.items():
        if period in entries:
            edits += _update_entry(text, entries[period], parts, newline)
        else:
            new[period] = parts
    edits += _insert_entries(text, sequence, new, newline)
    return _apply(text, edits)


def _value_of(mapping, key: str):
    for key_node, value_node in mapping.value:
        if key_node.value == key:
            return value_node
    return None


def _period_of(entry) -> str:
    return _value_of(entry, "period").value


def _update_entry(text: str, entry, parts: dict[str, float], newline: str) -> list[_Edit]:
    edits, missing = [], {}
    for part, value in parts.items():
        node = _value_of(entry, part)
        if node is None:
            missing[part] = value
        elif _as_number(node.value) != value:
            edits.append(_Edit(node.start_mark.index, node.end_mark.index, number(value)))
    if missing:
        edits.append(_add_keys(text, entry, missing, newline))
    return edits


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _add_keys(text: str, entry, parts: dict[str, float], newline: str) -> _Edit:
    """New keys at the end of an entry: inside ``{...}``, or as lines of a block mapping."""
    last = entry.value[-1][1]
    if entry.flow_style:
        position = last.end_mark.index
        return _Edit(position, position, "".join(f", {part}: {number(value)}" for part, value in parts.items()))
    position = _line_end(text, last.end_mark.index)
    indent = " " * entry.start_mark.column
    return _Edit(position, position, "".join(f"{indent}{part}: {number(value)}{newline}" for part, value in parts.items()))


def _insert_entries(text: str, sequence, new: dict[str, dict[str, float]], newline: str) -> list[_Edit]:
    """New entries, each before the first entry that comes later, else after the last one."""
    by_anchor: dict[int, list[str]] = {}
    for period in sorted(new, key=period_order):
        later = next((e for e in sequence.value if period_order(_period_of(e)) > period_order(period)), None)
        by_anchor.setdefault(id(later), []).append(period)
    anchors = {id(e): e for e in sequence.value} | {id(None): None}
    return [_insert_group(text, sequence, anchors[key], {p: new[p] for p in periods}, newline)
            for key, periods in by_anchor.items()]


def _insert_group(text: str, sequence, before, new: dict[str, dict[str, float]], newline: str) -> _Edit:
    model = before or (sequence.value[-1] if sequence.value else None)
    quote = _quote_of(model)
    if sequence.flow_style:
        rendered = ", ".join(_flow_entry(period, parts, quote, _padded(text, model)) for period, parts in new.items())
        if before is not None:
            return _Edit(before.start_mark.index, before.start_mark.index, rendered + ", ")
        if sequence.value:
            end = sequence.value[-1].end_mark.index
            return _Edit(end, end, ", " + rendered)
        inside = sequence.start_mark.index + 1
        return _Edit(inside, inside, rendered)
    dash = " " * sequence.start_mark.column
    gap = " " * (model.start_mark.column - sequence.start_mark.column - 1)
    lines = "".join(_block_entry(period, parts, quote, model, dash, gap, text, newline) for period, parts in new.items())
    if before is not None:
        position = _line_start(text, before.start_mark.index)
    else:
        position = _line_end(text, _entry_end(model))
        lines = ("" if text.endswith("\n") or position < len(text) else newline) + lines
    return _Edit(position, position, lines)


def _block_entry(period: str, parts: dict, quote: str, model, dash: str, gap: str, text: str, newline: str) -> str:
    if model.flow_style:
        return f"{dash}-{gap}{_flow_entry(period, parts, quote, _padded(text, model))}{newline}"
    indent = " " * model.start_mark.column
    lines = [f"{dash}-{gap}period: {quote}{period}{quote}"] + [f"{indent}{part}: {number(parts[part])}" for part in _ordered(parts)]
    return newline.join(lines) + newline


def _flow_entry(period: str, parts: dict, quote: str, padded: bool) -> str:
    items = [f"period: {quote}{period}{quote}"] + [f"{part}: {number(parts[part])}" for part in _ordered(parts)]
    space = " " if padded else ""
    return "{" + space + ", ".join(items) + space + "}"


def _ordered(parts: dict) -> list[str]:
    return [part for part in PARTS if part in parts] + [part for part in parts if part not in PARTS]


def _quote_of(entry) -> str:
    period = _value_of(entry, "period") if entry is not None else None
    return "'" if period is not None and period.style == "'" else '"'


def _padded(text: str, entry) -> bool:
    """Whether a neighbouring ``{ ... }`` has spaces inside its braces."""
    return entry is not None and entry.flow_style and text[entry.start_mark.index + 1:entry.start_mark.index + 2] == " "


def _entry_end(entry) -> int:
    """Where an entry's own text ends (a block mapping's end mark lies past trailing comments)."""
    return entry.end_mark.index if entry.flow_style else entry.value[-1][1].end_mark.index


def _append_values_key(text: str, root, updates: dict, newline: str) -> str:
    """A file without values gets a ``values:`` block list at its end, indented like its other lists."""
    lists = [v for _, v in root.value if isinstance(v, yaml.SequenceNode) and not v.flow_style]
    dash = " " * (lists[0].start_mark.column if lists else 2)
    entries = [_flow_entry(period, updates[period], '"', False) for period in sorted(updates, key=period_order)]
    lines = "".join(f"{dash}- {entry}{newline}" for entry in entries)
    if text and not text.endswith("\n"):
        text += newline
    return f"{text}values:{newline}{lines}"


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """The index just past the newline that ends the line holding ``index`` (or the end of the text)."""
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def _apply(text: str, edits: list[_Edit]) -> str:
    """Splice edits in from the end; of two at one position, the earlier listed comes first."""
    for _, edit in sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[0]), reverse=True):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


def set_field(text: str, path: tuple[str, ...], value: str, after: tuple[str, ...] = ()) -> str:
    """``text`` with the mapping entry at ``path`` (keys from the top) set to the YAML text
    ``value``. An existing value's own characters are replaced; a new key goes after the
    last key of ``after`` that is present (else after the mapping's last key), in the
    mapping's style: ``, key: value`` inside braces, or a line at the mapping's indentation."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    newline = "\r\n" if "\r\n" in text else "\n"
    mapping = root
    for key in path[:-1]:
        mapping = _value_of(mapping, key)
        if not isinstance(mapping, yaml.MappingNode):
            raise ValueError(f"{key} is not a mapping")
    node = _value_of(mapping, path[-1])
    if node is not None:
        ends_line = node.end_mark.column == 0 and node.end_mark.index > node.start_mark.index
        return _apply(text, [_Edit(node.start_mark.index, node.end_mark.index, value + (newline if ends_line else ""))])
    present = [_value_of(mapping, key) for key in after]
    anchor = next((node for node in reversed(present) if node is not None), mapping.value[-1][1])
    if mapping.flow_style:
        return _apply(text, [_Edit(anchor.end_mark.index, anchor.end_mark.index, f", {path[-1]}: {value}")])
    end = anchor.end_mark
    position = end.index if end.column == 0 else _line_end(text, end.index)  # block values end on the next line
    line = f"{' ' * mapping.start_mark.column}{path[-1]}: {value}{newline}"
    if position == len(text) and text and not text.endswith("\n"):
        line = newline + line
    return _apply(text, [_Edit(position, position, line)])
