"""`serve`: the local preview, driven as a reader's browser drives it (headless Chromium),
in a temporary copy of a project."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from browser import chromium, needs_chromium
from gitrepos import ROOT
from minimal import MINIMAL
from styrdok import htmlcheck

ASSIGNMENT = Path("uppdrag") / "uppdrag-1.yaml"
SHOWN = "document.body.innerText.includes(%s)"
DEADLINE_MS = 3000  # the functional deadline: a saved file is on the page within 3 s


class Preview:
    """`build.py serve --port 0` running in ``project``, its log read as it comes."""

    def __init__(self, project: Path):
        self.project, self.content, self.lines = project, project / "content", []
        self.process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", "0",
                                         "--content", "content"], cwd=project, stderr=subprocess.PIPE, text=True)
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.ready.wait(60), "serve did not start: " + "".join(self.lines)
        self.url = next(line for line in self.lines if "http://" in line).split("http://")[1].split("/")[0]
        self.url = f"http://{self.url}"

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)
            if "Ctrl-C" in line:
                self.ready.set()

    def edit(self, old: str, new: str, path: Path = ASSIGNMENT) -> None:
        file = self.content / path
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new), encoding="utf-8")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)  # Ctrl-C
        return self.process.wait(15)


@pytest.fixture
def preview(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "content")
    running = Preview(tmp_path)
    yield running
    if running.process.poll() is None:
        running.stop()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@needs_chromium
def test_a_saved_file_is_on_the_page_within_three_seconds(preview):
    with chromium() as browser:
        page = browser.new_page()
        page.goto(preview.url + "/")
        page.get_by_role("link", name="Verksamhetsplan 2025").click()
        page.wait_for_url("**/plan.html")
        page.wait_for_function(SHOWN % json.dumps("Minska den administrativa bördan."), timeout=DEADLINE_MS)
        preview.edit("Minska den administrativa bördan.", "Minska krånglet för invånarna.")
        page.wait_for_function(SHOWN % json.dumps("Minska krånglet för invånarna."), timeout=DEADLINE_MS)
        assert "administrativa bördan" not in page.inner_text("body")


@needs_chromium
def test_an_error_is_shown_with_its_file_and_line_until_it_is_fixed(preview):
    with chromium() as browser:
        page = browser.new_page()
        page.goto(preview.url + "/plan.html")
        preview.edit("year: 2025", "year: tjugofemte")  # line 4
        page.wait_for_function(SHOWN % json.dumps("Det finns fel att rätta"), timeout=DEADLINE_MS)
        problems = page.inner_text("#styrdok-fel")
        assert "content/uppdrag/uppdrag-1.yaml:4:" in problems, problems
        assert "Minska den administrativa bördan." in page.inner_text("body")  # the last good version below
        preview.edit("year: tjugofemte", "year: 2025")
        page.wait_for_function(f"!({SHOWN % json.dumps('Det finns fel att rätta')})", timeout=DEADLINE_MS)
        assert page.locator("#styrdok-fel").count() == 0


def test_the_built_pages_stay_as_built_and_the_output_is_untouched(preview):
    status, index = fetch(preview.url + "/")
    assert status == 200 and 'href="/plan.html"' in index and "Förhandsvisning" in index
    status, page = fetch(preview.url + "/plan.html")
    assert status == 200 and "/__styrdok/version" in page  # the reload script, added as it is served
    built = (preview.project / ".styrdok" / "serve" / "output" / "plan.html").read_text(encoding="utf-8")
    assert "<script" not in built and htmlcheck.problems(built) == []
    assert not (preview.project / "output").exists()  # serve never builds into the output
    assert fetch(preview.url + "/../content/config/model.yaml")[0] == 404
    assert fetch(preview.url + "/manifest.json")[0] == 404  # only the pages the manifest lists are served
    version = json.loads(fetch(preview.url + "/__styrdok/version")[1])
    assert version == {"version": 1, "problems": 0}


def test_ctrl_c_ends_the_preview_cleanly(preview):
    assert preview.stop() == 0
    time.sleep(0.1)
    assert "Förhandsvisningen är avslutad." in "".join(preview.lines)
    assert not list((preview.project / ".styrdok" / "serve").glob(".output.builds/.staging-*"))
