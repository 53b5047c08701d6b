"""Follow-up reports: the completeness gate, the counted prose, and statuses from configuration."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml

from styrdok.cli import main
from styrdok.load import load_content
from styrdok.model import build_model
from styrdok.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
WORDS = {w: n for n, w in enumerate(["noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"])}
WORDS["ett"] = 1


def _yaml_files(directory: Path) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(directory.rglob("*.yaml"))]


def _copy_of_example(tmp_path: Path) -> Path:
    """The example content in a git repository with the example's history, which its
    revision table compares with."""
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    subprocess.run(["git", "fetch", "--quiet", str(ROOT), "HEAD"], cwd=tmp_path, check=True)
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    return content


def _render(content_dir: Path, document_id: str) -> str:
    content = build_model(load_content(content_dir))
    return Renderer(content, ROOT / "templates").render(content.items[document_id], "uppfoljning.md.j2")


def _expected_counts(content_dir: Path, document_id: str) -> tuple[Counter, Counter]:
    """Status counts straight from the YAML files, without the model or the templates."""
    files = _yaml_files(content_dir)
    by_id = {f["id"]: f for f in files}
    document = by_id[document_id]
    goals = {g for block in document["contents"] for g in block.get("goals", [])}
    origins = {o for block in document["contents"] for o in block.get("origins", [])}
    assignments = {f["id"] for f in files if f["type"] == "assignment"
                   and (set(f.get("parents", [])) & goals or (f["origin"] in origins and not f.get("parents")))}
    subgoals = {f["id"] for f in files if f["type"] == "goal" and set(f.get("parents", [])) & goals}
    measures = {f["id"] for f in files if f["type"] == "measure" and set(f["parents"]) & (assignments | subgoals)}
    statuses = {f["item"]: f["status"] for f in files if f["type"] == "follow_up" and f["period"] == document["period"]}
    return Counter(statuses[a] for a in assignments), Counter(statuses[m] for m in measures)


def _prose_counts(text: str, noun: str, phrases: dict[str, str]) -> Counter:
    """Read "Av 26 uppdrag bedöms 23 som pågående, ett som väntande och två som färdiga." back."""
    sentence = re.search(rf"^Av (\S+) {noun} bedöms (.*)\.$", text, re.M)
    assert sentence, f"ingen sammanfattning för {noun}"
    counts = Counter()
    for number, phrase in re.findall(r"(\S+) som ([^,]+?)(?:,| och |$)", sentence.group(2)):
        counts[phrases[phrase]] += WORDS.get(number, None) or int(number)
    total = WORDS.get(sentence.group(1)) or int(sentence.group(1))
    assert total == sum(counts.values())
    return counts


def _phrases() -> dict[str, str]:
    model = yaml.safe_load((CONTENT / "config" / "model.yaml").read_text(encoding="utf-8"))
    return {form: status["id"] for status in model["vocabularies"]["work_status"] for form in status["summary"].values()}


@pytest.mark.parametrize("document_id", ["delarsrapport-2025-04", "delarsrapport-2025-08"])
def test_summary_counts_match_the_data(document_id):
    text = _render(CONTENT, document_id)
    assignments, measures = _expected_counts(CONTENT, document_id)
    assert _prose_counts(text, "uppdrag", _phrases()) == assignments
    assert _prose_counts(text, "åtgärder", _phrases()) == measures
    assert sum(assignments.values()) >= 22


def test_numbers_up_to_twelve_are_words():
    text = _render(CONTENT, "delarsrapport-2025-08")
    summary = re.findall(r"^Av .*$", text, re.M)
    assert summary
    for number in re.findall(r"\b(\d+) som\b", " ".join(summary)):
        assert int(number) > 12


def test_periods_differ_realistically():
    april, august = (
        {f["item"]: f for f in _yaml_files(CONTENT / "uppfoljning" / period)} for period in ("2025-04", "2025-08")
    )
    assert april.keys() == august.keys()
    changed = [i for i in april if april[i].get("status") != august[i].get("status")]
    assert len(changed) >= 3
    assert Counter(f.get("status") for f in august.values())["forsenad"] == 1
    assert Counter(f.get("status") for f in august.values())["stoppad"] == 1
    assert any(april[i].get("assessment") != august[i].get("assessment") for i in april)


@pytest.mark.parametrize("period", ["2025-04", "2025-08"])
def test_complete_periods_pass_the_gate(period, capsys):
    assert main(["validate", "--period", period]) == 0


def test_missing_follow_up_fails_the_gate_at_the_item(tmp_path, capsys):
    content = _copy_of_example(tmp_path)
    (content / "uppfoljning" / "2025-08" / "2025-08-uppdrag-okad-egen-forsorjning.yaml").unlink()
    assert main(["validate", "--content", str(content), "--period", "2025-08"]) == 1
    errors = [line for line in capsys.readouterr().out.splitlines() if ": varning: " not in line]  # outside git the revision table warns
    assert errors == ['content/uppdrag/uppdrag-okad-egen-forsorjning.yaml:2:5: uppdrag "uppdrag-okad-egen-forsorjning" saknar uppföljning för perioden 2025-08']
    assert main(["validate", "--content", str(content)]) == 0  # without --period the tree is fine


def test_a_new_status_needs_only_configuration(tmp_path, capsys):
    """Add "Pausad" to the model's status vocabulary; validation, prose and definitions follow without Python changes."""
    content = _copy_of_example(tmp_path)
    model_path = content / "config" / "model.yaml"
    model = model_path.read_text(encoding="utf-8")
    pausad = ("    - id: pausad\n      label: Pausad\n      description: Arbetet vilar i väntan på ett beslut.\n"
              "      summary: {plural: pausade, common: pausad, neuter: pausat}\n      requires: [comment, reason, expected_year]\n")
    model_path.write_text(model.replace("  work_status:\n", "  work_status:\n" + pausad, 1), encoding="utf-8")
    follow_up = content / "uppfoljning" / "2025-08" / "2025-08-uppdrag-okad-egen-forsorjning.yaml"
    data = yaml.safe_load(follow_up.read_text(encoding="utf-8"))
    data["status"] = "pausad"
    data.pop("reason", None)
    follow_up.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    assert main(["validate", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"2025-08-uppdrag-okad-egen-forsorjning\.yaml:\d+:1: statusen Pausad kräver fältet \"reason\"", out)

    data["reason"] = "Kommunstyrelsen har ännu inte beslutat om finansieringen."
    follow_up.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["validate", "--content", str(content), "--period", "2025-08"]) == 0

    text = _render(content, "delarsrapport-2025-08")
    assert "ett som pausat" in text
    assert "- - Pausad\n  - Arbetet vilar i väntan på ett beslut." in text
    assert "## Uppdrag med status pausad som väntas bli klara" in text
