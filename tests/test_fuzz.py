"""Fuzzing the loader and the validator: whatever a content file holds, the answer is located
diagnostics, never an unhandled exception.

One file of a small valid tree (tests/fixtures/minimal) is replaced, or one file added, by
random bytes, by a mutation of a real file (byte flips, inserted YAML and Markdown syntax,
deletions, truncation, deep nesting, very long words) or by a real file with one value
swapped for arbitrary data. That file is loaded from its bytes (``load_bytes``, which reads
every file, from disk or from git) and the tree validated in-process (``validate``).

CI runs 2 000 examples with a fixed seed; ``python bench/fuzz.py --examples N`` runs the
same properties with a larger budget and a random or given seed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile import outputs
from styrdok.diagnostics import ContentError
from styrdok.load import LoadedContent, load_bytes, load_content
from styrdok.pipeline import load_schemas
from styrdok.validate import validate

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
EXAMPLE = ROOT / "content"
CI_EXAMPLES = {"random_bytes": 400, "mutated_file": 1200, "swapped_value": 400}  # 2 000 in all

# Seeds: every file of the minimal tree (replaced in place) and of the example (added beside it).
SEEDS = sorted([("minimal", p.relative_to(MINIMAL).as_posix()) for p in MINIMAL.rglob("*") if p.is_file()]
               + [("example", p.relative_to(EXAMPLE).as_posix()) for p in EXAMPLE.rglob("*")
                  if p.is_file() and p.suffix in (".yaml", ".md")])

TOKENS = [b": ", b"- ", b"[", b"]", b"{", b"}", b"*", b"&a ", b"*a", b"!!python/object:os.system ", b"!tag ",
          b'"', b"'", b"|", b">", b"#", b"\n---\n", b"\n...\n", b"\t", b"\r\n", b"\r", b"\x00", b"\x1b[31m",
          b"\x1f", b"\x7f", b"\xc2\x9b", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"%YAML 1.1\n", b"? ", b"<<: ", b"@",
          b"`", b"%", b"\n  ", b"\n    - ", b"~", b"null", b"0x", b"1e999", b".nan", b"true", b"0o7",
          b"[om]{typst:text:fill=\"white\"}", b"![pw](/etc/passwd)", b"<script>alert(1)</script>",
          b"[x](javascript:alert(1))", b"[^1]", b"\n[^1]: fotnot\n", b"\n::: {.x}\n", b"$x$", b"\\textbf{x}",
          b"```{=typst}\n", b"\n# Rubrik\n", b"\n\n", "åäö€".encode(), "\u2028".encode(), b"\\x1f", b"\\e", b"\\0"]


@lru_cache(maxsize=None)
def seed_bytes(source: str, relative: str) -> bytes:
    return ((MINIMAL if source == "minimal" else EXAMPLE) / relative).read_bytes()


@lru_cache(maxsize=1)
def base() -> LoadedContent:
    """The minimal tree, loaded once; each example replaces or adds one file."""
    return load_content(MINIMAL)


@lru_cache(maxsize=1)
def schemas():
    return load_schemas(ROOT / "schemas")


def check_tree(relative: str, data: bytes) -> None:
    """Load ``data`` as the file ``relative`` of the minimal tree and validate the tree."""
    display = f"{MINIMAL.name}/{relative}"
    files = [source for source in base().files if source.path != display]
    problems = []
    try:
        files.append(load_bytes(data, display, markdown=relative.endswith(".md")))
    except ContentError as error:
        problems.append(error.diagnostic)
    diagnostics = validate(LoadedContent(MINIMAL, files, problems), schemas())
    lines = data.count(b"\n") + data.count(b"\r") + 2
    for diagnostic in diagnostics:
        assert isinstance(diagnostic.message, str) and diagnostic.message.strip(), diagnostic
        assert diagnostic.line >= 1 and diagnostic.col >= 1, diagnostic
        assert not outputs.PYTHON_ERROR.search(diagnostic.message), diagnostic
        if diagnostic.path == display:
            assert diagnostic.line <= lines, diagnostic


# ---- Strategies -----------------------------------------------------------------------------

def placed(source: str, relative: str) -> str:
    """Where a seed goes: a minimal file replaces itself, an example file is added in fuzz/."""
    return relative if source == "minimal" else f"fuzz/{relative.replace('/', '-')}"


positions = st.integers(0, 1000).map(lambda per_mille: per_mille / 1000)
mutation = st.one_of(
    st.tuples(st.just("flip"), positions, st.integers(0, 7)),
    st.tuples(st.just("insert"), positions, st.sampled_from(TOKENS)),
    st.tuples(st.just("delete"), positions, st.integers(1, 80)),
    st.tuples(st.just("truncate"), positions, st.just(0)),
    st.tuples(st.just("duplicate_line"), positions, st.just(0)),
    st.tuples(st.just("nest"), positions, st.tuples(st.sampled_from([b"[", b"{a: ", b"- ", b"> "]), st.integers(1, 3000))),
    st.tuples(st.just("long_word"), positions, st.integers(1, 60_000)),
)


def mutate(data: bytes, steps: list[tuple]) -> bytes:
    for kind, where, arg in steps:
        at = int(where * len(data))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << arg)]) + data[at + 1:]
        elif kind == "insert":
            data = data[:at] + arg + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + arg:]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "duplicate_line":
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            line = data[start:] if end < 0 else data[start:end + 1]
            data = data[:start] + line + line + data[start + len(line):]
        elif kind == "nest":
            opener, depth = arg
            closer = {b"[": b"]", b"{a: ": b"}"}.get(opener, b"")
            data = data[:at] + opener * depth + b"x" + closer * depth + data[at:]
        elif kind == "long_word":
            data = data[:at] + b"a" * arg + data[at:]
    return data


# Characters worth trying in a value: plain and Swedish letters, YAML and Markdown syntax, controls.
ALPHABET = ("abcxyzåäöÅÄÖ019 -_.:,;#&*!|>'\"%@`{}[]()<>/\\=+?~^$\t\n\r"
            "\x00\x01\x08\x0b\x0c\x1b\x1f\x7f\x85\x9b\xa0\u2028\u2029\ufeff\u200b€😀")
texts = st.text(alphabet=ALPHABET, max_size=40)
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from([10 ** 400, -(10 ** 4000), float("nan"), float("-inf"), 1e308])
    | st.floats() | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)


def swap_value(data, path: list[int], value):
    """``data`` with the node reached by following ``path`` (indices into keys/items) replaced."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return value
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[path[0] % len(keys)]
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[key] = swap_value(data[key], path[1:], value)
    return copy


