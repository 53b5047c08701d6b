"""The hostile corpus: every case in tests/hostile/ run against the real command line.

Each case file builds a content tree, runs one command and states what must come
out: the exit code, the file:line the output names, strings that must not appear
in any output, effects that must not happen. tests/hostile/README.md describes the
format. Cases that only put one text into one field (``field:``) share one build
of one tree, each in a document of its own; a case refused by validation, or any
case when the shared build fails, runs on its own instead, so that every verdict
is that case's own.

The last test scans every output of the whole example (the session's build) and of
the corpus for scripts, event handlers, unsafe URLs, local file content and injected
typst effects.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import hashlib
import io
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from hostile import outputs
from styrdok.cli import main

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).parent / "hostile"
TREES = {"minimal": Path(__file__).parent / "fixtures" / "minimal", "example": ROOT / "content"}
FIELDS = yaml.safe_load((HOSTILE / "_fields.yaml").read_text(encoding="utf-8"))
FORMATS = "md,docx,pdf,html"
SHARED_TIMEOUT = 300
SWEDISH_ERROR = re.compile(r"(^|: )fel: \S", re.M)
EDIT_ACTIONS = ("write", "append", "replace", "symlink", "fifo", "socket", "mkdir", "chmod", "delete", "generate")


@dataclass(frozen=True)
class Case:
    path: Path
    spec: dict

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def ident(self) -> str:
        """The id prefix of a field case's items and document: h plus the case number."""
        return f"h{self.path.name[:3]}"

    @property
    def expect(self) -> dict:
        return self.spec["expect"]

    @property
    def shared(self) -> bool:
        return "field" in self.spec and not self.spec.get("isolate") and "formats" not in self.spec


CASES = [Case(path, yaml.safe_load(path.read_text(encoding="utf-8")))
         for path in sorted(HOSTILE.glob("[0-9][0-9][0-9]-*.yaml"))]


@dataclass
class Result:
    """What one run of the command line left behind."""

    code: int | None
    stdout: str = ""
    stderr: str = ""
    trace: str | None = None  # an exception that escaped main() in-process
    timed_out: bool = False
    outputs: list[Path] = field(default_factory=list)  # files the run wrote or changed

    @property
    def log(self) -> str:
        return self.stdout + self.stderr


# ---- Building a case's tree -------------------------------------------------------------------

def text_of(expression) -> bytes:
    """A case's text: a string, {base64: ...}, {repeat: TEXT, times: N} or {join: [...]}."""
    if isinstance(expression, str):
        return expression.encode("utf-8")
    if "base64" in expression:
        return base64.b64decode(expression["base64"])
    if "repeat" in expression:
        return text_of(expression["repeat"]) * expression["times"]
    return b"".join(text_of(part) for part in expression["join"])


def yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back exactly."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def fill_in(template: str, ident: str, value: str, *, markdown: bool) -> str:
    text = template.replace("$id", ident)
    if "$value" not in text:
        return text
    if markdown:
        return text.replace("$value", value)
    line = next(line for line in text.split("\n") if "$value" in line)
    if "\n" not in value:
        return text.replace("$value", yaml_quoted(value))
    assert not line.lstrip().startswith("- "), "several lines of text only fit a key, not a list item"
    pad = " " * (len(line) - len(line.lstrip(" ")) + 2)
    block = "\n".join(pad + part if part else "" for part in value.rstrip("\n").split("\n"))
    return text.replace("$value", "|2-\n" + block)


def field_files(case: Case) -> dict[str, str]:
    """The files of a field case, relative to its folder content/hNNN/."""
    kind = FIELDS["kinds"][case.spec["field"]]
    files = {**FIELDS["common"], **kind}
    return {name: fill_in(text, case.ident, case.spec["value"], markdown=name.endswith(".md"))
            for name, text in files.items()}


