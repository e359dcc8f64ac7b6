"""Strategy-document import: read a midterm review (or a strategy) structured like the seed.

The seed (``weerbaar/data/seed/midterm-review-2021.txt``, the 2021 midterm review of NVS 2019) has a
table of contents, an introduction, a chapter of themes, a chapter of generic instruments and a
closing chapter. Every theme has (up to) four part headings (:class:`ReviewPart`); inside a part,
short lines followed by text are sub-headings. Footnotes are superscript numbers in the text and
lines starting with one, wherever the page break put them.

Reading works in four steps: the lines become blocks (paragraphs, bullets, footnotes); every
heading gets a role from the table of contents when there is one, else from its wording (the four
part headings, the chapter names, the line before a part heading); the blocks are poured into
their chapter, theme and part; and a :class:`ParseReport` lists what was and was not recognised,
each finding with its line number. Dutch and English headings are both recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from weerbaar.domain import ReviewPart, ThemeKind
from weerbaar.errors import InvalidInput
from weerbaar.io.strategy_document_model import (
    Footnote,
    IssueKind,
    ParseReport,
    ReportItem,
    Section,
    StrategyDocument,
    ThemeText,
)
from weerbaar.io.strategy_document_text import (
    Block,
    Findings,
    SectionDraft,
    build_section,
    check_footnotes,
    collect_footnotes,
    heading_key,
    is_heading_like,
    mark_glued_footnotes,
    snippet,
    split_blocks,
    table_of_contents,
)

__all__ = [
    "MAX_BYTES",
    "TEXT_SUFFIXES",
    "Footnote",
    "IssueKind",
    "ParseReport",
    "ReportItem",
    "ReviewPart",
    "Section",
    "StrategyDocument",
    "ThemeText",
    "parse_strategy_document",
    "read_strategy_document",
]

MAX_BYTES = 10 * 2**20
TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
_ACCEPTED = "a UTF-8 text (.txt) or Markdown (.md) file of at most 10 MB"
_EXPECTED_STRUCTURE = (
    "themes as headings, each followed by the part headings 'Korte samenvatting NVS 2019', "
    "'Ontwikkeling van de dreiging en de risico's', 'Ontwikkeling van de weerbaarheid' and "
    "'Ontwikkeling van de aanpak' (or 'Short summary of the 2019 strategy', 'Development of the "
    "threat and the risks', 'Development of resilience', 'Development of the approach')"
)

_INTRO = {"inleiding", "introduction"}
_CONCLUSION = {"slotwoord en vooruitblik", "slotwoord", "conclusie en vooruitblik",
               "conclusion and outlook", "conclusions and outlook", "concluding remarks and outlook"}
_THEMES_GROUP = re.compile(r"(ontwikkelingen per thema|developments (per|by) theme)\b.*")
_GENERIC_GROUP = re.compile(r"(generieke instrumenten|generic instruments)\b.*")
_PARTS = {
    ReviewPart.SUMMARY: re.compile(
        r"korte samenvatting( (van )?(de )?(nvs|strategie)( \d{4})?)?"
        r"|(a )?short summary( of (the )?(\d{4} )?(strategy|nss|nvs)( \d{4})?)?"),
    ReviewPart.THREAT: re.compile(
        r"ontwikkeling(en)? van de dreiging(en)?( en (van )?(de )?risico's)?"
        r"|developments? (of|in) the threats?( and (the )?risks?)?"),
    ReviewPart.RESILIENCE: re.compile(
        r"ontwikkeling(en)? van de weerbaarheid|developments? (of|in) (the )?resilience"),
    ReviewPart.APPROACH: re.compile(
        r"ontwikkeling(en)? van de aanpak|developments? (of|in) the approach"),
}


class _Role(Enum):
    INTRO = "introduction"
    CONCLUSION = "conclusion"
    GROUP_THREAT = "themes chapter"
    GROUP_GENERIC = "generic instruments chapter"
    THEME_THREAT = "theme"
    THEME_GENERIC = "generic instrument"
    PART = "part"
    OTHER = "other chapter"


_GROUP_KIND = {_Role.GROUP_THREAT: ThemeKind.THREAT, _Role.GROUP_GENERIC: ThemeKind.GENERIC}
_THEME_ROLE = {ThemeKind.THREAT: _Role.THEME_THREAT, ThemeKind.GENERIC: _Role.THEME_GENERIC}


# ---------------------------------------------------------------- public API


def read_strategy_document(path: Path | str) -> StrategyDocument:
    """Read a strategy document from a UTF-8 text or Markdown file (at most :data:`MAX_BYTES`).

    Word files are refused with a message saying which formats are accepted (python-docx is not a
    dependency); save the document as plain text first.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".docx", ".doc", ".odt", ".rtf", ".pdf"):
        raise InvalidInput(f"{suffix} files cannot be read; save the document as plain text first",
                           source=path, expected=_ACCEPTED)
    if suffix and suffix not in TEXT_SUFFIXES:
        raise InvalidInput(f"unsupported file type {suffix!r}", source=path, expected=_ACCEPTED)
    if not path.is_file():
        raise InvalidInput("file not found", source=path, expected=_ACCEPTED)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInput(f"file too large ({size / 2**20:.1f} MB)", source=path, expected=_ACCEPTED)
    data = path.read_bytes()
    if b"\x00" in data:
        raise InvalidInput("not a text file (it contains NUL bytes)", source=path, expected=_ACCEPTED)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput("the file is not valid UTF-8", source=path, line=line,
                           expected=_ACCEPTED) from None
    return parse_strategy_document(text, source=str(path))


