"""Another municipality's model as configuration: each case reproduces a failure of the
fixed model (issue 8) in a small project built from tests/fixtures/minimal, with its
own schemas beside the content and a tiny template, and checks that it now works."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from styrdok.changes import Titles
from styrdok.cli import main
from styrdok.diff import compare
from styrdok.model import build_model
from styrdok.numbering import measure_numbers
from styrdok.pipeline import check
from styrdok.project import BUILTIN_TEMPLATES, Templates
from styrdok.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
PLAN_STATUS = [
    {"id": "fardig", "label": "Färdig", "symbol": "✓", "requires": ["comment"], "done": True},
    {"id": "paborjad", "label": "Påbörjad", "symbol": "▶", "requires": ["comment"]},
    {"id": "avviker", "label": "Avviker från plan", "symbol": "⚠", "requires": ["comment", "reason"]},
    {"id": "stoppad", "label": "Stoppad", "symbol": "■", "requires": ["reason"]},
]
INTERNAL_CONTROL = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.org/schemas/internal_control.schema.json",
    "title": "Internkontrollpunkt",
    "description": "En risk som nämnden kontrollerar under året.",
    "type": "object",
    "required": ["type", "id", "title", "risk", "parents"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "internal_control", "title": "Typ", "description": "Alltid internal_control."},
        "id": {"$ref": "https://styrdok.se/schemas/defs.schema.json#/$defs/id"},
        "title": {"$ref": "https://styrdok.se/schemas/defs.schema.json#/$defs/inline", "title": "Kontrollpunkt",
                  "description": "Vad som kontrolleras."},
        "risk": {"type": "string", "x-vocabulary": "risk_levels", "title": "Risk", "description": "Bedömd risk."},
        "owner": {"type": "string", "x-ref": ["unit"], "title": "Ansvarig", "description": "Ansvarig nämnd."},
        "parents": {"type": "array", "minItems": 1, "items": {"type": "string", "x-ref": ["goal"]},
                    "title": "Mål", "description": "Målen kontrollen hör till."},
    },
}


class Project:
    """A content tree with schemas and templates beside it, edited as plain data."""

    def __init__(self, root: Path):
        self.root, self.content, self.schemas, self.templates = root, root / "content", root / "schemas", root / "templates"
        shutil.copytree(MINIMAL, self.content)
        shutil.copytree(ROOT / "schemas", self.schemas)
        self.templates.mkdir()

    def edit(self, relative: str, change) -> None:
        path = self.content / relative
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        self.write(relative, data)

    def write(self, relative: str, data: dict) -> None:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def schema(self, name: str, change) -> None:
        path = self.schemas / name
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        data = change(data) or data
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")

    def follow_up_fields(self, **fields) -> None:
        self.schema("follow_up.schema.json", lambda s: s["properties"].update(fields))

    def line(self, relative: str, text: str, after: int = 0) -> int:
        """The number of the first line (after line ``after``) of a content file that holds ``text``."""
        lines = (self.content / relative).read_text(encoding="utf-8").splitlines()
        return next(number for number, line in enumerate(lines, 1) if number > after and text in line)

    def template(self, text: str) -> None:
        (self.templates / "rapport.md.j2").write_text(text, encoding="utf-8")

    def document(self, **contents) -> None:
        self.write("dokument/rapport.yaml", {
            "type": "document", "id": "rapport", "kind": "rapport", "title": "Rapport", "committee": "amn",
            "date": "2025-09-01", "diarienummer": "AMN-2025-1", "period": "2025-04", "contents": [contents]})

    def validate(self, capsys) -> str:
        code = main(["validate", "--content", str(self.content), "--templates", str(self.templates)])
        out = capsys.readouterr().out
        assert code == 0, out
        return out

    def errors(self, capsys) -> list[str]:
        assert main(["validate", "--content", str(self.content), "--templates", str(self.templates)]) == 1
        return capsys.readouterr().out.splitlines()

    def model(self):
        result = check(self.content, templates=Templates((self.templates, BUILTIN_TEMPLATES)))
        assert not result.errors, result.errors
        return build_model(result.loaded, result.schemas)

    def render(self, document: str = "rapport") -> str:
        content = self.model()
        return Renderer(content, self.templates).render(content.items[document], "rapport.md.j2")


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path / "kommun")


def _model(project: Project, change) -> None:
    project.edit("config/model.yaml", change)


def _follow_up(project: Project, item: str, period: str = "2025-04", **fields) -> None:
    project.write(f"uppfoljning/{period}-{item}.yaml", {"type": "follow_up", "id": f"uppfoljning-{period}-{item}",
                                                          "item": item, "period": period, **fields})


# --------------------------------------------------------------------------
# 1. The model is data: every field reaches the templates and the diff
# --------------------------------------------------------------------------


def test_new_fields_reach_the_template_and_zero_is_printed(project, capsys):
    """Was: 'styrdok.model.FollowUp object' has no attribute 'completion'; trend, comment date and a
    goal's budget table validated and were then dropped."""
    project.follow_up_fields(
        completion={"type": "integer", "minimum": 0, "maximum": 100, "title": "Färdigställt", "description": "Procent klart."},
        trend={"$ref": "defs.schema.json#/$defs/vocabularyValue", "title": "Trend", "description": "Åt vilket håll det går."},
        comment_date={"$ref": "defs.schema.json#/$defs/date", "title": "Kommentarens datum", "description": "När kommentaren skrevs."})
    project.schema("goal.schema.json", lambda s: s["properties"].update(budget_table={
        "type": "string", "x-ref": ["budget"], "title": "Budget", "description": "Budgeten målet hänvisar till."}))
    project.write("budget/budget.yaml", {"type": "budget", "id": "budget-2025", "title": "Budget 2025", "tables": [
        {"title": "Drift", "caption": "Drift.", "unit": "mnkr", "columns": ["2025"], "rows": [{"label": "Summa", "values": [0]}]}]})
    project.edit("mal/fokusmal-1.yaml", lambda d: d.update(budget_table="budget-2025"))
    _model(project, lambda m: (m["vocabularies"].update(trend=[{"id": "upp", "label": "Förbättras", "symbol": "↗"},
                                                                {"id": "ned", "label": "Försämras", "symbol": "↘"}]),
                               m["follow_up"].update(trend=[{"vocabulary": "trend", "types": ["assignment"], "required": False}])))
    project.edit("uppfoljning/2025-04-uppdrag-1.yaml", lambda d: d.update(completion=0, trend="upp", comment_date="2025-04-20"))
    project.document(goals=["fokusmal-1"])
    project.template(
        "{% for goal in doc.resolve(document.contents[0].goals) %}"
        "{{ goal.title }} ({{ goal.budget_table.title }})\n"
        "{% for a in doc.children(goal, 'assignment') %}{% set f = doc.follow_up(a) %}"
        "{{ a.title }}: {{ f.completion }} % klart, trend {{ f.trend.shown }}, {{ f.comment_date }}\n"
        "{% endfor %}{% endfor %}")
    project.validate(capsys)
    text = project.render()
    assert "Testby ska ha en stark ekonomi (Budget 2025)" in text
    assert "Minska den administrativa bördan.: 0 % klart, trend ↗ Förbättras, 2025-04-20" in text

    project.edit("uppfoljning/2025-04-uppdrag-1.yaml", lambda d: d.update(completion=101))
    assert any("completion" in line and "högst 100" in line for line in project.errors(capsys))


