"""The revision table of a plan: what became of each measure since an earlier version.

Like the appendix "Revideringar av åtgärder", for every measure the plan held at the
earlier version: its old number (and its number in the business plan of that time),
its old wording, and the kind of revision. The kind is derived, never typed: matched by
stable id, a changed text is ``reworded``, a measure gone from the plan is ``dropped``,
a measure whose latest follow-up is done is ``done``, one with ``merged_into`` (or
replaced by a measure that replaces several) is ``merged``, and an untouched one is
``kept``. The measure's ``reason`` becomes the comment, the wording now ``new_text``, and
the measures it was merged with its ``partners``. Templates hold the Swedish labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Content, Item, natural_key
from .numbering import measure_numbers
from .render import collapse


@dataclass(frozen=True)
class Partner:
    """A measure another one was merged with: its number in the plan then (None when it was
    not in the plan), its number in the business plan then, and its wording then."""

    number: int | str | None
    business_number: int | str | None
    text: str


@dataclass(frozen=True)
class Revision:
    number: int | str  # the measure's number in the earlier version
    text: str  # its wording then
    kind: str  # reworded | dropped | done | merged | kept
    comment: str = ""
    new_text: str = ""  # reworded, merged: the wording now
    business_number: int | str | None = None  # its number in the business plan then
    partners: tuple[Partner, ...] = ()  # the other measures it was merged with

    @property
    def target(self) -> int | str | None:
        """The plan number of the first measure it was merged with, if that was in the plan."""
        return next((p.number for p in self.partners if p.number is not None), None)


@dataclass(frozen=True)
class Addition:
    """A measure new to the plan: its number there and in the business plan now."""

    number: int | str
    measure: Item
    business_number: int | str | None = None


@dataclass
class RevisionTable:
    since: str  # the earlier version (a git ref)
    date: str = ""  # when that version was committed (YYYY-MM-DD)
    revisions: list[Revision] = field(default_factory=list)
    additions: list[Addition] = field(default_factory=list)  # new measures, by new number
    business_plan: Item | None = None  # the business plan whose numbers are shown beside


def revision_table(old: Content, new: Content, document_id: str, since: str, date: str = "",
                   business_plan: str | None = None) -> RevisionTable:
    """Compare the measures of one document between an earlier and the current model; with
    ``business_plan``, also number them as that document did then (and does now)."""
    old_numbers, new_numbers = _numbers(old, document_id), _numbers(new, document_id)
    old_business, new_business = _numbers(old, business_plan), _numbers(new, business_plan)
    successors = {replaced: m for m in new.of_type("measure") for replaced in m.replaces if replaced != m.id}
    table = RevisionTable(since, date, business_plan=new.items.get(business_plan) if business_plan else None)
    lineage = _Lineage(old, new, old_numbers, new_numbers, old_business, successors)
    for measure_id, number in sorted(old_numbers.items(), key=_by_number):
        table.revisions.append(lineage.revision(number, old.items[measure_id]))
    taken = {s.id for s in successors.values()}
    additions = [Addition(n, new.items[i], new_business.get(i)) for i, n in new_numbers.items()
                 if i not in old_numbers and i not in taken]
    table.additions = sorted(additions, key=lambda a: natural_key(str(a.number if a.business_number is None else a.business_number)))
    return table


def _numbers(content: Content, document_id: str | None) -> dict:
    if not document_id or document_id not in content.items:
        return {}
    return measure_numbers(content, content.items[document_id])


def _by_number(pair: tuple) -> tuple:
    return natural_key(str(pair[1]))


@dataclass
class _Lineage:
    old: Content
    new: Content
    numbers: dict  # measure id -> number in the plan then
    new_numbers: dict  # measure id -> number in the plan now
    business: dict  # measure id -> number in the business plan then
    successors: dict  # old measure id -> the new measure that replaces it

    def revision(self, number: int | str, before: Item) -> Revision:
        after = self.new.items.get(before.id)
        text = collapse(before.text)
        base = dict(number=number, text=text, business_number=self.business.get(before.id))
        successor = self.successors.get(before.id)
        if after is None:
            if successor is None:
                return Revision(kind="dropped", **base)
            partners = self._partners(before, successor)
            kind = "merged" if partners else "reworded"  # alone in its place: a new wording
            return Revision(kind=kind, comment=collapse(successor.reason or ""), new_text=collapse(successor.text),
                            partners=partners, **base)
        if after.merged_into and after.merged_into.id != after.id:
            target = after.merged_into
            return Revision(kind="merged", comment=collapse(after.reason or ""), new_text=collapse(target.text),
                            partners=self._partners(before, target), **base)
        done = _latest_done(self.new, after)
        if done is not None:
            return Revision(kind="done", comment=collapse(done.comment or after.reason or ""), **base)
        if after.id not in self.new_numbers:
            return Revision(kind="dropped", comment=collapse(after.reason or ""), **base)
        partners = self._partners(before, after)
        if collapse(after.text) != text:
            return Revision(kind="reworded", comment=collapse(after.reason or ""), new_text=collapse(after.text),
                            partners=partners, **base)
        return Revision(kind="kept", comment=collapse(after.reason or ""), partners=partners, **base)

    def _partners(self, before: Item, target: Item) -> tuple[Partner, ...]:
        """The other measures of the earlier version that went into ``target``: those it
        replaces, those merged into it, and itself if it was there; never ``before``."""
        ids = [*target.replaces, *(m.id for m in self.new.of_type("measure")
                                    if m.merged_into is not None and m.merged_into.id == target.id), target.id]
        seen, partners = {before.id}, []
        for measure_id in ids:
            if measure_id in seen or measure_id not in self.old.items:
                continue
            seen.add(measure_id)
            partners.append(Partner(self.numbers.get(measure_id), self.business.get(measure_id),
                                    collapse(self.old.items[measure_id].text)))
        return tuple(sorted(partners, key=lambda p: (p.number is None, natural_key(str(p.number)))))


def _latest_done(content: Content, measure: Item):
    """The measure's latest follow-up, if its status says the work is done."""
    periods = sorted(p for p, follow_ups in content.follow_ups.items() if measure.id in follow_ups)
    if not periods:
        return None
    latest = content.follow_ups[periods[-1]][measure.id]
    return latest if latest.status and latest.status.done else None
