#!/usr/bin/env python3
"""Performance targets for styrdok, each measured against a baseline in the same run.

    python bench/run.py                       # every target, 20 000-file corpus
    python bench/run.py --only validate       # one target
    python bench/run.py --only validate --profile   # and where styrdok's time goes

The corpus comes from ``bench/generate.py`` and is cached under ``.bench/`` in the
repository (git-ignored), keyed by size, seed and the generator's own source, so
it is regenerated whenever the generator changes.

Every figure is the best of ``--repeats`` timed runs (``time.perf_counter``), after
one warm-up run of each candidate; the candidates of a target are run interleaved
(a, b, c, a, b, c, ...) so that drift in the machine's speed hits all of them alike,
and results are reported as ratios to the target's baseline. ``gc.collect()`` runs
before each timed run, and a run's return value is freed after its clock stops.

Adding a target: write ``def bench_NAME(ctx: Context) -> Outcome`` and decorate it
with ``@target("NAME", "one-line description")``. Use ``ctx.content`` (the corpus),
``ctx.race({...})`` to time candidates (it returns every run's seconds; a
target judges the best of them) and ``Outcome``/``Ratio`` to report them.
Targets: ``validate``, ``validate-warm``, ``diff``, ``build``, ``warm``, ``noop``, ``charts`` and ``scale``
(the municipality corpus of ``bench/generate.py --municipality``).

Exit status: 0 when every target selected passes, 1 when one fails, 2 when a target
could not run (styrdok fails to import, the corpus does not validate, ...).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import os
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from bench.generate import generate  # noqa: E402

CACHE = REPO / ".bench"
CACHE_DIRECTORY = ".styrdok-cache"  # beside the content: styrdok's parse and export caches
EXAMPLE_ONLY = {"build", "warm", "noop", "charts", "scale"}  # targets that do not measure the 20 000-file corpus
CONTENT_SUFFIXES = (".yaml", ".yml", ".md")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)


# --------------------------------------------------------------------------
# Framework
# --------------------------------------------------------------------------


class TargetError(Exception):
    """A target could not be measured (exit 2)."""


@dataclass
class Ratio:
    """``candidate / baseline``, with the limit it must stay under."""

    label: str
    candidate: str
    baseline: str
    limit: float


@dataclass
class Limit:
    """An absolute goal: ``candidate`` takes at most ``seconds``."""

    label: str
    candidate: str
    seconds: float


@dataclass
class Outcome:
    """What a target measured: times by candidate name, and the ratios it is judged by."""

    times: dict[str, float]  # best of the repeats
    ratios: list[Ratio]
    rounds: dict[str, list[float]] = field(default_factory=dict)  # every timed run, in order
    notes: list[str] = field(default_factory=list)
    appendix: str = ""  # printed after the figures, e.g. a profile
    limits: list[Limit] = field(default_factory=list)

    def passed(self) -> bool:
        return (all(self.times[r.candidate] / self.times[r.baseline] <= r.limit for r in self.ratios)
                and all(self.times[limit.candidate] <= limit.seconds for limit in self.limits))


@dataclass
class Context:
    content: Path | None  # None when only targets on the example run
    root: Path  # the styrdok checkout measured (its build.py, styrdok/ and schemas/)
    repeats: int
    profile: bool
    top: int

    def race(self, candidates: dict[str, Callable[[], object]], warm_up: bool = True) -> dict[str, list[float]]:
        """Seconds of every timed run per candidate: one warm-up each (unless not ``warm_up``), then interleaved runs."""
        for name, run in candidates.items() if warm_up else ():
            print(f"  warm-up {name} ...", file=sys.stderr, flush=True)
            run()
        rounds: dict[str, list[float]] = {name: [] for name in candidates}
        for repeat in range(self.repeats):
            for name, run in candidates.items():
                gc.collect()
                start = time.perf_counter()
                result = run()
                elapsed = time.perf_counter() - start
                del result  # freeing what a run returns is not part of its time
                rounds[name].append(elapsed)
                print(f"  run {repeat + 1}/{self.repeats} {name}: {elapsed:.3f} s", file=sys.stderr, flush=True)
        return rounds


@dataclass
class Target:
    name: str
    description: str
    run: Callable[[Context], Outcome]


TARGETS: dict[str, Target] = {}


def target(name: str, description: str):
    def register(function: Callable[[Context], Outcome]):
        TARGETS[name] = Target(name, description, function)
        return function

    return register


def report(name: str, description: str, outcome: Outcome) -> None:
    print(f"\n== {name}: {description}")
    width = max(len(n) for n in outcome.times)
    for candidate, seconds in outcome.times.items():
        print(f"  {candidate:<{width}}  {seconds:8.3f} s")
    for ratio in outcome.ratios:
        value = outcome.times[ratio.candidate] / outcome.times[ratio.baseline]
        verdict = "PASS" if value <= ratio.limit else "FAIL"
        print(f"  {ratio.label:<{width}}  {value:8.2f} x   (target <= {ratio.limit:.2f} x)  {verdict}")
    for limit in outcome.limits:
        seconds = outcome.times[limit.candidate]
        verdict = "PASS" if seconds <= limit.seconds else "FAIL"
        print(f"  {limit.label:<{width}}  {seconds:8.3f} s   (target <= {limit.seconds:.1f} s)  {verdict}")
    for ratio in outcome.ratios:  # the spread shows how much to trust the verdict
        candidate, baseline = outcome.rounds.get(ratio.candidate), outcome.rounds.get(ratio.baseline)
        if candidate and baseline and len(candidate) > 1:
            each = sorted(c / b for c, b in zip(candidate, baseline))
            shown = " ".join(f"{r:.2f}" for r in each)
            print(f"  note: {ratio.label}, round by round: {shown} (median {statistics.median(each):.2f})")
    for note in outcome.notes:
        print(f"  note: {note}")
    if outcome.appendix:
        print(outcome.appendix)


# --------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------


def corpus(items: int | None, seed: int) -> Path:
    """The content directory of a cached corpus (the municipality for ``items`` None),
    generated when missing or stale."""
    fingerprint = hashlib.sha256((REPO / "bench" / "generate.py").read_bytes()).hexdigest()[:10]
    size = "municipality" if items is None else items
    out = CACHE / f"corpus-{size}-seed{seed}-{fingerprint}"
    content = out / "content"
    done = out / "complete"
    if done.exists():
        return content
    for stale in CACHE.glob(f"corpus-{size}-seed{seed}-*"):
        if stale != out and (stale / ".styrdok-bench-corpus").exists():
            shutil.rmtree(stale)
    print(f"generating the {size} corpus into {content} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    generate(items, out, seed)
    done.write_text("", encoding="utf-8")
    print(f"  generated in {time.perf_counter() - start:.2f} s", file=sys.stderr)
    return content


def content_files(content: Path) -> list[Path]:
    """The files styrdok's loader reads, in its order."""
    return sorted(p for p in content.rglob("*") if p.suffix in CONTENT_SUFFIXES and p.is_file())