def test_a_changed_field_of_any_type_is_in_the_diff(project):
    project.follow_up_fields(completion={"type": "integer", "minimum": 0, "maximum": 100, "title": "Färdigställt",
                                         "description": "Procent klart."})
    project.edit("uppfoljning/2025-04-uppdrag-1.yaml", lambda d: d.update(completion=0))
    before = project.model()
    project.edit("uppfoljning/2025-04-uppdrag-1.yaml", lambda d: d.update(completion=40))
    project.edit("indikatorer/ind-1.yaml", lambda d: d.update(gender_split=False))
    changes = {(c.item_id, c.field): (c.old, c.new) for c in compare(before, project.model())}
    assert changes == {("uppfoljning-2025-04-uppdrag-1", "completion"): (0, 40), ("ind-1", "gender_split"): (True, False)}
    assert Titles(check(project.content).schemas).field("follow_up", "completion") == "Färdigställt"


# --------------------------------------------------------------------------
# A new item type: a schema file and one line of configuration
# --------------------------------------------------------------------------


def _internal_control(project: Project) -> None:
    project.schema("internal_control.schema.json", lambda _: INTERNAL_CONTROL)
    _model(project, lambda m: (
        m.update(types={"internal_control": {"label": "Internkontrollpunkt", "plural": "Internkontrollpunkter"}}),
        m["vocabularies"].update(risk_levels=[{"id": "lag", "label": "Låg"}, {"id": "hog", "label": "Hög"}],
                                 control_status=[{"id": "kontrollerad", "label": "Kontrollerad", "done": True},
                                                 {"id": "avvikelse", "label": "Avvikelse", "requires": ["comment"]}]),
        m["follow_up"].update(status=m["follow_up"]["status"] + [{"vocabulary": "control_status", "types": ["internal_control"]}])))
    for number, (risk, title) in enumerate([("hog", "Utbetalningar attesteras av två personer"), ("lag", "Avtal följs upp")], 1):
        project.write(f"internkontroll/ik-{number}.yaml", {"type": "internal_control", "id": f"ik-{number}", "title": title,
                                                           "risk": risk, "owner": "amn", "parents": ["fokusmal-1"]})
    _follow_up(project, "ik-1", status="avvikelse", comment="Två utbetalningar saknade attest.")
    _follow_up(project, "ik-2", status="kontrollerad")
    project.document(objects=["ik-1", "ik-2"])
    project.template(
        "{% for item in doc.resolve(document.contents[0]['objects']) %}{% set f = doc.follow_up(item) %}"
        "- {{ model.types[item.type].label }}: {{ item.title }}; risk {{ item.risk.label }}; {{ item.owner.abbreviation }}; "
        "{{ item.parents[0].title }}; {{ f.status.label }}\n{% endfor %}"
        "{% for goal in content.of_type('goal') %}{{ goal.id }}: {{ doc.children(goal, 'InternalControl') | length }}\n{% endfor %}")


