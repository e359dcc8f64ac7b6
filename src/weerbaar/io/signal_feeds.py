"""RSS 2.0, RSS 1.0 and Atom feeds saved on disk, read as horizon-scan signals.

Parsed with defusedxml: a document that declares entities (the "billion laughs" XML bomb) or
refers to external resources (external entities) is refused before anything is expanded or
fetched. Feed fields map to signal fields: title; description / content / summary (HTML reduced
to its text) as summary; pubDate / dc:date / published / updated as date; the channel's title and
the item's link as source; the item's, or else the channel's, language. A feed item carries no
classification marking: the importer gives the whole file one (``weerbaar horizon import
--marking``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from weerbaar.errors import FileProblem, FileProblems, InvalidInput
from weerbaar.io.signal_files import MAX_ITEMS, ProblemList, SignalRecord, build_signal, read_bounded


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str | None) -> str:
    """The text of an HTML fragment (a feed's description), whitespace collapsed."""
    if not html:
        return ""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _child(element: Any, *names: str) -> str | None:
    for name in names:
        found = element.find(name)
        if found is not None and (found.text or "").strip():
            return str(found.text).strip()
    return None


def _feed_items(root: Any) -> Iterator[dict[str, Any]]:
    """Field values of every item/entry of an RSS 2.0, RSS 1.0 (RDF) or Atom document."""
    if root.tag == f"{ATOM}feed":
        feed_lang = root.get(XML_LANG)
        feed_title = _child(root, f"{ATOM}title")
        for entry in root.findall(f"{ATOM}entry"):
            links = entry.findall(f"{ATOM}link")
            href = next((link.get("href") for link in links
                         if link.get("rel", "alternate") == "alternate"),
                        links[0].get("href") if links else None)
            yield {"title": plain_text(_child(entry, f"{ATOM}title")),
                   "summary": plain_text(_child(entry, f"{ATOM}summary", f"{ATOM}content")),
                   "date": _child(entry, f"{ATOM}published", f"{ATOM}updated"),
                   "source": ": ".join(p for p in (feed_title, href) if p) or None,
                   "language": entry.get(XML_LANG) or feed_lang,
                   "guid": _child(entry, f"{ATOM}id") or href}
        return
    if root.tag == "rss":
        channel = root.find("channel")
        items = channel.findall("item") if channel is not None else []
        ns = ""
    else:  # RSS 1.0: items are siblings of the channel
        channel = root.find(f"{RSS1}channel")
        items = root.findall(f"{RSS1}item")
        ns = RSS1
    channel_title = _child(channel, f"{ns}title") if channel is not None else None
    channel_lang = (_child(channel, "language", f"{DC}language")
                    if channel is not None else None)
    for item in items:
        link = _child(item, f"{ns}link")
        yield {"title": plain_text(_child(item, f"{ns}title")),
               "summary": plain_text(_child(item, f"{CONTENT}encoded", f"{ns}description")),
               "date": _child(item, "pubDate", f"{DC}date"),
               "source": ": ".join(p for p in (channel_title, link) if p) or None,
               "language": _child(item, f"{DC}language") or channel_lang,
               "guid": _child(item, "guid") or link}


def read_feed(path: Path, problems: ProblemList) -> list[SignalRecord]:
    import defusedxml
    from defusedxml import ElementTree

    data = read_bounded(path)
    try:
        root = ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True,
                                      forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise InvalidInput(f"refused: the XML declares entities or refers to external resources "
                           f"({type(exc).__name__}); an RSS or Atom feed needs neither",
                           source=path, expected="a plain RSS 2.0 or Atom file") from None
    except ElementTree.ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        raise FileProblems([FileProblem(f"line {line}, column {column}",
                                        f"not well-formed XML: {exc}")], source=path) from None
    if root.tag not in ("rss", f"{ATOM}feed") and not root.tag.endswith("RDF"):
        raise FileProblems([FileProblem(None, f"root element {root.tag!r} is not a feed "
                                        "(expected rss, an Atom feed or RSS 1.0 rdf:RDF)")],
                           source=path)
    records = []
    for number, values in enumerate(_feed_items(root), start=1):
        if number > MAX_ITEMS:
            problems.add(f"item {number}", f"more than {MAX_ITEMS} items")
            break
        record = build_signal(values, f"item {number}", problems)
        if record is not None:
            records.append(record)
    return records