def parse_strategy_document(text: str, *, source: str = "<text>") -> StrategyDocument:
    """Read the text of a strategy document into its chapters, themes, parts and footnotes.

    Raises :class:`InvalidInput` naming ``source`` when the text has none of the four part headings
    (there is no theme structure to read); everything else that is not recognised is listed in the
    result's ``report``.
    """
    if len(text) > MAX_BYTES:
        raise InvalidInput(f"text too large ({len(text) / 2**20:.1f} M characters)", source=source,
                           expected=_ACCEPTED)
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    findings = Findings()
    toc, toc_lines = table_of_contents(lines)
    known = {heading_key(title) for _, title in toc}
    blocks = split_blocks(lines, toc_lines, lambda line: _is_known_heading(line, known))
    footnotes = collect_footnotes(blocks, findings)
    mark_glued_footnotes(blocks, footnotes, findings)
    roles = _roles(blocks, toc, findings)
    if not any(role is _Role.PART for role, _ in roles.values()):
        raise InvalidInput("no theme structure recognised", source=source, expected=_EXPECTED_STRUCTURE)
    return _assemble(blocks, roles, footnotes, findings, source=source, used_toc=bool(toc))


# ---------------------------------------------------------------- headings -> roles


def _is_known_heading(line: str, toc_keys: set[str]) -> bool:
    """True for a short line that is a part heading, a chapter name or a table-of-contents entry."""
    if len(line) >= 80 or line[-1] in ".!?;,":
        return False
    key = heading_key(line)
    return key in toc_keys or _name_role(key) is not None or any(p.fullmatch(key) for p in _PARTS.values())


def _name_role(key: str) -> _Role | None:
    """The role a chapter heading has by its name (introduction, conclusion, group), if any."""
    if key in _INTRO:
        return _Role.INTRO
    if key in _CONCLUSION:
        return _Role.CONCLUSION
    if _THEMES_GROUP.fullmatch(key):
        return _Role.GROUP_THREAT
    if _GENERIC_GROUP.fullmatch(key):
        return _Role.GROUP_GENERIC
    return None


def _part_of(block: Block) -> ReviewPart | None:
    """The review part a single-line block is the heading of, if any."""
    if block.kind not in ("text", "heading") or not block.single:
        return None
    key = heading_key(block.text)
    return next((part for part, pattern in _PARTS.items() if pattern.fullmatch(key)), None)


Roles = dict[int, tuple[_Role, ReviewPart | None]]


def _roles(blocks: list[Block], toc: list[tuple[int, str]], findings: Findings) -> Roles:
    """Give every heading block its role: chapter, group, theme or part."""
    roles: Roles = {}
    for i, block in enumerate(blocks):
        part = _part_of(block)
        if part is not None:
            roles[i] = (_Role.PART, part)
    if toc:
        _roles_from_toc(blocks, toc, roles, findings)
    else:
        for i, block in enumerate(blocks):
            role = _name_role(heading_key(block.text)) if is_heading_like(block) and i not in roles else None
            if role is not None:
                roles[i] = (role, None)
    _theme_roles(blocks, roles, findings, used_toc=bool(toc))
    for i, (role, _) in sorted(roles.items()):
        if role is _Role.OTHER:
            findings.problem(IssueKind.UNKNOWN_HEADING,
                             f"chapter {blocks[i].text!r} is not an introduction, theme, generic instrument "
                             "or conclusion; kept under other chapters", blocks[i].line)
    return roles


