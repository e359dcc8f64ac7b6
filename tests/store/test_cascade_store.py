"""Vital catalogues per cycle, and the analyst's accept/override of a cascade suggestion, stored
with its provenance (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cascade_reference import SMALL_YAML, known_table_profile
from tests.conftest import WORKSPACE_HEAD
from tests.operator_support import diff

from weerbaar.domain import CycleKind
from weerbaar.errors import InvalidInput, NotFound, PermissionDenied
from weerbaar.io import load_workspace
from weerbaar.methods.profile import MethodProfile
from weerbaar.services.cascade import Source, accept_suggestion, import_vital, run_cascade
from weerbaar.services.cycles import clone_cycle, freeze_cycle
from weerbaar.services.viewer import Viewer
from weerbaar.store import (
    Store,
    cycle_workspace,
    get,
    history,
    import_workspace,
    restore,
)
from weerbaar.store.vital import DEPENDENCY, PROCESS, cycle_catalogue

AS_ANA = Viewer.operator("ana")
AS_BOB = Viewer.operator("bob")
AS_T = Viewer.operator("t")
AS_X = Viewer.operator("x")

Write = Callable[[str, str], Path]

WORKSPACE = WORKSPACE_HEAD + """\
  - id: blackout
    title: Stroomuitval
    theme: nd
    type: hazard
    impact: {"2.1": A, "5.1": B}
    likelihood: {ev: C}
