"""The parse cache: a warm check re-reads only what changed and finds exactly what a cold one finds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from styrdok import parse_cache, pipeline
from styrdok.parse_cache import DIRECTORY

ROOT = Path(__file__).resolve().parent.parent
PAST = 1_700_000_000  # an mtime well before any cache entry, so entries are not racy


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    for path in (tmp_path / "content").rglob("*"):
        os.utime(path, (PAST, PAST))
    return tmp_path / "content"


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The display paths the cache had to read and parse (a cached file's text read again
    only to point at a line in it does not count)."""
    seen = []
    real = parse_cache.ParseCache.load

    def load(self, path, display, root=None):
        source = real(self, path, display, root)
        if not isinstance(source, parse_cache.CachedSourceFile):
            seen.append(display)
        return source

    monkeypatch.setattr(parse_cache.ParseCache, "load", load)
    return seen


def _cold(content: Path) -> list:
    shutil.rmtree(content.parent / DIRECTORY, ignore_errors=True)
    return pipeline.check(content).diagnostics


def _edit(path: Path, old: str, new: str, when: int = PAST + 60) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, (when, when))


def _a_measure(content: Path) -> Path:
    return sorted((content / "atgarder").glob("*.yaml"))[0]


def test_a_warm_check_reads_only_the_edited_file_and_agrees_with_a_cold_one(project, reads):
    cold = pipeline.check(project).diagnostics
    assert len(reads) > 300
    assert (project.parent / DIRECTORY / ".gitignore").read_text(encoding="utf-8").endswith("\n*\n")  # never staged
    reads.clear()
    assert pipeline.check(project).diagnostics == cold
    assert reads == []

    measure = _a_measure(project)
    _edit(measure, "text: ", "text: <b>fet</b> " + "x" * 120 + " ")  # Markdown and length problems in one file
    reads.clear()
    warm = pipeline.check(project).diagnostics
    assert reads == [f"content/atgarder/{measure.name}"]
    assert warm == _cold(project)
    assert any(d.path.endswith(measure.name) for d in warm)
    reads.clear()
    assert pipeline.check(project).diagnostics == warm  # the text checks' findings, remembered
    assert reads == []


def test_a_section_body_and_a_reference_edited_warm_agree_with_cold(project, reads):
    pipeline.check(project)
    section = sorted((project / "texter").glob("*.md"))[0]
    _edit(section, "\n\n", "\n\n<div>rå html</div>\n\n")
    _edit(_a_measure(project), "parents:", "parents: [finns-inte]\nold_parents:")
    reads.clear()
    warm = pipeline.check(project).diagnostics
    assert len(reads) == 2
    assert warm == _cold(project) and len(warm) >= 2


def test_a_file_changed_within_the_racy_window_is_read_again(project, reads):
    pipeline.check(project)
    measure = _a_measure(project)
    os.utime(measure)  # now: as new as the cache entry itself
    reads.clear()
    pipeline.check(project)
    assert reads == [f"content/atgarder/{measure.name}"]


@pytest.mark.parametrize("damage", ["flip", "truncate", "foreign", "empty"])
def test_a_corrupt_or_foreign_cache_is_ignored(project, reads, damage):
    cold = pipeline.check(project).diagnostics
    (cache_file,) = (project.parent / DIRECTORY / "parsed").iterdir()
    raw = cache_file.read_bytes()
    if damage == "flip":
        cache_file.write_bytes(raw[:-100] + bytes([raw[-100] ^ 1]) + raw[-99:])
    elif damage == "truncate":
        cache_file.write_bytes(raw[: len(raw) // 2])
    elif damage == "foreign":  # a well-formed cache of another tree, with that tree's hash
        other = parse_cache.ParseCache(project.parent / "elsewhere")
        other.file, other.changed = cache_file, True
        other.save()
    else:
        cache_file.write_bytes(b"")
    _edit(_a_measure(project), "text: ", "text: <b>fet</b> ")
    reads.clear()
    warm = pipeline.check(project).diagnostics
    assert len(reads) > 300  # nothing was trusted
    assert warm == _cold(project) != cold
