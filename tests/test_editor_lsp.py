"""yaml-language-server, as VS Code's YAML extension runs it, on an assignment with two
mistakes: it reports them in Swedish, at their lines, from the generated editor schemas.

The server is installed with npm (a pinned version) into ``STYRDOK_NPM_CACHE`` (default
~/.cache/styrdok-tests) once; the test is skipped only where npm is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from npmcache import npm_installed
from styrdok.editor import write_editor_schemas

ROOT = Path(__file__).resolve().parent.parent
SERVER_VERSION = "1.25.0"
MISTAKES = """type: assignment
id: Uppdrag_Med_Fel
number: "2"
year: 2025
origin: kfx
title: Ett uppdrag med två fel.
committees: [amn]
"""


@pytest.fixture(scope="module")
def server() -> Path:
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("npm och node saknas; yaml-language-server kan inte installeras")
    modules = npm_installed(f"yls-{SERVER_VERSION}", "yaml-language-server", SERVER_VERSION)
    return modules / "yaml-language-server" / "bin" / "yaml-language-server"


class Client:
    """A minimal language-server client over stdio (JSON-RPC with Content-Length headers)."""

    def __init__(self, command: list[str]):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.process.stdin.flush()

    def request(self, method: str, params: dict) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def receive(self) -> dict:
        length = 0
        while (line := self.process.stdout.readline().strip()):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def _diagnostics(server: Path, document: Path, settings: dict, timeout: float = 30) -> list[dict]:
    client = Client(["node", str(server), "--stdio"])
    try:
        client.request("initialize", {"processId": os.getpid(), "rootUri": document.parent.as_uri(), "capabilities": {
            "workspace": {"configuration": True}, "textDocument": {"publishDiagnostics": {}}}})
        while "result" not in (reply := client.receive()) or reply.get("id") != 1:
            pass
        client.send({"method": "initialized", "params": {}})
        client.send({"method": "workspace/didChangeConfiguration", "params": {"settings": settings}})
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": document.as_uri(), "languageId": "yaml", "version": 1, "text": document.read_text(encoding="utf-8")}}})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = client.receive()
            if message.get("method") == "workspace/configuration":  # one answer per item asked
                client.send({"id": message["id"], "result": [settings.get(i.get("section", "").split(".")[0], {})
                                                              for i in message["params"]["items"]]})
            elif "id" in message and "method" in message:  # registrations and the like
                client.send({"id": message["id"], "result": None})
            elif message.get("method") == "textDocument/publishDiagnostics" and message["params"]["diagnostics"]:
                return message["params"]["diagnostics"]
        raise AssertionError("yaml-language-server gav inga diagnoser")
    finally:
        client.close()


def test_two_mistakes_get_swedish_diagnostics_at_their_lines(server, tmp_path):
    for name in ("content", "schemas"):
        shutil.copytree(ROOT / name, tmp_path / name)
    schemas = tmp_path / ".styrdok" / "editor-schemas"
    write_editor_schemas(tmp_path / "content", tmp_path / "schemas", schemas)
    document = tmp_path / "content" / "uppdrag" / "uppdrag-med-fel.yaml"
    document.write_text(MISTAKES, encoding="utf-8")
    mapping = json.loads((tmp_path / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    absolute = {(tmp_path / schema).resolve().as_uri(): [str(tmp_path / glob) for glob in globs]
                for schema, globs in mapping.items()}
    found = _diagnostics(server, document, {"yaml": {"schemas": absolute, "validate": True}})
    by_line = {d["range"]["start"]["line"] + 1: d["message"] for d in found}
    assert set(by_line) == {2, 5}, found
    assert by_line[2].startswith("Fel form. Objektets beständiga identitet: små bokstäver")
    assert by_line[5].startswith("Välj ett av värdena: kf (Uppdrag från kommunfullmäktige)")
