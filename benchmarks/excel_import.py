"""Benchmark: reading a scoring workbook against reading the same file with openpyxl alone.

A workspace of N scenarios scored on every criterion of profile rnv-2022 (18 criteria; classes,
half classes, natural-unit values, probabilities and reasoning texts) is exported with
``write_workbook``. The baseline, measured in the same run, opens that workbook with openpyxl
(read-only) and iterates every value of every sheet; ``read_workbook`` does the same reading plus
resolution, validation and building the workspace.

    .venv/bin/python benchmarks/excel_import.py [--scenarios N] [--repeats R]

A third measurement is the whole ``weerbaar excel import`` into a new SQLite database: reading,
checking and writing every scenario with its scores, revision and audit entry in one transaction.

Target: the import takes at most 3x the baseline at 1,000 scenarios.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from weerbaar.domain import CycleKind
from weerbaar.io import load_workspace
from weerbaar.io.excel import read_workbook, write_workbook
from weerbaar.methods.profile import CriterionKind, MethodProfile
from weerbaar.methods.registry import get_profile
from weerbaar.services.excel import import_workbook
from weerbaar.services.viewer import Viewer
from weerbaar.store import open_store, upgrade

AS_BENCH = Viewer.operator("bench")

TARGET = 3.0
_VALUES = {"fatalities": ("fatalities", 1, 20_000), "persons": ("persons", 1, 100_000),
           "EUR": ("EUR", 1e6, 5e10)}


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _impact(rng: random.Random, profile: MethodProfile) -> dict[str, Any]:
    codes = ["X", "A", "B", "C", "D", "E"]
    out: dict[str, Any] = {}
    for criterion in profile.criteria:
        unit = _VALUES.get(criterion.unit or "")
        if criterion.kind is CriterionKind.QUANTITATIVE and unit and rng.random() < 0.3:
            name, low, high = unit
            value = round(rng.uniform(low, high))
            out[criterion.id] = f"EUR {value}" if name == "EUR" else f"{value} {name}"
            continue
        ev = rng.randrange(1, 5)
        entry = {"ev": codes[ev], "ll": codes[ev - 1], "ul": codes[ev + 1]}
        if rng.random() < 0.3:
            entry["reasoning"] = "Onderbouwing: bronnen, aannames en de afweging van de experts."
        out[criterion.id] = entry
    return out


def _likelihood(rng: random.Random, kind: str) -> Any:
    if kind == "hazard" and rng.random() < 0.3:
        return {"probability": round(rng.uniform(0.001, 0.5), 4), "horizon_years": 5}
    ev = rng.choice(["B", "B-high", "C", "C-high", "D"])
    return {"ev": ev, "ll": "A", "ul": "E", "reasoning": "Inschatting op basis van trends."}


def build_workspace(profile: MethodProfile, scenarios: int, folder: Path) -> Path:
    """A workspace file with ``scenarios`` random but valid scenarios."""
    rng = random.Random(7)
    themes = [{"id": f"theme-{t}", "name": {"nl": f"Thema {t}", "en": f"Theme {t}"},
               "risk_categories": [{"id": f"cat-{t}-{c}", "name": {"nl": f"Categorie {c}"}}
                                   for c in range(3)]} for t in range(10)]
    items = []
    for index in range(scenarios):
        kind = rng.choice(["hazard", "threat"])
        theme = rng.randrange(10)
        items.append({
            "id": f"scenario-{index:05d}", "title": f"Scenario {index}", "theme": f"theme-{theme}",
            "risk_category": f"cat-{theme}-{rng.randrange(3)}", "type": kind,
            "narrative": "Een plausibel worstcasescenario met oorzaak, verloop en gevolgen. " * 3,
            "impact": _impact(rng, profile), "likelihood": _likelihood(rng, kind),
        })
    data = {"schema": "weerbaar.workspace/1", "profile": profile.id, "title": "benchmark",
            "themes": themes, "scenarios": items}
    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def openpyxl_only(path: Path) -> int:
    """Baseline: open read-only and touch every value of every sheet."""
    book = openpyxl.load_workbook(path, read_only=True)
    count = 0
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            count += sum(1 for value in row if value is not None)
    book.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    profile = get_profile("rnv-2022")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        workspace = load_workspace(build_workspace(profile, args.scenarios, folder))
        book = write_workbook(profile, folder / "bench.xlsx", workspace)
        assert read_workbook(book) == workspace, "round trip changed the workspace"
        base = median_seconds(lambda: openpyxl_only(book), args.repeats)
        ours = median_seconds(lambda: read_workbook(book), args.repeats)
        counter = iter(range(10_000))

        def full_import() -> None:
            store = open_store(str(folder / f"bench-{next(counter)}.db"), check_schema=False)
            upgrade(store.engine)
            start = time.perf_counter()
            import_workbook(store, AS_BENCH, book, key="bench", kind=CycleKind.RISK_ANALYSIS)
            timings.append(time.perf_counter() - start)
            store.dispose()

        timings: list[float] = []
        for _ in range(args.repeats):
            full_import()
        imported = statistics.median(timings)
        size = book.stat().st_size
    print(f"scenarios: {args.scenarios:,}  criteria: {len(profile.criteria)}  "
          f"file: {size / 2**20:.1f} MB  repeats: {args.repeats}")
    print(f"baseline openpyxl read-only, all values   median {base * 1e3:9.1f} ms")
    print(f"read_workbook                             median {ours * 1e3:9.1f} ms")
    print(f"excel import into SQLite (read + write)   median {imported * 1e3:9.1f} ms")
    ratio = ours / base
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"ratio read_workbook / baseline            {ratio:9.2f}x   (target <= {TARGET:g}x: {verdict})")
    full = imported / base
    verdict = "met" if full <= TARGET else "NOT met"
    print(f"ratio full import / baseline              {full:9.2f}x   (target <= {TARGET:g}x: {verdict})")


if __name__ == "__main__":
    main()
