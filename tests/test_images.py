"""Committed images a template places by a path relative to the content directory
(styrdok.images): checked, copied into the build for the export, in every format."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from styrdok import images

ROOT = Path(__file__).resolve().parent.parent
ALVNAS = ROOT / "examples" / "alvnas"
MAP = "bilder/omsorgsomraden.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def content(tmp_path) -> Path:
    (tmp_path / "innehall" / "bilder").mkdir(parents=True)
    (tmp_path / "innehall" / "bilder" / "karta.png").write_bytes(PNG)
    (tmp_path / "hemlig.png").write_bytes(PNG)
    return tmp_path / "innehall"


def test_an_image_in_the_content_is_staged_under_its_hash(content, tmp_path):
    image = images.declare(content, "bilder/karta.png", "  Karta  över\nkommunen ")
    assert image.alt == "Karta över kommunen"
    assert image.path.startswith("bilder/") and image.path.endswith(".png")
    assert image.image("pdf") == f"![Karta över kommunen]({image.path})"
    [copied] = images.stage([image], tmp_path / "build")
    assert copied.read_bytes() == PNG


@pytest.mark.parametrize("written, message", [
    ("../hemlig.png", 'utan ".."'),
    ("/etc/passwd.png", "relativ till innehållskatalogen"),
    ("C:/bild.png", "relativ till innehållskatalogen"),
    ("bilder/karta.gif", "inte en PNG- eller JPEG-fil"),
    ("bilder/saknas.png", "finns inte"),
    ("", "relativ till innehållskatalogen"),
])
def test_bad_paths_get_a_swedish_error(content, written, message):
    with pytest.raises(images.ImageError, match=message) as raised:
        images.declare(content, written, "Karta")
    assert raised.value.written == written


def test_a_link_out_of_the_content_directory_is_refused(content, tmp_path):
    (content / "bilder" / "ut.png").symlink_to(tmp_path / "hemlig.png")
    with pytest.raises(images.ImageError, match="utanför innehållskatalogen"):
        images.declare(content, "bilder/ut.png", "Karta")


def test_wrong_bytes_size_and_missing_alt_are_refused(content, monkeypatch):
    (content / "bilder" / "falsk.png").write_text("<svg/>")
    with pytest.raises(images.ImageError, match="är inte en PNG-bild"):
        images.declare(content, "bilder/falsk.png", "Karta")
    with pytest.raises(images.ImageError, match="saknar alternativtext"):
        images.declare(content, "bilder/karta.png", " ")
    monkeypatch.setattr(images, "MAX_BYTES", 8)
    with pytest.raises(images.ImageError, match="större än"):
        images.declare(content, "bilder/karta.png", "Karta")


def test_a_bad_path_in_a_template_names_file_line_and_column(tmp_path):
    project = tmp_path / "alvnas"
    shutil.copytree(ALVNAS, project, ignore=shutil.ignore_patterns("output"))
    template = project / "mallar" / "processplan.md.j2"
    text = template.read_text(encoding="utf-8").replace(f'doc.image("{MAP}"', 'doc.image("../styrdok.yaml"')
    template.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "../styrdok.yaml" in row)
    column = text.splitlines()[line - 1].index("../styrdok.yaml") + 1
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--project", str(project)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert f"processplan.md.j2:{line}:{column}: " in done.stderr
    assert 'bildens sökväg "../styrdok.yaml" ska vara relativ till innehållskatalogen' in done.stderr
    assert "Traceback" not in done.stderr
    assert not (project / "output").exists()


def test_a_document_showing_an_image_is_kept_and_rendered_anew_when_the_image_changes(tmp_path, monkeypatch):
    from styrdok import publish, rendering
    from styrdok.project import load_project

    shutil.copytree(ALVNAS, tmp_path / "alvnas", ignore=shutil.ignore_patterns("output"))
    project = load_project(tmp_path / "alvnas")

    def build(output: Path) -> dict[str, bytes]:
        publish.build(project.content, output, documents=["processplan-2026"], formats={"md"}, schemas=project.schemas,
                      templates=project.templates, branding=project.branding, inputs=project.inputs())
        return {path.name: path.read_bytes() for path in sorted(output.iterdir())}

    warm = tmp_path / "warm" / "output"
    first = build(warm)
    rendered = []
    original = rendering.DocumentRenderer._render
    monkeypatch.setattr(rendering.DocumentRenderer, "_render",
                        lambda self, document, *rest: rendered.append(document.id) or original(self, document, *rest))
    (warm / "manifest.json").unlink()  # not the same build: render, from the cache
    assert build(warm) == first and rendered == []
    picture = project.content / MAP
    picture.write_bytes(picture.read_bytes() + b"\0")  # other bytes, the same PNG
    changed = build(warm)
    assert rendered == ["processplan-2026"] and changed["processplan-2026.md"] != first["processplan-2026.md"]
    assert changed == build(tmp_path / "cold" / "output")
