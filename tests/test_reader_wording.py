"""Sentences in the interim report read as plain Swedish: the year a subgoal's work is
expected to be done speaks of the work ("Arbetet med nämndmålet väntas bli klart 2025"),
since a goal is reached, not finished."""

from __future__ import annotations


def test_a_subgoals_expected_year_speaks_of_the_work(example_output):
    text = (example_output / "delarsrapport-2025-08.md").read_text(encoding="utf-8")
    assert "Arbetet med nämndmålet väntas bli klart 2025." in text
    assert "Nämndmålet väntas bli klart" not in text
