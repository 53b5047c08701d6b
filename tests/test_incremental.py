"""Builds that use every core and reuse earlier work: the output never depends on either."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import jinja2
import pytest

from styrdok import publish, render, rendering
from styrdok.cache import DIRECTORY as CACHE_DIRECTORY
from styrdok.cli import main
from styrdok.project import BUILTIN_TEMPLATES, Templates

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
DOCUMENTS = ["plan-1000-fler", "information-plan-1000-fler-2025"]  # four exports: each with its memo


def files_of(output: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(output.iterdir())}


def test_output_is_the_same_for_one_and_four_workers(tmp_path):
    one, four = tmp_path / "one" / "output", tmp_path / "four" / "output"
    publish.build(CONTENT, one, documents=DOCUMENTS, workers=1)
    publish.build(CONTENT, four, documents=DOCUMENTS, workers=4)
    assert (one / "manifest.json").read_bytes() == (four / "manifest.json").read_bytes()
    assert files_of(one) == files_of(four)
    assert len(files_of(one)) == 1 + 4 * 4


def test_jobs_option_must_be_a_positive_number(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["build", "--jobs", "0"])
    assert exit.value.code == 2
    assert "--jobs" in capsys.readouterr().err


MEASURE = Path("atgarder") / "atgard-sprakstodjande-insatser.yaml"  # shown in plan-1000-fler
PLAN = ["plan-1000-fler"]


@pytest.fixture
def content(tmp_path):
    """A copy of the example outside git, so that each build's provenance is the content's alone;
    the plan is built from this copy, not as adopted (``as_of`` needs the history)."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    plan = copy / "dokument" / f"{PLAN[0]}.yaml"
    as_of = re.search(r"(?m)^as_of: (\S+)\n", plan.read_text(encoding="utf-8"))
    plan.write_text(plan.read_text(encoding="utf-8").replace(as_of.group(0), ""), encoding="utf-8")
    information = copy / "dokument" / "information-plan-1000-fler-2025.yaml"  # its table compared with that as_of
    text = information.read_text(encoding="utf-8")
    information.write_text(text.replace("document: plan-1000-fler\n", f"document: plan-1000-fler\n      since: {as_of.group(1)}\n"),
                           encoding="utf-8")
    return copy


def edit_measure(content: Path) -> None:
    path = content / MEASURE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("så att både individer", "så att både unga, vuxna", 1), encoding="utf-8")


def cache_entries(output: Path) -> list[Path]:
    return sorted(p for p in (output.parent / CACHE_DIRECTORY).glob("??/*") if not p.name.endswith(".sha256"))


def no_export(*args, **kwargs):
    raise AssertionError("a file was exported although the cache holds it")


def test_noop_build_exports_nothing_and_changes_no_byte(content, tmp_path, monkeypatch):
    output = tmp_path / "output"
    publish.build(content, output, documents=PLAN)
    before = files_of(output)
    monkeypatch.setattr(publish, "export", no_export)
    publish.build(content, output, documents=PLAN)
    assert files_of(output) == before
    assert len(cache_entries(output)) == 2 * 4
    for artifact in publish.build(content, tmp_path / "other", formats={"pdf"}, documents=PLAN):
        assert artifact.path.read_bytes() == before[artifact.path.name]  # a second output beside shares the cache


def test_corrupt_or_foreign_entry_is_made_anew(content, tmp_path):
    output = tmp_path / "output"
    publish.build(content, output, documents=PLAN)
    expected = files_of(output)
    entries = {entry.read_bytes(): entry for entry in cache_entries(output)}
    corrupt, foreign = entries[expected["plan-1000-fler.pdf"]], entries[expected["plan-1000-fler.docx"]]
    corrupt.unlink()  # not written in place: that would change the published file too
    corrupt.write_bytes(b"%PDF-1.7 nothing")
    foreign.with_name(foreign.name + ".sha256").write_text("0" * 64 + "\n", encoding="ascii")
    fresh = tmp_path / "fresh"
    publish.build(content, fresh, documents=PLAN)
    assert files_of(fresh) == {**expected, "manifest.json": files_of(fresh)["manifest.json"]}
    assert (fresh / "manifest.json").read_bytes() == (output / "manifest.json").read_bytes()
    assert corrupt.read_bytes() == expected["plan-1000-fler.pdf"]  # the entry was made anew


