"""Benchmark: the full report of a cycle of 100 scenarios in every format.

The cycle is made from the example: the NVS 2019 scenarios copied under new ids up to the size
asked for, imported as a frozen base, cloned, and re-assessed with the midterm review 2021 scores
(copied the same way), so the report has its parent comparison, residual positions, measures and
reviews. Each repeat builds the report once in every format (`--formats` to choose), as
`weerbaar report` does: one document, its figures drawn once, every format written from it. The
medians are printed per step, with the time spent drawing figures (timed inside the builder) and
the ratio of the full report's wall time to HTML plus figures in the same run, against its target
of 2.0 (the figures are what HTML needs too; the other formats should cost at most as much again).

    .venv/bin/python benchmarks/report.py [--scenarios N] [--repeats R] [--uncertainty SAMPLES]
                                          [--formats html,docx,pdf,xlsx,odt,ods]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from weerbaar.domain import CycleKind, Workspace
from weerbaar.io import load_workspace
from weerbaar.reports.writers import FORMATS
from weerbaar.services.cycles import apply_workspace, clone_cycle, freeze_cycle
from weerbaar.services.reports import UncertaintyOptions, build_report, parse_formats
from weerbaar.services.viewer import Viewer
from weerbaar.store import import_workspace, open_store, upgrade

AS_BENCH = Viewer.operator("bench")
TARGET = 2.0
"""The full report in every format takes at most this many times HTML plus figures."""


def scaled(workspace: Workspace, size: int) -> Workspace:
    """The workspace with its scenarios copied under new ids until there are ``size``."""
    originals = list(workspace.scenarios)
    scenarios = list(originals)
    copy = 1
    while len(scenarios) < size:
        for s in originals:
            if len(scenarios) >= size:
                break
            scenarios.append(s.model_copy(update={"id": f"{s.id}-{copy}",
                                                  "title": f"{s.title} ({copy})"}))
        copy += 1
    return workspace.model_copy(update={"scenarios": tuple(scenarios[:size])})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--uncertainty", type=int, default=0,
                        help="also the uncertainty annex with this many samples")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help="comma-separated report formats (default: all)")
    args = parser.parse_args()
    formats = parse_formats(args.formats)
    with tempfile.TemporaryDirectory(prefix="weerbaar-bench-report-") as tmp:
        store = open_store(str(Path(tmp) / "bench.db"), check_schema=False)
        upgrade(store.engine)
        base = scaled(load_workspace("example:nvs-2019"), args.scenarios)
        current = scaled(load_workspace("example:midterm-2021"), args.scenarios)
        import_workspace(store, base, key="base", kind=CycleKind.STRATEGY, actor="bench")
        freeze_cycle(store, AS_BENCH, "base")
        clone_cycle(store, AS_BENCH, "base", "bench", kind=CycleKind.MIDTERM_REVIEW)
        apply_workspace(store, AS_BENCH, "bench", current, reason="benchmark")
        unc = UncertaintyOptions(samples=args.uncertainty, seed=1) if args.uncertainty else None
        runs = []
        for repeat in range(args.repeats):
            start = time.perf_counter()
            run = build_report(store, AS_BENCH, "bench", formats=formats, lang="nl",
                               report_date=date(2021, 9, 20), uncertainty=unc)
            folder = Path(tmp) / f"out-{repeat}"
            folder.mkdir()
            for name, content in run.files.items():  # as `weerbaar report` writes them
                (folder / name).write_bytes(content)
            runs.append((time.perf_counter() - start, run.seconds))
        store.dispose()
    median = {key: statistics.median(s[key] for _, s in runs) for key in runs[0][1]}
    total = statistics.median(t for t, _ in runs)
    base = [s.get("html", 0.0) + s["figures"] for _, s in runs]
    ratio = statistics.median(t / b for (t, _), b in zip(runs, base, strict=True))
    print(f"scenarios: {args.scenarios}  repeats: {args.repeats}  formats: {', '.join(formats)}"
          + (f"  uncertainty samples: {args.uncertainty}" if args.uncertainty else ""))
    print(f"load, assess, compare     median {median['load'] * 1e3:9.1f} ms")
    print(f"build document            median {median['build'] * 1e3:9.1f} ms"
          f"   (of which figures {median['figures'] * 1e3:.1f} ms)")
    print(f"figures, drawn once       median {median['figures'] * 1e3:9.1f} ms")
    for fmt in formats:
        print(f"write {fmt:<20}median {median[fmt] * 1e3:9.1f} ms")
    print(f"full report, all formats  median {total * 1e3:9.1f} ms")
    print(f"html + figures            median {statistics.median(base) * 1e3:9.1f} ms"
          + ("" if "html" in formats else "   (no html asked: figures only)"))
    verdict = "within" if ratio <= TARGET else "ABOVE"
    print(f"ratio full / (html + figures)   {ratio:9.2f}   target <= {TARGET:.1f}: {verdict} "
          "(median of the runs' ratios)")
    print(f"share drawing figures     {median['figures'] / total * 100:9.1f} %")


if __name__ == "__main__":
    main()