def parse_all(content: Path) -> int:
    """The baseline: find, read and parse every file with PyYAML's C loader, nothing else."""
    count = 0
    for path in content_files(content):
        if path.suffix == ".md":
            match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
            yaml.load(match.group(1) if match else "", Loader=yaml.CSafeLoader)
        else:
            with open(path, "rb") as f:
                yaml.load(f, Loader=yaml.CSafeLoader)
        count += 1
    return count


def import_styrdok():
    try:
        from styrdok import pipeline
    except Exception as error:  # the package is mid-edit, or its requirements are missing
        raise TargetError(f"styrdok cannot be imported: {type(error).__name__}: {error}") from error
    print(f"  styrdok from {Path(pipeline.__file__).parent}", file=sys.stderr)
    return pipeline


# --------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------


def validate_setup(ctx: Context):
    """What both validate targets start from: styrdok's pipeline, the corpus (checked clean,
    which fills the parse cache), its file count and the CLI run."""
    pipeline = import_styrdok()
    content = ctx.content
    files = parse_all(content)
    check_clean(pipeline, content)
    return pipeline, content, files, validate_cli(ctx, content)


@target("validate", "validate a content tree, cold (no parse cache), vs reading and parsing it with PyYAML's C loader")
def bench_validate(ctx: Context) -> Outcome:
    pipeline, content, files, cli = validate_setup(ctx)

    def cold(run: Callable[[], object]) -> Callable[[], object]:
        def without_cache():
            shutil.rmtree(content.parent / CACHE_DIRECTORY, ignore_errors=True)
            return run()
        return without_cache

    rounds = ctx.race({
        "a baseline: PyYAML CSafeLoader": lambda: parse_all(content),
        "b styrdok check() in-process, cold": cold(lambda: pipeline.check(content)),
        "c build.py validate (CLI), cold": cold(cli),
    })
    times = {name: min(runs) for name, runs in rounds.items()}
    names = list(times)
    outcome = Outcome(
        times,
        [
            Ratio("ratio b/a (in-process)", names[1], names[0], 1.1),
            Ratio("ratio c/a (CLI)", names[2], names[0], 1.1),
        ],
        rounds,
        [f"{files} files in {content}", "b and c start without the parse cache (and write it)",
         f"best of {ctx.repeats} after one warm-up, interleaved"],
    )
    if ctx.profile:
        outcome.appendix = profile_check(pipeline, content, ctx.top)
    return outcome


