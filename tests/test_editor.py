"""Editor schemas (``build.py schemas``) and the VS Code settings: structure, the model's
values with their Swedish labels, the existing ids, and Swedish pattern messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from styrdok.cli import main
from styrdok.editor import editor_schemas, folder_schemas
from styrdok.load import load_content
from styrdok.pipeline import load_schemas

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generated():
    loaded = load_content(ROOT / "content")
    schemas = load_schemas(ROOT / "schemas").for_content(loaded)
    return loaded, schemas, editor_schemas(loaded, schemas)


def _patterns(node, path=()):
    if isinstance(node, dict):
        if "pattern" in node:
            yield path, node
        for key, child in node.items():
            yield from _patterns(child, path + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _patterns(child, path + (index,))


def test_every_editor_schema_is_valid_json_schema(generated):
    _loaded, schemas, editor = generated
    assert set(editor) == {p.name for p in (ROOT / "schemas").glob("*.schema.json")}
    for schema in editor.values():
        Draft7Validator.check_schema(schema)
        assert "$id" not in schema  # relative $refs resolve beside the generated file


def test_statuses_levels_and_origins_are_enums_with_their_swedish_labels(generated):
    editor = generated[2]
    status = editor["follow_up.schema.json"]["properties"]["status"]
    assert status["enum"][:2] == ["ej-paborjad", "paborjad"]
    assert status["enumDescriptions"][:2] == ["Ej påbörjad", "Påbörjad"]
    assert status["markdownEnumDescriptions"][1].startswith("**Påbörjad**. Arbetet har startat")
    assessment = editor["follow_up.schema.json"]["properties"]["assessment"]
    assert dict(zip(assessment["enum"], assessment["enumDescriptions"]))["delvis"] == "Delvis uppfyllt"
    level = editor["goal.schema.json"]["properties"]["level"]
    assert dict(zip(level["enum"], level["enumDescriptions"])) == {
        "council_goal": "Fokusmål", "committee_goal": "Nämndmål", "target_area": "Målområde"}
    origin = editor["assignment.schema.json"]["properties"]["origin"]
    assert dict(zip(origin["enum"], origin["enumDescriptions"]))["kvarvarande"] == "Kvarvarande uppdrag från tidigare år"


def test_references_offer_the_existing_ids_of_the_types_they_may_name(generated):
    loaded, _schemas, editor = generated
    goals = sorted(f.data["id"] for f in loaded.files if f.data.get("type") == "goal")
    assignment = editor["assignment.schema.json"]["properties"]
    assert assignment["parents"]["items"]["enum"] == goals
    assert {"amn", "ks"} <= set(assignment["committees"]["items"]["enum"])
    followed = set(editor["follow_up.schema.json"]["properties"]["item"]["enum"])
    assert {"uppdrag-valdeltagande", "atgard-jullovspeng", "fokusmal-1-ekonomi"} <= followed
    assert not followed & {"verksamhetsplan-2025", "modell"}  # documents and the model are not followed up


def test_every_pattern_has_a_swedish_message(generated):
    editor = generated[2]
    found = [(name, path, node) for name, schema in editor.items() for path, node in _patterns(schema)
             if isinstance(node.get("pattern"), str)]
    assert len(found) > 10
    for name, path, node in found:
        assert node.get("patternErrorMessage", "").startswith("Fel form."), (name, path)
    message = editor["defs.schema.json"]["$defs"]["id"]["patternErrorMessage"]
    assert "små bokstäver a–z, siffror och bindestreck" in message


def test_every_content_folder_is_mapped_to_its_schema(generated):
    loaded, schemas, _editor = generated
    mapping = folder_schemas(loaded, schemas)
    assert mapping["content/uppdrag/**/*.yaml"] == "assignment.schema.json"
    assert mapping["content/uppfoljning/**/*.yaml"] == "follow_up.schema.json"  # every period's folder
    assert mapping["content/config/model.yaml"] == "model.schema.json"
    folders = {Path(f.path).parts[1] for f in loaded.files if f.path.endswith(".yaml")}
    assert folders == {Path(glob).parts[1] for glob in mapping}


def test_the_committed_vscode_settings_match_what_schemas_writes(tmp_path, monkeypatch):
    committed = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert json.loads((ROOT / ".vscode" / "extensions.json").read_text())["recommendations"] == ["redhat.vscode-yaml"]
    for name in ("content", "schemas", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "styrdok.yaml", tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["schemas"]) == 0
    written = json.loads((tmp_path / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert written == committed
    for schema, globs in written["yaml.schemas"].items():
        assert (tmp_path / schema).is_file() and globs