def test_a_new_item_type_is_first_class(project, capsys):
    """Was: validated, then a raw KeyError in DocumentContext.resolve."""
    _internal_control(project)
    project.validate(capsys)
    assert project.render().splitlines() == [
        "- Internkontrollpunkt: Utbetalningar attesteras av två personer; risk Hög; AMN; Testby ska ha en stark ekonomi; Avvikelse",
        "- Internkontrollpunkt: Avtal följs upp; risk Låg; AMN; Testby ska ha en stark ekonomi; Kontrollerad",
        "fokusmal-1: 2", "namndmal-1: 0"]


def test_references_to_and_from_a_new_type_and_its_vocabularies_are_checked(project, capsys):
    _internal_control(project)
    project.edit("internkontroll/ik-2.yaml", lambda d: d.update(risk="Hög", parents=["fokusmal-2"], owner="ubm"))
    _follow_up(project, "ik-3", status="kontrollerad")
    project.edit("uppfoljning/2025-04-ik-1.yaml", lambda d: d.update(status="godkand"))
    out = "\n".join(project.errors(capsys))
    assert 'ik-2.yaml:4:7: värdet "Hög" finns inte i vokabulären risk_levels. Menade du "hog" (Hög)? Tillåtna: lag (Låg), hog (Hög).' in out
    assert 'ik-2.yaml:5:8: "ubm" finns inte. Menade du "ubn"?' in out
    assert 'ik-2.yaml:7:3: "fokusmal-2" finns inte. Menade du "fokusmal-1"?' in out
    assert re.search(r'uppfoljning/2025-04-ik-3\.yaml:3:7: "ik-3" finns inte\. Menade du "ik-[12]"\?', out)
    status = project.line("uppfoljning/2025-04-ik-1.yaml", "status:")
    assert re.search(rf'2025-04-ik-1\.yaml:{status}:9: värdet "godkand" finns inte för internkontrollpunkt "ik-1"\..*'
                     r"Tillåtna: kontrollerad \(Kontrollerad\), avvikelse \(Avvikelse\)\.", out)


