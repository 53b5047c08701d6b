"""The minimal content fixture, and the cover memo that tests add to its plan."""

from pathlib import Path

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
MEMO = """memo:
  recipient: Arbetsmarknadsnämnden
  decision_intro: Arbetsmarknadsnämnden beslutar
  clauses: [godkänna planen]
  arendet: Planen för 2025.
  signature: {name: Karin Sjöholm, title: Förvaltningsdirektör}
"""