@target("validate-warm", "validate a content tree again after editing one file vs reading and parsing it with PyYAML's C loader")
def bench_validate_warm(ctx: Context) -> Outcome:
    pipeline, content, files, cli = validate_setup(ctx)  # the parse cache filled
    edited = sorted((content / "atgarder").glob("*.yaml"))[0]
    original = edited.read_bytes()
    edits = [0]

    def edit_then(run: Callable[[], object]) -> Callable[[], object]:
        def warm():
            edits[0] += 1
            edited.write_bytes(original.replace(b"\ntext: ", f"\ntext: (ändring {edits[0]}) ".encode(), 1))
            return run()
        return warm

    try:
        rounds = ctx.race({
            "a baseline: PyYAML CSafeLoader": lambda: parse_all(content),
            "b styrdok check() in-process, one file edited": edit_then(lambda: pipeline.check(content)),
            "c build.py validate (CLI), one file edited": edit_then(cli),
        })
        result = pipeline.check(content)
        if result.diagnostics:
            raise TargetError(f"the edited corpus does not validate: {result.diagnostics[0].text()}")
    finally:
        edited.write_bytes(original)
    times = {name: min(runs) for name, runs in rounds.items()}
    names = list(times)
    outcome = Outcome(
        times,
        [Ratio("ratio b/a (in-process)", names[1], names[0], 0.3), Ratio("ratio c/a (CLI)", names[2], names[0], 0.3)],
        rounds,
        [f"{files} files in {content}; before each run of b and c one measure ({edited.name}) gets a new text",
         f"best of {ctx.repeats} after one warm-up, interleaved"],
    )
    if ctx.profile:
        outcome.appendix = profile_check(pipeline, content, ctx.top)
    return outcome


def check_clean(pipeline, content: Path) -> None:
    result = pipeline.check(content)
    if result.diagnostics:
        shown = "\n".join(d.text() for d in result.diagnostics[:10])
        raise TargetError(f"the corpus does not validate ({len(result.diagnostics)} diagnostics):\n{shown}")


