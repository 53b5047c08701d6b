"""Broken files: each must give one clear Swedish error at the right file and line.

Every case adds or replaces one file in a copy of a small valid content tree, then
runs the real CLI in-process. The last test puts every broken file into one tree
and checks that a single run reports them all.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from styrdok.cli import main
from styrdok.diagnostics import ContentError
from styrdok.load import load_bytes

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
DOCUMENT = ("type: document\nid: {id}\nkind: {kind}\ntitle: T\ncommittee: amn\ndate: \"2024-12-03\"\ndiarienummer: AMN-2024-1\n"
            "contents:\n  - goals: [fokusmal-1]\n")
MEMO = ("memo:\n  recipient: Nämnden\n  decision_intro: Nämnden beslutar\n  clauses: [godkänna planen]\n"
        "  arendet: Planen.\n  signature: {name: A, title: B}\n")

CASES = [
    Case("syntax-colon", "mal/syntax.yaml", "type: goal\nid: syntax\ntitle: Mål: med kolon: fel\n", 3, None, "kolon"),
    Case("syntax-after-emphasis", "mal/kursiv.yaml", "type: goal\nid: kursiv\ndescription: Med *kursiv* text.\ntitle: Mål: med kolon\n", 4, 11, "kolon"),
    Case("syntax-unclosed-list", "mal/lista.yaml", "type: goal\nid: lista\nparents: [fokusmal-1\nlevel: council_goal\n", 3, 10, "avslutas aldrig"),
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
    Case("raw-html", "atgarder/html.yaml", "type: measure\nid: html\ntext: Text med <b>fetstil</b>.\nparents: [uppdrag-1]\n", 3, 16, "HTML är inte tillåtet"),
    Case("raw-typst", "mal/typst.yaml", GOAL.format(id="typst") + "description: |\n  Första raden.\n  `#pagebreak()`{=typst}\n", 7, 17, "råformat"),
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
    # Control characters, at their exact line and column.
    Case("control-nul", "mal/nul.yaml", GOAL.format(id="nul").replace("Ett mål", "Ett\0mål"), 4, 11, "nolltecken (NUL)"),
    Case("control-esc", "mal/esc.yaml", GOAL.format(id="esc").replace("Ett mål", "Ett mål\x1b[31m"), 4, 15, "escape-tecken (ESC)"),
    Case("control-0x1f", "mal/us.yaml", GOAL.format(id="us").replace("Ett mål", "\"Ett\x1fmål\""), 4, 12, "U+001F"),
    Case("control-in-section", "texter/styr.md", "---\ntype: section\nid: styr\ntitle: T\n---\nText\x07.\n", 6, 5, "U+0007"),
    # PyYAML's problems in Swedish, at the line that is wrong.
    Case("unclosed-bracket-with-emphasis", "mal/emfas.yaml",
         "type: goal\nid: emfas\nlevel: council_goal\nparents: [fokusmal-1\ntitle: Det *är* viktigt\n", 4, 10, "listan inom [ ] som börjar här avslutas aldrig"),
    Case("emphasis-at-start", "atgarder/emfas.yaml", "type: measure\nid: emfas\ntext: *Viktigt* att göra\nparents: [uppdrag-1]\n",
         3, 7, "börjar texten med & eller *, sätt citattecken runt texten"),
    Case("indented-first-line", "mal/indrag-forst.yaml", " type: goal\nid: indrag-forst\nlevel: council_goal\ntitle: T\n", 1, 1,
         "filens första rad är indragen"),
    Case("key-without-colon", "mal/utan-kolon.yaml", "type: goal\nid: utan-kolon\nlevel: council_goal\ntitle Ett mål\nparents: [fokusmal-1]\n",
         4, 1, "en nyckel saknar kolon"),
    Case("text-after-quote", "mal/efter-citat.yaml", GOAL.format(id="efter-citat").replace("Ett mål", '"Ett mål" och mer'), 4, 18,
         "oväntad text efter värdet"),
    Case("second-document", "mal/andra.yaml", GOAL.format(id="andra") + "--- mer\nfoo\n", 5, 1, "bara innehålla ett YAML-dokument"),
    Case("deep-nesting", "mal/djup.yaml", GOAL.format(id="djup") + "extra: " + "[" * 900 + "]" * 900 + "\n", 5, 57, "för djup nästling"),
    Case("deep-block-nesting", "mal/djup-block.yaml", GOAL.format(id="djup-block") + "extra:\n" + "- " * 5000 + "x\n", 6, 99,
         "för djup nästling"),
    # Ids: $ in a schema pattern does not let a final newline through.
    Case("id-with-trailing-newline", "dokument/radbrytning.yaml", DOCUMENT.format(id='"plan-2025\\n"', kind="verksamhetsplan"), 2, 5,
         'fältet "id" har fel form: texten "plan-2025\\n"'),
    # What only a build would otherwise meet.
    Case("unknown-document-kind", "dokument/slag.yaml", DOCUMENT.format(id="slag", kind="finns-inte"), 3, 7,
         'dokumentslaget "finns-inte" finns inte: det finns ingen mall finns-inte.md.j2'),
    Case("id-collides-with-memo", "dokument/kollision-tjansteskrivelse.yaml",
         DOCUMENT.format(id="kollision-tjansteskrivelse", kind="verksamhetsplan") + "---SPLIT---dokument/kollision.yaml\n"
         + DOCUMENT.format(id="kollision", kind="verksamhetsplan") + MEMO,
         2, 5, 'samma filnamn som tjänsteskrivelsen till "kollision"'),
]


def _tree(tmp_path: Path, case: Case) -> Path:
    """A copy of the minimal tree (outside any git repository) with the case's files."""
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
def test_bad_input_is_reported_at_file_and_line(tmp_path, capsys, monkeypatch, case):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # the tree is in no git repository
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
                         capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    lines = run.stdout.splitlines()
    positions = [(path, int(line), int(col)) for path, line, col, _ in (entry.split(":", 3) for entry in lines)]
    assert positions == sorted(positions)
    for case in together:
        assert any(line.startswith(f"content/{case.path}:{case.line}:") and case.fragment in line for line in lines), case.name


