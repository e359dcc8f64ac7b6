"""Benchmark: the web dashboard under load, against a static endpoint as the baseline.

Builds a temporary database with a draft cycle of ``--scenarios`` scenarios (the example
scenarios copied under new ids), starts ``weerbaar serve`` in a subprocess on 127.0.0.1 (loopback
only), logs in, and runs ``--clients`` concurrent clients for ``--duration`` seconds against the
dashboard: each client loads the dashboard page and then the diagram data it fetches
(``/api/v1/cycles/KEY/diagram``), over and over. Then the same run against ``/health`` (a static
JSON answer: the cost of the server, the network stack and the client alone).

    .venv/bin/python benchmarks/web_load.py [--duration 60] [--clients 20] [--scenarios 200]

Reports requests per second, p50/p95/p99 latency and the error count of each run, and their
ratios. Target: the dashboard run has 0 errors and a p95 under 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from webserver import free_port, start_server, stop_server

from weerbaar.domain import CycleKind
from weerbaar.services import accounts
from weerbaar.services.cycles import load_examples
from weerbaar.services.viewer import Viewer
from weerbaar.store import cycle_workspace, import_workspace, open_store, upgrade

AS_BENCH = Viewer.operator("bench")

KEY = "bench"
USER, PASSWORD = "bench", "load-test-password-42"
TARGET_P95_MS = 150.0


def build_database(path: Path, scenarios: int) -> None:
    """The example cycles plus a draft cycle ``bench`` with ``scenarios`` scenarios."""
    store = open_store(str(path), check_schema=False)
    try:
        upgrade(store.engine)
        load_examples(store, AS_BENCH)
        workspace, profile = cycle_workspace(store, "midterm-2021")
        base = workspace.scenarios
        copies = []
        for n in range(scenarios):
            original = base[n % len(base)]
            copies.append(original if n < len(base) else
                          original.model_copy(update={"id": f"{original.id}-copy{n // len(base)}"}))
        import_workspace(store, workspace.model_copy(update={"scenarios": tuple(copies)}),
                         key=KEY, kind=CycleKind.RISK_ANALYSIS, actor="bench",
                         title=f"Load test: {scenarios} scenarios", profile=profile)
        accounts.add_user(store, AS_BENCH, USER, PASSWORD, must_change_password=False)
        accounts.grant(store, AS_BENCH, USER, "analyst")
    finally:
        store.dispose()






@dataclass
class Run:
    name: str
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)  # path -> seconds
    errors: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)  # "500 /path" or the exception's name

    @property
    def all_latencies(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def client_loop(client: httpx.AsyncClient, paths: list[str], deadline: float,
                      run: Run) -> None:
    while time.monotonic() < deadline:  # bounded by the run's duration
        for path in paths:
            start = time.perf_counter()
            kind = None
            try:
                response = await client.get(path)
                if response.status_code != 200:
                    kind = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                kind = type(exc).__name__
            elapsed = time.perf_counter() - start
            run.latencies.setdefault(path, []).append(elapsed)
            if kind is not None:
                run.errors[path] = run.errors.get(path, 0) + 1
                run.kinds[kind] = run.kinds.get(kind, 0) + 1


async def load(base: str, paths: list[str], *, name: str, clients: int, duration: float,
               cookies: httpx.Cookies) -> Run:
    run = Run(name)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    pool = [httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30, limits=limits)
            for _ in range(clients)]
    try:
        for c in pool:  # warm up: one round each, not measured
            for path in paths:
                await c.get(path)
        start = time.monotonic()
        await asyncio.gather(*(client_loop(c, paths, start + duration, run) for c in pool))
        run.seconds = time.monotonic() - start
    finally:
        await asyncio.gather(*(c.aclose() for c in pool))
    return run


def report(run: Run) -> dict[str, float]:
    values = run.all_latencies
    rps = len(values) / run.seconds if run.seconds else 0.0
    out = {"rps": rps, "p50": percentile(values, 50) * 1e3, "p95": percentile(values, 95) * 1e3,
           "p99": percentile(values, 99) * 1e3, "errors": float(run.error_count)}
    print(f"{run.name:<10} {len(values):>7} requests in {run.seconds:5.1f} s  "
          f"{rps:8.1f} req/s  p50 {out['p50']:7.1f} ms  p95 {out['p95']:7.1f} ms  "
          f"p99 {out['p99']:7.1f} ms  errors {run.error_count}"
          + (f" ({', '.join(f'{k}: {n}' for k, n in sorted(run.kinds.items()))})"
             if run.kinds else ""))
    if len(run.latencies) > 1:
        for path, lat in run.latencies.items():
            print(f"  {path:<40} {len(lat):>7} requests  p50 {percentile(lat, 50) * 1e3:7.1f} ms"
                  f"  p95 {percentile(lat, 95) * 1e3:7.1f} ms  p99 {percentile(lat, 99) * 1e3:7.1f}"
                  f" ms  errors {run.errors.get(path, 0)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--scenarios", type=int, default=200)
    args = parser.parse_args()
    if args.duration <= 0 or args.clients <= 0 or args.scenarios <= 0:
        parser.error("--duration, --clients and --scenarios must be positive")
    with tempfile.TemporaryDirectory(prefix="weerbaar-load-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        build_database(folder / "load.sqlite", args.scenarios)
        print(f"database with a cycle of {args.scenarios} scenarios built in "
              f"{time.perf_counter() - start:.1f} s")
        port = free_port()
        proc = start_server(folder / "load.sqlite", port, folder / "server.log")
        base = f"http://127.0.0.1:{port}"
        try:
            login = httpx.post(f"{base}/api/v1/login", json={"username": USER,
                                                            "password": PASSWORD})
            login.raise_for_status()
            cookies = login.cookies
            print(f"server pid {proc.pid} on {base}; {args.clients} clients, "
                  f"{args.duration:g} s per run; machine: {os.cpu_count()} CPUs, load average "
                  f"{os.getloadavg()[0]:.1f} (other work on the machine slows both runs)")
            dashboard = asyncio.run(load(
                base, [f"/?cycle={KEY}", f"/api/v1/cycles/{KEY}/diagram?lang=nl"],
                name="dashboard", clients=args.clients, duration=args.duration,
                cookies=cookies))
            baseline = asyncio.run(load(base, ["/health"], name="health",
                                        clients=args.clients, duration=args.duration,
                                        cookies=cookies))
        finally:
            stop_server(proc)
        problems = [line for line in (folder / "server.log").read_text(errors="replace")
                    .splitlines() if "Error" in line or "Exception" in line]
        if problems:
            print(f"\nthe server logged {len(problems)} error line(s); the last ones:")
            print("\n".join(f"  {line[:200]}" for line in problems[-5:]))
        print()
        d, h = report(dashboard), report(baseline)
        print(f"\nratio dashboard/health: throughput {d['rps'] / h['rps']:.3f}x, "
              f"p50 {d['p50'] / h['p50']:.1f}x, p95 {d['p95'] / h['p95']:.1f}x, "
              f"p99 {d['p99'] / h['p99']:.1f}x")
        met = d["errors"] == 0 and d["p95"] < TARGET_P95_MS
        print(f"target dashboard: 0 errors, p95 < {TARGET_P95_MS:.0f} ms: "
              f"{'met' if met else 'NOT met'} ({int(d['errors'])} errors, p95 {d['p95']:.1f} ms)")


if __name__ == "__main__":
    main()