def test_changes_to_a_new_type_and_its_follow_ups_are_in_the_diff(project):
    _internal_control(project)
    before = project.model()
    project.edit("internkontroll/ik-1.yaml", lambda d: d.update(title="Utbetalningar attesteras alltid av två personer"))
    project.edit("uppfoljning/2025-04-ik-1.yaml", lambda d: d.update(status="kontrollerad"))
    changes = compare(before, project.model())
    [title] = [c for c in changes if c.kind == "changed"]
    assert (title.item_type, title.item_id, title.field) == ("internal_control", "ik-1", "title")
    assert [(w.op, w.text) for w in title.words] == [("equal", "Utbetalningar attesteras"), ("insert", "alltid"),
                                                     ("equal", "av två personer")]
    [status] = [c for c in changes if c.kind == "status"]
    assert (status.item_type, status.old_label, status.new_label) == ("internal_control", "Avvikelse", "Kontrollerad")


def test_declared_types_are_checked_at_the_model_file(project, capsys):
    properties = {name: INTERNAL_CONTROL["properties"][name] for name in ("type", "id", "title")}
    project.schema("ovning.schema.json", lambda _: {**INTERNAL_CONTROL, "$id": "https://example.org/ovning.schema.json",
                                                    "required": ["type", "id"], "properties": {**properties, "sort_key": {"type": "string"}}})
    _model(project, lambda m: m.update(types={"goal": {"label": "Mål", "plural": "Mål"},
                                              "saknas": {"label": "Saknas", "plural": "Saknas"},
                                              "ovning": {"label": "Övning", "plural": "Övningar"}}))
    out = project.errors(capsys)
    at = {name: f"content/config/model.yaml:{project.line('config/model.yaml', f'  {name}:')}:3: " for name in ("goal", "saknas", "ovning")}
    assert out == [
        at["goal"] + 'typen "goal" finns redan i styrdok; välj ett annat namn',
        at["saknas"] + f"schemafilen saknas.schema.json finns inte i {project.schemas}",
        at["ovning"] + 'fältet "sort_key" i ovning.schema.json har ett namn som styrdok själv använder; byt namn på fältet']


def test_a_missing_type_schema_is_one_error_not_also_one_per_rule_naming_the_type(project, capsys):
    """Was: the follow_up rule for the type also said '"internal_control" finns inte bland types'."""
    _internal_control(project)
    (project.schemas / "internal_control.schema.json").unlink()
    errors = [line for line in project.errors(capsys) if ": obs: " not in line]
    assert errors == [f"content/config/model.yaml:{project.line('config/model.yaml', '  internal_control:')}:3: "
                      f"schemafilen internal_control.schema.json finns inte i {project.schemas}"]


# --------------------------------------------------------------------------
# 2. Vocabularies: named once, bound by type, level or subtree
# --------------------------------------------------------------------------