# --------------------------------------------------------------------------
# Files that are not plain files in the tree, and files that cannot be read
# --------------------------------------------------------------------------

SECRET = "hemlig-rad-som-aldrig-far-visas"


def _validate_run(content: Path) -> subprocess.CompletedProcess:
    """The CLI as a real process, with a time limit: a pipe or a device must not hang it."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "validate", "--content", str(content)],
                          capture_output=True, text=True, cwd=content.parent, timeout=60)


def _outside_file(tmp_path: Path) -> Path:
    outside = tmp_path / "utanfor.yaml"
    outside.write_text(f"type: goal\nid: utanfor\nlevel: council_goal\ntitle: {SECRET}\n", encoding="utf-8")
    return outside


SPECIAL_FILES = {
    "symlink-out-of-tree": (lambda tmp, target: target.symlink_to(_outside_file(tmp)),
                            "filen är en länk till en plats utanför innehållskatalogen"),
    "symlink-to-dev-zero": (lambda tmp, target: target.symlink_to("/dev/zero"),
                            "filen är en länk till en plats utanför innehållskatalogen"),
    "dangling-symlink": (lambda tmp, target: target.symlink_to(tmp / "finns-inte.yaml"), "filen är en länk till något som inte finns"),
    "symlink-loop": (lambda tmp, target: target.symlink_to(target.name), "filen är en länk som pekar på sig själv i en slinga"),
    "fifo": (lambda tmp, target: os.mkfifo(target), "filen är ingen vanlig fil"),
    "socket": (lambda tmp, target: socket.socket(socket.AF_UNIX).bind(str(target)), "filen är ingen vanlig fil"),
}


@pytest.mark.parametrize("name", SPECIAL_FILES)
def test_special_files_are_refused_at_line_1_without_their_content(tmp_path, name):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    make, fragment = SPECIAL_FILES[name]
    make(tmp_path, content / "mal" / "special.yaml")
    run = _validate_run(content)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr and SECRET not in run.stdout + run.stderr
    [line] = run.stdout.splitlines()
    assert line.startswith(f"content/mal/special.yaml:1:1: {fragment}"), line


def test_a_symlink_inside_the_tree_is_read(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    (content / "delat").mkdir()
    (content / "texter" / "inledning.md").rename(content / "delat" / "inledning.txt")  # .txt: not loaded twice
    (content / "texter" / "inledning.md").symlink_to(Path("..") / "delat" / "inledning.txt")
    assert main(["validate", "--content", str(content)]) == 0, capsys.readouterr().out


def test_an_unreadable_file_is_a_located_error(tmp_path, capsys, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    locked = content / "mal" / "fokusmal-1.yaml"
    real_open = os.open

    def refusing_open(path, *args, **kwargs):  # what chmod 000 does to anyone but root
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    assert main(["validate", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert "content/mal/fokusmal-1.yaml:1:1: filen kan inte läsas: åtkomst nekas" in out.splitlines()


def test_an_unreadable_directory_is_a_located_error(tmp_path, capsys, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    locked = content / "uppfoljning"
    real_scandir = os.scandir

    def refusing_scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    assert main(["validate", "--content", str(content)]) == 1
    assert "content/uppfoljning:1:1: katalogen kan inte läsas: åtkomst nekas" in capsys.readouterr().out.splitlines()


def test_windows_line_endings_are_accepted(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    for path in (content / "texter" / "inledning.md", content / "mal" / "fokusmal-1.yaml"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert main(["validate", "--content", str(content)]) == 0, capsys.readouterr().out
    (content / "mal" / "fokusmal-1.yaml").write_bytes(b"type: goal\r\nid: fokusmal-1\r\nlevel: council_goal\r\ntitel: T\r\n")
    assert main(["validate", "--content", str(content)]) == 1
    assert 'content/mal/fokusmal-1.yaml:4:1: okänt fält "titel".' in capsys.readouterr().out


# --------------------------------------------------------------------------
# PyYAML: every problem in Swedish, at the right place
# --------------------------------------------------------------------------

YAML_PROBLEMS = [  # (text, line, col, part of the Swedish message)
    ("a: 1\nb: 2\n  c: 3\n", 3, 4, "kolon på oväntad plats"),
    ("a: [1, 2\nb: 2\n", 1, 4, "listan inom [ ] som börjar här avslutas aldrig med ]"),
    ("a: {b: 1\nc: 2\n", 1, 4, "mappningen inom { } som börjar här avslutas aldrig med }"),
    ("a: [x: y: z]\n", 1, 9, "oväntat tecken i listan inom [ ]"),
    ("a: 1\n- b\n", 2, 1, "fel indrag"),
    ("- a\nb: 1\n", 2, 1, "en lista och en nyckel blandas"),
    ("a: 1\nb: 2\nc\n", 3, 1, "en nyckel saknar kolon"),
    ("a: 'x\nb: 2\n", 1, 4, "saknas ett avslutande citattecken"),
    ('a: "x\\qy"\n', 1, 6, "okänd escape-sekvens"),
    ('a: "\\x4"\n', 1, 7, "ogiltig teckenkod"),
    ("a: @x\n", 1, 4, "tecknet får inte inleda ett värde"),
    ("a: `x`\n", 1, 4, "tecknet får inte inleda ett värde"),
    ("a: &x 1\nb: *x\n", 2, 4, "ankare och alias"),
    ("a: *x\n", 1, 4, "ankare och alias"),
    ("a: &\n", 1, 4, "ankare och alias"),
    ("%YAML 2.0\n---\na: 1\n", 1, 1, "rader som börjar med %"),
    ("%FOO bar\na: 1\n", 1, 1, "rader som börjar med %"),
    ("a: !<x y\n", 1, 7, "taggar (!) är inte tillåtna"),
    ("a: !x y\n", 1, 4, "taggen !x är inte tillåten"),
    ("a: |0\n  b\n", 1, 5, "efter | eller >"),
    ("a: |-2x\n  b\n", 1, 7, "efter | eller >"),
    ("a: [1, , 2]\n", 1, 8, "ett värde saknas här"),
    ("a: 1\n---\nb: 2\n", 2, 1, "bara innehålla ett YAML-dokument"),
    ("[a]\nb: 1\n", 2, 1, "hör inte till filens fält"),
    ("  a: 1\nb: 2\n", 1, 1, "filens första rad är indragen"),
    ("a: b\n? [c]\n", 2, 3, "en nyckel måste vara text, inte en lista"),
    ("a: b\n1: c\n", 2, 1, 'nyckeln "1" måste vara text'),
    ("a: - b\n", 1, 4, "ett listvärde (- ) på oväntad plats"),
    ("a: [b, c]: d\n", 1, 10, "kolon på oväntad plats"),
]
ENGLISH = ("found", "expected", "while", "scanning", "parsing", "mapping values", "allowed", "character", "document")


@pytest.mark.parametrize("text, line, col, fragment", YAML_PROBLEMS, ids=[f"yaml-{n}" for n in range(len(YAML_PROBLEMS))])
def test_every_yaml_problem_is_swedish_and_at_the_right_place(text, line, col, fragment):
    with pytest.raises(ContentError) as raised:
        load_bytes(text.encode("utf-8"), "fil.yaml")
    found = raised.value.diagnostic
    assert (found.line, found.col) == (line, col), found.text()
    assert fragment in found.message
    assert not any(word in found.message.lower() for word in ENGLISH if word not in fragment.lower()), found.message


# --------------------------------------------------------------------------
# Content that drives graph walks, and git versions
# --------------------------------------------------------------------------


def test_a_1500_deep_parent_chain_is_walked_without_recursion(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    model = content / "config" / "model.yaml"
    model.write_text(model.read_text(encoding="utf-8").replace("parents: [council_goal]", "parents: [council_goal, committee_goal]"),
                     encoding="utf-8")
    chain = content / "kedja"
    chain.mkdir()
    for number in range(1500):
        parent = f"kedja-{number - 1}" if number else "fokusmal-1"
        (chain / f"kedja-{number}.yaml").write_text(
            f"type: goal\nid: kedja-{number}\nlevel: committee_goal\ntitle: Mål {number}\nparents: [{parent}]\n", encoding="utf-8")
    (content / "atgarder" / "langst-ner.yaml").write_text(MEASURE.format(id="langst-ner").replace("uppdrag-1", "kedja-1499"),
                                                         encoding="utf-8")
    assert main(["validate", "--content", str(content)]) == 0, capsys.readouterr().out
    (chain / "kedja-0.yaml").write_text("type: goal\nid: kedja-0\nlevel: committee_goal\ntitle: T\nparents: [kedja-1499]\n",
                                        encoding="utf-8")
    assert main(["validate", "--content", str(content)]) == 1
    out = capsys.readouterr().out
    assert "content/kedja/kedja-0.yaml:5:10: cykel i hierarkin: kedja-0 → kedja-1499 → kedja-1498 → " in out
    assert "content/atgarder/langst-ner.yaml:4:1: åtgärden visas inte i något dokument" in out


def test_a_revision_table_since_an_unknown_version_is_located(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    document = content / "dokument" / "revision.yaml"
    document.write_text(DOCUMENT.format(id="revision", kind="verksamhetsplan") + "  - revisions: {document: plan, since: v9}\n",
                        encoding="utf-8")
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.se"]
    for command in (["init", "--quiet"], ["add", "."], [*identity, "commit", "--quiet", "-m", "Plan"], ["tag", "v1"]):
        subprocess.run(["git", *command], cwd=tmp_path, check=True, capture_output=True)
    assert main(["validate", "--content", str(content)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        'content/dokument/revision.yaml:10:40: versionen "v9" finns inte i förrådet: ingen tagg, commit eller gren heter så']
    document.write_text(document.read_text(encoding="utf-8").replace("since: v9", "since: v1"), encoding="utf-8")
    assert main(["validate", "--content", str(content)]) == 0, capsys.readouterr().out