"""


def _cycle(store: Store, write: Write, profile: MethodProfile | None = None) -> None:
    _cycle_keyed(store, write, "c1", profile)


def _cycle_keyed(store: Store, write: Write, key: str,
                 profile: MethodProfile | None = None) -> None:
    ws = load_workspace(write("ws.yaml", WORKSPACE))
    import_workspace(store, ws, key=key, kind=CycleKind.RISK_ANALYSIS, actor="t",
                     profile=profile)


def test_import_and_list_a_cycle_catalogue(store: Store, write: Write) -> None:
    _cycle(store, write)
    path = write("patch.csv", "id,population,aspects\n10,17900000,drinking water\n")
    catalogue, report = import_vital(store, AS_ANA, "c1", path)
    assert len(catalogue.processes) == 28 and len(catalogue.dependencies) == 15
    assert len(report.added) == 43 and report.changed == () and report.unchanged == 0
    stored, revisions = cycle_catalogue(store, "c1")
    water = next(p for p in stored.processes if p.id == "10")
    assert water.serves.population == 17_900_000 and water.aspects == ("drinking water",)
    assert stored.illustrative and revisions["process:10"] == 1
    # a second file patches process 10 again: a new revision; everything else unchanged
    path = write("patch2.csv", "id,population\n10,18000000\n")
    _, report = import_vital(store, AS_BOB, "c1", path)
    assert report.added == () and report.changed == ("10",) and report.unchanged == 42
    assert cycle_catalogue(store, "c1")[1]["process:10"] == 2
    # the cascade runs on the cycle's catalogue
    run = run_cascade(store, AS_T, ["1"], source=Source(cycle="c1"), hours=24)
    assert run.loaded.description == "cycle c1" and run.graph.illustrative
    assert PROCESS.entity == "process" and DEPENDENCY.entity == "dependency"


def test_import_refuses_an_invalid_graph_and_a_frozen_cycle(store: Store, write: Write) -> None:
    _cycle(store, write)
    bad = write("bad.csv", "supplier_id,dependent_id,strength,buffer_hours_low,"
                "buffer_hours_high\n1,99,3,1,2\n")
    with pytest.raises(InvalidInput, match=r"bad.csv line 2\): unknown dependent process '99'"):
        import_vital(store, AS_ANA, "c1", bad)
    assert cycle_catalogue(store, "c1")[0].processes == ()  # nothing stored
    freeze_cycle(store, AS_T, "c1")
    with pytest.raises(PermissionDenied):
        import_vital(store, AS_ANA, "c1", write("v.yaml", SMALL_YAML))


def test_choose_a_class_where_none_is_suggested(store: Store, write: Write) -> None:
    _cycle(store, write)
    import_vital(store, AS_ANA, "c1", write("v.yaml", SMALL_YAML), dutch_list=False)
    with pytest.raises(InvalidInput, match=r"no class is suggested for 5\.1"):
        accept_suggestion(store, AS_ANA, "c1", "blackout", "5.1", ["e"], hours=48)
    decision = accept_suggestion(store, AS_ANA, "c1", "blackout", "5.1", ["e"], code="C", ll="B",
                                 hours=48, note="Two days without power.")
    stored = get(store, "c1", "scenario", "blackout")
    score = stored.item.impact["5.1"]
    assert stored.revision == 2 == decision.revision
    assert (score.range.ll, score.range.ev, score.range.ul) == (2.0, 3.0, 3.0)
    d = score.derivation
    assert d is not None and d["decision"] == "chosen" and d["suggested_class"] is None
    assert d["run_id"].startswith("cascade-") and d["outages"] == ["e"]
    assert d["settings"]["hours"] == 48 and d["profile"] == "gra-2019"
    assert d["quantities"]["people_peak"] == 1_000_000 and d["indicators"]["aspects"] == 2
    assert not d["illustrative"] and d["catalogue"] == "cycle c1"
    assert "1,000,000 people affected for 48 h" in (score.reasoning or "")
    assert "Analyst chosen: C. Two days without power." in (score.reasoning or "")
    assert stored.item.impact["2.1"].derivation is None  # other scores untouched
    revs = history(store, "c1", "scenario", "blackout")
    assert revs[-1].actor == "ana" and "cascade chosen: 5.1 = C" in (revs[-1].reason or "")
    # the derivation survives the round trip through the database (and the workspace view)
    ws, _ = cycle_workspace(store, "c1")
    assert ws.scenarios[0].impact["5.1"].derivation == d


def test_accept_and_override_a_suggestion(store: Store, write: Write) -> None:
    _cycle(store, write, profile=known_table_profile())
    import_vital(store, AS_ANA, "c1", write("v.yaml", SMALL_YAML), dutch_list=False)
    accepted = accept_suggestion(store, AS_ANA, "c1", "blackout", "5.1", ["e"], hours=48)
    d = accepted.score.derivation
    assert d is not None and d["decision"] == "accepted" and d["class"] == "C"
    assert d["suggested_class"] == "C" and d["table_status"] == "provisional"
    overridden = accept_suggestion(store, AS_BOB, "c1", "blackout", "5.1", ["e"], code="D", hours=48,
                                   reason="more aspects than modelled")
    d = overridden.score.derivation
    assert d is not None and d["decision"] == "overridden" and d["class"] == "D"
    assert d["suggested_class"] == "C" and overridden.revision == 3
    score = get(store, "c1", "scenario", "blackout").item.impact["5.1"]
    assert score.range.ev == 4.0 and score.derivation == d
    with pytest.raises(InvalidInput, match="'Q' is not an impact class"):
        accept_suggestion(store, AS_X, "c1", "blackout", "5.1", ["e"], code="Q")


def test_cli_import_list_run_and_accept(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        write: Write) -> None:
    from weerbaar.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    db = str(tmp_path / "w.db")
    assert run("db", "upgrade", "--db", db)[0] == 0
    assert run("cycles", "import", str(write("ws.yaml", WORKSPACE)), "--key", "c1", "--db", db,
               "--actor", "t")[0] == 0
    code, out, err = run("cascade", "run", "--outage", "1", "--cycle", "c1", "--db", db)
    assert code == 3 and "cycle 'c1' has no vital processes yet" in " ".join(err.split())
    code, out, _ = run("vital", "import", str(write("v.yaml", SMALL_YAML)), "--cycle", "c1",
                       "--db", db, "--actor", "ana")
    assert code == 0 and "47 added" in out and "31 processes" in out and "ILLUSTRATIVE" in out
    code, out, _ = run("vital", "list", "--cycle", "c1", "--db", db, "--json")
    assert code == 0 and len(json.loads(out)["processes"]) == 31
    code, out, _ = run("cascade", "run", "--outage", "e", "--cycle", "c1", "--db", db, "--json",
                       "--hours", "12")
    assert code == 0 and json.loads(out)["catalogue"] == "cycle c1"
    code, out, _ = run("cascade", "accept", "--cycle", "c1", "--scenario", "blackout",
                       "--criterion", "5.1", "--class", "C", "--outage", "e", "--hours", "48",
                       "--db", db, "--actor", "ana")
    assert code == 0 and "chosen class C" in out and "revision 2" in out
    code, _, err = run("cascade", "accept", "--cycle", "c1", "--scenario", "blackout",
                       "--criterion", "5.1", "--outage", "e", "--db", db)
    assert code == 2 and "no class is suggested" in " ".join(err.split())
    code, out, _ = run("history", "diff", "c1", "blackout", "1", "2", "--db", db)
    assert code == 0 and "derivation" in out


def test_history_diff_and_restore_of_processes_and_dependencies(store: Store,
                                                                write: Write) -> None:
    _cycle(store, write)
    import_vital(store, AS_ANA, "c1", write("v.yaml", SMALL_YAML), dutch_list=False)
    changed = SMALL_YAML.replace("population: 1000000", "population: 1100000").replace(
        "buffer_hours: 2}", "buffer_hours: [3, 6]}")
    _, report = import_vital(store, AS_BOB, "c1", write("v2.yaml", changed), dutch_list=False,
                             reason="new figures")
    assert set(report.changed) == {"e", "e->w"}
    revs = history(store, "c1", "process", "e")
    assert [(r.number, r.actor) for r in revs] == [(1, "ana"), (2, "bob")]
    assert revs[-1].reason == "new figures"
    assert [c.to_dict() for c in diff(store, "c1", "process", "e", 1, 2)] == [
        {"subject": "Process", "aspect": "population served", "before": "1,000,000",
         "after": "1,100,000"}]
    aspects = {c.aspect for c in diff(store, "c1", "dependency", "e->w", 1, 2)}
    assert {"buffer (hours), low", "buffer (hours), high"} <= aspects
    # restoring revision 1 of the dependency makes it current again, as revision 3
    new = restore(store, "c1", "dependency", "e->w", 1, expected_revision=2, actor="cy")
    assert new == 3
    catalogue, revisions = cycle_catalogue(store, "c1")
    assert revisions["dependency:e->w"] == 3
    assert catalogue.dependencies[0].buffer_hours_high == 2
    assert get(store, "c1", "dependency", "e->w").revision == 3
    with pytest.raises(NotFound, match="no process 'zz'"):
        history(store, "c1", "process", "zz")


def test_clone_copies_the_vital_catalogue_with_origins(store: Store, write: Write) -> None:
    _cycle(store, write)
    import_vital(store, AS_ANA, "c1", write("v.yaml", SMALL_YAML), dutch_list=False)
    clone_cycle(store, AS_T, "c1", "c2", kind=CycleKind.RISK_ANALYSIS)
    parent, _ = cycle_catalogue(store, "c1")
    child, revisions = cycle_catalogue(store, "c2")
    assert child.processes == parent.processes and child.dependencies == parent.dependencies
    assert set(revisions.values()) == {1}
    for kind, key in (("process", "w"), ("dependency", "e->w")):
        copy, original = get(store, "c2", kind, key), get(store, "c1", kind, key)
        assert copy.origin_id == original.pk and copy.pk != original.pk
        assert history(store, "c2", kind, key)[0].reason == "cloned from c1"
    # the copy is independent: changing it leaves the parent as it was
    import_vital(store, AS_BOB, "c2", write("v2.yaml", SMALL_YAML.replace("buffer_hours: 2}",
                                                                 "buffer_hours: 5}")),
                 dutch_list=False)
    assert cycle_catalogue(store, "c2")[1]["dependency:e->w"] == 2
    assert cycle_catalogue(store, "c1")[1]["dependency:e->w"] == 1
    # a cycle without a catalogue clones to one without a catalogue
    _cycle_keyed(store, write, "c3")
    clone_cycle(store, AS_T, "c3", "c4", kind=CycleKind.RISK_ANALYSIS)
    assert cycle_catalogue(store, "c4")[0].processes == ()


def test_cli_history_of_a_dependency(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                     write: Write) -> None:
    from weerbaar.cli import main

    db = str(tmp_path / "w.db")
    assert main(["db", "upgrade", "--db", db]) == 0
    assert main(["cycles", "import", str(write("ws.yaml", WORKSPACE)), "--key", "c1", "--db", db,
                 "--actor", "t"]) == 0
    assert main(["vital", "import", str(write("v.yaml", SMALL_YAML)), "--cycle", "c1",
                 "--no-dutch-list", "--db", db, "--actor", "ana"]) == 0
    assert main(["vital", "import", str(write("v2.yaml", SMALL_YAML.replace(
        "strength: 5", "strength: 4"))), "--cycle", "c1", "--no-dutch-list", "--db", db,
        "--actor", "bob"]) == 0
    capsys.readouterr()
    assert main(["history", "list", "c1", "e->w", "--kind", "dependency", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "ana" in out and "bob" in out
    assert main(["history", "diff", "c1", "e->w", "1", "2", "--kind", "dependency",
                 "--db", db]) == 0
    assert "Dependency, strength: 5 → 4" in capsys.readouterr().out
    assert main(["history", "list", "c1", "e", "--kind", "process", "--db", db]) == 0
    assert main(["history", "restore", "c1", "e->w", "1", "--expected-revision", "2",
                 "--kind", "dependency", "--db", db, "--actor", "cy"]) == 0
    assert "as revision 3" in capsys.readouterr().out