def validate_cli(ctx: Context, content: Path) -> Callable[[], None]:
    command = [sys.executable, str(ctx.root / "build.py"), "validate", "--content", str(content)]

    def cli() -> None:
        done = subprocess.run(command, cwd=ctx.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            raise TargetError(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")

    return cli


def profile_check(pipeline, content: Path, top: int) -> str:
    """Where check() spends its time: phases timed plainly, then cProfile's top functions."""
    from styrdok.load import load_content
    from styrdok.validate import validate

    gc.collect()
    start = time.perf_counter()
    schemas = pipeline.load_schemas(pipeline.schema_dir_for(content, None))
    t_schemas = time.perf_counter()
    loaded = load_content(content)
    t_load = time.perf_counter()
    validate(loaded, schemas)
    t_validate = time.perf_counter()
    out = [
        "\n-- phases of check() (one run, no profiler)",
        f"  load schemas   {t_schemas - start:8.3f} s",
        f"  load content   {t_load - t_schemas:8.3f} s",
        f"  validate       {t_validate - t_load:8.3f} s",
    ]
    del loaded

    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    pipeline.check(content)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(order)
        stats.print_stats(top)
        text = stream.getvalue()
        out.append(f"\n-- cProfile of check(), top {top} by {order}")
        out.append(text[text.find("   ncalls"):].rstrip())
    return "\n".join(out)


@target("diff", "diff two git refs of a content tree vs reading and parsing both trees from git (styrdok's loader)")
def bench_diff(ctx: Context) -> Outcome:
    import tempfile

    import_styrdok()
    from styrdok import diff, gitsource

    with tempfile.TemporaryDirectory(prefix="styrdok-bench-diff-") as directory:
        repo = Path(directory)
        edits = commit_two_versions(ctx.content, repo)
        content = repo / "content"
        found = diff.diff_refs(content, "v1", "v2")
        kinds = sorted({c.kind for c in found})
        command = [sys.executable, str(ctx.root / "build.py"), "diff", "v1", "v2", "--content", str(content)]

        def cli() -> None:
            done = subprocess.run(command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if done.returncode != 0:
                raise TargetError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")

        rounds = ctx.race({
            "a baseline: styrdok load_at(), both refs": lambda: [gitsource.load_at(repo, ref, "content") for ref in ("v1", "v2")],
            "b git cat-file + PyYAML CSafeLoader, both refs": lambda: parse_refs(repo, ("v1", "v2")),
            "c styrdok diff_refs() in-process": lambda: diff.diff_refs(content, "v1", "v2"),
            "d build.py diff v1 v2 (CLI)": cli,
        })
    times = {name: min(runs) for name, runs in rounds.items()}
    names = list(times)
    return Outcome(
        times,
        [Ratio("ratio c/a (in-process)", names[2], names[0], 1.3), Ratio("ratio d/a (CLI)", names[3], names[0], 1.3)],
        rounds,
        [f"{len(content_files(ctx.content))} files per ref, {edits} files edited between v1 and v2; "
         f"{len(found)} changes found ({', '.join(kinds)})",
         f"c/b (against plain PyYAML instead): {times[names[2]] / times[names[1]]:.2f} x",
         "diff parses a blob shared by both refs once; the baselines parse both trees in full",
         f"best of {ctx.repeats} after one warm-up, interleaved"],
    )


@target("build", "build the example content (all documents, all formats) vs pandoc and typst alone on the same Markdown")
def bench_build(ctx: Context) -> Outcome:
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    import_styrdok()

    with tempfile.TemporaryDirectory(prefix="styrdok-bench-build-") as directory:
        work = Path(directory)
        command = [sys.executable, str(ctx.root / "build.py"), "build", "--content", str(REPO / "content"),
                   "--output", str(work / "styrdok")]
        done = subprocess.run(command, cwd=ctx.root, capture_output=True, text=True)
        if done.returncode != 0:
            raise TargetError(f"the example does not build:\n{done.stderr[-2000:]}")
        sources = plain_markdown(work / "styrdok", work / "plain")

        def cold_build() -> None:
            """The whole CLI build, without the export cache or the skip of an unchanged build."""
            shutil.rmtree(work / CACHE_DIRECTORY, ignore_errors=True)
            subprocess.run(command, cwd=ctx.root, capture_output=True, check=True)

        def alone(source: Path) -> None:
            pandoc_and_typst(source, work / "alone")

        def sequential() -> None:
            for source in sources:
                alone(source)

        def two_at_a_time() -> None:
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(alone, sources))

        rounds = ctx.race({
            "a pandoc + typst alone, one run at a time": sequential,
            "b pandoc + typst alone, two documents at a time": two_at_a_time,
            "c build.py build (CLI, everything)": cold_build,
        })
    times = {name: min(runs) for name, runs in rounds.items()}
    names = list(times)
    return Outcome(
        times,
        [Ratio("ratio c/a", names[2], names[0], 1.3), Ratio("ratio c/b (same concurrency)", names[2], names[1], 1.3)],
        rounds,
        [f"{len(sources)} Markdown files from the example content, each to docx, html and PDF",
         "c includes start-up, loading, validation, rendering and the manifest; styrdok exports two documents at a time",
         f"best of {ctx.repeats} after one warm-up, interleaved"],
    )


CHART_INDICATORS = 30  # each a line and bars for women and men: 60 charts
CHART_YEARS = list(range(2018, 2026))

# matplotlib alone: the same 60 figures (size, style, SVG with text as paths, PNG at print
# resolution), drawn and saved in the file types a build needs, with nothing of styrdok around.
MATPLOTLIB_ALONE = """
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
matplotlib.rcParams.update({"svg.hashsalt": "bench", "svg.fonttype": "path", "font.family": "DejaVu Sans",
                            "font.size": 9})
figures, out = json.load(open(sys.argv[1])), sys.argv[2]
for number, (kind, years, series) in enumerate(figures):
    figure, axes = plt.subplots(figsize=(6.3, 3.0))
    x = list(range(len(years)))
    if kind == "line":
        axes.plot(x, series[0], marker="o", linewidth=2, label="Utfall")
    else:
        axes.bar([i - 0.2 for i in x], series[0], 0.4, label="Kvinnor")
        axes.bar([i + 0.2 for i in x], series[1], 0.4, hatch="///", label="Män")
    axes.set_xticks(x, [str(y) for y in years])
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, fontsize=8)
    figure.tight_layout()
    figure.savefig(f"{out}/{number}.svg", format="svg", metadata={"Date": None})
    figure.savefig(f"{out}/{number}.png", format="png", dpi=300, metadata={"Software": None})
    plt.close(figure)
"""


def chart_project(work: Path) -> tuple[Path, list]:
    """The example content with 30 generated indicators and two documents showing them: one
    with an appendix of their 60 charts, one without; and the same figures as plain data."""
    content = work / "content"
    shutil.copytree(REPO / "content", content)
    generator, ids, figures = random.Random(60), [], []
    for number in range(1, CHART_INDICATORS + 1):
        women = [round(generator.uniform(40, 60), 1) for _ in CHART_YEARS]
        men = [round(generator.uniform(40, 60), 1) for _ in CHART_YEARS]
        totals = [round((w + m) / 2, 1) for w, m in zip(women, men)]
        ids.append(f"ind-bench-{number}")
        values = [{"period": str(y), "total": t, "women": w, "men": m} for y, t, w, m in zip(CHART_YEARS, totals, women, men)]
        (content / "indikatorer" / f"{ids[-1]}.yaml").write_text(yaml.safe_dump({
            "type": "indicator", "id": ids[-1], "name": f"Nyckeltal {number}, andel (%)", "unit": "procent",
            "decimals": 1, "source": "Egen uppföljning", "gender_split": True, "target": {"direction": "oka"},
            "parents": ["fokusmal-1-ekonomi"], "values": values}, allow_unicode=True, sort_keys=False), encoding="utf-8")
        figures += [("line", CHART_YEARS, [totals]), ("gender", CHART_YEARS, [women, men])]
    introduction = {"section": "vp-2025-inledning"}
    for name, contents in (("med-diagram", [introduction, {"charts": {"title": "Nyckeltal", "indicators": ids}}]),
                           ("utan-diagram", [introduction])):
        (content / "dokument" / f"bench-{name}.yaml").write_text(yaml.safe_dump({
            "type": "document", "id": f"bench-{name}", "kind": "verksamhetsplan", "title": "Nyckeltal",
            "committee": "amn", "date": "2025-01-01", "diarienummer": "AMN-2025-00001", "contents": contents},
            allow_unicode=True, sort_keys=False), encoding="utf-8")
    return content, figures


@target("charts", "an indicator appendix of 60 charts: added build time vs matplotlib alone drawing the same figures")
def bench_charts(ctx: Context) -> Outcome:
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="styrdok-bench-charts-") as directory:
        work = Path(directory)
        content, figures = chart_project(work)
        (work / "figures.json").write_text(json.dumps(figures), encoding="utf-8")
        (work / "alone").mkdir()

        def build(document: str) -> Callable[[], None]:
            command = [sys.executable, str(ctx.root / "build.py"), "build", document, "--content", str(content),
                       "--output", str(work / document)]

            def run() -> None:
                shutil.rmtree(work / CACHE_DIRECTORY, ignore_errors=True)
                shutil.rmtree(work / document, ignore_errors=True)
                done = subprocess.run(command, cwd=work, capture_output=True, text=True)
                if done.returncode != 0:
                    raise TargetError(f"the chart appendix does not build:\n{done.stderr[-2000:]}")
            return run

        def alone() -> None:
            subprocess.run([sys.executable, "-c", MATPLOTLIB_ALONE, str(work / "figures.json"), str(work / "alone")],
                           check=True, capture_output=True)

        rounds = ctx.race({
            "a build without the charts": build("bench-utan-diagram"),
            "b build with 60 charts": build("bench-med-diagram"),
            "c matplotlib alone, the same 60 figures (SVG and PNG)": alone,
        })
        drawn = len(list((work / "alone").glob("*.svg")))
    names = list(rounds)
    added = [with_ - without for with_, without in zip(rounds[names[1]], rounds[names[0]])]
    rounds["d added by the charts (b − a, round by round)"] = added
    times = {name: min(runs) for name, runs in rounds.items()}
    return Outcome(
        times,
        [Ratio("ratio d/c", list(times)[3], names[2], 1.3)],
        rounds,
        [f"{drawn} figures; each build is cold (no export cache), every document in PDF, DOCX and HTML",
         "d is the difference of each round's b and a; c includes starting Python and importing matplotlib",
         f"best of {ctx.repeats} after one warm-up, interleaved"],
    )


def plain_markdown(built: Path, plain: Path) -> list[Path]:
    """Copies of the built Markdown without its charts, which styrdok draws itself (the
    baselines of ``build`` and ``scale`` run pandoc and typst on these)."""
    plain.mkdir(exist_ok=True)
    for path in sorted(built.glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        (plain / path.name).write_text("".join(line for line in lines if not line.startswith("![")), encoding="utf-8")
    return sorted(plain.glob("*.md"))


def pandoc_and_typst(source: Path, out: Path) -> None:
    """The same pandoc runs export() makes (one read, one write per format), and typst,
    with nothing of styrdok around them."""
    from styrdok import export
    from styrdok.branding import Presentation

    out.mkdir(exist_ok=True)
    pandoc = export._pandoc()
    document = subprocess.run([pandoc, *export.READ_ARGS, str(source)], capture_output=True, check=True).stdout
    for to in ("docx", "html", "typst"):
        target = "-" if to == "typst" else str(out / f"{source.stem}.{to}")
        run = subprocess.run([pandoc, *export.WRITE_ARGS, *Presentation().writer_args(to), f"--output={target}"],
                             input=document, cwd=out, capture_output=True, check=True)
        if to == "typst":
            export._typeset(run.stdout, out, 0)


@target("scale", "a cold build of the municipality corpus (80 documents) vs the same pandoc and typst runs per worker")
def bench_scale(ctx: Context) -> Outcome:
    import tempfile

    import_styrdok()
    content = corpus(None, 1)
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="styrdok-bench-scale-") as directory:
        work = Path(directory)
        command = [sys.executable, str(ctx.root / "build.py"), "build", "--content", str(content),
                   "--output", str(work / "styrdok"), "--jobs", str(workers)]

        def cold_build() -> None:
            """The whole CLI build, without the parse and export caches or the skip of an unchanged build."""
            for cache in (work / CACHE_DIRECTORY, content.parent / CACHE_DIRECTORY):
                shutil.rmtree(cache, ignore_errors=True)
            done = subprocess.run(command, cwd=ctx.root, capture_output=True, text=True)
            if done.returncode != 0:
                raise TargetError(f"the municipality corpus does not build:\n{done.stderr[-2000:]}")

        print("  first build (timed, and the Markdown for a) ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        cold_build()
        first_build = time.perf_counter() - start
        print(f"  first build: {first_build:.3f} s", file=sys.stderr, flush=True)
        sources = plain_markdown(work / "styrdok", work / "plain")

        def sequential() -> None:
            for source in sources:
                pandoc_and_typst(source, work / "alone")

        rounds = ctx.race({
            "a pandoc + typst alone, one run at a time": sequential,
            "c build.py build (CLI, everything)": cold_build,
        }, warm_up=False)
    first, build = list(rounds)
    rounds[build].insert(0, first_build)
    per_worker = f"b = a / {workers} workers"
    rounds = {first: rounds[first], per_worker: [seconds / workers for seconds in rounds[first]], **rounds}
    times = {name: min(runs) for name, runs in rounds.items()}
    names = list(times)
    return Outcome(
        times,
        [Ratio("ratio c/b", names[2], names[1], 1.15)],
        {name: rounds[name] for name in names[1:]},
        [f"{len(sources)} Markdown files from the municipality corpus, each to docx, html and PDF",
         f"c exports {workers} documents at a time (--jobs {workers}, the machine's cores) and includes start-up, "
         "loading, validation, rendering, charts and the manifest; b has no charts",
         f"best of {ctx.repeats} runs of a and {ctx.repeats + 1} of c (the first made a's Markdown), "
         "no warm-up, interleaved"],
    )


class ExampleClone:
    """A clone of the measured checkout (the example needs its history), built with its build.py."""

    MEASURE = Path("content") / "atgarder" / "atgard-sprakstodjande-insatser.yaml"

    def __init__(self, ctx: Context, work: Path):
        self.root, self.work, self.edits, self.colds = work / "clone", work, 0, 0
        git_quiet(work, "clone", "-q", "--local", str(ctx.root), str(self.root))
        self.build_py = ctx.root / "build.py"

    def build(self, output: Path) -> None:
        command = [sys.executable, str(self.build_py), "build", "--output", str(output)]
        done = subprocess.run(command, cwd=self.root, capture_output=True, text=True)
        if done.returncode != 0:
            raise TargetError(f"the example does not build:\n{done.stderr[-2000:]}")

    def edit_measure(self) -> None:
        """A text never built before, so that no cache can hold its files."""
        self.edits += 1
        path = self.root / self.MEASURE
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^text: (.*?)( \(ändring \d+\))?$", rf"text: \1 (ändring {self.edits})", text,
                               count=1, flags=re.M), encoding="utf-8")

    def cold(self) -> None:
        """A build into a new output, with no cache beside it."""
        self.colds += 1
        self.build(self.work / f"cold-{self.colds}" / "output")