def _roles_from_toc(blocks: list[Block], toc: list[tuple[int, str]], roles: Roles,
                    findings: Findings) -> None:
    """Find each table-of-contents entry in the text (in order) and give it its role."""
    group: ThemeKind | None = None
    cursor = 0
    where: dict[str, list[int]] = {}
    for i, block in enumerate(blocks):
        if block.kind in ("text", "heading") and block.single and i not in roles:
            where.setdefault(heading_key(block.text), []).append(i)
    for line, title in toc:
        key = heading_key(title)
        role = _name_role(key)
        if role in _GROUP_KIND:
            group = _GROUP_KIND[role]
        elif role is _Role.CONCLUSION:
            group = None
        elif role is None:
            role = _THEME_ROLE[group] if group is not None else _Role.OTHER
        found = next((i for i in where.get(key, ()) if i >= cursor), None)
        if found is None:
            findings.problem(IssueKind.TOC_ENTRY_NOT_FOUND,
                             f"table-of-contents entry {title!r} is not a heading in the text", line)
            continue
        roles[found] = (role, None)
        cursor = found + 1


def _theme_roles(blocks: list[Block], roles: Roles, findings: Findings, *, used_toc: bool) -> None:
    """Find theme headings not known from the table of contents: the line before a part heading.

    A new theme starts at a part heading when no theme is open, when the open theme already has
    that part, when a summary follows other parts, or when the line before it is a heading-like
    line with no role (a sub-heading needs text after it, so it cannot be a theme heading's place).
    """
    group: ThemeKind | None = None
    parts: set[ReviewPart] | None = None
    previous: int | None = None  # index of the previous non-footnote block
    for i, block in enumerate(blocks):
        if block.kind == "footnote":
            continue
        role, part = roles.get(i, (None, None))
        if role in _GROUP_KIND:
            group, parts = _GROUP_KIND[role], None
        elif role in (_Role.INTRO, _Role.CONCLUSION, _Role.OTHER):
            group, parts = None, None
        elif role in (_Role.THEME_THREAT, _Role.THEME_GENERIC):
            parts = set()
        elif role is _Role.PART and part is not None:
            before_role = roles[previous][0] if previous in roles else None
            free = previous is not None and before_role is None and is_heading_like(blocks[previous])
            if free or parts is None or part in parts or (part is ReviewPart.SUMMARY and parts):
                if previous is not None and (free or before_role is _Role.OTHER):
                    before = blocks[previous]
                    roles[previous] = (_THEME_ROLE[group or ThemeKind.THREAT], None)
                    if free and used_toc:
                        findings.problem(IssueKind.UNKNOWN_HEADING,
                                         f"theme {before.text!r} is not in the table of contents; "
                                         "read as a theme", before.line)
                    parts = set()
                elif parts is not None and part in parts:
                    findings.problem(IssueKind.REPEATED_PART,
                                     f"part heading {block.text!r} occurs twice in one theme; its text "
                                     "is added to the first", block.line)
                else:
                    parts = set()  # the walk opens a theme without a heading and reports it
            parts.add(part)
        elif (role is None and not used_toc and group is ThemeKind.GENERIC and not parts
              and is_heading_like(block) and i + 1 < len(blocks) and blocks[i + 1].kind == "text"
              and not is_heading_like(blocks[i + 1])):
            roles[i] = (_Role.THEME_GENERIC, None)
            parts = set()
        previous = i


# ---------------------------------------------------------------- blocks -> document


@dataclass
class _ThemeBuilder:
    kind: ThemeKind
    body: SectionDraft
    parts: dict[ReviewPart, SectionDraft] = field(default_factory=dict)