def test_two_assessments_in_one_follow_up(project, capsys):
    """Was: a follow-up held exactly one assessment."""
    value = {"$ref": "defs.schema.json#/$defs/vocabularyValue"}
    project.follow_up_fields(forecast={**value, "title": "Prognos", "description": "Bedömning under året."},
                             outcome={**value, "title": "Utfall", "description": "Bedömning vid årets slut."})
    _model(project, lambda m: m["follow_up"].update(
        forecast=[{"vocabulary": "goal_fulfilment", "types": ["goal"]}],
        outcome=[{"vocabulary": "goal_fulfilment", "levels": ["council_goal", "committee_goal"], "required": False}]))
    _follow_up(project, "fokusmal-1", assessment="delvis", assessment_kind="prognos", forecast="delvis", outcome="helt")
    _follow_up(project, "namndmal-1", assessment="helt", assessment_kind="prognos", forecast="helt")
    project.document(goals=["fokusmal-1", "namndmal-1"])
    project.template("{% for goal in doc.resolve(document.contents[0].goals) %}{% set f = doc.follow_up(goal) %}"
                     "{{ goal.number }}: prognos {{ f.forecast.label }}, utfall {{ f.outcome.label if f.outcome else '–' }}\n"
                     "{% endfor %}")
    project.validate(capsys)
    assert project.render() == "1: prognos Delvis uppfyllt, utfall Helt uppfyllt\nN1.1: prognos Helt uppfyllt, utfall –\n"

    project.edit("uppfoljning/2025-04-namndmal-1.yaml", lambda d: (d.pop("forecast"), d.update(outcome="Helt uppfyllt")))
    out = "\n".join(project.errors(capsys))
    assert 'fältet "forecast" (Prognos) saknas: mål "namndmal-1" ska ha ett värde ur vokabulären goal_fulfilment' in out
    assert 'värdet "Helt uppfyllt" finns inte för mål "namndmal-1". Menade du "helt" (Helt uppfyllt)?' in out


def test_a_subtree_vocabulary_beside_the_ordinary_one(project, capsys):
    """Was: vocabularies only by type or level, so a second action plan could not have its own."""
    _model(project, lambda m: (m["vocabularies"].update(plan_status=PLAN_STATUS), m["follow_up"].update(
        status=[{"vocabulary": "plan_status", "under": ["handlingsplan"]}] + m["follow_up"]["status"])))
    project.write("mal/handlingsplan.yaml", {"type": "goal", "id": "handlingsplan", "level": "council_goal", "number": "2",
                                             "title": "Handlingsplan för trygghet"})
    for name in ("belysning", "vaktare"):
        project.write(f"atgarder/{name}.yaml", {"type": "measure", "id": name, "text": f"Åtgärd {name}.", "parents": ["handlingsplan"]})
    _follow_up(project, "belysning", status="avviker", comment="Leveransen är sen.", reason="Brist på material.")
    _follow_up(project, "vaktare", status="paborjad", comment="Upphandlingen pågår.")
    _follow_up(project, "atgard-1", status="paborjad", comment="Pågår.", expected_year=2025)
    project.document(goals=["handlingsplan", "fokusmal-1"])
    project.template(
        "{% for goal in doc.resolve(document.contents[0].goals) %}\n"
        "{% set measures = doc.take_measures(goal, *doc.children(goal, 'assignment')) | map(attribute=1) | list %}\n"
        "{{ goal.title }}:{% for term, n in doc.counts(measures) %} {{ term.shown }} {{ n }};{% endfor %}{{ '' }}\n"
        "{% endfor %}")
    project.validate(capsys)
    assert project.render() == ("Handlingsplan för trygghet: ✓ Färdig 0; ▶ Påbörjad 1; ⚠ Avviker från plan 1; ■ Stoppad 0;\n"
                                "Testby ska ha en stark ekonomi: Påbörjad 1; Färdig 0; Försenad 0;\n")

    project.edit("uppfoljning/2025-04-atgard-1.yaml", lambda d: d.update(status="avviker"))
    project.edit("uppfoljning/2025-04-vaktare.yaml", lambda d: d.update(status="forsenad"))
    out = "\n".join(project.errors(capsys))
    assert 'värdet "avviker" finns inte för åtgärd "atgard-1". Tillåtna: paborjad (Påbörjad), fardig (Färdig), forsenad (Försenad).' in out
    assert 'värdet "forsenad" finns inte för åtgärd "vaktare".' in out and "avviker (Avviker från plan)" in out

    _model(project, lambda m: m["follow_up"]["status"][0]["under"].append("rapport"))
    assert project.errors(capsys) == [
        f"content/config/model.yaml:{project.line('config/model.yaml', '- rapport')}:7: \"rapport\" är ett dokument, och inget "
        "ligger under ett dokument; ange i stället målen det tar med: handlingsplan, fokusmal-1"]


