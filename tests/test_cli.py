"""The command line: output formats, warnings and --strict, exit codes, Swedish help."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from styrdok.cli import main

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture()
def broken(tmp_path) -> Path:
    """A small tree with one error and one warning."""
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    (content / "atgarder" / "fel.yaml").write_text("type: measure\nid: fel\ntext: T\nparents: [uppdrag-9]\n", encoding="utf-8")
    (content / "texter" / "oanvand.md").write_text("---\ntype: section\nid: oanvand\ntitle: Gammalt\n---\nText.\n", encoding="utf-8")
    return content


def test_text_format_sorts_errors_and_warnings(broken, capsys):
    assert main(["validate", "--content", str(broken)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        'content/atgarder/fel.yaml:4:11: "uppdrag-9" finns inte. Menade du "uppdrag-1"?',
        "content/texter/oanvand.md:3:5: varning: textavsnittet används inte i något dokument",
    ]
    assert err.strip() == "1 fel och 1 varningar i 12 filer."


def test_json_format(broken, capsys):
    main(["validate", "--content", str(broken), "--format", "json"])
    found = json.loads(capsys.readouterr().out)
    assert [(d["path"], d["line"], d["col"], d["severity"]) for d in found] == [
        ("content/atgarder/fel.yaml", 4, 11, "error"), ("content/texter/oanvand.md", 3, 5, "warning")]


def test_github_format(broken, capsys):
    main(["validate", "--content", str(broken), "--format", "github"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::error file=content/atgarder/fel.yaml,line=4,col=11::")
    assert lines[1].startswith("::warning file=content/texter/oanvand.md,line=3,col=5::")


def test_warnings_alone_pass_unless_strict(broken, capsys):
    (broken / "atgarder" / "fel.yaml").unlink()
    assert main(["validate", "--content", str(broken)]) == 0
    assert main(["validate", "--content", str(broken), "--strict"]) == 1
    assert "oanvand.md:3:5: textavsnittet" in capsys.readouterr().out


def test_a_delay_expected_in_the_past_warns(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    follow_up = content / "uppfoljning" / "2025-04-uppdrag-1.yaml"
    follow_up.write_text(follow_up.read_text(encoding="utf-8").replace("expected_year: 2025", "expected_year: 2024"), encoding="utf-8")
    assert main(["validate", "--content", str(content)]) == 0
    assert "varning: arbetet väntas klart 2024, före periodens år" in capsys.readouterr().out


def test_missing_content_directory_is_exit_2(tmp_path, capsys):
    assert main(["validate", "--content", str(tmp_path / "saknas")]) == 2
    assert "innehållskatalogen" in capsys.readouterr().err


def test_help_is_swedish_and_usage_errors_exit_2():
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "--help"], capture_output=True, text=True)
    assert run.returncode == 0 and "användning:" in run.stdout and "kommandon" in run.stdout
    for command in ("validate", "build", "verify"):
        assert command in run.stdout
    wrong = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate", "--format", "xml"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "ogiltigt val" in wrong.stderr and "Traceback" not in wrong.stderr


# --------------------------------------------------------------------------
# Usage and environment errors: exit 2, one Swedish line, never a traceback
# --------------------------------------------------------------------------


def _one_error_line(err: str) -> str:
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    assert line.startswith("fel: ")
    return line


def _broken_schemas(tmp_path: Path, change) -> Path:
    content, schemas = tmp_path / "content", tmp_path / "schemas"
    shutil.copytree(MINIMAL, content)
    shutil.copytree(ROOT / "schemas", schemas)
    measure = schemas / "measure.schema.json"
    document = json.loads(measure.read_text(encoding="utf-8"))
    change(document)
    measure.write_text(json.dumps(document), encoding="utf-8")
    return content


BROKEN_SCHEMAS = {
    "type-5": (lambda d: d["properties"]["text"].update(type=5),
               "schemat measure.schema.json är felaktigt vid properties/text/type: värdet 5 ska vara en av typerna"),
    "bad-regex": (lambda d: d["properties"]["text"].update(pattern="(["),
                  'schemat measure.schema.json är felaktigt vid properties/text/pattern: värdet "([" ska vara ett giltigt reguljärt uttryck'),
    "ref-to-nothing": (lambda d: d["properties"]["text"].update({"$ref": "finns-inte.schema.json"}),
                       "schemat measure.schema.json är felaktigt vid properties/text/$ref"),
    "limit-as-text": (lambda d: d["properties"]["text"].update(maxLength="lång"),
                      'vid properties/text/maxLength: värdet "lång" ska vara ett heltal'),
    "annotation": (lambda d: d["properties"]["text"].update({"x-markdown": "html"}),
                   "schemat för typen measure är felaktigt: x-markdown vid text har värdet \"html\""),
}


@pytest.mark.parametrize("name", BROKEN_SCHEMAS)
def test_a_broken_schema_is_exit_2_with_one_swedish_line(tmp_path, capsys, name):
    change, expected = BROKEN_SCHEMAS[name]
    content = _broken_schemas(tmp_path, change)
    assert main(["validate", "--content", str(content)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert expected in line, line


def test_a_schema_that_is_not_json_is_exit_2_in_swedish(tmp_path, capsys):
    content = _broken_schemas(tmp_path, lambda d: None)
    (tmp_path / "schemas" / "goal.schema.json").write_text('{"$id": "x",\n  "type": }', encoding="utf-8")
    assert main(["validate", "--content", str(content)]) == 2
    assert _one_error_line(capsys.readouterr().err).endswith("schemat goal.schema.json är inte giltig JSON (rad 2, kolumn 11)")


def test_a_schema_pattern_ends_at_the_end_not_before_a_final_newline(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    (content / "mal" / "nl.yaml").write_text('type: goal\nid: nl\nlevel: council_goal\ntitle: T\nnumber: "2"\n'
                                             'parents: ["fokusmal-1\\n"]\n', encoding="utf-8")
    assert main(["validate", "--content", str(content)]) == 1
    assert capsys.readouterr().out.startswith('content/mal/nl.yaml:6:11: fältet "parents[1]" har fel form: texten "fokusmal-1\\n"')


@pytest.mark.parametrize("argv", [["validate", "--period", "foo"], ["validate", "--period", "2025-13"],
                                  ["diff", "--periods", "2025-04", "augusti"]])
def test_a_malformed_period_is_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "ogiltig period" in err and "skriv ett år (2025) eller en månad (2025-08)" in err and "Traceback" not in err


def test_build_output_that_is_a_file_is_exit_2(tmp_path, capsys):
    (tmp_path / "fil").write_text("x", encoding="utf-8")
    for output in (tmp_path / "fil", Path("/dev/null"), tmp_path / "fil" / "under"):
        assert main(["build", "--content", str(MINIMAL), "--output", str(output), "--format", "md"]) == 2
        line = _one_error_line(capsys.readouterr().err)
        assert line in (f"fel: utdatakatalogen {output} är ingen katalog",
                        f"fel: utdatakatalogen {output} kan inte skapas: {output.parent} är ingen katalog"), line


def test_build_output_in_a_read_only_directory_is_exit_2(tmp_path, capsys, monkeypatch):
    output = tmp_path / "las"
    output.mkdir()
    output.chmod(0o555)
    if os.geteuid() == 0:  # root may write anyway: the probe meets what a read-only disk says
        def read_only(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")
        monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    assert main(["build", "--content", str(MINIMAL), "--output", str(output), "--format", "md"]) == 2
    assert _one_error_line(capsys.readouterr().err) in (f"fel: kan inte skriva i utdatakatalogen {output}: åtkomst nekas",
                                                        f"fel: kan inte skriva i utdatakatalogen {output}: filsystemet är skrivskyddat")
    assert list(output.iterdir()) == []


def test_diff_output_that_is_a_directory_is_exit_2(tmp_path, capsys):
    for fmt in ("text", "docx"):
        assert main(["diff", "--periods", "2025-04", "2025-08", "--format", fmt, "-o", str(tmp_path),
                     "--content", str(ROOT / "content")]) == 2
        assert _one_error_line(capsys.readouterr().err) == f"fel: {tmp_path} är en katalog; ange ett filnamn för rapporten"


def test_options_without_a_command_build(tmp_path):
    """`python build.py --project DIR` validates and builds, as plain `python build.py` does."""
    project = Path(__file__).resolve().parent.parent / "examples" / "alvnas"
    output = tmp_path / "ut"
    assert main(["--project", str(project), "--format", "md", "--output", str(output)]) == 0
    assert sorted(p.name for p in output.iterdir() if p.suffix == ".md")
