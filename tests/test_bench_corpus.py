"""The generated municipality corpus that bench/run.py's scale target builds."""

from __future__ import annotations

from bench.generate import MUNICIPALITY_UNITS, generate
from styrdok import pipeline


def test_the_municipality_corpus_is_valid_with_a_plan_and_two_interim_reports_per_unit(tmp_path):
    content = generate(None, tmp_path / "kommun", seed=3)
    result = pipeline.check(content)
    assert result.diagnostics == []
    documents = [f.data for f in result.loaded.files if f.data["type"] == "document"]
    committees = {d["committee"] for d in documents}
    assert len(committees) == MUNICIPALITY_UNITS
    for committee in committees:
        kinds = sorted(d["kind"] for d in documents if d["committee"] == committee)
        assert kinds == ["uppfoljning", "uppfoljning", "verksamhetsplan"]
    assert sum("memo" in d for d in documents) == MUNICIPALITY_UNITS  # 60 documents and 20 memos: 80 to build
    followed = {f.data["item"] for f in result.loaded.files if f.data["type"] == "follow_up"}
    assert followed == {f.data["id"] for f in result.loaded.files if f.data["type"] in ("assignment", "measure")}
