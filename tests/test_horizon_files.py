"""Signal files: CSV, XLSX, JSON and RSS/Atom; every problem named by line, cell or item."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from weerbaar.domain import Horizon, SignalStatus
from weerbaar.errors import FileProblems, InvalidInput
from weerbaar.io import signal_files
from weerbaar.io.signal_files import read_signal_file

Write = Callable[[str, str], Path]

CSV_OK = """\ufefftitel;samenvatting;datum;bron;thema's;horizon;impact;status
Ransomware treft ziekenhuizen;"Gijzelsoftware legt de systemen
van drie ziekenhuizen plat";2026-03-01;NCSC;digital-threats | cbrn;1–5 jaar;4;assessed
Flooding risk rises;Rising sea levels threaten the coast of the country;12-04-2026;\
https://example.org/a;natural-disasters;wild card;;
"""


def test_csv_with_dutch_header_semicolons_bom_and_a_multiline_field(write: Write) -> None:
    result = read_signal_file(write("s.csv", CSV_OK))
    assert result.format == "csv" and [r.where for r in result.records] == ["line 2", "line 4"]
    first, second = (r.signal for r in result.records)
    assert first.title == "Ransomware treft ziekenhuizen" and "drie ziekenhuizen" in first.summary
    assert first.themes == ("digital-threats", "cbrn") and first.horizon is Horizon.SHORT
    assert first.impact == 4 and first.status is SignalStatus.ASSESSED
    assert first.language == "nl" and second.language == "en"
    assert second.date == dt.date(2026, 4, 12) and second.horizon is Horizon.WILDCARD
    assert second.source == "https://example.org/a" and second.impact is None
    assert first.id.startswith("s-") and first.id != second.id
    again = read_signal_file(write("t.csv", CSV_OK))
    assert [r.signal.id for r in again.records] == [first.id, second.id]  # stable keys


def test_csv_with_commas_and_own_ids(write: Write) -> None:
    text = ("id,title,summary,date,source,novelty\n"
            "a-1,One,First,2026-01-02,X,5\na-2,Two,,2026-01-03,,\n")
    result = read_signal_file(write("s.csv", text))
    assert [r.signal.id for r in result.records] == ["a-1", "a-2"]
    assert result.records[0].signal.novelty == 5 and result.records[1].signal.source is None


def test_malformed_csv_names_every_bad_line(write: Write) -> None:
    text = ("title;summary;date;source;impact;horizon\n"
            "Good;fine;2026-01-01;x;3;1-5\n"
            "Bad date;x;tomorrow;x;;\n"
            ";no title;2026-01-01;x;;\n"
            "Bad score;x;2026-01-01;x;7;\n"
            "Bad horizon;x;2026-01-01;x;;soon\n"
            "Too many;x;2026-01-01;x;;;extra\n")
    with pytest.raises(FileProblems) as caught:
        read_signal_file(write("s.csv", text))
    where = [p.where for p in caught.value.problems]
    assert where == ["line 3, date", "line 4, title", "line 5, impact", "line 6, horizon",
                     "line 7"]
    message = str(caught.value)
    assert "5 problems" in message and "nothing was imported" in message
    assert "'tomorrow' is not a date (expected YYYY-MM-DD)" in message
    assert "'soon' is not a horizon" in message and "whole number 1-5" in message


def test_csv_header_problems(write: Write) -> None:
    with pytest.raises(FileProblems) as caught:
        read_signal_file(write("s.csv", "title,summmary,date\nA,b,2026-01-01\n"))
    messages = [str(p) for p in caught.value.problems]
    assert any("line 1, column 2: unknown column 'summmary'" in m for m in messages)
    assert any("no column 'summary'" in m for m in messages)
    assert any("no column 'source'" in m for m in messages)
    with pytest.raises(FileProblems, match="empty"):
        read_signal_file(write("e.csv", "\n\n"))
    with pytest.raises(FileProblems, match="not UTF-8"):
        path = write("latin.csv", "")
        path.write_bytes("title;summary;date;source\nCaf\xe9;x;2026-01-01;x\n".encode("latin-1"))
        read_signal_file(path)


def test_repeated_ids_are_a_problem(write: Write) -> None:
    text = "id,title,summary,date,source\nx,A,,2026-01-01,\nx,B,,2026-01-02,\n"
    with pytest.raises(FileProblems, match=r"line 3: id 'x' is used before, at line 2"):
        read_signal_file(write("s.csv", text))


def test_json_list_and_wrapped_list(write: Write) -> None:
    items = [{"title": "A", "date": "2026-01-01", "themes": ["cbrn"], "Impact": 2},
             {"title": "B", "summary": "b", "date": "2026-02-01T10:00:00Z", "source": "s"}]
    for payload in (items, {"signals": items}):
        result = read_signal_file(write("s.json", json.dumps(payload)))
        assert [r.where for r in result.records] == ["item 1", "item 2"]
        assert result.records[0].signal.impact == 2
        assert result.records[1].signal.date == dt.date(2026, 2, 1)


def test_malformed_json_names_every_bad_item(write: Write) -> None:
    items = [{"title": "A", "date": "2026-01-01"}, {"date": "2026-01-01"}, "text",
             {"title": "D", "date": "2026-01-01", "colour": "red"},
             {"title": "E", "date": "2026-01-01", "novelty": 0}]
    with pytest.raises(FileProblems) as caught:
        read_signal_file(write("s.json", json.dumps(items)))
    assert [p.where for p in caught.value.problems] == [
        "item 2, title", "item 3", "item 4, colour", "item 5, novelty"]
    with pytest.raises(FileProblems, match=r"line 3, column 1: not valid JSON"):
        read_signal_file(write("b.json", '[\n {"title": "A",\n}'))
    with pytest.raises(FileProblems, match="expected a list"):
        read_signal_file(write("o.json", '{"title": "A"}'))


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel>
  <title>NCTV nieuws</title><language>nl-NL</language>
  <item><title>Dreigingsbeeld terrorisme</title>
   <description>&lt;p&gt;Het &lt;b&gt;dreigingsniveau&lt;/b&gt; blijft 4.&lt;/p&gt;</description>
   <link>https://example.org/dtn</link><guid>dtn-2026-1</guid>
   <pubDate>Tue, 10 Feb 2026 09:00:00 +0100</pubDate></item>
  <item><title>Cyberbeeld</title><dc:date>2026-03-05</dc:date></item>
 </channel>
</rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
 <title>Think tank</title>
 <entry><title>Drones over ports</title><id>urn:1</id>
  <link rel="alternate" href="https://example.org/drones"/>
  <summary type="html">Drone sightings &amp;amp; port security</summary>
  <updated>2026-01-20T12:00:00Z</updated></entry>
</feed>"""


