"""A local preview (``serve``): the documents as web pages, rebuilt when a file is saved.

The HTML is built into the project's ``.styrdok/serve/output``, never into ``output/``,
with the ordinary build (``publish.build``): a build that fails leaves the last good
pages in place, and the export cache makes pandoc run again only for the documents whose
text changed. A watcher thread (watchfiles) rebuilds after each save. The server injects
into every page it serves, and only there, a small script that asks ``/__styrdok/version``
a few times a second and reloads the page when a build has finished; built files never
contain it. While the content has errors, every page shows them, as file:line: message,
above the last good version; the first build without errors takes them away.
"""

from __future__ import annotations

import html
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from .outputdir import MANIFEST
from .validate import MEMO_SUFFIX

VERSION_PATH = "/__styrdok/version"
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
RELOAD_SCRIPT = """<script>
(function () {
  var seen = null;
  function ask() {
    fetch("%s", {cache: "no-store"}).then(function (answer) { return answer.json(); }).then(function (state) {
      if (seen !== null && state.version !== seen) { location.reload(); return; }
      seen = state.version;
      setTimeout(ask, 250);
    }).catch(function () { setTimeout(ask, 1000); });
  }
  ask();
})();
</script>""" % VERSION_PATH


@dataclass
class State:
    """What the last build left: a version that changes with every build, and the problems
    to show on every page (empty after a build without errors)."""

    version: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def finished(self, problems: list[str]) -> None:
        with self.lock:
            self.problems, self.version = problems, self.version + 1


def build(project_of: Callable[[], object], output: Path, state: State) -> None:
    """Build every document's web page into ``output`` with the project as ``project_of``
    reads it now, and record the problems; the last good pages stay when it fails."""
    from . import publish
    from .diagnostics import os_reason
    from .pipeline import SetupError
    from .project import ProjectInvalid

    problems: list[str] = []
    try:
        project = project_of()
        publish.build(project.content, output, formats={"html"}, schemas=project.schemas, templates=project.templates,
                      branding=project.branding, inputs=project.inputs())
    except ProjectInvalid as invalid:
        problems = [d.text() for d in sorted(invalid.diagnostics)]
    except publish.ContentInvalid as invalid:
        problems = [d.text() for d in sorted(invalid.result.errors)]
    except publish.IncompleteBuild as incomplete:
        problems = [str(failure) for failure in incomplete.failures]
    except (publish.BuildError, SetupError) as error:
        problems = [str(error)]
    except OSError as error:  # the environment, e.g. a full disk: the next save tries again
        problems = [f"{error.filename + ': ' if error.filename else ''}{os_reason(error)}"]
    state.finished(problems)
    when = time.strftime("%H:%M:%S")
    if problems:
        print(f"{when} {len(problems)} fel; förhandsvisningen visar dem ovanför den senaste versionen utan fel:",
              file=sys.stderr, flush=True)
        print("\n".join(f"  {line}" for line in problems), file=sys.stderr, flush=True)
    else:
        print(f"{when} Sidorna är uppdaterade.", file=sys.stderr, flush=True)


def serve_output(project_root: Path) -> Path:
    """Where the preview is built: inside the project's ``.styrdok`` directory, beside the content."""
    return project_root / ".styrdok" / "serve" / "output"


def make_server(output: Path, state: State, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server for the pages in ``output``, with ``state``'s problems and the reload script."""
    handler = type("Handler", (PreviewHandler,), {"output": output, "state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


class PreviewHandler(BaseHTTPRequestHandler):
    output: Path
    state: State

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = self.path.split("?", 1)[0]
        if path == VERSION_PATH:
            with self.state.lock:
                body = json.dumps({"version": self.state.version, "problems": len(self.state.problems)})
            return self._send(body, "application/json")
        if path in ("/", "/index.html"):
            return self._send(self._page("Förhandsvisning", self._index()), "text/html; charset=utf-8")
        name = path.lstrip("/")
        file = self.output / name
        if name not in self._listed() or not file.is_file():
            return self._send(self._page("Sidan finns inte", f"<p>{html.escape(name)} finns inte i förhandsvisningen. "
                                                            '<a href="/">Till alla dokument</a></p>'),
                              "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
        data = file.read_bytes()
        if name.endswith(".html"):
            return self._send(self._inject(data.decode("utf-8")), "text/html; charset=utf-8")
        return self._send(data, "application/octet-stream")

    def log_message(self, format, *args) -> None:  # noqa: A002 - http.server's signature
        """Quiet: the terminal shows the builds, not every request."""

    def _listed(self) -> set[str]:
        try:
            manifest = json.loads((self.output / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        return {entry["path"] for entry in manifest.get("artifacts", [])}

    def _index(self) -> str:
        pages = sorted((self._title(name), name) for name in self._listed() if name.endswith(".html"))
        items = "".join(f'<li><a href="/{html.escape(name)}">{html.escape(title)}</a></li>' for title, name in pages)
        return f"<h1>Förhandsvisning</h1><p>Alla dokument som webbsidor. Sidorna byggs om när du sparar en fil.</p>" \
               f"<ul>{items or '<li>Inga dokument är byggda än.</li>'}</ul>"

    def _title(self, name: str) -> str:
        """A built page's title (its <title>), else its file name."""
        try:
            found = TITLE.search((self.output / name).read_text(encoding="utf-8"))
        except OSError:
            found = None
        title = html.unescape(found.group(1)).strip() if found else name
        return f"Tjänsteskrivelse: {title}" if name.endswith(f"{MEMO_SUFFIX}.html") else title

    def _problems(self) -> str:
        with self.state.lock:
            problems = list(self.state.problems)
        if not problems:
            return ""
        lines = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in problems)
        return ('<section id="styrdok-fel" role="alert" style="border:3px solid #b00020;background:#fff4f4;'
                'color:#000;padding:0.5em 1em;margin:0 0 1em 0;font-family:sans-serif">'
                "<h2>Det finns fel att rätta</h2><p>Sidan visar den senaste versionen utan fel. Rätta felen och spara, "
                f"så byggs sidan om.</p><ul>{lines}</ul></section>")

    def _inject(self, page: str) -> str:
        """The built page with the problems at the top of its body and the reload script at its end."""
        start = page.find("<body")
        if start >= 0:
            start = page.find(">", start) + 1
            page = page[:start] + self._problems() + page[start:]
        end = page.rfind("</body>")
        return page[:end] + RELOAD_SCRIPT + page[end:] if end >= 0 else page + RELOAD_SCRIPT

    def _page(self, title: str, body: str) -> str:
        return (f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
                '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
                f'<body><main style="font-family:sans-serif;max-width:50em;margin:auto">{self._problems()}{body}'
                f"</main>{RELOAD_SCRIPT}</body></html>")

    def _send(self, body: bytes | str, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        body = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def watch(paths: list[Path], rebuild: Callable[[], None], stop: threading.Event) -> None:
    """Call ``rebuild`` after each batch of saved files under ``paths``, until ``stop`` is set."""
    from watchfiles import watch as changes

    for _batch in changes(*[path for path in paths if path.exists()], stop_event=stop, debounce=150, step=50,
                          raise_interrupt=False):
        rebuild()


def run(server: ThreadingHTTPServer, watcher: threading.Thread, stop: threading.Event) -> None:
    """Serve until interrupted (Ctrl-C raises KeyboardInterrupt here), then stop the watcher
    and close the server."""
    watcher.start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.server_close()
        watcher.join(timeout=5)