def test_a_changed_pandoc_template_is_not_taken_from_the_cache(content, tmp_path):
    own = tmp_path / "templates"
    (own / "pandoc").mkdir(parents=True)
    css = (BUILTIN_TEMPLATES / "pandoc" / "styrdok.css").read_text(encoding="utf-8")
    (own / "pandoc" / "styrdok.css").write_text(css, encoding="utf-8")
    styled = Templates(search_path=(own, BUILTIN_TEMPLATES))
    warm, cold = tmp_path / "warm" / "output", tmp_path / "cold" / "output"
    publish.build(content, warm, documents=PLAN, formats={"html"}, templates=styled)
    # edited in place, in the same process: a preview server sees the edit
    (own / "pandoc" / "styrdok.css").write_text(css + "\nfooter { color: #123456; }\n", encoding="utf-8")
    publish.build(content, warm, documents=PLAN, formats={"html"}, templates=styled)
    publish.build(content, cold, documents=PLAN, formats={"html"}, templates=styled)
    assert "#123456" in (warm / "plan-1000-fler.html").read_text(encoding="utf-8")
    assert files_of(warm) == files_of(cold)


def test_an_unchanged_build_is_skipped_only_while_its_output_is_intact(content, tmp_path, monkeypatch):
    output = tmp_path / "output"
    publish.build(content, output, documents=PLAN)
    expected = files_of(output)
    monkeypatch.setattr(publish, "check", lambda *args, **kwargs: pytest.fail("an unchanged build was checked again"))
    assert {a.path.name for a in publish.build(content, output, documents=PLAN)} == set(expected) - {"manifest.json"}
    monkeypatch.undo()
    tampered = output.resolve() / "plan-1000-fler.html"
    tampered.unlink()
    tampered.write_text("<p>fel</p>", encoding="utf-8")
    publish.build(content, output, documents=PLAN)
    assert files_of(output) == expected
    (content / MEASURE).touch()  # a new modification time alone changes nothing
    monkeypatch.setattr(publish, "check", lambda *args, **kwargs: pytest.fail("an unchanged build was checked again"))
    publish.build(content, output, documents=PLAN)
    edit_measure(content)
    monkeypatch.undo()
    publish.build(content, output, documents=PLAN)
    assert "unga, vuxna" in (output / "plan-1000-fler.md").read_text(encoding="utf-8")


OUTSIDE_GIT = ["delarsrapport-2025-04", "delarsrapport-2025-08", "plan-1000-fler", "verksamhetsplan-2025"]  # no revision table


def markdown_of(output: Path) -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(output.glob("*.md"))}


def count_renders(monkeypatch) -> list[str]:
    """The stems rendered from now on (each render runs the renderer twice)."""
    rendered = []
    original = rendering.DocumentRenderer.render

    def counting(self, document, template, stem):
        before = self.cache.markdown
        hit = []
        self.cache.markdown = lambda key: hit.append(before(key)) or hit[-1]
        try:
            result = original(self, document, template, stem)
        finally:
            self.cache.markdown = before
        if not (hit and hit[-1] is not None):
            rendered.append(stem)
        return result

    monkeypatch.setattr(rendering.DocumentRenderer, "render", counting)
    return rendered


def test_an_edit_renders_again_exactly_the_documents_that_show_it(content, tmp_path, monkeypatch):
    warm, after = (tmp_path / name / "output" for name in ("warm", "after"))
    publish.build(content, warm, documents=OUTSIDE_GIT, formats={"md"})
    before = markdown_of(warm)
    edit_measure(content)
    rendered = count_renders(monkeypatch)
    publish.build(content, warm, documents=OUTSIDE_GIT, formats={"md"})
    monkeypatch.undo()
    publish.build(content, after, documents=OUTSIDE_GIT, formats={"md"})
    changed = {stem for stem, text in markdown_of(after).items() if text != before[stem]}
    assert "plan-1000-fler" in changed and "plan-1000-fler-tjansteskrivelse" not in changed
    assert not any(stem.endswith("-tjansteskrivelse") for stem in changed)  # memos only count the measures
    assert sorted(rendered) == sorted(changed)
    assert files_of(warm) == files_of(after)


def test_a_template_edit_renders_again_the_documents_that_use_it(content, tmp_path, monkeypatch):
    own = tmp_path / "templates"
    own.mkdir()
    memo = (BUILTIN_TEMPLATES / "tjansteskrivelse.md.j2").read_text(encoding="utf-8")
    (own / "tjansteskrivelse.md.j2").write_text(memo, encoding="utf-8")
    styled = Templates(search_path=(own, BUILTIN_TEMPLATES))
    warm, cold = tmp_path / "warm" / "output", tmp_path / "cold" / "output"
    publish.build(content, warm, documents=OUTSIDE_GIT, formats={"md"}, templates=styled)
    (own / "tjansteskrivelse.md.j2").write_text(memo + "\nEn rad till.\n", encoding="utf-8")
    rendered = count_renders(monkeypatch)
    publish.build(content, warm, documents=OUTSIDE_GIT, formats={"md"}, templates=styled)
    monkeypatch.undo()
    publish.build(content, cold, documents=OUTSIDE_GIT, formats={"md"}, templates=styled)
    memos = {stem for stem in markdown_of(cold) if stem.endswith("-tjansteskrivelse")}
    assert memos and sorted(rendered) == sorted(memos)
    assert all("En rad till." in markdown_of(warm)[stem] for stem in memos)
    assert files_of(warm) == files_of(cold)


