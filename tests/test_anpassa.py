"""docs/anpassa.md does what it says: its steps, run in order in an empty directory beside
styrdok, end in a built report, and every slip it shows gives exactly the error it shows.

The guide's Markdown is the script:
- a code block with ``title="path"`` is a file to write (``lägg-till="properties"`` on a JSON
  block: entries to add under the schema's ``properties``);
- a ``console`` block holds commands (``$ …``), each followed by lines it must print;
- ``<!-- fel: FILE | OLD | NEW | COMMAND -->`` is a slip: FILE with OLD replaced by NEW (both
  ``-``: FILE removed), then COMMAND must fail and print every line of the next ``text``
  block. The file is put back afterwards.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "anpassa.md"
STEP = re.compile(r"^```(?P<lang>\w+)(?P<attrs>[^\n]*)\n(?P<body>.*?)^```$|^<!-- fel: (?P<slip>.*?) -->$",
                  re.MULTILINE | re.DOTALL)


@dataclass
class Run:
    cwd: Path

    def command(self, line: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        return subprocess.run(["bash", "-c", line], cwd=self.cwd, env=env, capture_output=True, text=True,
                              timeout=300)

    def console(self, body: str) -> None:
        """Each command in turn: ``cd`` moves, others must succeed and print the lines below them."""
        for command, expected in _commands(body):
            if command.startswith("cd "):
                self.cwd = (self.cwd / command[3:].strip()).resolve()
                continue
            result = self.command(command)
            assert result.returncode == 0, (command, result.stdout, result.stderr)
            _assert_printed(expected, result)

    def write(self, attrs: str, body: str) -> None:
        path = self.cwd / _attribute(attrs, "title")
        section = _attribute(attrs, "lägg-till")
        if section:
            schema = json.loads(path.read_text(encoding="utf-8"))
            schema[section].update(json.loads(body))
            body = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")

    def slip(self, spec: str, expected: str) -> None:
        name, old, new, command = spec.split(" | ")  # OLD and NEW exactly, with any indentation
        path = self.cwd / name
        before = path.read_bytes()
        if old == new == "-":
            path.unlink()
        else:
            text = before.decode("utf-8")
            assert old in text, f"{name} has no {old!r} to change"
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        try:
            result = self.command(command)
        finally:
            path.write_bytes(before)
        assert result.returncode != 0, (spec, result.stdout, result.stderr)
        _assert_printed(expected.splitlines(), result)


def _attribute(attrs: str, name: str) -> str | None:
    found = re.search(rf'{name}="([^"]*)"', attrs)
    return found.group(1) if found else None


def _commands(body: str) -> list[tuple[str, list[str]]]:
    commands: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif line.strip():
            commands[-1][1].append(line)
    return commands


def _assert_printed(expected: list[str], result: subprocess.CompletedProcess) -> None:
    printed = result.stdout.splitlines() + result.stderr.splitlines()
    for line in expected:
        assert line in printed, f"expected {line!r}; styrdok printed:\n" + "\n".join(printed)


def _steps(markdown: str) -> list[re.Match]:
    return list(STEP.finditer(markdown))


@pytest.fixture(scope="module")
def followed(tmp_path_factory) -> tuple[Path, list[str]]:
    """The guide followed from its first step to its last; the municipality's directory,
    and the slips checked along the way."""
    base = tmp_path_factory.mktemp("anpassa")
    (base / "styrdok").symlink_to(ROOT, target_is_directory=True)
    run, slips = Run(base), []
    steps = _steps(GUIDE.read_text(encoding="utf-8"))
    for index, step in enumerate(steps):
        if step["slip"]:
            expected = steps[index + 1]
            assert expected["lang"] == "text", f"no error shown after the slip {step['slip']}"
            run.slip(step["slip"], expected["body"])
            slips.append(step["slip"])
        elif step["lang"] == "console":
            run.console(step["body"])
        elif _attribute(step["attrs"], "title"):
            run.write(step["attrs"], step["body"])
    return run.cwd, slips


def test_the_guide_ends_in_a_report_with_own_levels_fields_type_and_branding(followed):
    municipality, _ = followed
    assert municipality.name == "lindhamra"
    markdown = (municipality / "output" / "uppfoljning-2026-04.md").read_text(encoding="utf-8")
    html = (municipality / "output" / "uppfoljning-2026-04.html").read_text(encoding="utf-8")
    assert "# Inriktningsmål 1. Alla barn och unga i Lindhamra har en meningsfull fritid" in markdown
    assert "  - ▶ Pågår\n  - 0 %\n  - ↗ Bättre\n" in markdown  # own vocabularies with symbols, 0 printed
    assert "(risk: hög): ⚠ Brister." in markdown  # the own item type and its follow-up
    assert 'alt="Lindhamra kommuns logotyp"' in html and "#6b2e5f" in html


def test_every_slip_in_the_guide_gives_the_error_it_shows(followed):
    _, slips = followed
    files = {spec.split(" | ")[0] for spec in slips}
    assert len(slips) >= 10
    assert {"styrdok.yaml", "mallar/uppfoljning.md.j2", "innehall/mal/effekt-1-1.yaml"} <= files
    assert any(".schema.json" in name for name in files)


def test_the_script_reader_sees_a_wrong_message(tmp_path):
    """A slip whose shown error differs from what styrdok prints fails the check."""
    (tmp_path / "styrdok").symlink_to(ROOT, target_is_directory=True)
    (tmp_path / "x.yaml").write_text("type: goal\nid: x\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="expected"):
        Run(tmp_path).slip("x.yaml | id: x | id: X | python styrdok/build.py validate --content .",
                           "x.yaml:2:5: ett fel som styrdok aldrig skriver")