# ---- Properties -----------------------------------------------------------------------------

def random_bytes(data: bytes, suffix: str) -> None:
    check_tree(f"fuzz/slump{suffix}", data)


def mutated_file(seed: tuple[str, str], steps: list[tuple]) -> None:
    source, relative = seed
    check_tree(placed(source, relative), mutate(seed_bytes(source, relative), steps))


@lru_cache(maxsize=None)
def seed_data(source: str, relative: str) -> tuple:
    """A seed's YAML data, and the Markdown body after its front matter (or None)."""
    text = seed_bytes(source, relative).decode("utf-8")
    front, body = (text.split("---\n", 2)[1:] if relative.endswith(".md") else (text, None))
    return yaml.load(front, Loader=yaml.CSafeLoader), body


def swapped_value(seed: tuple[str, str], path: list[int], value) -> None:
    source, relative = seed
    data, body = seed_data(source, relative)
    dumped = yaml.dump(swap_value(data, path, value), Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
    text = f"---\n{dumped}---\n{body}" if body is not None else dumped
    check_tree(placed(source, relative), text.encode("utf-8", "surrogatepass"))


STRATEGIES = {
    "random_bytes": (random_bytes, dict(data=st.binary(max_size=3000), suffix=st.sampled_from([".yaml", ".md"]))),
    "mutated_file": (mutated_file, dict(seed=st.sampled_from(SEEDS), steps=st.lists(mutation, min_size=1, max_size=6))),
    "swapped_value": (swapped_value, dict(seed=st.sampled_from(SEEDS), path=st.lists(st.integers(0, 50), max_size=5),
                                          value=json_like)),
}


def fuzz_test(name: str, examples: int, *, derandomize: bool = True):
    """A hypothesis test of one property with a budget of ``examples``."""
    prop, strategies = STRATEGIES[name]
    return settings(max_examples=examples, derandomize=derandomize, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))(given(**strategies)(prop))


test_random_bytes = fuzz_test("random_bytes", CI_EXAMPLES["random_bytes"])
test_mutated_file = fuzz_test("mutated_file", CI_EXAMPLES["mutated_file"])
test_swapped_value = fuzz_test("swapped_value", CI_EXAMPLES["swapped_value"])