def warm_and_noop(ctx: Context) -> tuple[dict[str, list[float]], list[str]]:
    """Cold, warm (one measure edited) and no-op builds of the example, raced in one run (cached per run)."""
    import tempfile

    if "rounds" not in WARM:
        with tempfile.TemporaryDirectory(prefix="styrdok-bench-warm-") as directory:
            clone = ExampleClone(ctx, Path(directory))
            output = Path(directory) / "warm" / "output"
            clone.build(output)

            def warm() -> None:
                clone.edit_measure()
                clone.build(output)

            WARM["rounds"] = ctx.race({
                "a cold build (new output, no cache)": clone.cold,
                "b warm build (one measure edited)": warm,
                "c no-op build (nothing changed)": lambda: clone.build(output),
            })
            unedited = Path(directory) / "cold-1" / "output"  # the first cold build, before any edit
            shown = [md.name for md in sorted(output.glob("*.md")) if md.read_bytes() != (unedited / md.name).read_bytes()]
            WARM["shown"] = f"{len(shown)} of {len(list(output.glob('*.md')))} documents show the measure and are rendered " \
                            f"and exported again: {', '.join(name[:-3] for name in shown)}"
    notes = ["python build.py in a git clone of the checkout (the example's revision tables need its history); "
             "the edit stays uncommitted, as in a preview or a pre-commit hook", WARM["shown"],
             "b includes writing the edited measure; c runs right after b, on the same output",
             f"best of {ctx.repeats} after one warm-up, interleaved"]
    return WARM["rounds"], notes


