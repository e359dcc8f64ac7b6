"""Soak test: the real server on PostgreSQL under mixed reads and writes, then every write it
acknowledged checked in the database.

Creates a fresh PostgreSQL database (``--database``, default ``weerbaar_soak``, on the server of
``--pg``; dropped at the end unless ``--keep``), upgrades it, loads the example cycles and adds
``--users`` analysts. Starts ``weerbaar serve`` in a subprocess on 127.0.0.1 (loopback only) and
runs ``--clients`` concurrent clients for ``--seconds``, each logged in as one of the analysts:

- reads: the dashboard page, the cycle list, the scenario list, one scenario (API and page), the
  measures and the diagram data;
- writes: a new measure (``POST /api/v1/cycles/C/measures``) and a scenario edit (``PUT``) made
  against the revision just read; a 409 (someone else saved first) is an expected answer and
  counted as a conflict, not as an error.

Every acknowledged write (2xx) is recorded with its content. At the end the script prints the
throughput, p50/p95/p99 latency per kind of request and the error count (5xx answers and failed
connections; target 0), then reads every acknowledged write back through the store, verifies the
audit chain and that every versioned document has exactly its revisions, and prints the verdict.

    .venv/bin/python benchmarks/soak.py [--seconds 300] [--clients 50] [--users 10]
        [--pg postgresql://postgres@127.0.0.1:5432/postgres] [--database weerbaar_soak] [--keep]

Exit code 0 when the verdict is PASS, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from webserver import free_port, start_server, stop_server

from weerbaar.errors import NotFound
from weerbaar.services import accounts
from weerbaar.services.cycles import load_examples
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, audit, get, history, open_store, upgrade
from weerbaar.store.schema import measures, reviews, revisions, scenarios

AS_SOAK = Viewer.operator("soak")

CYCLE = "midterm-2021"
PASSWORD = "soak-password-for-analysts"
EDITED = 8  # scenario edits go to the first EDITED scenarios: concurrent edits, some conflicts
# kind of request: weight in the mix
MIX = {"dashboard": 10, "cycles": 10, "scenarios": 10, "scenario": 15, "scenario-page": 10,
       "measures": 10, "diagram": 10, "add-measure": 12, "edit-scenario": 13}




def percentile(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# --- the database -------------------------------------------------------------------------------


def create_database(admin_url: str, name: str) -> str:
    """A new, empty database ``name`` (an old one of that name is dropped first); its URL."""
    url = make_url(admin_url.replace("postgresql://", "postgresql+psycopg://", 1))
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    url = make_url(admin_url.replace("postgresql://", "postgresql+psycopg://", 1))
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def prepare(url: str, users: int) -> list[str]:
    """Upgrade, load the example cycles, add the analysts; their names."""
    store = open_store(url, check_schema=False)
    try:
        upgrade(store.engine)
        load_examples(store, AS_SOAK)
        names = [f"soak{n:02d}" for n in range(1, users + 1)]
        for name in names:
            accounts.add_user(store, AS_SOAK, name, PASSWORD, must_change_password=False)
            accounts.grant(store, AS_SOAK, name, "analyst")
        accounts.ensure_admin(store, AS_SOAK)
        return names
    finally:
        store.dispose()


# --- the server ---------------------------------------------------------------------------------






# --- the load -----------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    answers: Counter[str] = field(default_factory=Counter)  # "kind status"
    errors: Counter[str] = field(default_factory=Counter)  # 5xx and failed connections
    unexpected: Counter[str] = field(default_factory=Counter)  # other non-2xx (not 409)
    conflicts: int = 0
    measures: dict[str, str] = field(default_factory=dict)  # acknowledged: id -> title
    edits: list[tuple[str, int, str]] = field(default_factory=list)  # scenario, revision, mark
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())


class Client:
    def __init__(self, number: int, http: httpx.AsyncClient, scenario_ids: list[str],
                 results: Results) -> None:
        self.number, self.http, self.ids, self.results = number, http, scenario_ids, results
        self.random = random.Random(number)
        self.writes = 0

    async def call(self, kind: str, method: str, path: str,
                   body: object | None = None) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            response = await self.http.request(method, path, json=body)
        except httpx.HTTPError as exc:
            self.results.latencies.setdefault(kind, []).append(time.perf_counter() - start)
            self.results.errors[f"{kind}: {type(exc).__name__}"] += 1
            return None
        self.results.latencies.setdefault(kind, []).append(time.perf_counter() - start)
        code = response.status_code
        self.results.answers[f"{kind} {code}"] += 1
        if code >= 500:
            self.results.errors[f"{kind}: HTTP {code}"] += 1
        elif code == 409:
            self.results.conflicts += 1
        elif code >= 300:
            self.results.unexpected[f"{kind}: HTTP {code} {response.text[:120]}"] += 1
        return response

    async def step(self) -> None:
        kind = self.random.choices(list(MIX), weights=list(MIX.values()))[0]
        sid = self.random.choice(self.ids)
        api = f"/api/v1/cycles/{CYCLE}"
        if kind == "dashboard":
            await self.call(kind, "GET", f"/?cycle={CYCLE}")
        elif kind == "cycles":
            await self.call(kind, "GET", "/api/v1/cycles")
        elif kind == "scenarios":
            await self.call(kind, "GET", f"{api}/scenarios")
        elif kind == "scenario":
            await self.call(kind, "GET", f"{api}/scenarios/{sid}")
        elif kind == "scenario-page":
            await self.call(kind, "GET", f"/cycles/{CYCLE}/scenarios/{sid}")
        elif kind == "measures":
            await self.call(kind, "GET", f"{api}/measures")
        elif kind == "diagram":
            await self.call(kind, "GET", f"{api}/diagram?lang=nl")
        elif kind == "add-measure":
            self.writes += 1
            mark = f"soak-{self.number}-{self.writes}"
            title = f"Soak measure {self.number}/{self.writes}"
            response = await self.call(kind, "POST", f"{api}/measures", {
                "id": mark, "title": title, "scenarios": [sid], "status": "planned",
                "effect": {"likelihood": 0.5}})
            if response is not None and response.status_code == 201:
                self.results.measures[mark] = title
        else:
            await self.edit(self.ids[self.random.randrange(min(EDITED, len(self.ids)))])

    async def edit(self, sid: str) -> None:
        """Read the scenario, change its likelihood reasoning, save against that revision."""
        read = await self.call("scenario", "GET", f"/api/v1/cycles/{CYCLE}/scenarios/{sid}")
        if read is None or read.status_code != 200:
            return
        current = read.json()
        self.writes += 1
        mark = f"soak-edit-{self.number}-{self.writes}"
        scores = {**current["input"], "likelihood": {
            "ev": self.random.choice("BCD"), "ll": "A", "ul": "E", "reasoning": mark}}
        response = await self.call("edit-scenario", "PUT",
                                   f"/api/v1/cycles/{CYCLE}/scenarios/{sid}",
                                   {"scenario": scores, "expected_revision": current["revision"],
                                    "reason": mark})
        if response is not None and response.status_code == 200:
            self.results.edits.append((sid, response.json()["revision"], mark))


async def login(base: str, name: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=base, timeout=60,
                             limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))
    response = await http.post("/api/v1/login", json={"username": name, "password": PASSWORD})
    response.raise_for_status()
    http.headers["X-CSRF-Token"] = response.json()["csrf"]
    return http


async def load(base: str, names: list[str], clients: int, seconds: float) -> Results:
    results = Results()
    pool = [await login(base, names[n % len(names)]) for n in range(clients)]
    try:
        listed = (await pool[0].get(f"/api/v1/cycles/{CYCLE}/scenarios")).json()
        ids = [s["id"] for s in listed]
        workers = [Client(n, http, ids, results) for n, http in enumerate(pool)]
        start = time.monotonic()
        deadline = start + seconds

        async def run(worker: Client) -> None:
            while time.monotonic() < deadline:
                await worker.step()

        await asyncio.gather(*(run(w) for w in workers))
        results.seconds = time.monotonic() - start
    finally:
        await asyncio.gather(*(h.aclose() for h in pool))
    return results


# --- the report and the check -------------------------------------------------------------------


def report(results: Results) -> None:
    everything = [x for v in results.latencies.values() for x in v]
    print(f"{results.requests} requests in {results.seconds:.1f} s: "
          f"{results.requests / results.seconds:.1f} requests/s; p50 "
          f"{percentile(everything, 50) * 1e3:.1f} ms, p95 {percentile(everything, 95) * 1e3:.1f}"
          f" ms, p99 {percentile(everything, 99) * 1e3:.1f} ms")
    print(f"{'kind':<15} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  answers")
    for kind in MIX:
        lat = results.latencies.get(kind, [])
        answers = ", ".join(f"{key.split()[-1]}: {n}" for key, n in
                            sorted(results.answers.items()) if key.rsplit(" ", 1)[0] == kind)
        print(f"{kind:<15} {len(lat):>8} {percentile(lat, 50) * 1e3:>8.1f} "
              f"{percentile(lat, 95) * 1e3:>8.1f} {percentile(lat, 99) * 1e3:>8.1f}  {answers}")
    print(f"acknowledged writes: {len(results.measures)} measures added, {len(results.edits)} "
          f"scenario edits; conflicts (409, expected): {results.conflicts}")
    print(f"errors (5xx or failed connections; target 0): {sum(results.errors.values())}"
          + (f" ({', '.join(f'{k}: {n}' for k, n in results.errors.most_common())})"
             if results.errors else ""))
    if results.unexpected:
        print(f"other unexpected answers: {sum(results.unexpected.values())} "
              f"({', '.join(f'{k}: {n}' for k, n in results.unexpected.most_common(5))})")


def verify(store: Store, results: Results) -> list[str]:
    """What is wrong in the database (empty: every acknowledged write is there, whole)."""
    problems: list[str] = []
    for mark, title in results.measures.items():
        try:
            if get(store, CYCLE, "measure", mark).item.title != title:
                problems.append(f"measure {mark}: the title differs")
        except NotFound as exc:
            problems.append(f"measure {mark}: {exc}")
    by_scenario: dict[str, dict[int, str]] = {}
    for sid, revision, mark in results.edits:
        by_scenario.setdefault(sid, {})[revision] = mark
    for sid, done in by_scenario.items():
        stored = {r.number: r for r in history(store, CYCLE, "scenario", sid)}
        for revision, mark in done.items():
            found = stored.get(revision)
            if found is None or found.reason != mark or mark not in json.dumps(found.snapshot):
                problems.append(f"scenario {sid} revision {revision}: not the acknowledged edit")
    with store.read() as conn:
        problems += [f"audit: {p}" for p in audit.verify(conn)]
        for table, entity in ((scenarios, "scenario"), (measures, "measure"),
                              (reviews, "review")):
            counted = (select(revisions.c.entity_id, func.count().label("n"),
                              func.max(revisions.c.number).label("top"))
                       .where(revisions.c.entity_type == entity)
                       .group_by(revisions.c.entity_id).subquery())
            for key, revision, n, top in conn.execute(
                    select(table.c.key, table.c.revision, counted.c.n, counted.c.top)
                    .outerjoin(counted, counted.c.entity_id == table.c.id)):
                if (n, top) != (revision, revision):
                    problems.append(f"{entity} {key}: revision {revision} but {n} revision "
                                    f"rows (highest {top})")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a database on the PostgreSQL server, to create the soak database")
    parser.add_argument("--database", default="weerbaar_soak")
    parser.add_argument("--keep", action="store_true", help="keep the soak database")
    args = parser.parse_args()
    if args.seconds <= 0 or args.clients <= 0 or args.users <= 0:
        parser.error("--seconds, --clients and --users must be positive")
    url = create_database(args.pg, args.database)
    proc = None
    try:
        start = time.perf_counter()
        names = prepare(url, args.users)
        print(f"database {args.database}: example cycles and {len(names)} analysts in "
              f"{time.perf_counter() - start:.1f} s")
        with tempfile.TemporaryDirectory(prefix="weerbaar-soak-") as tmp:
            log = Path(tmp) / "server.log"
            port = free_port()
            proc = start_server(url, port, log)
            print(f"server pid {proc.pid} on http://127.0.0.1:{port}; {args.clients} clients for "
                  f"{args.seconds:g} s; machine: {os.cpu_count()} CPUs, load average "
                  f"{os.getloadavg()[0]:.1f}")
            try:
                results = asyncio.run(load(f"http://127.0.0.1:{port}", names, args.clients,
                                           args.seconds))
            finally:
                stop_server(proc)
            logged = [line for line in log.read_text(errors="replace").splitlines()
                      if "Error" in line or "Exception" in line]
        report(results)
        if logged:
            print(f"the server logged {len(logged)} error line(s); the last ones:")
            print("\n".join(f"  {line[:200]}" for line in logged[-5:]))
        store = open_store(url)
        try:
            start = time.perf_counter()
            problems = verify(store, results)
        finally:
            store.dispose()
        print(f"read back {len(results.measures) + len(results.edits)} acknowledged writes, the "
              f"audit chain and the revision rows in {time.perf_counter() - start:.1f} s: "
              f"{len(problems)} problem(s)")
        for problem in problems[:20]:
            print(f"  {problem}")
        errors = sum(results.errors.values())
        passed = not problems and errors == 0 and not results.unexpected
        print(f"verdict: {'PASS' if passed else 'FAIL'} ({errors} errors, "
              f"{sum(results.unexpected.values())} unexpected answers, {len(problems)} missing or "
              f"inconsistent writes)")
        return 0 if passed else 1
    finally:
        if not args.keep:
            drop_database(args.pg, args.database)


if __name__ == "__main__":
    sys.exit(main())
