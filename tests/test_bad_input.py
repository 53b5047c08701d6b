"""Broken files: each must give one clear Swedish error at the right file and line.

Every case adds or replaces one file in a copy of a small valid content tree, then
runs the real CLI in-process. The last test puts every broken file into one tree
and checks that a single run reports them all.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from styrdok.cli import main

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@dataclass
class Case:
    name: str
    path: str  # relative to the content directory
    body: str | bytes
    line: int
    col: int | None  # None: any column
    fragment: str  # part of the Swedish message


GOAL = "type: goal\nid: {id}\nlevel: council_goal\ntitle: Ett mål\n"
MEASURE = "type: measure\nid: {id}\ntext: En åtgärd.\nparents: [uppdrag-1]\n"

CASES = [
    Case("syntax-colon", "mal/syntax.yaml", "type: goal\nid: syntax\ntitle: Mål: med kolon: fel\n", 3, None, "kolon"),
    Case("syntax-after-emphasis", "mal/kursiv.yaml", "type: goal\nid: kursiv\ndescription: Med *kursiv* text.\ntitle: Mål: med kolon\n", 4, 11, "kolon"),
    Case("syntax-unclosed-list", "mal/lista.yaml", "type: goal\nid: lista\nparents: [fokusmal-1\nlevel: council_goal\n", 4, None, "avslutas aldrig"),
    Case("syntax-unclosed-quote", "mal/citat.yaml", "type: goal\nid: citat\ntitle: \"Ett mål\nlevel: council_goal\n", 3, 8, "citattecken"),
    Case("syntax-tab-indent", "mal/tabb.yaml", "type: goal\nid: tabb\nparents:\n\t- fokusmal-1\n", 4, 1, "tabbtecken"),
    Case("syntax-bad-indent", "mal/indrag.yaml", "type: goal\nid: indrag\ntitle: Mål\n  level: council_goal\n", 4, None, "YAML-syntaxfel"),
    Case("duplicate-key", "mal/dubbel.yaml", GOAL.format(id="dubbel") + "title: Igen\n", 5, 1, 'nyckeln "title" förekommer två gånger'),
    Case("yes-as-boolean", "indikatorer/ja.yaml",
         "type: indicator\nid: ja\nname: N\nsource: S\ngender_split: yes\ntarget: {direction: oka}\nparents: [fokusmal-1]\n",
         5, 15, "ska vara true eller false"),
    Case("off-as-boolean", "indikatorer/av.yaml",
         "type: indicator\nid: av\nname: N\nsource: S\ngender_split: off\ntarget: {direction: oka}\nparents: [fokusmal-1]\n",
         5, 15, 'texten "off"'),
    Case("year-as-text", "uppdrag/artal.yaml",
         "type: assignment\nid: artal\nyear: tjugotjugofem\norigin: kf\ntitle: T\ncommittees: [amn]\nparents: [fokusmal-1]\n",
         3, 7, "ska vara ett heltal"),
    Case("parents-not-a-list", "atgarder/foralder.yaml", "type: measure\nid: foralder\ntext: T\nparents: uppdrag-1\n", 4, 10, "ska vara en lista"),
    Case("unknown-field", "mal/okant.yaml", GOAL.format(id="okant") + "titel: Stavfel\n", 5, 1, 'okänt fält "titel"'),
    Case("unknown-type", "mal/typ.yaml", "type: gaol\nid: typ\n", 1, 7, 'Menade du "goal"?'),
    Case("missing-type", "mal/utantyp.yaml", "id: utantyp\ntitle: T\n", 1, 1, 'fältet "type"'),
    Case("bad-id", "mal/stort.yaml", GOAL.format(id="Stort_Id"), 2, 5, 'fältet "id" har fel form'),
    Case("dangling-parent", "atgarder/hanger.yaml", "type: measure\nid: hanger\ntext: T\nparents: [uppdrag-2]\n", 4, 11, 'Menade du "uppdrag-1"?'),
    Case("wrong-ref-type", "atgarder/fel-typ.yaml", "type: measure\nid: fel-typ\ntext: T\nparents: [atgard-1]\n", 4, 11, "men här krävs"),
    Case("unknown-committee", "uppdrag/namnd.yaml",
         "type: assignment\nid: namnd\nyear: 2025\norigin: kf\ntitle: T\ncommittees: [amn, ubm]\nparents: [fokusmal-1]\n",
         6, 19, 'Menade du "ubn"?'),
    Case("unknown-vocabulary", "uppdrag/ursprung.yaml",
         "type: assignment\nid: ursprung\nyear: 2025\norigin: kff\ntitle: T\ncommittees: [amn]\nparents: [fokusmal-1]\n",
         4, 9, 'Menade du "kf"?'),
    Case("duplicate-id", "atgarder/kopia.yaml", MEASURE.format(id="atgard-1"), 2, 5, "används redan"),
    Case("cycle", "mal/cykel-a.yaml",
         "type: goal\nid: cykel-a\nlevel: committee_goal\ntitle: A\nparents: [cykel-b]\n---SPLIT---mal/cykel-b.yaml\n"
         "type: goal\nid: cykel-b\nlevel: committee_goal\ntitle: B\nparents: [cykel-a]\n",
         5, 10, "cykel i hierarkin: cykel-a → cykel-b → cykel-a"),
    Case("level-not-allowed", "mal/niva.yaml",
         "type: goal\nid: niva\nlevel: council_goal\ntitle: T\nparents: [fokusmal-1]\n", 5, 11, "får inte ligga under"),
    Case("orphan-measure", "atgarder/foraldralos.yaml",
         "type: measure\nid: foraldralos\ntext: T\nparents: [uppdrag-ensam]\n---SPLIT---uppdrag/uppdrag-ensam.yaml\n"
         "type: assignment\nid: uppdrag-ensam\nyear: 2025\norigin: kf\ntitle: T\ncommittees: [amn]\nparents: [namndmal-ensam]\n"
         "---SPLIT---mal/namndmal-ensam.yaml\ntype: goal\nid: namndmal-ensam\nlevel: council_goal\ntitle: T\n",
         4, 1, "visas inte i något dokument"),
    Case("missing-status", "uppfoljning/utan-status.yaml",
         "type: follow_up\nid: utan-status\nitem: atgard-1\nperiod: \"2025-04\"\ncomment: Pågår.\n", 1, 1, 'fältet "status" (Status) saknas'),
    Case("unknown-status", "uppfoljning/fel-status.yaml",
         "type: follow_up\nid: fel-status\nitem: atgard-1\nperiod: \"2025-04\"\nstatus: forsenat\ncomment: C\nreason: R\nexpected_year: 2026\n",
         5, 9, 'Menade du "forsenad"?'),
    Case("delayed-without-reason", "uppfoljning/forsenad.yaml",
         "type: follow_up\nid: forsenad\nitem: atgard-1\nperiod: \"2025-04\"\nstatus: forsenad\ncomment: Det drar ut på tiden.\n",
         5, 1, 'kräver fältet "reason"'),
    Case("follow-up-unknown-item", "uppfoljning/okand.yaml",
         "type: follow_up\nid: okand\nitem: atgard-2\nperiod: \"2025-04\"\nstatus: fardig\ncomment: Klart.\n",
         3, 7, 'Menade du "atgard-1"?'),
    Case("raw-html", "atgarder/html.yaml", "type: measure\nid: html\ntext: Text med <b>fetstil</b>.\nparents: [uppdrag-1]\n", 3, 7, "HTML är inte tillåtet"),
    Case("raw-typst", "mal/typst.yaml", GOAL.format(id="typst") + "description: |\n  Första raden.\n  `#pagebreak()`{=typst}\n", 7, 1, "råformat"),
    Case("raw-html-in-section", "texter/html.md", "---\ntype: section\nid: html-avsnitt\ntitle: T\n---\nText.\n\n<script>alert(1)</script>\n", 8, 1, "HTML är inte tillåtet"),
    Case("alias-bomb", "mal/bomb.yaml",
         "type: goal\nid: bomb\nlevel: council_goal\ntitle: T\n"
         "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
         6, 8, "ankare och alias"),
    Case("huge-file", "mal/stor.yaml", b"type: goal\nid: stor\n" + b"# " + b"x" * (50 * 1024 * 1024) + b"\n", 1, 1, "filen är för stor"),
    Case("invalid-utf8", "mal/latin1.yaml", "type: goal\nid: latin1\nlevel: council_goal\ntitle: Mål för äldre\n".encode("latin-1"), 4, 9, "ogiltig UTF-8"),
    Case("empty-file", "mal/tom.yaml", "", 1, 1, "filen är tom"),
    Case("comments-only", "mal/kommentar.yaml", "# bara en kommentar\n", 1, 1, "filen är tom"),
    Case("list-not-mapping", "mal/lista-topp.yaml", "- type: goal\n- id: x\n", 1, 1, "ska vara en mappning"),
    Case("bad-date", "dokument/datum.yaml",
         "type: document\nid: datum\nkind: verksamhetsplan\ntitle: T\ncommittee: amn\ndate: 2024-13-45\ndiarienummer: AMN-2024-1\ncontents:\n  - goals: [fokusmal-1]\n",
         6, 7, "ÅÅÅÅ-MM-DD"),
    Case("section-without-front-matter", "texter/utan.md", "Bara text.\n", 1, 1, "saknar inledande metadata"),
]


def _tree(tmp_path: Path, case: Case) -> Path:
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    _write_case(content, case)
    return content


def _write_case(content: Path, case: Case) -> None:
    if isinstance(case.body, bytes):
        parts = [(case.path, case.body)]
    else:
        first, *rest = case.body.split("---SPLIT---")
        parts = [(case.path, first)] + [tuple(part.split("\n", 1)) for part in rest]
    for relative, body in parts:
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))


def test_the_minimal_tree_is_valid(capsys):
    assert main(["validate", "--content", str(MINIMAL)]) == 0
    assert capsys.readouterr().out == ""


def test_there_are_at_least_25_distinct_cases():
    assert len({case.name for case in CASES}) == len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_reported_at_file_and_line(tmp_path, capsys, case):
    content = _tree(tmp_path, case)
    assert main(["validate", "--content", str(content)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    expected = f"content/{case.path}:{case.line}:"
    matching = [line for line in out.splitlines() if line.startswith(expected) and case.fragment in line]
    assert matching, f"väntade {expected} … {case.fragment!r}, fick:\n{out}"
    if case.col is not None:
        assert any(line.startswith(f"{expected}{case.col}: ") for line in matching), out


def test_one_run_reports_every_broken_file(tmp_path):
    """All broken files in one tree: a single CLI run (a real process) reports each."""
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    # Cases whose files clash (same id twice in one tree) are checked one by one above.
    together = [c for c in CASES if c.name not in ("duplicate-id",)]
    for case in together:
        _write_case(content, case)
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate", "--content", str(content)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    lines = run.stdout.splitlines()
    positions = [(path, int(line), int(col)) for path, line, col, _ in (entry.split(":", 3) for entry in lines)]
    assert positions == sorted(positions)
    for case in together:
        assert any(line.startswith(f"content/{case.path}:{case.line}:") and case.fragment in line for line in lines), case.name
