#!/usr/bin/env python3
"""The loader and validator fuzz of tests/test_fuzz.py, with a larger budget than CI's.

    python bench/fuzz.py                                 # 20 000 examples per property, random seed
    python bench/fuzz.py --examples 100000 --seed 7      # reproducible
    python bench/fuzz.py --only mutated_file

Properties: random_bytes, mutated_file and swapped_value (see tests/test_fuzz.py). CI runs
2 000 examples in all with a fixed seed; this runs each property with ``--examples``.

Exit status: 0 when no property fails, 1 when one does (hypothesis prints the smallest
failing example it found).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import hypothesis  # noqa: E402
import test_fuzz  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=20000, help="examples per property (default 20000)")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random, printed on failure)")
    parser.add_argument("--only", choices=sorted(test_fuzz.STRATEGIES), help="run one property")
    args = parser.parse_args(argv)
    failed = []
    for name in [args.only] if args.only else list(test_fuzz.STRATEGIES):
        test = test_fuzz.fuzz_test(name, args.examples, derandomize=False)
        if args.seed is not None:
            test = hypothesis.seed(args.seed)(test)
        print(f"{name}: {args.examples} examples ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            test()
        except Exception as error:  # its notes hold the smallest falsifying example
            failed.append(name)
            traceback.print_exception(error)
            print(f"{name}: FAILED after {time.perf_counter() - start:.0f} s: {type(error).__name__}: {error}")
        else:
            print(f"{name}: {args.examples} examples without an unhandled exception in {time.perf_counter() - start:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