def test_the_most_specific_rule_wins():
    from styrdok.model import governance_model

    levels = [{"id": "council_goal", "label": "Fokusmål", "plural": "Fokusmål", "parents": []}]
    vocabularies = {name: [{"id": "x", "label": "X"}] for name in ("by_type", "by_level", "by_subtree")}
    model = governance_model({"levels": levels, "vocabularies": vocabularies, "follow_up": {"status": [
        {"vocabulary": "by_type", "types": ["goal", "measure"]},
        {"vocabulary": "by_subtree", "types": ["measure"], "under": ["plan"]},
        {"vocabulary": "by_level", "levels": ["council_goal"]}]}})

    def chosen(item_type, level=None, ancestors=()):
        binding = model.binding("status", item_type, level, lambda: set(ancestors))
        return binding.vocabulary if binding else None

    assert chosen("goal") == "by_type" and chosen("goal", "council_goal") == "by_level"
    assert chosen("measure", ancestors=["plan", "mal"]) == "by_subtree" and chosen("measure", ancestors=["mal"]) == "by_type"
    assert chosen("goal", ancestors=["plan"]) == "by_type" and chosen("assignment") is None  # every condition must hold


def test_a_rule_names_a_vocabulary_the_model_has(project, capsys):
    _model(project, lambda m: m["follow_up"].update(assessment=[{"vocabulary": "goal_fulfillment", "types": ["goal"]},
                                                                {"vocabulary": "goal_fulfilment"}]))
    wrong = project.line("config/model.yaml", "goal_fulfillment")
    assert project.errors(capsys) == [  # and the follow-ups of goals wait for the model instead of failing
        f'content/config/model.yaml:{wrong}:17: vokabulären "goal_fulfillment" finns inte under vocabularies. Menade du "goal_fulfilment"?',
        f"content/config/model.yaml:{project.line('config/model.yaml', '- vocabulary: goal_fulfilment', wrong)}:5: "
        "regeln måste ange vilka objekt den gäller: types, levels eller under"]


def test_the_older_model_form_is_still_read(project, capsys):
    """Versions in git from before vocabularies: statuses and scales per type, origins at the top."""
    def older(m):
        vocabularies = m.pop("vocabularies")
        m.pop("follow_up")
        m.update(origins=vocabularies["origins"], target_directions=vocabularies["target_directions"],
                 statuses={"assignment": vocabularies["work_status"], "measure": copy.deepcopy(vocabularies["work_status"])},
                 assessment_scales={"goal": vocabularies["goal_fulfilment"]})
    _model(project, older)
    project.validate(capsys)
    follow_up = project.model().follow_ups["2025-04"]["uppdrag-1"]
    assert (follow_up.status.label, follow_up.status.requires) == ("Påbörjad", ("comment", "expected_year"))


# --------------------------------------------------------------------------
# 3. Numbers
# --------------------------------------------------------------------------


def test_a_measure_keeps_its_fixed_number(project):
    """Was: take_measures always numbered measures 1…n."""
    project.write("atgarder/atgard-510.yaml", {"type": "measure", "id": "atgard-510", "number": "510", "order": 1,
                                               "text": "Inför e-arkiv.", "parents": ["uppdrag-1"]})
    content = project.model()
    renderer = Renderer(content, ROOT / "templates")
    text = renderer.render(content.items["plan"], "verksamhetsplan.md.j2")
    assert re.findall(r"^- - (\S+)\\\. (.*)$", text, re.M) == [("510", "Inför e-arkiv."), ("1", "Förvaltningen ser över sina processer.")]
    assert measure_numbers(content, content.items["plan"]) == {"atgard-510": "510", "atgard-1": 1}