def test_warm_build_after_an_edit_equals_a_cold_build(content, tmp_path):
    """Every format of two documents (one shows the measure, both change), the manifest included."""
    documents = [*PLAN, "verksamhetsplan-2025"]
    warm, cold = tmp_path / "warm" / "output", tmp_path / "cold" / "output"
    publish.build(content, warm, documents=documents)
    edit_measure(content)
    publish.build(content, warm, documents=documents)
    shutil.rmtree(warm.parent / CACHE_DIRECTORY)
    publish.build(content, cold, documents=documents)
    assert (warm / "manifest.json").read_bytes() == (cold / "manifest.json").read_bytes()
    assert files_of(warm) == files_of(cold)
    assert len(files_of(cold)) == 1 + 4 * 4
    assert "unga, vuxna" in (warm / "plan-1000-fler.md").read_text(encoding="utf-8")


def markdown_entries(output: Path) -> list[Path]:
    return sorted((output.parent / CACHE_DIRECTORY / "markdown").glob("??/*.json"))


@pytest.mark.parametrize("damage", ["corrupt", "truncate", "foreign", "record"])
def test_a_damaged_markdown_entry_is_rendered_anew(content, tmp_path, damage, monkeypatch):
    output = tmp_path / "output"
    publish.build(content, output, documents=PLAN, formats={"md"})
    expected = files_of(output)
    entries = markdown_entries(output)
    plan = next(e for e in entries if "memo" not in e.read_text(encoding="utf-8") and "Åtgärder" in e.read_text(encoding="utf-8"))
    memo = next(e for e in entries if e != plan)
    if damage == "corrupt":  # the hash no longer matches
        plan.write_text(plan.read_text(encoding="utf-8").replace("Åtgärder", "Åtgärdar"), encoding="utf-8")
    elif damage == "truncate":
        plan.write_bytes(plan.read_bytes()[:100])
    elif damage == "foreign":  # a well-formed entry with its own hash, under another key
        plan.write_bytes(memo.read_bytes())
    else:  # a record that names nothing: the render's inputs are unknown, so it renders again
        for record in (output.parent / CACHE_DIRECTORY / "records").glob("*.json"):
            record.write_text("0" * 64 + "\n{}", encoding="utf-8")
    (output / "manifest.json").unlink()  # not the same build: render again
    publish.build(content, output, documents=PLAN, formats={"md"})
    assert files_of(output) == expected


def compiled_templates(output: Path) -> list[Path]:
    return sorted((output.parent / CACHE_DIRECTORY / "compiled").iterdir())


def render_afresh(output: Path, monkeypatch) -> None:
    """The next build renders every document in a new process: no Markdown kept, no template in memory."""
    shutil.rmtree(output.parent / CACHE_DIRECTORY / "markdown")
    (output / "manifest.json").unlink()
    monkeypatch.setattr(render.COMPILED, "code", {})


def test_templates_compiled_by_one_build_are_not_compiled_again(content, tmp_path, monkeypatch):
    output = tmp_path / "output"
    monkeypatch.setattr(render.COMPILED, "code", {})  # as in a new process
    publish.build(content, output, documents=PLAN, formats={"md"})
    expected = files_of(output)
    assert compiled_templates(output)
    render_afresh(output, monkeypatch)
    monkeypatch.setattr(jinja2.Environment, "compile", lambda *args, **kwargs: pytest.fail("a template was compiled again"))
    publish.build(content, output, documents=PLAN, formats={"md"})
    assert files_of(output) == expected


@pytest.mark.parametrize("damage", ["corrupt", "foreign"])
def test_a_damaged_compiled_template_is_compiled_anew(content, tmp_path, monkeypatch, damage):
    output = tmp_path / "output"
    monkeypatch.setattr(render.COMPILED, "code", {})  # as in a new process
    publish.build(content, output, documents=PLAN, formats={"md"})
    expected, entries = files_of(output), compiled_templates(output)
    for entry in entries:
        digest, _, code = entry.read_bytes().partition(b"\n")
        if damage == "corrupt":  # the hash no longer matches
            entry.write_bytes(digest + b"\n" + code[:-7] + b"garbage")
        else:  # bytes with their own hash that Jinja cannot read
            entry.write_bytes(hashlib.sha256(b"j2 nothing").hexdigest().encode("ascii") + b"\nj2 nothing")
    render_afresh(output, monkeypatch)
    compiled = []
    original = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda *args, **kwargs: compiled.append(1) or original(*args, **kwargs))
    publish.build(content, output, documents=PLAN, formats={"md"})
    assert files_of(output) == expected
    assert compiled and compiled_templates(output) == entries
    for entry in entries:  # made anew, each with its hash
        digest, _, code = entry.read_bytes().partition(b"\n")
        assert hashlib.sha256(code).hexdigest().encode("ascii") == digest and b"garbage" not in code
