"""Flow loading and linting time: ``load_flows`` and ``lint_flows`` over a flows directory.

Times the production code on ``flows/`` (or ``--dir``), in one process, after one warm-up run,
and prints the median, quartiles, minimum and maximum. Run it on two checkouts to compare (the
numbers in docs/benchmarks.md compare this branch with the commit before the step-kind
refactoring: ``git archive <commit> bot flows | tar -x -C /tmp/old`` and ``--root /tmp/old``).

    nice -n 19 .venv/bin/python bench/flows_load.py [--runs 15] [--root .] [--dir flows]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, List


def measure(fn: Callable[[], object], runs: int) -> List[float]:
    """Milliseconds per call of ``fn`` over ``runs`` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main(argv: List[str]) -> int:
    """Print the timing of loading and linting the flows directory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="checkout whose bot package is measured")
    parser.add_argument("--dir", default=None, help="flows directory (default: <root>/flows)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(args.root).resolve()))
    try:
        from bot.flows.lint.linter import lint_flows
        from bot.flows.loading.loader import load_flows
    except ImportError:  # a checkout from before bot/flows was split by role
        from bot.flows.loader import load_flows  # type: ignore[no-redef]

        from bot.flows.lint import lint_flows  # type: ignore[no-redef]
    directory = Path(args.dir) if args.dir else Path(args.root) / "flows"
    for name, fn in (("load_flows", lambda: load_flows(directory)),
                     ("lint_flows", lambda: lint_flows(directory, None, set(), set()))):
        runs = measure(fn, args.runs)
        q1, _, q3 = statistics.quantiles(runs, n=4)
        print(f"{name}: median {statistics.median(runs):.0f} ms (quartiles {q1:.0f}–{q3:.0f}, "
              f"min {min(runs):.0f}, max {max(runs):.0f}) over {len(runs)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
