"""The semantic diff: versions read from real git repositories, periods, reports, and a mutation test."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from styrdok import changes, gitsource
from styrdok.cli import main
from styrdok.diff import ChangeSet, diff_periods, diff_refs
from styrdok.load import load_bytes
from styrdok.model import build_model
from styrdok.pipeline import SetupError, check

ROOT = Path(__file__).resolve().parent.parent
PLAN = "verksamhetsplan-2025"


class Repo:
    """A git repository in a temporary directory, committed to with fixed authors and dates."""

    def __init__(self, path: Path):
        self.path = path
        self.content = path / "content"
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: str = "Anna Andersson", date: str = "2025-01-10T09:00:00+01:00") -> str:
        email = re.sub(r"\W", "", author.lower()) + "@ekbacka.se"
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        command = ["git", "-c", f"user.name={author}", "-c", f"user.email={email}", "-c", "commit.gpgsign=false", *args]
        return subprocess.run(command, cwd=self.path, env=env, check=True, capture_output=True, text=True).stdout

    def commit(self, message: str, author: str, date: str, tag: str | None = None) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, author=author, date=date)
        if tag:
            self.git("tag", tag)
        return self.git("rev-parse", "HEAD").strip()

    def replace(self, relative: str, old: str, new: str) -> None:
        path = self.content / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} finns inte i {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def example_repo(path: Path) -> Repo:
    repo = Repo(path)
    shutil.copytree(ROOT / "content", repo.content)
    shutil.copytree(ROOT / "schemas", path / "schemas")
    repo.commit("Verksamhetsplan 2025", "Anna Andersson", "2025-01-10T09:00:00+01:00", tag="v1")
    return repo


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """v1 → v2 in three commits by three people, touching every kind of change."""
    repo = example_repo(tmp_path_factory.mktemp("repo"))
    repo.replace("mal/fokusmal-2-jobb.yaml", "ett starkt näringsliv", "ett livskraftigt näringsliv")
    repo.replace("uppfoljning/2025-08/2025-08-atgard-avtal-och-utbetalningar.yaml", "status: paborjad", "status: fardig")
    repo.replace("indikatorer/ind-besok-ekonomiskt-bistand.yaml", "total: 5337", "total: 5400")
    bertil = repo.commit("Ny rubrik, status och värde", "Bertil Berg", "2025-03-02T10:15:00+01:00")
    (repo.content / "indikatorer/ind-ama-med-kompletterande-insats.yaml").unlink()
    repo.replace("indikatorer/ind-besok-ekonomiskt-bistand.yaml", "parents: [fokusmal-1-ekonomi]",
                 "parents: [fokusmal-2-jobb]")
    repo.replace("uppdrag/uppdrag-okad-egen-forsorjning.yaml", 'number: "14"', 'number: "14a"')
    repo.replace("config/model.yaml", "label: Försenad", "label: Försenad mot plan")
    (repo.content / "styrdokument/plan-ny-plan.yaml").write_text(
        "type: steering_document\nid: plan-ny-plan\ntitle: Plan för nya jobb\nkind: Plan\n", encoding="utf-8")
    cecilia = repo.commit("Flytta indikator, ny plan", "Cecilia Ceder", "2025-04-15T14:00:00+02:00")
    repo.replace("atgarder/atgard-larlingsplatser-i-upphandling.yaml", "order: 140", "order: 115")
    david = repo.commit("Lärlingsplatser först", "David Dahl", "2025-05-20T08:30:00+02:00", tag="v2")
    changeset = diff_refs(repo.content, "v1", "v2")
    return {"repo": repo, "changes": changeset, "commits": {"bertil": bertil, "cecilia": cecilia, "david": david}}


def find(changeset: ChangeSet, kind: str, item_id: str, field: str | None = None) -> list:
    return [c for c in changeset if c.kind == kind and c.item_id == item_id and (field is None or c.field == field)]


# --------------------------------------------------------------------------
# Reading versions from git
# --------------------------------------------------------------------------


def test_a_version_is_read_from_git_objects_not_the_work_tree(scenario):
    repo = scenario["repo"]
    head = repo.git("rev-parse", "HEAD")
    (repo.content / "mal/fokusmal-1-ekonomi.yaml").write_text("inte: giltig: yaml", encoding="utf-8")
    try:
        loaded = gitsource.load_at(repo.path, "v1", "content")
        working = check(ROOT / "content").loaded
        assert [f.path for f in loaded.files] == [f.path for f in working.files]
        assert [f.data for f in loaded.files] == [f.data for f in working.files]
        assert diff_refs(repo.content, "v1", "v2").changes == scenario["changes"].changes
        assert repo.git("status", "--porcelain") == " M content/mal/fokusmal-1-ekonomi.yaml\n"
        assert repo.git("rev-parse", "HEAD") == head
    finally:
        repo.git("checkout", "--", "content/mal/fokusmal-1-ekonomi.yaml")


def test_commits_touching_lists_each_files_commits_oldest_first(scenario):
    repo, commits = scenario["repo"], scenario["commits"]
    found = gitsource.commits_touching(repo.path, "v1", "v2", [
        "content/indikatorer/ind-besok-ekonomiskt-bistand.yaml", "content/mal/fokusmal-1-ekonomi.yaml"])
    touched = found["content/indikatorer/ind-besok-ekonomiskt-bistand.yaml"]
    assert [c.id for c in touched] == [commits["bertil"], commits["cecilia"]]
    assert [c.author for c in touched] == ["Bertil Berg", "Cecilia Ceder"]
    assert touched[0].date == "2025-03-02T10:15:00+01:00" and touched[0].utc == "2025-03-02T09:15:00Z"
    assert touched[0].subject == "Ny rubrik, status och värde"
    assert found["content/mal/fokusmal-1-ekonomi.yaml"] == []


def test_unknown_ref_and_missing_repository_are_setup_errors(scenario, tmp_path, capsys):
    repo = scenario["repo"]
    with pytest.raises(SetupError, match='"v9" är ingen känd version'):
        diff_refs(repo.content, "v1", "v9")
    assert main(["diff", "v1", "v9", "--content", str(repo.content)]) == 2
    err = capsys.readouterr().err
    assert 'fel: "v9" är ingen känd version (tagg, commit eller gren)' in err and "Traceback" not in err
    shutil.copytree(ROOT / "content", tmp_path / "content")
    assert main(["diff", "v1", "v2", "--content", str(tmp_path / "content")]) == 2
    assert "ligger inte i något git-arkiv" in capsys.readouterr().err
    assert main(["diff", "v1", "--content", str(repo.content)]) == 2


def test_invalid_content_at_a_ref_shows_its_diagnostics(tmp_path, capsys):
    repo = example_repo(tmp_path)
    repo.replace("atgarder/atgard-larlingsplatser-i-upphandling.yaml", "parents: [", "parents: [uppdrag-finns-inte, ")
    repo.commit("Trasig hänvisning", "Bertil Berg", "2025-02-01T10:00:00+01:00", tag="trasig")
    assert main(["diff", "v1", "trasig", "--content", str(repo.content)]) == 1
    captured = capsys.readouterr()
    assert "content/atgarder/atgard-larlingsplatser-i-upphandling.yaml:" in captured.out
    assert '"uppdrag-finns-inte" finns inte' in captured.out
    assert 'innehållet i versionen "trasig" har 1 fel' in captured.err and "Traceback" not in captured.err


# --------------------------------------------------------------------------
# What the diff finds
# --------------------------------------------------------------------------


def test_added_and_removed_items(scenario):
    changeset = scenario["changes"]
    added, removed = changeset.of_kind("added"), changeset.of_kind("removed")
    assert [(c.item_type, c.item_id) for c in added] == [("steering_document", "plan-ny-plan")]
    assert [(c.item_type, c.item_id) for c in removed] == [("indicator", "ind-ama-med-kompletterande-insats")]
    assert added[0].label == "Plan för nya jobb"


def test_changed_text_has_a_word_diff(scenario):
    [title] = find(scenario["changes"], "changed", "fokusmal-2-jobb", "title")
    assert title.old == "Ekbacka ska ha ett starkt näringsliv och fler jobb"
    assert title.new == "Ekbacka ska ha ett livskraftigt näringsliv och fler jobb"
    assert [(w.op, w.text) for w in title.words] == [
        ("equal", "Ekbacka ska ha ett"), ("delete", "starkt"), ("insert", "livskraftigt"),
        ("equal", "näringsliv och fler jobb")]


def test_status_transition_of_a_follow_up(scenario):
    [status] = find(scenario["changes"], "status", "atgard-avtal-och-utbetalningar")
    assert (status.item_type, status.field, status.period) == ("measure", "status", "2025-08")
    assert (status.old, status.new, status.old_label, status.new_label) == ("paborjad", "fardig", "Påbörjad", "Färdig")


def test_indicator_value_change_per_period_and_series(scenario):
    values = find(scenario["changes"], "value", "ind-besok-ekonomiskt-bistand")
    assert [(v.period, v.series, v.old, v.new) for v in values] == [("2022", "total", 5337, 5400)]


def test_indicator_values_are_shown_as_the_report_shows_them(scenario):
    changeset = scenario["changes"]
    [value] = find(changeset, "value", "ind-besok-ekonomiskt-bistand")
    field, fragments = changes.describe(value, changes.Titles(changeset.schemas), changeset)
    assert field == "2022, Totalt"
    assert [(f.style, f.text) for f in fragments] == [("delete", "5\u00a0337"), ("plain", " → "), ("insert", "5\u00a0400")]
    assert value.label.startswith("Antal besök")
    assert "5\u00a0337" in changes.markdown(changeset)


def test_moves_between_parents(scenario):
    [moved] = find(scenario["changes"], "moved", "ind-besok-ekonomiskt-bistand")
    assert (moved.old, moved.new) == (("fokusmal-1-ekonomi",), ("fokusmal-2-jobb",))


def test_renumbering_of_assignments_and_of_measures_in_documents(scenario):
    changeset = scenario["changes"]
    [number] = find(changeset, "renumbered", "uppdrag-okad-egen-forsorjning")
    assert (number.field, number.old, number.new, number.document) == ("number", "14", "14a", "")
    in_plan = {c.item_id: (c.old, c.new) for c in changeset.of_kind("renumbered") if c.document == PLAN}
    assert in_plan == {
        "atgard-larlingsplatser-i-upphandling": (14, 12),
        "atgard-fran-arbetsmarknadsanstallning-till-jobb": (12, 13),
        "atgard-sociala-krav-i-upphandling": (13, 14),
    }
    assert find(changeset, "changed", "atgard-larlingsplatser-i-upphandling", "order")[0].new == 115


def test_configuration_changes_are_found_with_their_commits(scenario):
    [label] = find(scenario["changes"], "changed", "model")
    assert (label.field, label.old, label.new) == ("vocabularies.work_status.forsenad.label", "Försenad", "Försenad mot plan")
    assert [c.author for c in label.commits] == ["Cecilia Ceder"]
    assert changes.Titles(None).field("model", label.field) == "Vokabulärer › work_status › forsenad › Etikett"


def test_changes_are_attributed_to_the_commits_that_touched_the_file(scenario):
    changeset, commits = scenario["changes"], scenario["commits"]
    [title] = find(changeset, "changed", "fokusmal-2-jobb", "title")
    assert [(c.id, c.author, c.date) for c in title.commits] == [
        (commits["bertil"], "Bertil Berg", "2025-03-02T10:15:00+01:00")]
    [moved] = find(changeset, "moved", "ind-besok-ekonomiskt-bistand")
    assert [c.author for c in moved.commits] == ["Bertil Berg", "Cecilia Ceder"]
    [removed] = changeset.of_kind("removed")
    assert [c.subject for c in removed.commits] == ["Flytta indikator, ny plan"]
    assert changes.attribution(moved, changeset) == ("Cecilia Ceder", "2025-04-15T12:00:00Z")
    assert changeset.date == "2025-05-20T08:30:00+02:00"


def test_order_is_by_type_then_id_then_field(scenario):
    changeset = scenario["changes"]
    assert changeset.changes == sorted(changeset.changes, key=lambda c: c.key)
    types = [c.item_type for c in changeset]
    assert types.index("goal") < types.index("assignment") < types.index("measure") < types.index("indicator")


def test_identical_versions_have_no_changes(scenario):
    repo = scenario["repo"]
    assert diff_refs(repo.content, "v2", "v2").changes == []


# --------------------------------------------------------------------------
# Two periods in one tree
# --------------------------------------------------------------------------


def test_periods_report_delays_stops_and_assessments():
    result = check(ROOT / "content")
    changeset = diff_periods(build_model(result.loaded), "2025-04", "2025-08")
    statuses = {(c.item_id, c.field): (c.old, c.new) for c in changeset.of_kind("status")}
    assert statuses[("atgard-lokaler-i-bokningssystemet", "status")] == ("paborjad", "forsenad")
    assert statuses[("atgard-pop-up-butik", "status")] == ("paborjad", "stoppad")
    assert statuses[("nmal-2-2-farre-bistandsmottagare", "assessment")] == ("i-hog-grad", "delvis")
    assert changeset.date == "2025-08-31T00:00:00Z"
    with pytest.raises(SetupError, match="perioden 2031-01 har inga uppföljningar"):
        diff_periods(build_model(result.loaded), "2025-04", "2031-01")


def test_periods_compare_indicator_values_as_of_each_period():
    result = check(ROOT / "content")
    changeset = diff_periods(build_model(result.loaded), "2025-04", "2025-08")
    values = {(c.item_id, c.series): c for c in changeset.of_kind("value")}
    sick = values[("ind-sjukfranvaro-medarbetare", "women")]
    assert (sick.old_period, sick.period, sick.old, sick.new) == ("2024", "2025-08", 8.6, 7.7)
    field, fragments = changes.describe(sick, changes.Titles(changeset.schemas), changeset)
    assert field == "2024 → augusti 2025, Kvinnor"
    assert [f.text for f in fragments] == ["8,6", " → ", "7,7\u00a0(aug)"]  # as the reports print it
    assert ("ind-langvarigt-ekonomiskt-bistand", "total") not in values  # no value within the periods
    assert changes.sections(changeset)[0][0] != "value" or not changeset.of_kind("status")


def test_periods_on_the_command_line(capsys):
    assert main(["diff", "--periods", "2025-04", "2025-08", "--content", str(ROOT / "content")]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # no colours when not a terminal
    assert out.startswith("Ändringar mellan 2025-04 och 2025-08.")
    lines = out.splitlines()
    status = lines.index("Statusändringar")
    assert any("(atgard-lokaler-i-bokningssystemet)" in line for line in lines[status:])
    assert "      Status: [-Påbörjad-] → {+Försenad+}" in lines[status:]
    assert "      Status: [-Påbörjad-] → {+Stoppad+}" in lines[status:]
    assert "      Bedömning: [-I hög grad uppfyllt-] → {+Delvis uppfyllt+}" in lines[status:]


# --------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------


def test_markdown_report_is_swedish_and_readable(scenario):
    text = changes.markdown(scenario["changes"])
    assert 'title: "Ändringar mellan v1 och v2"' in text
    for heading in ("# Tillagda", "# Borttagna", "# Ändrade", "# Statusändringar", "# Ändrade indikatorvärden",
                    "# Omnumrerade", "# Flyttade"):
        assert f"\n{heading}\n" in text
    assert "- *Rubrik:* Ekbacka ska ha ett ~~starkt~~ **livskraftigt** näringsliv och fler jobb" in text
    assert "- *Status 2025‑08:* ~~Påbörjad~~ → **Färdig**" in text  # no-break hyphens in dates
    assert "- *2022, Totalt:* ~~5\u00a0337~~ → **5\u00a0400**" in text
    assert "- *Nummer i Verksamhetsplan och budget 2025 (verksamhetsplan-2025):* ~~14~~ → **12**" in text
    assert f"{scenario['commits']['bertil'][:7]} 2025‑03‑02 Bertil Berg: Ny rubrik, status och värde" in text
    assert text == changes.markdown(scenario["changes"])


def test_the_report_leads_with_status_then_values_then_new_items_then_wording(scenario):
    text = changes.markdown(scenario["changes"])
    order = ["# Statusändringar", "# Ändrade indikatorvärden", "# Tillagda", "# Borttagna", "# Flyttade",
             "# Omnumrerade", "# Ändrade"]
    assert [text.index(f"\n{heading}\n") for heading in order] == sorted(text.index(f"\n{h}\n") for h in order)
    summary = changes.summary(scenario["changes"])
    assert summary.index("statusändring") < summary.index("indikatorvärde") < summary.index("tillagd") < summary.index("ändrade fält")


def test_the_periods_report_lists_status_changes_before_reworded_comments():
    result = check(ROOT / "content")
    changeset = diff_periods(build_model(result.loaded), "2025-04", "2025-08")
    text = changes.markdown(changeset)
    assert changeset.of_kind("status") and changeset.of_kind("changed")
    assert text.index("\n# Statusändringar\n") < text.index("\n# Ändrade\n")
    assert 'title: "Ändringar mellan 2025‑04 och 2025‑08"' in text


def test_dates_stay_whole_in_html_and_word(tmp_path):
    result = check(ROOT / "content")
    changeset = diff_periods(build_model(result.loaded), "2025-04", "2025-08")
    html = changes.write(changeset, "html", tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>Ändringar mellan 2025‑04 och 2025‑08</h1>", html)
    body = re.sub(r"<[^>]+>", " ", re.sub(r"<code>.*?</code>", "", html.split("<body", 1)[1]))  # ids are not text
    assert not re.search(r"\b\d{4}-\d{2}\b", body)  # every date in the text is one unit
    xml = zipfile.ZipFile(changes.write(changeset, "docx", tmp_path / "rapport.docx")).read("word/document.xml").decode("utf-8")
    text = re.sub(r'<w:r><w:rPr><w:rStyle w:val="VerbatimChar"/>.*?</w:r>', "", xml)  # ids are not text
    assert "2025‑08" in text and not re.search(r"<w:t[^>]*>[^<]*\b\d{4}-\d{2}\b", text)


@pytest.mark.parametrize("raw, kept", [("2025-08", "2025\u201108"), ("2025-08-31", "2025\u201108\u201131"), ("5 337 kr", "5\u00a0337 kr"),
                                       ("-0,3", "\u22120,3"), ("en -3 och 12 000 000", "en \u22123 och 12\u00a0000\u00a0000"),
                                       ("plan-1000-fler", "plan-1000-fler"), ("år 2025 fler", "år 2025 fler")])
def test_dates_and_numbers_are_one_unbreakable_unit(raw, kept):
    assert changes.unbreakable(raw) == kept


def test_every_format_is_written(scenario, tmp_path):
    repo = scenario["repo"]
    for fmt in ("text", "md", "html", "docx"):
        target = tmp_path / f"rapport.{fmt}"
        assert main(["diff", "v1", "v2", "--content", str(repo.content), "--format", fmt, "-o", str(target)]) == 0
        assert target.stat().st_size > 0
    assert "Flyttade" in (tmp_path / "rapport.text").read_text(encoding="utf-8")
    html = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert '<html lang="sv"' in html and "<del>starkt</del>" in html and "<strong>livskraftigt</strong>" in html
    assert not list(tmp_path.glob(".styrdok-diff-*"))


def test_docx_holds_tracked_changes_with_author_and_date(scenario, tmp_path):
    target = tmp_path / "rapport.docx"
    changes.write(scenario["changes"], "docx", target)
    xml = zipfile.ZipFile(target).read("word/document.xml").decode("utf-8")
    deletions = re.findall(r'<w:del w:id="\d+" w:author="([^"]+)" w:date="([^"]+)">', xml)
    insertions = re.findall(r'<w:ins w:id="\d+" w:author="([^"]+)" w:date="([^"]+)">', xml)
    assert ("Bertil Berg", "2025-03-02T09:15:00Z") in deletions
    assert ("Bertil Berg", "2025-03-02T09:15:00Z") in insertions
    assert ("Cecilia Ceder", "2025-04-15T12:00:00Z") in insertions  # the added plan
    assert re.search(r"<w:delText[^>]*>starkt</w:delText>", xml)
    assert re.search(r'<w:ins [^>]*>\s*<w:r>(?:(?!</w:ins>).)*livskraftigt', xml, re.S)


def test_docx_for_periods_is_attributed_to_styrdok_at_the_periods_end(tmp_path):
    target = tmp_path / "perioder.docx"
    assert main(["diff", "--periods", "2025-04", "2025-08", "--content", str(ROOT / "content"),
                 "--format", "docx", "-o", str(target)]) == 0
    xml = zipfile.ZipFile(target).read("word/document.xml").decode("utf-8")
    marks = re.findall(r'<w:(?:ins|del) w:id="\d+" w:author="([^"]+)" w:date="([^"]+)">', xml)
    assert marks and set(marks) == {("styrdok", "2025-08-31T00:00:00Z")}
    assert "<w:del " in xml and "<w:ins " in xml


# --------------------------------------------------------------------------
# Mutation test: exactly the changes made, nothing else
# --------------------------------------------------------------------------

WORD = re.compile(r"(?<![\w*_\[\]#-])([A-Za-zÅÄÖåäöé]{4,})(?![\w*_\]-])")
TEXT_FIELDS = {"goal": ["title", "description"], "assignment": ["title", "description"], "measure": ["text"],
               "indicator": ["name", "definition"], "follow_up": ["comment", "reason"], "steering_document": ["title"]}


def _mutations(files: dict[str, dict], model: dict, rng: random.Random) -> list:
    """Every possible single-field mutation: (path, field, expected change key, function changing the data)."""
    found = []
    by_id = {data["id"]: data for data in files.values()}
    for path, data in sorted(files.items()):
        item_type, item_id = data["type"], data["id"]
        for name in TEXT_FIELDS.get(item_type, []):
            if isinstance(data.get(name), str) and WORD.search(data[name]):
                key = ("changed", item_id, name)
                found.append((path, name, key, lambda d, n=name: d.__setitem__(n, _reword(d[n], rng))))
        if item_type == "measure":
            for index, effect in enumerate(data.get("expected_effects", [])):
                found.append((path, f"expected_effects{index}", ("changed", item_id, f"expected_effects[{index + 1}]"),
                              lambda d, i=index: d["expected_effects"].__setitem__(i, _reword(d["expected_effects"][i], rng))))
            count = len(data.get("expected_effects", []))
            found.append((path, "expected_effects+", ("changed", item_id, f"expected_effects[{count + 1}]"),
                          lambda d: d.setdefault("expected_effects", []).append("Tydligare ansvar för uppföljningen.")))
        if item_type == "assignment":
            found.append((path, "year", ("changed", item_id, "year"), lambda d: d.__setitem__("year", d["year"] - 1)))
        if item_type == "indicator":
            for value in data.get("values", []):
                for series in ("total", "women", "men"):
                    if isinstance(value.get(series), (int, float)):
                        found.append((path, f"{value['period']}{series}", ("value", item_id, value["period"], series),
                                      lambda d, p=value["period"], s=series: _bump_value(d, p, s)))
        if item_type == "follow_up":
            subject = by_id[data["item"]]
            vocabulary = model["statuses"][subject["type"]]
            possible = [s["id"] for s in vocabulary if s["id"] != data.get("status") and set(s["requires"]) <= set(data)]
            if "status" in data and possible:
                new_status = rng.choice(possible)
                found.append((path, "status", ("status", data["item"], "status", data["period"]),
                              lambda d, s=new_status: d.__setitem__("status", s)))
            if "expected_year" in data:
                found.append((path, "expected_year", ("changed", item_id, "expected_year"),
                              lambda d: d.__setitem__("expected_year", d["expected_year"] + 1)))
        if item_type == "document" and data.get("handlaggare"):
            count = len(data["handlaggare"])
            found.append((path, "handlaggare+", ("changed", item_id, f"handlaggare[{count + 1}]"),
                          lambda d: d["handlaggare"].append("Tova Testsson")))
    return found


def _reword(text: str, rng: random.Random) -> str:
    """Replace, drop or add one plain word."""
    words = list(WORD.finditer(text))
    match = rng.choice(words)
    action = rng.choice(["replace", "drop", "add"])
    replacement = {"replace": "förnyade", "drop": "", "add": match.group(1) + " förnyade"}[action]
    start, end = match.span(1)
    if action == "drop":
        end = end + 1 if text[end:end + 1] == " " else end
    return text[:start] + replacement + text[end:]


def _bump_value(data: dict, period: str, series: str) -> None:
    for value in data["values"]:
        if value["period"] == period:
            value[series] = value[series] + 7


def _key(change) -> tuple:
    if change.kind == "value":
        return ("value", change.item_id, change.period, change.series)
    if change.kind == "status":
        return ("status", change.item_id, change.field, change.period)
    return (change.kind, change.item_id, change.field)


@pytest.mark.parametrize("seed", [2025, 11])
def test_mutation_exactly_the_changed_fields_are_reported(tmp_path, seed):
    from bench.generate import generate

    repo = Repo(tmp_path)
    content = generate(300, tmp_path / "corpus", seed=seed % 7)
    shutil.move(str(content), repo.content)
    repo.commit("Korpus", "Anna Andersson", "2025-01-10T09:00:00+01:00", tag="fore")
    paths = sorted(p.relative_to(repo.content).as_posix() for p in repo.content.rglob("*.yaml"))
    files = {p: load_bytes((repo.content / p).read_bytes(), p).data for p in paths}
    model = next(d for d in files.values() if d["type"] == "model")
    rng = random.Random(seed)
    candidates = _mutations(files, model, rng)
    rng.shuffle(candidates)
    chosen, taken = [], set()
    for path, name, key, mutate in candidates:
        if (path, name) not in taken and len(chosen) < 25:
            taken.add((path, name))
            chosen.append((path, key, mutate))
    for path, _key_, mutate in chosen:
        mutate(files[path])
    for path in {path for path, _, _ in chosen}:
        text = yaml.safe_dump(files[path], allow_unicode=True, sort_keys=False, width=100)
        (repo.content / path).write_text(text, encoding="utf-8")
    repo.commit("25 ändringar", "Bertil Berg", "2025-02-10T09:00:00+01:00", tag="efter")

    changeset = diff_refs(repo.content, "fore", "efter")
    expected = {key for _, key, _ in chosen}
    reported = [_key(c) for c in changeset]
    assert len(expected) == 25
    assert sorted(reported) == sorted(expected)  # precision and recall 100 %, no duplicates
    assert {c.commits[-1].author for c in changeset} == {"Bertil Berg"}


def test_a_report_file_is_replaced_whole_and_never_a_directory(scenario, tmp_path):
    target = tmp_path / "rapport.text"
    target.write_text("gammal rapport", encoding="utf-8")
    changes.write(scenario["changes"], "text", target)
    assert "Flyttade" in target.read_text(encoding="utf-8")
    (tmp_path / "output").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "output")  # as build leaves output/
    for fmt in ("text", "html"):
        for directory in ("output", "link"):
            with pytest.raises(SetupError, match="det är en katalog"):
                changes.write(scenario["changes"], fmt, tmp_path / directory)
    assert (tmp_path / "link").is_symlink() and not any((tmp_path / "output").iterdir())
    assert sorted(path.name for path in tmp_path.iterdir()) == ["link", "output", "rapport.text"]  # no temporary files