def prepare(case: Case, root: Path) -> None:
    """Build the case's tree under ``root``: content/, maybe schemas/, its edits, maybe git."""
    root.mkdir(parents=True, exist_ok=True)
    (root / outputs.CANARY_NAME).write_text(outputs.CANARY_TEXT + "\n", encoding="utf-8")
    tree = "minimal" if "field" in case.spec else case.spec.get("tree", "minimal")
    if tree != "none":
        shutil.copytree(TREES[tree], root / "content")
    if "field" in case.spec:
        write_field_files(case, root / "content")
    if case.spec.get("schemas"):
        shutil.copytree(ROOT / "schemas", root / "schemas")
    for edit in case.spec.get("edits", []):
        apply_edit(root, edit)
    if case.spec.get("git"):
        commit_all(root)


def write_field_files(case: Case, content: Path) -> None:
    folder = content / case.ident
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in field_files(case).items():
        (folder / name).write_text(text, encoding="utf-8")


def apply_edit(root: Path, edit: dict) -> None:
    action = next(key for key in EDIT_ACTIONS if key in edit)
    if action == "generate":
        GENERATORS[edit["generate"]](root, edit)
        return
    target = root / edit[action]
    assert not Path(edit[action]).is_absolute() and ".." not in Path(edit[action]).parts, edit
    if action in ("write", "symlink", "fifo", "socket", "mkdir"):
        target.parent.mkdir(parents=True, exist_ok=True)
    if action == "write":
        target.write_bytes(text_of(edit["text"]))
    elif action == "append":
        with target.open("ab") as handle:
            handle.write(text_of(edit["text"]))
    elif action == "replace":
        data, old = target.read_bytes(), text_of(edit["old"])
        assert data.count(old) == 1, f"{edit['replace']}: {old[:60]!r} finns inte exakt en gång"
        target.write_bytes(data.replace(old, text_of(edit["new"])))
    elif action == "symlink":
        os.symlink(edit["to"].replace("{case}", str(root)), target)
    elif action == "fifo":
        os.mkfifo(target)
    elif action == "socket":
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(str(target))
    elif action == "mkdir":
        target.mkdir(parents=True, exist_ok=True)
    elif action == "chmod":
        os.chmod(target, int(str(edit["mode"]), 8))
    elif action == "delete":
        shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()


def parent_chain(root: Path, edit: dict) -> None:
    """A goal level that may sit under itself, a chain of ``depth`` goals, and a measure at its end."""
    model = root / "content" / "config" / "model.yaml"
    model.write_text(model.read_text(encoding="utf-8").replace(
        "vocabularies:", "  - id: delmal\n    label: Delmål\n    plural: Delmål\n    parents: [council_goal, delmal]\nvocabularies:", 1),
        encoding="utf-8")
    folder = root / "content" / "kedja"
    folder.mkdir()
    parent = "fokusmal-1"
    for number in range(1, edit["depth"] + 1):
        goal = f"kedja-{number:05d}"
        (folder / f"{goal}.yaml").write_text(
            f"type: goal\nid: {goal}\nlevel: delmal\ntitle: Delmål {number}\nparents: [{parent}]\n", encoding="utf-8")
        parent = goal
    (folder / "atgard-kedja.yaml").write_text(
        f"type: measure\nid: atgard-kedja\ntext: Längst ner i kedjan.\nparents: [{parent}]\n", encoding="utf-8")


GENERATORS = {"parent_chain": parent_chain}