WARM: dict[str, object] = {}  # the race's rounds, and which documents the edit changed


@target("warm", "build the example after editing one measure vs a cold build")
def bench_warm(ctx: Context) -> Outcome:
    rounds, notes = warm_and_noop(ctx)
    times = {name: min(runs) for name, runs in rounds.items()}
    names = list(times)
    return Outcome({name: times[name] for name in names[:2]}, [Ratio("ratio b/a", names[1], names[0], 0.25)],
                   {name: rounds[name] for name in names[:2]}, notes, limits=[Limit("time b", names[1], 1.0)])


@target("noop", "build the example again with nothing changed")
def bench_noop(ctx: Context) -> Outcome:
    rounds, notes = warm_and_noop(ctx)
    times = {name: min(runs) for name, runs in rounds.items()}
    names = list(times)
    return Outcome({name: times[name] for name in (names[0], names[2])}, [], {}, notes,
                   limits=[Limit("time c", names[2], 0.5)])


def git_quiet(repo: Path, *args: str) -> bytes:
    command = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True).stdout


def commit_two_versions(corpus_content: Path, repo: Path, seed: int = 7) -> int:
    """The corpus as tag v1, then a few hundred edits (text, statuses, values, order) as tag v2."""
    shutil.copytree(corpus_content, repo / "content")
    git_quiet(repo, "init", "-q", "-b", "main")
    git_quiet(repo, "add", "-A")
    git_quiet(repo, "commit", "-q", "-m", "v1")
    git_quiet(repo, "tag", "v1")
    rng = random.Random(seed)
    files = content_files(repo / "content")
    rules = [
        ("atgarder", 150, lambda t: re.sub(r"^(text: .*)$", r"\1 (reviderad)", t, count=1, flags=re.M)),
        ("uppfoljning", 100, lambda t: t.replace("status: paborjad", "status: fardig", 1)),
        ("indikatorer", 50, lambda t: re.sub(r"total: (\d+)", lambda m: f"total: {int(m.group(1)) + 1}", t, count=1)),
        ("atgarder", 10, lambda t: t if "\norder:" in t else t + "order: 1\n"),
    ]
    edited = set()
    for folder, count, rule in rules:
        candidates = [p for p in files if p.parent.name == folder or p.parent.parent.name == folder]
        for path in rng.sample(candidates, min(count, len(candidates))):
            text = path.read_text(encoding="utf-8")
            changed = rule(text)
            if changed != text:
                path.write_text(changed, encoding="utf-8")
                edited.add(path)
    git_quiet(repo, "commit", "-q", "-a", "-m", "v2")
    git_quiet(repo, "tag", "v2")
    return len(edited)