def test_a_listed_goals_own_measures_come_first(project):
    """Was: a goal the plan lists showed its assignments' measures but never its own."""
    project.write("atgarder/atgard-2.yaml", {"type": "measure", "id": "atgard-2", "text": "Nämnden gör en ekonomisk plan.",
                                             "parents": ["fokusmal-1"]})
    content = project.model()
    text = Renderer(content, ROOT / "templates").render(content.items["plan"], "verksamhetsplan.md.j2")
    assert re.findall(r"^- - (\S+)\\\. (.*)$", text, re.M) == [("1", "Nämnden gör en ekonomisk plan."),
                                                           ("2", "Förvaltningen ser över sina processer.")]
    assert measure_numbers(content, content.items["plan"]) == {"atgard-2": 1, "atgard-1": 2}


# --------------------------------------------------------------------------
# 5. Errors a non-programmer can act on
# --------------------------------------------------------------------------


def test_a_label_typed_for_the_id_is_recognised(project, capsys):
    """Was: fältet "status" har fel form, with a regular expression."""
    project.edit("uppfoljning/2025-04-uppdrag-1.yaml", lambda d: d.update(status="Påbörjad"))
    project.edit("uppdrag/uppdrag-1.yaml", lambda d: d.update(origin="KF"))
    out = project.errors(capsys)
    assert out == [
        'content/uppdrag/uppdrag-1.yaml:5:9: värdet "KF" finns inte i vokabulären origins. Menade du "kf"? '
        "Tillåtna: kf (Kommunfullmäktige), ks (Kommunstyrelsen).",
        'content/uppfoljning/2025-04-uppdrag-1.yaml:5:9: värdet "Påbörjad" finns inte för uppdrag "uppdrag-1". '
        'Menade du "paborjad" (Påbörjad)? Tillåtna: paborjad (Påbörjad), fardig (Färdig), forsenad (Försenad).']


def test_a_file_that_fails_to_parse_gives_one_line_for_what_waits_on_it(project, capsys):
    """Was: every reference to it said "uppdrag-1" finns inte, with unrelated suggestions."""
    path = project.content / "uppdrag" / "uppdrag-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Minska", "title: Mål: minska"), encoding="utf-8")
    assert project.errors(capsys) == [
        "content/uppdrag/uppdrag-1.yaml:1:1: obs: 2 hänvisningar väntar på den här filen och kontrolleras när felet här är rättat",
        "content/uppdrag/uppdrag-1.yaml:6:11: YAML-syntaxfel: kolon på oväntad plats; sätt citattecken runt text som innehåller ': '"]


def test_an_anchor_in_the_model_and_a_bad_diarienummer_give_two_errors(project, capsys):
    """Was: follow-on errors for the missing model, the document and everything they hold."""
    _internal_control(project)
    model = project.content / "config" / "model.yaml"
    model.write_text(model.read_text(encoding="utf-8").replace("  work_status:\n  - ", "  work_status:\n  - &forsta\n    ", 1),
                     encoding="utf-8")
    project.edit("dokument/plan.yaml", lambda d: d.update(diarienummer="AMN 2024-525"))
    out = project.errors(capsys)
    anchor, diarienummer = project.line("config/model.yaml", "&forsta"), project.line("dokument/plan.yaml", "diarienummer")
    assert [line.split(": ", 1)[0] for line in out] == [
        "content/config/model.yaml:1:1", f"content/config/model.yaml:{anchor}:5", f"content/dokument/plan.yaml:{diarienummer}:15"]
    assert out[0].endswith("obs: 2 filer av typen internal_control och 4 hänvisningar väntar på den här filen och "
                           "kontrolleras när felet här är rättat")
    assert "ankare och alias" in out[1] and "diarienummer" in out[2]


def test_no_built_in_field_takes_a_name_the_pipeline_uses():
    from styrdok.model import reserved_names
    from styrdok.schema import SchemaSet

    schemas = SchemaSet(ROOT / "schemas")
    clashes = {t: set(s.get("properties", {})) & reserved_names(t) for t, s in schemas.type_schemas.items()}
    assert not any(clashes.values()), clashes