def test_rss_and_atom_from_disk(write: Write) -> None:
    rss = read_signal_file(write("feed.xml", RSS))
    first, second = (r.signal for r in rss.records)
    assert first.summary == "Het dreigingsniveau blijft 4." and first.language == "nl"
    assert first.date == dt.date(2026, 2, 10)
    assert first.source == "NCTV nieuws: https://example.org/dtn"
    assert second.date == dt.date(2026, 3, 5) and second.source == "NCTV nieuws"
    atom = read_signal_file(write("feed.atom", ATOM))
    (entry,) = (r.signal for r in atom.records)
    assert entry.title == "Drones over ports" and entry.language == "en"
    assert entry.source == "Think tank: https://example.org/drones"
    assert entry.summary == "Drone sightings & port security"


def test_malformed_feed_names_every_bad_item(write: Write) -> None:
    bad = RSS.replace("<dc:date>2026-03-05</dc:date>", "<pubDate>someday</pubDate>").replace(
        "<title>Dreigingsbeeld terrorisme</title>", "")
    with pytest.raises(FileProblems) as caught:
        read_signal_file(write("feed.rss", bad))
    assert [p.where for p in caught.value.problems] == ["item 1, title", "item 2, date"]
    with pytest.raises(FileProblems, match=r"line 3, column \d+: not well-formed XML"):
        read_signal_file(write("broken.xml", "<rss>\n<channel>\n<item></channel></rss>"))
    with pytest.raises(FileProblems, match="not a feed"):
        read_signal_file(write("html.xml", "<html><body/></html>"))


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><item><title>&lol3;</title><pubDate>2026-01-01</pubDate></item></channel></rss>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&secret;</title><pubDate>2026-01-01</pubDate></item></channel></rss>"""


@pytest.mark.parametrize("text", [BOMB, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_xml_bombs_and_external_entities_are_refused(write: Write, text: str) -> None:
    with pytest.raises(InvalidInput, match="refused: the XML declares entities") as caught:
        read_signal_file(write("evil.xml", text))
    assert "root:" not in str(caught.value)


def _book(path: Path, rows: list[list[object]], sheet: str = "Signals") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_xlsx_reads_dates_and_names_bad_cells(tmp_path: Path) -> None:
    header = ["Title", "Summary", "Date", "Source", "Themes", "Plausibility"]
    good = _book(tmp_path / "s.xlsx", [header, ["A", "a", dt.datetime(2026, 1, 5), "x", "cbrn", 3],
                                       [None, None, None, None, None, None],
                                       ["B", "b", "2026-01-06", None, None, None]])
    result = read_signal_file(good)
    assert [r.where for r in result.records] == ["Signals!row 2", "Signals!row 4"]
    assert result.records[0].signal.date == dt.date(2026, 1, 5)
    assert result.records[0].signal.plausibility == 3
    bad = _book(tmp_path / "b.xlsx", [header, ["A", "a", "nope", "x", None, 9],
                                      [None, "b", dt.date(2026, 1, 6), None, None, None]])
    with pytest.raises(FileProblems) as caught:
        read_signal_file(bad)
    assert [p.where for p in caught.value.problems] == ["Signals!C2", "Signals!F2", "Signals!A3"]
    not_a_book = tmp_path / "n.xlsx"
    not_a_book.write_text("hello", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"not a readable \.xlsx"):
        read_signal_file(not_a_book)


def test_sizes_and_formats_are_bounded(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write("s.csv", CSV_OK)
    assert read_signal_file(write("s.data", CSV_OK), format="csv").format == "csv"
    monkeypatch.setattr(signal_files, "MAX_BYTES", 10)
    with pytest.raises(InvalidInput, match="file too large"):
        read_signal_file(path)
    monkeypatch.undo()
    monkeypatch.setattr(signal_files, "MAX_ITEMS", 1)
    with pytest.raises(FileProblems, match="more than 1 signals"):
        read_signal_file(path)
    with pytest.raises(InvalidInput, match="cannot tell the format"):
        read_signal_file(write("s.pdf", "x"))
    with pytest.raises(InvalidInput, match="file not found"):
        read_signal_file(path.with_name("missing.csv"))