def commit_all(root: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.se",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.se",
           "GIT_AUTHOR_DATE": "2025-01-02T10:00:00+01:00", "GIT_COMMITTER_DATE": "2025-01-02T10:00:00+01:00"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Innehåll"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


# ---- Running a case ----------------------------------------------------------------------------

def argv_for(case: Case, root: Path) -> list[str]:
    if "field" in case.spec:
        args = ["build", case.ident, "--format", case.spec.get("formats", FORMATS)]
    else:
        args = [str(arg).replace("{case}", str(root)) for arg in case.spec.get("run", ["validate"])]
    if args[0] in ("validate", "build", "diff") and "--content" not in args and (root / "content").exists():
        args += ["--content", str(root / "content")]
    if args[0] == "build" and "--output" not in args:
        args += ["--output", str(root / "output")]
    return args


def needs_subprocess(case: Case) -> bool:
    return bool(case.spec.get("isolate") or case.spec.get("without_root_powers"))


def run_case(case: Case, root: Path) -> Result:
    before = snapshot(root)
    args = argv_for(case, root)
    if needs_subprocess(case):
        isolate = case.spec.get("isolate") or {}
        result = run_subprocess(args, root, timeout=isolate.get("timeout", 60), memory_mb=isolate.get("memory_mb", 4096),
                                drop_root_powers=bool(case.spec.get("without_root_powers")))
    else:
        result = run_in_process(args, root)
    result.outputs = changed_files(root, before)
    return result


def run_in_process(args: list[str], cwd: Path) -> Result:
    stdout, stderr = io.StringIO(), io.StringIO()
    code, trace = None, None
    with contextlib.chdir(cwd), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(args)
        except SystemExit as leaving:
            code = leaving.code if isinstance(leaving.code, int) else (0 if leaving.code is None else 2)
        except Exception:  # what a user would see as a traceback
            trace = traceback.format_exc()
    return Result(code, stdout.getvalue(), stderr.getvalue(), trace)


def run_subprocess(args: list[str], cwd: Path, *, timeout: float, memory_mb: int, drop_root_powers: bool = False) -> Result:
    """build.py in a process of its own, with a memory cap, a time limit and maybe without root's powers."""
    if drop_root_powers and os.geteuid() == 0 and not can_drop_root_powers():
        pytest.skip("körs som root och kan inte släppa CAP_DAC_OVERRIDE; root läser filer med rättigheter 000")

    def limits():
        resource.setrlimit(resource.RLIMIT_DATA, (memory_mb << 20, memory_mb << 20))
        if drop_root_powers and os.geteuid() == 0:
            drop_dac_capabilities()

    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, preexec_fn=limits, start_new_session=True)
    timed_out = False
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        timed_out = True
    code = process.returncode if process.returncode >= 0 else None  # None: killed by a signal
    return Result(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), timed_out=timed_out)


PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def drop_dac_capabilities() -> None:
    """Root without the powers to ignore file permissions (in the child, before exec)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def can_drop_root_powers() -> bool:
    probe = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=drop_dac_capabilities, capture_output=True)
    return probe.returncode == 0


def snapshot(root: Path) -> dict[str, tuple]:
    """(size, mtime) of every regular file below root, without opening any."""
    found = {}
    for directory, folders, names in os.walk(root):
        folders[:] = [f for f in folders if f != ".git"]
        for name in names:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            if os.path.isfile(path) and not os.path.islink(path):
                found[path] = (info.st_size, info.st_mtime_ns)
    return found


def changed_files(root: Path, before: dict[str, tuple]) -> list[Path]:
    after = snapshot(root)
    return sorted(Path(path) for path, stamp in after.items() if before.get(path) != stamp)


# ---- The shared build of field cases -----------------------------------------------------------

@dataclass
class SharedBuild:
    results: dict[str, Result]  # case name -> its part of the shared build
    files: list[Path] = field(default_factory=list)  # everything it built


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory) -> SharedBuild:
    """One tree with every field case, validated once; the cases it accepts built in one run."""
    cases = [case for case in CASES if case.shared]
    root = tmp_path_factory.mktemp("shared")
    (root / outputs.CANARY_NAME).write_text(outputs.CANARY_TEXT + "\n", encoding="utf-8")
    shutil.copytree(TREES["minimal"], root / "content")
    for case in cases:
        write_field_files(case, root / "content")
    checked = run_in_process(["validate", "--content", str(root / "content")], root)
    errors = [line for line in checked.stdout.splitlines() if line.strip() and ": varning: " not in line]
    if checked.trace or checked.code not in (0, 1) or any(not line.startswith("content/h") for line in errors):
        return SharedBuild({})  # something unexpected: every case runs on its own
    refused = {line.split("/", 2)[1] for line in errors}
    accepted = [case for case in cases if case.ident not in refused]
    for ident in refused:  # they run on their own; the build validates the whole tree
        shutil.rmtree(root / "content" / ident)
    if not accepted:
        return SharedBuild({})
    args = ["build", *(case.ident for case in accepted), "--format", FORMATS,
            "--content", str(root / "content"), "--output", str(root / "output")]
    run = run_subprocess(args, root, timeout=SHARED_TIMEOUT, memory_mb=4096)
    if run.code != 0 or run.timed_out or "Traceback" in run.log:
        return SharedBuild({})
    built = sorted(p for p in (root / "output").iterdir() if p.is_file())
    outputs.prefetch(built)
    return SharedBuild({case.name: Result(0, run.stdout, run.stderr, outputs=[
        p for p in built if p.name.startswith((f"{case.ident}.", f"{case.ident}-"))]) for case in accepted}, built)


# ---- What a case expects -----------------------------------------------------------------------

def location_pattern(location: str) -> re.Pattern:
    """file:line:col, file:line (any column) or file (any line)."""
    parts = location.split(":")
    numbers = [p for p in parts[1:] if p.isdigit()]
    path = ":".join(parts[: len(parts) - len(numbers)])
    if len(numbers) == 2:
        return re.compile(re.escape(f"{path}:{numbers[0]}:{numbers[1]}") + r"\b")
    if numbers:
        return re.compile(re.escape(f"{path}:{numbers[0]}") + r"(:\d+)?:")
    return re.compile(re.escape(path) + r":\d+")


def views_of(result: Result) -> dict[str, str]:
    """Every searchable text: the run's output, and each written file by kind (html, pdf-page-1, ...)."""
    found = {"log": result.log}
    for path in result.outputs:
        if path.name == outputs.CANARY_NAME:
            continue
        for kind, text in outputs.views(path).items():
            found[f"{kind} {path.name}"] = text
    return found


