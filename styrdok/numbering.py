"""Measure numbers in a document: the one rule that templates, diffs and revision tables share.

A document shows measures in the order of its contents. For each goal of a ``goals``
block: the goal's own measures, then those of its assignments, then those of its child
goals, section by section (``subgoal_sections``); then, for each ``origins`` block, those
of the origin's assignments. Each measure is shown once, where it first comes. A measure
with a fixed ``number`` keeps it; the others are numbered 1…n in that order.
"""

from __future__ import annotations

from typing import Iterator

from .model import Content, Item


def measure_numbers(content: Content, document: Item) -> dict[str, int | str]:
    """Measure id → its number in ``document``, in the order the document shows them."""
    numbers: dict[str, int | str] = {}
    counted = 0
    for parent in _measure_parents(content, document):
        for measure in content.children_of(parent, "measure"):
            if measure.id not in numbers:
                if measure.number is None:
                    counted += 1
                numbers[measure.id] = counted if measure.number is None else measure.number
    return numbers


def subgoal_sections(content: Content, goal: Item) -> list[tuple[str, list[Item]]]:
    """The goal's child goals under their level's heading (or plural), headings in the order
    their first goal comes."""
    sections: dict[str, list[Item]] = {}
    for child in content.children_of(goal, "goal"):
        sections.setdefault(child.level.heading or child.level.plural, []).append(child)
    return list(sections.items())


def origin_assignments(content: Content, origin: str) -> list[Item]:
    """The assignments of an origin that hang under no goal."""
    return [a for a in content.of_type("assignment") if a.origin.id == origin and not a.parents]


def _measure_parents(content: Content, document: Item) -> Iterator[Item]:
    """The items whose measures the document shows, in the order it shows them."""
    for block in document.contents:
        for goal in (content.items[g] for g in block.get("goals", [])):
            yield goal
            yield from content.children_of(goal, "assignment")
            for _heading, goals in subgoal_sections(content, goal):
                yield from goals
        for origin in block.get("origins", []):
            yield from origin_assignments(content, origin)
