"""Strategy-document import, text stage: lines to blocks, footnotes, sections.

Internal to :mod:`weerbaar.io.strategy_document`. Turns a plain-text (or Markdown) document into
blocks (paragraphs, bullets, explicit headings, footnotes), keeps footnote lines as references,
and builds a :class:`Section` from a heading's blocks: paragraphs split by a page break are joined
again, short lines followed by text become sub-headings, footnote markers are recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from weerbaar.io.strategy_document_model import Footnote, IssueKind, ReportItem, Section

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789")
_TO_SUPERSCRIPT = str.maketrans("0123456789", _SUPERSCRIPTS)
_MARKER = re.compile(f"[{_SUPERSCRIPTS}]+")
_FOOTNOTE_LINE = re.compile(rf"^([{_SUPERSCRIPTS}]{{1,4}})(?![{_SUPERSCRIPTS}])\s*(\S.*)$")
_PLAIN_FOOTNOTE_LINE = re.compile(r"^(\d{1,3})\s+(\S.*)$")
# a plain number glued to the end of a sentence ("overzicht van.12 Het") is a lost superscript
_GLUED_MARKER = re.compile(r"(?<=[^\W\d_][.!?])(\d{1,3})(?=\s|$)")
_BULLET = re.compile(r"^\s*(?:[-*•–—▪◦·]|\d{1,2}[.)])\s+\S")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*)$")
_MD_CLOSING = re.compile(r"\s+#+\s*$")
_HEADING_MAX = 300  # longer lines are never headings or table-of-contents entries
_TOC_ENTRY = re.compile(r"^(?P<title>\S.*?)(?:\t+\s*|\s*(?:\.\s?){3,}\s*|\s*…+\s*)(?P<page>\d{1,4})?\s*$")
_NUMBERING = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_SENTENCE_END = ".!?:;…"

_TOC_TITLES = {"inhoudsopgave", "inhoud", "contents", "table of contents"}


@dataclass
class Block:
    """A paragraph, bullet, explicit (Markdown) heading or footnote; ``line`` is its first line."""

    line: int
    text: str
    kind: str  # "text", "bullet", "heading", "footnote"
    single: bool = True


@dataclass
class Findings:
    """What reading found that the report must tell: problems, repairs, footnote references."""

    problems: list[ReportItem] = field(default_factory=list)
    notes: list[ReportItem] = field(default_factory=list)
    refs: list[tuple[str, int]] = field(default_factory=list)

    def problem(self, kind: IssueKind, message: str, line: int | None = None) -> None:
        self.problems.append(ReportItem(kind=kind, message=message, line=line))

    def note(self, kind: IssueKind, message: str, line: int | None = None) -> None:
        self.notes.append(ReportItem(kind=kind, message=message, line=line))


@dataclass
class SectionDraft:
    """A heading and the blocks that follow it, before sub-headings and paragraphs are sorted out."""

    heading: str
    line: int | None
    blocks: list[Block] = field(default_factory=list)


def markdown_heading(line: str) -> str | None:
    """The text of a Markdown ATX heading line (``## Inleiding``), or ``None``."""
    match = _MD_HEADING.match(line) if len(line) <= _HEADING_MAX else None
    return (_MD_CLOSING.sub("", match.group(1)).strip() or None) if match else None


def heading_key(text: str) -> str:
    """A heading's text as compared: no Markdown marks, numbering, quotes or case differences."""
    text = markdown_heading(text) or text
    text = text.replace("\u00a0", " ").replace("’", "'").replace("‘", "'").strip().strip("*_").strip()
    text = _NUMBERING.sub("", text).rstrip(":").strip()
    return " ".join(text.split()).casefold()


def table_of_contents(lines: list[str]) -> tuple[list[tuple[int, str]], set[int]]:
    """The entries (line number, heading) of a table of contents and the line numbers it covers."""
    for i, raw in enumerate(lines):
        if heading_key(raw) not in _TOC_TITLES:
            continue
        entries: list[tuple[int, str]] = []
        covered = {i + 1}
        for j in range(i + 1, len(lines)):
            if not lines[j].strip():
                continue
            match = _TOC_ENTRY.match(lines[j]) if len(lines[j]) <= _HEADING_MAX else None
            if match is None:
                break
            entries.append((j + 1, match.group("title").strip()))
            covered.add(j + 1)
        if len(entries) >= 2:
            return entries, covered
    return [], set()


def split_blocks(lines: list[str], skip: set[int], standalone: Callable[[str], bool]) -> list[Block]:
    """Group lines into blocks: blank lines end a paragraph; bullets, headings, footnotes stand alone.

    Lines in ``skip`` (the table of contents) are left out; a line for which ``standalone`` is true
    (a known heading) is a block of its own even without blank lines around it. A text with (almost)
    no blank lines, as a word processor saves it, has one paragraph per line.
    """
    filled = sum(1 for line in lines if line.strip())
    if sum(1 for line in lines[:-1] if not line.strip()) * 20 < filled:
        standalone = _always
    blocks: list[Block] = []
    current: Block | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        md = markdown_heading(raw)
        if not line or number in skip:
            current = None
        elif md is not None:
            blocks.append(Block(number, md, "heading"))
            current = None
        elif _FOOTNOTE_LINE.match(line) or _BULLET.match(raw):
            current = Block(number, line, "footnote" if _FOOTNOTE_LINE.match(line) else "bullet")
            blocks.append(current)
        elif standalone(line):
            blocks.append(Block(number, line, "text"))
            current = None
        elif current is not None and (current.kind != "bullet" or raw[:1].isspace()):
            current.text += " " + line
            current.single = False
        else:
            current = Block(number, line, "text")
            blocks.append(current)
    return blocks


def _always(line: str) -> bool:
    return True


def collect_footnotes(blocks: list[Block], findings: Findings) -> dict[str, Footnote]:
    """Collect footnote blocks (also a plain "7 ..." between footnotes 6 and 8) as references."""
    footnotes: dict[str, Footnote] = {}
    last = 0
    for block in blocks:
        if block.kind == "footnote":
            match = _FOOTNOTE_LINE.match(block.text)
            assert match is not None
            number, body = match.group(1).translate(_FROM_SUPERSCRIPT), match.group(2)
        elif block.kind == "text" and block.single and len(block.text) <= 400 and last:
            plain = _PLAIN_FOOTNOTE_LINE.match(block.text)
            if plain is None or int(plain.group(1)) != last + 1:
                continue
            number, body = plain.group(1), plain.group(2)
            block.kind = "footnote"
            findings.note(IssueKind.PLAIN_FOOTNOTE_NUMBER,
                          f"footnote {number} is numbered with a plain digit; read as a footnote", block.line)
        else:
            continue
        last = int(number)
        if number in footnotes:
            findings.problem(IssueKind.DUPLICATE_FOOTNOTE,
                             f"footnote {number} occurs again (first at line {footnotes[number].line}); "
                             "the first one is kept", block.line)
            continue
        footnotes[number] = Footnote(number=number, text=body.strip(), line=block.line)
    return footnotes


def mark_glued_footnotes(blocks: list[Block], footnotes: dict[str, Footnote], findings: Findings) -> None:
    """Turn a footnote number glued to a sentence end ("van.12 Het") into a superscript marker.

    Only numbers of footnotes whose text exists and that no superscript marker references qualify,
    so ordinary numbers in the text are left alone.
    """
    content = [b for b in blocks if b.kind in ("text", "bullet")]
    marked = {m.translate(_FROM_SUPERSCRIPT) for b in content for m in _MARKER.findall(b.text)}
    candidates = set(footnotes) - marked
    for block in content:
        def fix(match: re.Match[str], block: Block = block) -> str:
            number = match.group(1)
            if number not in candidates:
                return number
            candidates.discard(number)
            findings.note(IssueKind.PLAIN_FOOTNOTE_MARKER,
                          f"'{match.group(0)}' after a sentence read as the marker of footnote {number}",
                          block.line)
            return number.translate(_TO_SUPERSCRIPT)

        block.text = _GLUED_MARKER.sub(fix, block.text)


def is_heading_like(block: Block) -> bool:
    """A short single line without a final period: a candidate (sub-)heading."""
    if block.kind == "heading":
        return True
    text = block.text.strip().rstrip(_SUPERSCRIPTS)
    return (block.kind == "text" and block.single and 0 < len(text) < 80 and len(text.split()) <= 12
            and text[-1] not in _SENTENCE_END + ",)" and (text[0].isupper() or text[0].isdigit()))


def build_section(builder: SectionDraft, findings: Findings) -> Section:
    """Build a section: rejoin paragraphs split by page breaks, find sub-headings, collect footnotes."""
    merged: list[Block] = []
    for block in builder.blocks:
        if merged and _continues(merged[-1], block):
            prev = merged[-1]
            merged[-1] = Block(prev.line, f"{prev.text} {block.text}", "text", single=False)
            findings.note(IssueKind.JOINED_PARAGRAPH, f"paragraph continues the one at line {prev.line} "
                          "(split by a page break or footnotes); joined to it", block.line)
        else:
            merged.append(block)
    own: list[Block] = []
    subs: list[tuple[Block, list[Block]]] = []
    for k, block in enumerate(merged):
        after = merged[k + 1] if k + 1 < len(merged) else None
        if block.kind == "heading" or (is_heading_like(block) and after is not None
                                       and after.kind in ("text", "bullet") and not is_heading_like(after)):
            subs.append((block, []))
            continue
        if is_heading_like(block):
            findings.note(IssueKind.KEPT_AS_PARAGRAPH, f"short line {block.text!r} is not followed by text "
                          "(a caption?); kept as a paragraph", block.line)
        (subs[-1][1] if subs else own).append(block)
    subsections = tuple(
        Section(heading=head.text.strip(), line=head.line, paragraphs=tuple(b.text for b in body),
                footnote_refs=_refs(body, findings))
        for head, body in subs)
    return Section(heading=builder.heading, line=builder.line, paragraphs=tuple(b.text for b in own),
                   subsections=subsections, footnote_refs=_refs(own, findings))


def _continues(prev: Block, block: Block) -> bool:
    """True when ``block`` is the rest of ``prev``: prev stops mid-sentence, block starts in lower case."""
    if prev.kind != "text" or block.kind != "text" or is_heading_like(prev):
        return False
    end = prev.text.rstrip(_SUPERSCRIPTS + " \"'”’»")
    return bool(end) and end[-1] not in _SENTENCE_END and block.text[:1].islower()


def _refs(blocks: list[Block], findings: Findings) -> tuple[str, ...]:
    """Footnote numbers marked in the blocks, in order of first mention; each mention is recorded."""
    refs: list[str] = []
    for block in blocks:
        for marker in _MARKER.findall(block.text):
            number = marker.translate(_FROM_SUPERSCRIPT)
            findings.refs.append((number, block.line))
            if number not in refs:
                refs.append(number)
    return tuple(refs)


def check_footnotes(footnotes: dict[str, Footnote], findings: Findings) -> None:
    """Report markers without footnote text and footnotes no marker refers to (after all sections)."""
    referenced: dict[str, int] = {}
    for number, line in findings.refs:
        referenced.setdefault(number, line)
    for number, line in referenced.items():
        if number not in footnotes:
            findings.problem(IssueKind.MISSING_FOOTNOTE_TEXT,
                             f"footnote {number} is referenced but its text was not found", line)
    for number, note in footnotes.items():
        if number not in referenced:
            findings.problem(IssueKind.UNREFERENCED_FOOTNOTE,
                             f"footnote {number} is not referenced in the text (its marker may be lost)",
                             note.line)


def snippet(text: str, width: int = 60) -> str:
    """The start of a text, quoted, for a report message."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")