def problems_of(case: Case, result: Result, root: Path | None) -> list[str]:
    """Every way the run differs from what the case expects (empty when it passes)."""
    expect, found = case.expect, []
    if result.trace:
        found.append(f"ett undantag slapp ut ur main():\n{result.trace}")
    if result.timed_out:
        found.append("körningen tog längre tid än gränsen och avbröts")
    elif result.code is None and not result.trace:
        found.append("processen dödades av en signal (slut på minne?)")
    leaked = outputs.PYTHON_ERROR.search(result.log)
    if leaked:
        found.append(f"Python-fel i utskriften: {leaked.group(0)}")
    allowed = expect["exit"] if isinstance(expect["exit"], list) else [expect["exit"]]
    if result.code not in allowed:
        found.append(f"exit {result.code}, väntade {allowed}")
    if result.code not in (0, None) and expect.get("location"):
        places = expect["location"] if isinstance(expect["location"], list) else [expect["location"]]
        if not any(location_pattern(place).search(result.log) for place in places):
            found.append(f"utskriften nämner inte {' eller '.join(places)}")
    if result.code == 2 and not SWEDISH_ERROR.search(result.stderr):
        found.append('inget svenskt felmeddelande ("fel: ...") på stderr')
    found += [f"utskriften visar innehåll från en lokal fil ({secret[:12]}…)"
              for secret in outputs.local_secrets() if secret in result.log]
    found += content_problems(expect, result)
    if root is not None:
        found += effect_problems(expect, result, root)
    return found


def content_problems(expect: dict, result: Result) -> list[str]:
    """Strings and patterns in the output and the built files, and the dangers of each file."""
    found, views = [], views_of(result)
    for text in expect.get("absent", []):
        where = [kind for kind, value in views.items() if text in value]
        if where:
            found.append(f"{text!r} finns i {where}")
    for rule in expect.get("forbid", []):
        pattern = re.compile(rule.get("regex") or re.escape(rule["text"]), re.S)
        where = [kind for kind, value in views.items() if kind.split(" ")[0] == rule["in"] and pattern.search(value)]
        if where:
            found.append(f"{rule} träffar i {where}")
    if result.code == 0:
        visible = " ".join(value for kind, value in views.items() if kind.startswith(("html-text ", "docx-text ")))
        found += [f"{text!r} syns inte i texten" for text in expect.get("visible", []) if text not in visible]
    for path in result.outputs:
        found += [f"{path.name}: {danger}" for danger in outputs.dangers(path)]
    return found


