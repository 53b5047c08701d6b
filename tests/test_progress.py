"""Build progress and partial builds: what the log shows, and what a partial build publishes."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path

from rich.console import Console

from styrdok.cli import main
from styrdok.progress import progress_bar
from minimal import MEMO, MINIMAL



def _content(where: Path) -> Path:
    """The minimal content with two plans, the first with a cover memo."""
    shutil.copytree(MINIMAL, where)
    plan = where / "dokument" / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text + MEMO, encoding="utf-8")
    (where / "dokument" / "plan-2.yaml").write_text(
        text.replace("id: plan\n", "id: plan-2\n").replace("Verksamhetsplan 2025", "Andra planen"), encoding="utf-8")
    return where


def test_a_log_gets_one_line_per_document_with_count_title_and_time(tmp_path, capsys):
    content = _content(tmp_path / "innehall")
    assert main(["build", "--content", str(content), "--format", "md", "--output", str(tmp_path / "ut")]) == 0
    lines = capsys.readouterr().err.splitlines()
    progress = sorted(line for line in lines if line.startswith("["))
    assert len(progress) == 3, lines
    assert [line.split("]")[0] for line in progress] == ["[1/3", "[2/3", "[3/3"]
    described = {re.sub(r"^\[\d/3\] |: \d+,\d s$", "", line) for line in progress}
    assert described == {"Verksamhetsplan 2025 (plan)", "Andra planen (plan-2)",
                         "Tjänsteskrivelse: Verksamhetsplan 2025 (plan-tjansteskrivelse)"}
    assert all(re.search(r": \d+,\d s$", line) for line in progress)
    assert lines[-1].startswith("Byggde 3 filer för 2 dokument")


def test_a_terminal_gets_a_live_bar_with_the_count_and_the_titles():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    with progress_bar(console) as progress:
        progress.start(3)
        progress.done("Verksamhetsplan 2025", "plan", 1.25)
        progress.done("Andra planen", "plan-2", 0.5)
    shown = screen.getvalue()
    assert "Klar: Verksamhetsplan 2025 (1,2 s)" in shown and "Klar: Andra planen (0,5 s)" in shown
    assert "2/3" in shown and "senast klar: Andra planen" in shown
    assert "[1/3]" not in shown  # not the plain log lines


def test_building_one_document_in_one_format_updates_only_its_entries(tmp_path, capsys):
    """`build X --format html` replaces X's HTML and keeps every other file and manifest entry."""
    content, out = _content(tmp_path / "innehall"), tmp_path / "ut"
    assert main(["build", "--content", str(content), "--format", "md,html", "--output", str(out)]) == 0
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    before = first["artifacts"]
    plan = content / "dokument" / "plan-2.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Andra planen", "Ändrade planen"), encoding="utf-8")
    assert main(["build", "plan-2", "--content", str(content), "--format", "html", "--output", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    after = manifest["artifacts"]
    assert [entry["path"] for entry in after] == [entry["path"] for entry in before]
    for old, new in zip(before, after):
        if new["path"] == "plan-2.html":
            assert new["sha256"] != old["sha256"] and "provenance" not in new  # made by this build
        else:  # carried over unchanged, with the provenance of the build that made it
            assert {**new, "provenance": first["provenance"]} == {**old, "provenance": first["provenance"]}
            assert new["provenance"] == first["provenance"] != manifest["provenance"]
    assert "Ändrade planen" in (out / "plan-2.html").read_text(encoding="utf-8")
    assert "Andra planen" in (out / "plan-2.md").read_text(encoding="utf-8")  # not rebuilt, so still the old text
    files = sorted(path.name for path in out.iterdir())
    assert files == sorted([entry["path"] for entry in after] + ["manifest.json"])
    for entry in after:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]


def test_a_build_with_nothing_changed_says_so(tmp_path, capsys):
    content, out = _content(tmp_path / "innehall"), tmp_path / "ut"
    command = ["build", "--content", str(content), "--format", "md", "--output", str(out)]
    assert main(command) == 0
    assert capsys.readouterr().err.splitlines()[-1].startswith("Byggde 3 filer för 2 dokument")
    assert main(command) == 0
    lines = capsys.readouterr().err.splitlines()
    assert not any(line.startswith("[") for line in lines)  # no document was exported
    assert lines[-1] == f"Inget har ändrats sedan förra bygget; de 3 filerna för 2 dokument i {out}/ är redan aktuella."
