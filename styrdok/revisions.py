"""The revision table of a plan: what became of each measure since an earlier version.

Like the appendix "Revideringar av åtgärder", for every measure the plan held at the
earlier version: its old number and wording, and the kind of revision. The kind is
derived, never typed: matched by stable id, a changed text is ``reworded``, a measure
gone from the plan is ``dropped``, a measure whose latest follow-up is done is
``done``, one with ``merged_into`` (or replaced by a measure listing it in
``replaces``) is ``merged``, and an untouched one is ``kept``. The measure's
``reason`` becomes the comment. Templates hold the Swedish labels of the kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Content, Item, natural_key
from .render import Renderer, collapse


@dataclass(frozen=True)
class Revision:
    number: int | str  # the measure's number in the earlier version
    text: str  # its wording then
    kind: str  # reworded | dropped | done | merged | kept
    comment: str = ""
    target: int | str | None = None  # merged: the number of the measure it went into


@dataclass
class RevisionTable:
    since: str  # the earlier version (a git ref)
    date: str = ""  # when that version was committed (YYYY-MM-DD)
    revisions: list[Revision] = field(default_factory=list)
    additions: list[tuple[int | str, Item]] = field(default_factory=list)  # new measures, by new number


def revision_table(old: Content, new: Content, document_id: str, since: str, templates: Path,
                   date: str = "") -> RevisionTable:
    """Compare the measures of one document between an earlier and the current model."""
    old_numbers = Renderer(old, templates).measure_numbers(old.items[document_id])
    new_numbers = Renderer(new, templates).measure_numbers(new.items[document_id])
    successors = {replaced: m for m in new.of_type("measure") for replaced in m.replaces}
    table = RevisionTable(since, date)
    for measure_id, number in sorted(old_numbers.items(), key=_by_number):
        before = old.items[measure_id]
        table.revisions.append(_revision(number, before, new, new_numbers, successors.get(measure_id)))
    taken = {s.id for s in successors.values()}
    table.additions = sorted(((n, new.items[i]) for i, n in new_numbers.items() if i not in old_numbers and i not in taken),
                             key=lambda pair: natural_key(str(pair[0])))
    return table


def _by_number(pair: tuple) -> tuple:
    return natural_key(str(pair[1]))


def _revision(number: int | str, before: Item, new: Content, numbers: dict, successor: Item | None) -> Revision:
    after = new.items.get(before.id)
    text = collapse(before.text)
    if after is None:
        if successor is None:
            return Revision(number, text, "dropped")
        if len(successor.replaces) == 1:  # one new measure in its place: a new wording
            return Revision(number, text, "reworded", collapse(successor.reason or successor.text))
        return _merged(number, text, successor, numbers, successor.reason)
    if after.merged_into:
        return _merged(number, text, after.merged_into, numbers, after.reason)
    done = _latest_done(new, after)
    if done is not None:
        return Revision(number, text, "done", collapse(done.comment or after.reason or ""))
    if after.id not in numbers:
        return Revision(number, text, "dropped", collapse(after.reason or ""))
    if collapse(after.text) != text:
        return Revision(number, text, "reworded", collapse(after.reason or after.text))
    return Revision(number, text, "kept", collapse(after.reason or ""))


def _merged(number: int | str, text: str, target: Item, numbers: dict, reason: str | None) -> Revision:
    return Revision(number, text, "merged", collapse(reason or target.text), numbers.get(target.id))


def _latest_done(content: Content, measure: Item):
    """The measure's latest follow-up, if its status says the work is done."""
    periods = sorted(p for p, follow_ups in content.follow_ups.items() if measure.id in follow_ups)
    if not periods:
        return None
    latest = content.follow_ups[periods[-1]][measure.id]
    return latest if latest.status and latest.status.done else None