def effect_problems(expect: dict, result: Result, root: Path) -> list[str]:
    found = [f"{name} skapades" for name in expect.get("no_file", []) if (root / name).exists()]
    found += [f"{name} ändrades" for name, text in expect.get("unchanged", {}).items()
              if (root / name).read_text(encoding="utf-8") != text]
    state = expect.get("output_state")
    if state:
        found += output_state_problems(root / state["dir"], result, state.get("before", {}))
    return found


def output_state_problems(output: Path, result: Result, before: dict[str, str]) -> list[str]:
    """Either the new output with a manifest that matches its files, or the old output untouched."""
    if result.code != 0:
        return [f"{name} ändrades av ett misslyckat bygge" for name, text in before.items()
                if not (output / name).is_file() or (output / name).read_text(encoding="utf-8") != text]
    manifest = output / "manifest.json"
    if not manifest.is_file():
        return ["bygget lyckades men manifest.json saknas"]
    found = []
    for artifact in json.loads(manifest.read_text(encoding="utf-8"))["artifacts"]:
        path = output / artifact["path"]
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != artifact["sha256"]:
            found.append(f"{artifact['path']} stämmer inte med manifestet")
    if list(output.glob(".staging-*")):
        found.append("gamla .staging-kataloger ligger kvar")
    return found


# ---- The tests ---------------------------------------------------------------------------------

def test_the_corpus_is_complete_and_well_formed():
    assert len(CASES) >= 80
    assert len({case.path.name[:3] for case in CASES}) == len(CASES), "case numbers must be unique"
    for case in CASES:
        spec = case.spec
        assert isinstance(spec.get("description"), str) and "\n" not in spec["description"].strip(), case.name
        codes = spec["expect"]["exit"] if isinstance(spec["expect"]["exit"], list) else [spec["expect"]["exit"]]
        assert set(codes) <= {0, 1, 2}, case.name
        if 1 in codes:
            assert spec["expect"].get("location"), f"{case.name}: a content error names its file:line"
        if "field" in spec:
            assert spec["field"] in FIELDS["kinds"] and isinstance(spec["value"], str), case.name
            assert value_reads_back(case), f"{case.name}: the value does not read back from its YAML"
        places = spec["expect"].get("location", [])
        for place in places if isinstance(places, list) else [places]:
            assert not place.startswith("content/h") or place.startswith(f"content/{case.ident}/"), case.name


def value_reads_back(case: Case) -> bool:
    """The field case's file holds exactly its value once YAML has read it (Markdown bodies: as written)."""
    def strings(data):
        if isinstance(data, str):
            yield data
        elif isinstance(data, dict):
            for item in data.values():
                yield from strings(item)
        elif isinstance(data, list):
            for item in data:
                yield from strings(item)

    name = next(name for name, text in FIELDS["kinds"][case.spec["field"]].items() if "$value" in text)
    text = field_files(case)[name]
    if name.endswith(".md"):
        return case.spec["value"] in text
    return case.spec["value"].rstrip("\n") in strings(yaml.safe_load(text))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_case(case, tmp_path, request):
    result = None
    if case.shared:
        result = request.getfixturevalue("shared_build").results.get(case.name)
    root = None
    if result is None:
        root = tmp_path / "fall"
        prepare(case, root)
        result = run_case(case, root)
    problems = problems_of(case, result, root)
    shown = f"exit {result.code}\n--- stdout\n{result.stdout[-2500:]}\n--- stderr\n{result.stderr[-2500:]}"
    assert not problems, "\n".join(["", *problems, shown])


def test_scan_of_every_output(example_output, shared_build):
    """The whole example (built once per session, conftest.py) and the corpus's shared build: no script,
    event handler, javascript:/data: URL, local file content, hidden text or injected typst effect in any built file."""
    files = sorted(p for p in example_output.iterdir() if p.is_file())
    assert {p.suffix for p in files} >= {".md", ".docx", ".pdf", ".html"}
    files += shared_build.files
    outputs.prefetch(files)
    problems = {p.name: outputs.dangers(p) for p in files if outputs.dangers(p)}
    if not shared_build.files:
        problems["korpusen"] = ["det gemensamma bygget av fältfallen misslyckades, så de kunde inte granskas; se fallen"]
    assert not problems