def parse_refs(repo: Path, refs: tuple[str, ...]) -> int:
    """The baseline: list each ref's files, read every blob with one cat-file, parse with PyYAML's C loader."""
    count = 0
    for ref in refs:
        listing = git_quiet(repo, "ls-tree", "-r", "-z", ref, "--", "content").split(b"\0")
        blobs = [entry.split(b"\t", 1) for entry in listing if entry]
        blobs = [(meta.split()[2], name.decode()) for meta, name in blobs if name.decode().endswith(CONTENT_SUFFIXES)]
        output = subprocess.run(["git", "cat-file", "--batch"], cwd=repo, input=b"".join(oid + b"\n" for oid, _ in blobs),
                                capture_output=True, check=True).stdout
        position = 0
        for _oid, name in blobs:
            header_end = output.index(b"\n", position)
            size = int(output[position:header_end].rsplit(b" ", 1)[1])
            data = output[header_end + 1:header_end + 1 + size].decode("utf-8")
            position = header_end + size + 2
            if name.endswith(".md"):
                match = FRONT_MATTER.match(data)
                data = match.group(1) if match else ""
            yaml.load(data, Loader=yaml.CSafeLoader)
            count += 1
    return count


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20000, help="corpus size in files (default 20000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--only", choices=sorted(TARGETS), action="append", help="run this target (repeatable)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per candidate; the best counts (default 3)")
    parser.add_argument("--profile", action="store_true", help="also profile styrdok's side of each target")
    parser.add_argument("--top", type=int, default=15, help="functions shown by --profile (default 15)")
    parser.add_argument("--styrdok", type=Path, default=REPO, metavar="DIR",
                        help="measure the styrdok checkout in DIR (default: this repository), e.g. an older version")
    args = parser.parse_args(argv)
    root = args.styrdok.resolve()
    if not (root / "styrdok").is_dir():
        parser.error(f"{root} has no styrdok/ package")
    sys.path.insert(0, str(root))

    chosen_names = args.only or list(TARGETS)
    content = corpus(args.items, args.seed) if set(chosen_names) - EXAMPLE_ONLY else None
    ctx = Context(content, root, max(1, args.repeats), args.profile, args.top)
    status = 0
    for name in chosen_names:
        chosen = TARGETS[name]
        print(f"target {name} ...", file=sys.stderr, flush=True)
        try:
            outcome = chosen.run(ctx)
        except TargetError as error:
            print(f"\n== {name}: could not run: {error}")
            status = 2
            continue
        report(name, chosen.description, outcome)
        if not outcome.passed() and status == 0:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
