"""``weerbaar cascade …`` and ``weerbaar vital list``: tables, JSON, charts, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cascade_reference import SMALL_YAML

from weerbaar.cascade import CascadeGraph, Propagation, time_to_impact
from weerbaar.cli import main
from weerbaar.io.vital_files import dutch_catalogue
from weerbaar.reports.cascade_charts import draw_cascade_graph, draw_timeline

Write = Callable[[str, str], Path]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_prints_the_timeline_and_writes_charts(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    chart, picture = tmp_path / "t.svg", tmp_path / "g.png"
    code, out, _ = run(capsys, "cascade", "run", "--outage", "1,6", "--hours", "24", "--chart",
                       str(chart), "--graph", str(picture))
    assert code == 0 and "Drinking water supply" in out and "ILLUSTRATIVE" in out
    assert chart.read_text(encoding="utf-8").count("ILLUSTRATIVE") == 1
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, _ = run(capsys, "cascade", "run", "--outage", "1", "--outage", "6", "--hours",
                       "24", "--json")
    payload = json.loads(out)
    assert payload["illustrative"] is True and "ILLUSTRATIVE" in payload["label"]
    reached = {r["id"]: r["hours"] for r in payload["time_to_impact"]["reached"]}
    assert reached["10"] == 2.0 and reached["11"] == 12.0 and reached["23"] == 1.0
    rows = {r["id"]: r for r in payload["timeline"]["processes"]}
    assert rows["14"]["first_affected_hours"] == 1.0 and len(rows["14"]["level"]) == 25


def test_charts_are_deterministic(tmp_path: Path) -> None:
    g = CascadeGraph.from_catalogue(dutch_catalogue().catalogue)
    src = g.indices(["1"])
    timeline = Propagation(hours=12).run(g, src)
    times = time_to_impact(g, src)
    texts = []
    for i in range(2):
        a = draw_timeline(timeline, g, tmp_path / f"t{i}.svg", run_id="r")
        b = draw_cascade_graph(g, tmp_path / f"g{i}.svg", outages=src.tolist(), times=times,
                               lang="nl")
        texts.append((a.read_bytes(), b.read_bytes()))
    assert texts[0] == texts[1]
    assert "ILLUSTRATIEF" in texts[0][1].decode("utf-8")


def test_critical_iim_ensemble_suggest(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cascade", "critical", "--json", "--hours", "24")
    payload = json.loads(out)
    assert code == 0 and payload["illustrative"] is True and payload["ranking"][0]["id"] == "1"
    code, out, _ = run(capsys, "cascade", "critical", "--top", "3", "--weight", "A=1")
    assert code == 0 and "A=1" in out
    code, out, _ = run(capsys, "cascade", "iim", "--outage", "3", "--json")
    payload = json.loads(out)
    # gas → electricity (4/5 = 0.8)? no: strength 2 → 0.4; electricity → rail 5 → 0.4 · 1
    q = {r["id"]: r["q"] for r in payload["inoperability"]}
    assert q["3"] == 1.0 and q["1"] == pytest.approx(0.4) and q["14"] == pytest.approx(0.4)
    assert payload["spectral_radius"] == 0.0 and payload["illustrative"] is True
    code, out, _ = run(capsys, "cascade", "ensemble", "--outage", "1", "--runs", "60",
                       "--seed", "3", "--json")
    first = json.loads(out)
    assert code == 0 and first["runs"] == 60 and first["illustrative"] is True
    assert json.loads(run(capsys, "cascade", "ensemble", "--outage", "1", "--runs", "60",
                          "--seed", "3", "--json")[1]) == first
    code, out, _ = run(capsys, "cascade", "suggest", "--outage", "1", "--hours", "48", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["profile"] == "gra-2019"
    assert [s["suggested_class"] for s in payload["suggestions"]] == [None, None]
    code, out, _ = run(capsys, "cascade", "suggest", "--outage", "1")
    assert "indicator table unknown in profile gra-2019" in " ".join(out.split())


def test_user_catalogue_and_conditions(capsys: pytest.CaptureFixture[str], write: Write) -> None:
    path = write("v.yaml", SMALL_YAML)
    code, out, _ = run(capsys, "cascade", "suggest", "--outage", "e", "--hours", "48",
                       "--catalogue", str(path), "--json")
    daily = json.loads(out)["suggestions"][1]
    assert daily["indicators"]["people"] == 1_000_000 and daily["suggested_class"] is None
    code, out, _ = run(capsys, "vital", "list", "--catalogue", str(path), "--json")
    payload = json.loads(out)
    assert len(payload["processes"]) == 31 and payload["illustrative"] is True
    code, out, _ = run(capsys, "vital", "list", "--dependencies")
    assert code == 0 and "1–4" in out and "ILLUSTRATIVE" in out


def test_errors_become_messages_and_exit_codes(capsys: pytest.CaptureFixture[str],
                                               write: Write) -> None:
    code, _, err = run(capsys, "cascade", "run", "--outage", "99")
    assert code == 2 and "no process '99'" in err and "Traceback" not in err
    code, _, err = run(capsys, "cascade", "run", "--outage", "1", "--rule", "sum")
    assert code == 2 and "noisy-or, capped-sum, max" in " ".join(err.split())
    loop = write("loop.csv", "supplier_id,dependent_id,strength,buffer_hours_low,"
                 "buffer_hours_high\n1,3,5,0,0\n3,1,5,0,0\n")
    code, _, err = run(capsys, "cascade", "iim", "--outage", "1", "--catalogue", str(loop))
    assert code == 5 and "spectral radius of A* is 1 ≥ 1" in " ".join(err.split())
    bad = write("bad.csv", "supplier_id,dependent_id,strength,buffer_hours_low,"
                "buffer_hours_high\n1,1,5,0,0\n")
    code, _, err = run(capsys, "cascade", "run", "--outage", "1", "--catalogue", str(bad))
    assert code == 2 and "bad.csv, line 2" in err and "itself" in " ".join(err.split())
