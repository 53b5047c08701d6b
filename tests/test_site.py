"""The published website: a page per period linking every document, earlier periods kept."""

from __future__ import annotations

import hashlib
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from styrdok.cli import main
from minimal import MEMO, MINIMAL



class Page(HTMLParser):
    """The parts of a page the checks look at."""

    def __init__(self, path: Path):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.text: list[str] = []
        self._link: list | None = None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self._link = [dict(attrs)["href"], ""]

    def handle_endtag(self, tag):
        if tag == "a" and self._link:
            self.links.append((self._link[0], self._link[1].strip()))
            self._link = None

    def handle_data(self, data):
        self.text.append(data)
        if self._link:
            self._link[1] += data

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Two periods published into one site, the plan retitled in between."""
    base = tmp_path_factory.mktemp("site")
    content, out, site = base / "innehall", base / "ut", base / "webbplats"
    shutil.copytree(MINIMAL, content)
    plan = content / "dokument" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + MEMO, encoding="utf-8")
    options = ["--content", str(content), "--output", str(out)]
    assert main(["build", *options]) == 0
    assert main(["site", "2025-04", *options, "--site", str(site)]) == 0
    first = {p.name: p.read_bytes() for p in (site / "2025-04").iterdir()}
    plan.write_text(plan.read_text(encoding="utf-8").replace("Verksamhetsplan 2025", "Reviderad plan 2025"), encoding="utf-8")
    assert main(["build", *options]) == 0
    assert main(["site", "2025-08", *options, "--site", str(site)]) == 0
    return site, first


def test_each_period_keeps_its_own_files(published):
    site, first = published
    assert {p.name: p.read_bytes() for p in (site / "2025-04").iterdir()} == first
    for period in ("2025-04", "2025-08"):
        manifest = json.loads((site / period / "manifest.json").read_text(encoding="utf-8"))
        assert len(manifest["artifacts"]) == 8  # the plan and its memo, in four formats
        for entry in manifest["artifacts"]:
            assert hashlib.sha256((site / period / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    assert "Reviderad plan 2025" in (site / "2025-08" / "plan.html").read_text(encoding="utf-8")
    assert "Reviderad plan 2025" not in (site / "2025-04" / "plan.html").read_text(encoding="utf-8")


def test_the_front_page_lists_every_period_newest_first(published):
    site, _ = published
    page = Page(site / "index.html")
    assert page.all("html") == [{"lang": "sv"}] and len(page.all("h1")) == 1
    assert [href for href, _ in page.links] == ["2025-08/", "2025-04/"]
    assert all(text for _, text in page.links)


def test_a_period_page_links_every_document_accessibly(published):
    site, _ = published
    directory = site / "2025-08"
    page = Page(directory / "index.html")
    text = "".join(page.text)
    assert page.all("html") == [{"lang": "sv"}] and len(page.all("h1")) == 1 and page.all("caption")
    assert {attrs.get("scope") for attrs in page.all("th")} == {"col", "row"}
    documents = [href for href, _ in page.links if href.endswith((".html", ".pdf", ".docx"))]
    assert sorted(documents) == sorted(f"{stem}.{fmt}" for stem in ("plan", "plan-tjansteskrivelse")
                                       for fmt in ("html", "pdf", "docx"))
    for href, label in page.links:
        assert href == "../" or (directory / href).is_file(), href
        assert label  # every link says where it goes
    assert ("manifest.json", "manifest.json") in page.links
    assert "Reviderad plan 2025" in text and "Tjänsteskrivelse: Reviderad plan 2025" in text
    assert "styrdok verify plan.pdf --ref 2025-08" in text


def test_a_period_must_be_a_plain_name_and_the_build_must_exist(tmp_path, capsys):
    options = ["--content", str(MINIMAL), "--site", str(tmp_path / "webbplats")]
    assert main(["site", "../2025-08", *options, "--output", str(tmp_path / "ut")]) == 2
    assert 'perioden "../2025-08" kan inte bli en katalog' in capsys.readouterr().err
    assert main(["site", "2025-08", *options, "--output", str(tmp_path / "saknas")]) == 2
    assert "bygg dokumenten först" in capsys.readouterr().err
    assert not (tmp_path / "webbplats").exists()
