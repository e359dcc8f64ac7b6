"""Benchmark: how fast the command line starts, as a whole process.

Runs ``weerbaar --help`` (and a few light commands) as new processes, each ``--repeats`` times,
and, in the same run, the baseline ``python -c "import typer"`` (the least any Typer command line
can cost). Prints the median wall time and the median peak memory (maximum resident set size) of
each, and the ratio to the baseline.

    .venv/bin/python benchmarks/cli_start.py [--repeats 9]

Target (issue "many analysts at once"): ``weerbaar --help`` median <= 0.5 s as a whole process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_HELP_S = 0.5

ENTRY = Path(sys.executable).with_name("weerbaar")


def commands() -> list[tuple[str, list[str]]]:
    weerbaar = [str(ENTRY)] if ENTRY.exists() else [sys.executable, "-m", "weerbaar.cli"]
    return [
        ('python -c "import typer" (baseline)', [sys.executable, "-c", "import typer"]),
        ("weerbaar --help", [*weerbaar, "--help"]),
        ("weerbaar cycle --help", [*weerbaar, "cycle", "--help"]),
        ("weerbaar profiles", [*weerbaar, "profiles"]),
    ]


def once(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one run of ``argv``."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss / 1024  # Linux reports kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    rows = []
    for label, argv in commands():
        once(argv)  # warm the file cache
        runs = [once(argv) for _ in range(args.repeats)]
        rows.append((label, statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)))
    baseline = rows[0][1]
    print(f"median of {args.repeats} whole-process runs (same run, same machine)")
    print(f"{'command':<40} {'wall s':>8} {'peak MB':>8} {'x baseline':>11}")
    for label, wall, mem in rows:
        print(f"{label:<40} {wall:8.3f} {mem:8.1f} {wall / baseline:11.1f}")
    help_wall = rows[1][1]
    verdict = "met" if help_wall <= TARGET_HELP_S else "NOT met"
    print(f"target: weerbaar --help <= {TARGET_HELP_S} s median: {help_wall:.3f} s ({verdict})")


if __name__ == "__main__":
    main()