def _assemble(blocks: list[Block], roles: Roles, footnotes: dict[str, Footnote], findings: Findings,
              *, source: str, used_toc: bool) -> StrategyDocument:
    """Pour the blocks into chapters, themes and parts, then build the document and its report."""
    preamble: list[Block] = []
    chapters: dict[_Role, SectionDraft] = {}
    groups: list[SectionDraft] = []
    others: list[SectionDraft] = []
    themes: list[_ThemeBuilder] = []
    current: SectionDraft | None = None
    theme: _ThemeBuilder | None = None
    for i, block in enumerate(blocks):
        if block.kind == "footnote":
            continue
        role, part = roles.get(i, (None, None))
        heading = block.text.strip().strip("*_").strip()
        if role is None:
            (current.blocks if current is not None else preamble).append(block)
            continue
        if role is not _Role.PART:
            theme = None
        if role in (_Role.INTRO, _Role.CONCLUSION):
            if role in chapters:
                findings.problem(IssueKind.UNKNOWN_HEADING, f"a second {role.value} {heading!r}; its text "
                                 "is added to the first", block.line)
            current = chapters.setdefault(role, SectionDraft(heading, block.line))
        elif role in (_Role.GROUP_THREAT, _Role.GROUP_GENERIC, _Role.OTHER):
            current = SectionDraft(heading, block.line)
            (others if role is _Role.OTHER else groups).append(current)
        elif role in (_Role.THEME_THREAT, _Role.THEME_GENERIC):
            kind = ThemeKind.GENERIC if role is _Role.THEME_GENERIC else ThemeKind.THREAT
            theme = _ThemeBuilder(kind, SectionDraft(heading, block.line))
            themes.append(theme)
            current = theme.body
        elif part is not None:
            if theme is None:
                findings.problem(IssueKind.UNKNOWN_HEADING, f"part heading {heading!r} has no theme heading "
                                 "before it; read as a theme without a heading", block.line)
                theme = _ThemeBuilder(ThemeKind.THREAT, SectionDraft("", block.line))
                themes.append(theme)
            current = theme.parts.setdefault(part, SectionDraft(heading, block.line))

    title = ""
    if preamble and is_heading_like(preamble[0]):
        title = preamble.pop(0).text.strip()
    for block in preamble:
        findings.problem(IssueKind.UNPLACED_TEXT, f"text before the first heading is not part of any "
                         f"chapter: {snippet(block.text)}", block.line)
    for group in groups:
        if group.blocks:
            others.append(group)
            findings.problem(IssueKind.UNPLACED_TEXT, f"text under {group.heading!r} before its first theme "
                             "is not part of a theme; kept under other chapters", group.blocks[0].line)

    intro = build_section(chapters[_Role.INTRO], findings) if _Role.INTRO in chapters else None
    conclusion = build_section(chapters[_Role.CONCLUSION], findings) if _Role.CONCLUSION in chapters else None
    texts = tuple(_theme_text(t, findings) for t in themes)
    other_sections = tuple(build_section(b, findings) for b in sorted(others, key=lambda b: b.line or 0))
    for name, section in (("introduction", intro), ("conclusion", conclusion)):
        if section is None:
            findings.problem(IssueKind.MISSING_CHAPTER, f"no {name} found")
    check_footnotes(footnotes, findings)
    threat = tuple(t for t in texts if t.kind is ThemeKind.THREAT)
    generic = tuple(t for t in texts if t.kind is ThemeKind.GENERIC)
    report = ParseReport(
        source=source, title=title, used_table_of_contents=used_toc,
        introduction=intro is not None, conclusion=conclusion is not None,
        themes=len(threat), generic_instruments=len(generic),
        parts={t.heading or f"(theme without heading, line {t.line})": tuple(t.parts) for t in threat},
        footnotes=len(footnotes), footnote_references=len(findings.refs),
        problems=tuple(sorted(findings.problems, key=lambda p: p.line or 0)),
        notes=tuple(sorted(findings.notes, key=lambda p: p.line or 0)),
    )
    return StrategyDocument(
        source=source, title=title, introduction=intro, themes=threat, generic_instruments=generic,
        conclusion=conclusion, other_chapters=other_sections, unplaced=tuple(b.text for b in preamble),
        footnotes=footnotes, report=report,
    )


def _theme_text(theme: _ThemeBuilder, findings: Findings) -> ThemeText:
    body = build_section(theme.body, findings)
    parts = {p: build_section(theme.parts[p], findings) for p in ReviewPart if p in theme.parts}
    if theme.kind is ThemeKind.THREAT:
        for missing in (p for p in ReviewPart if p not in parts):
            findings.problem(IssueKind.MISSING_PART, f"theme {body.heading!r} has no part "
                             f"'{missing.value}' ({_PART_NAMES[missing]})", body.line)
    return ThemeText(heading=body.heading, kind=theme.kind, line=body.line, body=body, parts=parts)


_PART_NAMES = {
    ReviewPart.SUMMARY: "Korte samenvatting NVS 2019",
    ReviewPart.THREAT: "Ontwikkeling van de dreiging en de risico's",
    ReviewPart.RESILIENCE: "Ontwikkeling van de weerbaarheid",
    ReviewPart.APPROACH: "Ontwikkeling van de aanpak",
}


