"""Strategy-document import: the seed (midterm review 2021) read completely, other shapes reported.

The seed is read from package data (``weerbaar/data/seed``). The expected headings, sentences and
footnotes below are copied from the seed text, not from the parser's output.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from weerbaar.errors import InvalidInput, NotFound
from weerbaar.io.strategy_document import (
    MAX_BYTES,
    IssueKind,
    ReviewPart,
    Section,
    StrategyDocument,
    parse_strategy_document,
    read_strategy_document,
)

S, T, R, A = ReviewPart.SUMMARY, ReviewPart.THREAT, ReviewPart.RESILIENCE, ReviewPart.APPROACH

THEMES = (
    "Statelijke dreigingen tegengaan",
    "Polarisatie tegengaan",
    "Versterkte aanpak beschermen vitale infrastructuur",
    "Terrorisme en extremisme tegengaan",
    "Militaire dreigingen tegengaan",
    "Aanpak criminele ondermijning",
    "Aanpak digitale dreigingen",
    "Versterken multilaterale instituties",
    "Voorkomen en bestrijden van natuurrampen",
    "Tegengaan van CBRN-dreigingen",
    "Infectieziektenbestrijding",
)
GENERIC = ("Crisisbeheersing", "Ontwikkelingen gezamenlijk onderzoeksprogramma")

# one sentence (start) from each of the four parts of each theme, in the seed's order
SENTENCES = {
    THEMES[0]: (
        "De thema's ongewenste buitenlandse inmenging gericht op diaspora en beschermen democratische",
        "De internationale rechtsorde, hoeksteen voor onze veiligheid en welvaart, staat vanuit",
        "Om ongewenste kennis- en technologieoverdracht in het hoger onderwijs en wetenschap tegen te gaan,",
        "De aanpak kent een aantal generieke maatregelen en richt zich meer specifiek op de sociale en",
    ),
    THEMES[1]: (
        "Juist bij polarisatie, waar het gaat om een uitvergroting van maatschappelijke tegenstellingen, is",
        "Alhoewel een groot deel van deze groepen of individuen zich houden aan de spelregels van de",
        "Zo is onder andere ingezet op het 'leren': het kunnen omgaan met polarisatie, door het vertalen van",
        "De aanpak is onder andere verdeeld naar actoren, inzicht in de doelen en geldstromen van",
    ),
    THEMES[2]: (
        "Het kabinet acht het van groot belang dat bij het toetsen van nationale veiligheidsrisico's voor de",
        "Deze systemen kunnen vaak niet in isolement opereren, waardoor communicatie en interactie tussen",
        "Hierbij moet gedacht worden aan de implementatie van de Wet beveiliging netwerk- en",
        "In het kader van de Rijksbrede aanpak vitale infrastructuur wordt daarom momenteel gewerkt aan een",
    ),
    THEMES[3]: (
        "Daarom zal ingezet worden op het toepassen van de integrale aanpak op alle vormen van extremisme,",
        "De uitbraak van Covid-19 en de genomen overheidsmaatregelen hebben niet geleid tot een verhoogde",
        "Met de introductie van het Actieprogramma Integrale Aanpak Jihadisme en radicalisering, inmiddels",
        "Bij een periode van verminderde dreiging ligt tevens vermindering van aandacht voor het thema op de",
    ),
    THEMES[4]: (
        "Om een geloofwaardige bondgenoot en partner te blijven, wordt de slagkracht, het",
        "De veranderende geopolitieke verhoudingen en de minder vanzelfsprekende politieke cohesie van onze",
        "De NAVO had het cyberdomein in 2016 al erkend als operationeel domein en Nederland speelt",
        "Ondanks de belangrijke investeringen in de ondersteuning en de modernisering van onze krijgsmacht",
    ),
    THEMES[5]: (
        "Bij het bestrijden van georganiseerde criminaliteit en bredere geldgedreven criminaliteit wordt",
        "Liquidaties, witwassen, de versmelting van de onder- en bovenwereld; het gevaar dat uitgaat van",
        "Het weerbaarder maken van deze doelgroep kan door het vergroten van het toekomstperspectief door",
        "Dit geld wordt primair ingezet op het toekomstbestendig maken van het stelsel Bewaken en Beveiligen",
    ),
    THEMES[6]: (
        "Voorts wordt een certificeringsraamwerk voor producten, diensten en processen voortvloeiend uit de",
        "Ten slotte neemt onze afhankelijkheid van digitale technologie en de onderlinge verwevenheid van",
        "Onder andere geldt dit voor de doorontwikkeling van het Landelijk Dekkend Stelsel waardoor meer",
        "Het in de NCSA uitgezette beleid vormt daarin de leidraad, met concrete versterkingen sindsdien,",
    ),
    THEMES[7]: (
        "In het kader van het tegengaan van statelijke dreigingen, zet Nederland in op versterkte",
        "Multilaterale instellingen zijn in toenemende mate onderhevig aan uitholling, onder meer door een",
        "Eigenzinnige lidstaten bemoeilijken besluitvorming op politieke niveau en gezamenlijk optrekken.",
        "Nederland zal blijven inzetten op internationale aanpak gericht op goed bestuur, mensenrechten, en",
    ),
    THEMES[8]: (
        "Dat de zeespiegel de komende eeuw en ook daarna blijft stijgen is zeker.",
        "Nog nooit eerder werd zo laat in het jaar een tropische dag gemeten: op 15 september 2020 steeg de",
        "In het eindrapport van de beleidstafel Droogte staan 46 aanbevelingen om bij een neerslagtekort en",
        "Hierbij komt meer informatie beschikbaar over de kans van optreden van extreme gebeurtenissen op",
    ),
    THEMES[9]: (
        "Er zijn ook andere stralingsincidenten mogelijk, met een grotere waarschijnlijkheid maar een",
        "Organisaties als het Internationaal Atoomagentschap (IAEA) en de Organisatie Chemische Wapens",
        "Inzet op attributie is onontbeerlijk voor relevantie en slagkracht van multilaterale organisaties",
        "Nederland zet daarnaast met gelijkgezinde landen actief in op het handhaven en ontwikkelen van het",
    ),
    THEMES[10]: (
        "Afgelopen jaren zijn op het gebied van zoönosen (ziekten die van dier op mens overdraagbaar zijn)",
        "Vanuit de nationale veiligheid gezien is het daarbij volgens de Horizonscan 2020 opvallend dat",
        "Als straks door alle *lessons learned* allerlei zaken zijn aangepakt, zoals beschikbaarheid van",
        "Het bijstellen van de aanpak zal nodig zijn, maar dat zal vooral gebeuren naar aanleiding van de",
    ),
}
PART_CASES = [(theme, part, sentence) for theme, sentences in SENTENCES.items()
              for part, sentence in zip(ReviewPart, sentences, strict=True)]

# footnote number -> (section that references it, start of its text); None: no text in the seed
REFERENCED: dict[str, tuple[str | tuple[str, ReviewPart], str | None]] = {
    "1": ("introduction", "Tweede Kamer 2018-2019, 3 0821, nr. 81."),
    "2": ("introduction", "Waar in de NVS de focus ligt op nationale veiligheid in brede zin"),
    "3": ((THEMES[0], S), None),
    "4": ((THEMES[0], T), "Het begrip 'nationale veiligheid' wordt in de Nationale Veiligheid"),
    "7": ((THEMES[0], R), "Zoals ook gevraagd in de gewijzigde motie van het lid Van den Berg"),
    "9": ((THEMES[1], A), None),
    "11": ((THEMES[4], R), "Tweede Kamer 2020-2021, 35 570-X, nr. 75."),
    "12": ((THEMES[4], R), "Tweede Kamer 2020-2021, 34 919, nr. 71."),
    "14": ((THEMES[5], A), "Tweede Kamer 2019-2020, 29 911, nr. 254."),
    "15": ((THEMES[6], T), "Tweede Kamer 2019-2020, 26643, nr. 695"),
    "16": ((THEMES[6], R), "Tweede Kamer 2019-2020, 26 643, nr. 673"),
    "17": (GENERIC[0], "Tweede Kamer 2019-2020, 30821, nr. 102."),
    "18": (GENERIC[0], "Tweede Kamer 2020-2021, 29 517, nr. 198."),
}
UNREFERENCED = {"5", "6", "8", "10", "13", "19"}  # their markers did not survive the text extraction


def seed_text() -> str:
    return resources.files("weerbaar.data.seed").joinpath("midterm-review-2021.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def seed() -> StrategyDocument:
    return parse_strategy_document(seed_text(), source="midterm-review-2021.txt")


def all_sections(doc: StrategyDocument) -> dict[str, Section]:
    out: dict[str, Section] = {}
    if doc.introduction:
        out["introduction"] = doc.introduction
    if doc.conclusion:
        out["conclusion"] = doc.conclusion
    for theme in (*doc.themes, *doc.generic_instruments):
        out[theme.heading] = theme.body
        for part, section in theme.parts.items():
            out[f"{theme.heading}/{part.value}"] = section
    return out


def test_seed_yields_introduction_themes_generic_instruments_and_conclusion(seed: StrategyDocument) -> None:
    assert seed.title == "Midterm review 2021 Nationale Veiligheid Strategie"
    assert seed.introduction is not None and seed.introduction.heading == "Inleiding"
    assert seed.conclusion is not None and seed.conclusion.heading == "Slotwoord en vooruitblik"
    assert tuple(t.heading for t in seed.themes) == THEMES
    assert tuple(t.heading for t in seed.generic_instruments) == GENERIC
    assert {t.kind.value for t in seed.themes} == {"threat"}
    assert {t.kind.value for t in seed.generic_instruments} == {"generic"}
    assert seed.other_chapters == () and seed.unplaced == ()
    report = seed.report
    assert report.used_table_of_contents and report.introduction and report.conclusion
    assert (report.themes, report.generic_instruments) == (11, 2)


def test_every_threat_theme_has_all_four_parts(seed: StrategyDocument) -> None:
    for theme in seed.themes:
        assert tuple(theme.parts) == tuple(ReviewPart), theme.heading
        assert all(not s.is_empty for s in theme.parts.values()), theme.heading
        assert theme.body.is_empty, theme.heading
    assert not [p for p in seed.report.problems if p.kind is IssueKind.MISSING_PART]
    assert seed.report.parts == {t: tuple(ReviewPart) for t in THEMES}
    # the digital-threats chapter has only "Ontwikkeling van de dreiging" as its threat heading
    assert seed.theme("Aanpak digitale dreigingen").parts[T].heading == "Ontwikkeling van de dreiging"
    assert seed.theme("aanpak  DIGITALE dreigingen") is seed.themes[6]
    with pytest.raises(NotFound, match="Crisisbeheersing"):
        seed.theme("Klimaat")


def test_generic_instruments_have_their_text_in_the_body(seed: StrategyDocument) -> None:
    crisis, research = seed.generic_instruments
    assert crisis.parts == {} and research.parts == {}
    assert "is Nederland geconfronteerd met verschillende incidenten en crises" in crisis.body.text()
    assert ("De ministeries van Buitenlandse Zaken en Defensie en de NCTV voeren een gezamenlijk "
            "onderzoeksprogramma uit") in research.body.text()


@pytest.mark.parametrize(("theme", "part", "sentence"), PART_CASES,
                         ids=[f"{i // 4}-{p.value}" for i, (_, p, _) in enumerate(PART_CASES)])
def test_sentence_lands_in_its_theme_and_part(seed: StrategyDocument, theme: str, part: ReviewPart,
                                              sentence: str) -> None:
    target = f"{theme}/{part.value}"
    holders = [name for name, section in all_sections(seed).items() if sentence in section.text()]
    assert holders == [target]


@pytest.mark.parametrize(("where", "sentence"), [
    ("introduction", "Al met al stellen de dreigingen van vandaag en morgen Nederland voor een forse"),
    ("introduction", "Nederland is een open, diverse en internationaal georiënteerde samenleving."),
    (GENERIC[0], "Als we de afgelopen periode als samenleving iets geleerd hebben, dan is dat het feit"),
    (GENERIC[1], "De ministeries van Buitenlandse Zaken en Defensie en de NCTV voeren een gezamenlijk"),
    ("conclusion", "Nederland is door zijn open samenleving in combinatie met verslechterde geopolitieke"),
    ("conclusion", "Omdat nationale veiligheid niet alleen een zaak van de rijksoverheid is en kan zijn,"),
])
def test_chapter_sentences_land_in_their_chapter(seed: StrategyDocument, where: str, sentence: str) -> None:
    holders = [name for name, section in all_sections(seed).items() if sentence in section.text()]
    assert holders == [where]


def test_sub_headings_become_subsections(seed: StrategyDocument) -> None:
    disasters = seed.theme("Voorkomen en bestrijden van natuurrampen")
    summary = disasters.parts[S]
    assert summary.paragraphs == ()
    assert [s.heading for s in summary.subsections] == ["Klimaatverandering", "Droogte", "Stijging waterpeil"]
    assert summary.subsections[0].paragraphs[0].startswith("Klimaatverandering is tastbaar geworden.")
    assert len(summary.subsections[1].paragraphs) == 2
    assert [s.heading for s in disasters.parts[R].subsections] == ["Stijging waterpeil", "Droogte"]
    assert [s.heading for s in disasters.parts[A].subsections] == ["Klimaatverandering", "Extreem weer"]
    assert [s.heading for s in seed.theme("Tegengaan van CBRN-dreigingen").parts[S].subsections] == [
        "Proliferatie", "Stralingsongevallen"]
    infections = seed.theme("Infectieziektenbestrijding").parts[S]
    assert len(infections.paragraphs) == 2
    assert [s.heading for s in infections.subsections] == ["Antibioticaresistentie", "Zoönosen"]
    # no other part of the seed has sub-headings; bullets stay paragraphs
    with_subs = {(t.heading, p) for t in seed.themes for p, s in t.parts.items() if s.subsections}
    assert with_subs == {(THEMES[8], S), (THEMES[8], R), (THEMES[8], A), (THEMES[9], S), (THEMES[10], S)}
    terrorism = seed.theme("Terrorisme en extremisme tegengaan").parts[S].paragraphs
    assert "- Versterking internationale inzet." in terrorism and len(terrorism) == 7


def test_footnotes_are_kept_as_references(seed: StrategyDocument) -> None:
    numbers = {n for n, (_, text) in REFERENCED.items() if text} | UNREFERENCED
    assert set(seed.footnotes) == numbers and len(seed.footnotes) == 17
    for number, (_, text) in REFERENCED.items():
        if text is not None:
            assert seed.footnotes[number].text.startswith(text), number
    assert seed.footnotes["1"].text == "Tweede Kamer 2018-2019, 3 0821, nr. 81."
    assert seed.footnotes["1"].line == 54
    assert seed.report.footnotes == 17


def test_each_footnote_is_referenced_from_the_section_of_its_marker(seed: StrategyDocument) -> None:
    sections = all_sections(seed)
    found: dict[str, list[str]] = {}
    for name, section in sections.items():
        for number in section.all_footnote_refs():
            found.setdefault(number, []).append(name)
    expected = {n: [w if isinstance(w, str) else f"{w[0]}/{w[1].value}"] for n, (w, _) in REFERENCED.items()}
    assert found == expected


def test_footnote_problems_are_reported(seed: StrategyDocument) -> None:
    problems = seed.report.problems
    missing = {p.message.split()[1] for p in problems if p.kind is IssueKind.MISSING_FOOTNOTE_TEXT}
    unreferenced = {p.message.split()[1] for p in problems if p.kind is IssueKind.UNREFERENCED_FOOTNOTE}
    assert missing == {"3", "9"}
    assert unreferenced == UNREFERENCED
    assert {p.kind for p in problems} == {IssueKind.MISSING_FOOTNOTE_TEXT, IssueKind.UNREFERENCED_FOOTNOTE}
    assert all(p.line for p in problems)
    notes = {(n.kind, n.line) for n in seed.report.notes}
    assert (IssueKind.PLAIN_FOOTNOTE_NUMBER, 112) in notes  # "7 Zoals ook gevraagd ..."
    assert (IssueKind.PLAIN_FOOTNOTE_MARKER, 218) in notes  # "... overzicht van.12"


def test_footnote_lines_are_not_in_the_running_text(seed: StrategyDocument) -> None:
    paragraphs = [p for s in all_sections(seed).values() for p in s.all_paragraphs()]
    for footnote in seed.footnotes.values():
        assert not any(footnote.text in p for p in paragraphs), footnote.number
    assert not any(p[:1] in "¹²³⁴⁵⁶⁷⁸⁹" for p in paragraphs)


def test_paragraphs_split_by_page_breaks_are_joined(seed: StrategyDocument) -> None:
    threat = seed.theme(THEMES[0]).parts[T].paragraphs
    assert any("technologieoverdracht die vanuit het oogpunt van nationale veiligheid" in p for p in threat)
    resilience = seed.theme(THEMES[0]).parts[R].paragraphs
    assert any("Het tweede spoor betreft het verstevigen van de informatiepositie" in p for p in resilience)
    joined = [n.line for n in seed.report.notes if n.kind is IssueKind.JOINED_PARAGRAPH]
    assert joined == [84, 94, 128, 212, 482]


def test_report_and_document_are_printable(seed: StrategyDocument) -> None:
    data = json.loads(json.dumps(seed.to_dict()))
    assert [t["heading"] for t in data["themes"]] == list(THEMES)
    assert list(data["themes"][0]["parts"]) == ["summary", "threat", "resilience", "approach"]
    assert data["footnotes"]["15"]["text"] == "Tweede Kamer 2019-2020, 26643, nr. 695"
    assert data["report"]["themes"] == 11
    lines = seed.report.summary_lines()
    assert "recognised: introduction, 11 themes, 2 generic instruments, conclusion" in lines
    assert "footnotes: 17 kept, 13 references" in lines
    assert any("line 70: footnote 3 is referenced but its text was not found" in line for line in lines)
    json.dumps(seed.report.to_dict())


def test_seed_without_table_of_contents_reads_the_same(seed: StrategyDocument) -> None:
    lines = seed_text().split("\n")
    assert lines[6] == "Inhoudsopgave" and lines[24].startswith("Slotwoord")
    doc = parse_strategy_document("\n".join(lines[:6] + lines[25:]))
    assert not doc.report.used_table_of_contents
    assert tuple(t.heading for t in doc.themes) == THEMES
    assert tuple(t.heading for t in doc.generic_instruments) == GENERIC
    for ours, theirs in zip((*doc.themes, *doc.generic_instruments),
                            (*seed.themes, *seed.generic_instruments), strict=True):
        assert {p: s.text() for p, s in ours.parts.items()} == {p: s.text() for p, s in theirs.parts.items()}
        assert ours.body.text() == theirs.body.text()
    assert doc.conclusion is not None and seed.conclusion is not None
    assert doc.conclusion.text() == seed.conclusion.text()


ENGLISH = """\
Midterm review 2021 National Security Strategy

Introduction

The Netherlands is an open society.¹

Developments per theme from the 2019 strategy

Countering state threats

Short summary of the 2019 strategy

An open society is the foundation of our prosperity.

Development of the threat and the risks

The threat from state actors is persistent.²

Development of resilience

Important steps were taken to raise resilience.

Development of the approach

The approach is being intensified.

Preventing natural disasters

Short summary of the 2019 strategy

Climate change

Climate change has become tangible.

Development of the threat and the risks

Extreme weather becomes more likely.

Development of resilience

The Delta Programme continues.

Development of the approach

The approach suffices.

Conclusion and outlook

Our security situation has deteriorated.

¹ Parliamentary paper 30 821, no. 81.

² General Intelligence and Security Service, 2021.
"""


def test_an_english_document_of_the_same_structure_parses() -> None:
    doc = parse_strategy_document(ENGLISH, source="review-en.txt")
    assert doc.title == "Midterm review 2021 National Security Strategy"
    assert doc.introduction is not None
    assert doc.introduction.paragraphs == ("The Netherlands is an open society.¹",)
    assert [t.heading for t in doc.themes] == ["Countering state threats", "Preventing natural disasters"]
    state, nature = doc.themes
    assert state.parts[T].paragraphs == ("The threat from state actors is persistent.²",)
    assert state.parts[T].footnote_refs == ("2",)
    assert state.parts[A].text() == "The approach is being intensified."
    assert nature.parts[S].subsections[0].heading == "Climate change"
    assert doc.conclusion is not None and doc.conclusion.text() == "Our security situation has deteriorated."
    assert doc.footnotes["2"].text == "General Intelligence and Security Service, 2021."
    assert doc.report.complete, doc.report.summary_lines()


def test_markdown_headings_are_recognised(tmp_path: Path) -> None:
    markdown = "\n".join(
        ("#" * 2 + " " + line) if line and not line[0].islower() and len(line) < 60 and "." not in line
        else line for line in ENGLISH.split("\n"))
    path = tmp_path / "review.md"
    path.write_text(markdown.replace("## Midterm", "# Midterm"), encoding="utf-8")
    doc = read_strategy_document(path)
    assert [t.heading for t in doc.themes] == ["Countering state threats", "Preventing natural disasters"]
    assert doc.themes[1].parts[S].subsections[0].heading == "Climate change"
    assert doc.report.complete, doc.report.summary_lines()


def test_a_theme_missing_a_part_is_reported_not_raised() -> None:
    text = ENGLISH.replace("Development of resilience\n\nThe Delta Programme continues.\n\n", "")
    doc = parse_strategy_document(text, source="partial.txt")
    nature = doc.theme("Preventing natural disasters")
    assert nature.missing_parts == (R,)
    assert doc.report.parts["Preventing natural disasters"] == (S, T, A)
    [problem] = [p for p in doc.report.problems if p.kind is IssueKind.MISSING_PART]
    assert "Preventing natural disasters" in problem.message and "resilience" in problem.message
    assert problem.line == text.split("\n").index("Preventing natural disasters") + 1
    assert not doc.report.complete


def test_a_theme_without_a_summary_still_starts_a_new_theme() -> None:
    text = ENGLISH.replace("Short summary of the 2019 strategy\n\nClimate change\n\n"
                           "Climate change has become tangible.\n\n", "")
    doc = parse_strategy_document(text)
    assert [t.heading for t in doc.themes] == ["Countering state threats", "Preventing natural disasters"]
    assert doc.themes[1].missing_parts == (S,)


def test_unplaced_text_and_unknown_chapters_are_reported() -> None:
    title, rest = ENGLISH.split("\n", 1)
    text = f"{title}\n\nSome stray remark before anything.\n\nAnother stray line\n{rest}".replace(
        "Conclusion and outlook", "Annex")
    doc = parse_strategy_document(text)
    kinds = {(p.kind, p.line) for p in doc.report.problems}
    assert (IssueKind.UNPLACED_TEXT, 3) in kinds
    assert (IssueKind.UNPLACED_TEXT, 5) in kinds
    assert doc.title == title
    assert doc.unplaced == ("Some stray remark before anything.", "Another stray line")
    # without a table of contents "Annex" is not a chapter heading: it becomes a sub-heading of the
    # last part, and the missing conclusion is reported
    assert any(p.kind is IssueKind.MISSING_CHAPTER and "conclusion" in p.message for p in doc.report.problems)
    assert doc.conclusion is None
    assert doc.themes[1].parts[A].subsections[0].heading == "Annex"


def test_a_table_of_contents_entry_missing_from_the_text_is_reported() -> None:
    toc = "Contents\n\nIntroduction\t1\nDevelopments per theme\t2\nCountering state threats\t2\n" \
          "Countering floods\t3\nConclusion and outlook\t4\nAnnex: abbreviations\t5\n\n"
    body = ENGLISH.split("\n", 2)[2].replace("Developments per theme from the 2019 strategy",
                                             "Developments per theme")
    body = body.replace("\n¹", "\nAnnex: abbreviations\n\nNVS: Nationale Veiligheid Strategie.\n\n¹", 1)
    doc = parse_strategy_document(toc + body)
    assert doc.report.used_table_of_contents
    problems = {(p.kind, p.line) for p in doc.report.problems}
    assert (IssueKind.TOC_ENTRY_NOT_FOUND, 6) in problems
    # the theme that is in the text but not in the contents is still read, and reported
    assert [t.heading for t in doc.themes] == ["Countering state threats", "Preventing natural disasters"]
    assert any(p.kind is IssueKind.UNKNOWN_HEADING and "Preventing natural disasters" in p.message
               for p in doc.report.problems)
    # a chapter after the conclusion is kept, and reported as unknown
    [annex] = doc.other_chapters
    assert annex.heading == "Annex: abbreviations"
    assert annex.paragraphs == ("NVS: Nationale Veiligheid Strategie.",)
    assert any(p.kind is IssueKind.UNKNOWN_HEADING and "Annex" in p.message for p in doc.report.problems)
    assert doc.conclusion is not None and doc.conclusion.text() == "Our security situation has deteriorated."


def test_a_document_without_blank_lines_has_one_paragraph_per_line() -> None:
    compact = ENGLISH.replace("\n\n", "\n").replace("tangible.", "tangible.\nIt leads to extreme weather.")
    doc = parse_strategy_document(compact)
    assert [t.heading for t in doc.themes] == ["Countering state threats", "Preventing natural disasters"]
    climate = doc.themes[1].parts[S].subsections[0]
    assert climate.paragraphs == ("Climate change has become tangible.", "It leads to extreme weather.")
    assert doc.report.complete, doc.report.summary_lines()


def test_no_structure_raises_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Inleiding\n\nJust some text.\n\nMore text without any structure.\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_strategy_document(path)
    assert caught.value.source == str(path)
    assert str(path) in str(caught.value)
    assert "Korte samenvatting NVS 2019" in str(caught.value)
    with pytest.raises(InvalidInput, match="no theme structure"):
        parse_strategy_document("")


def test_oversize_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(InvalidInput, match="too large") as caught:
        read_strategy_document(path)
    assert caught.value.source == str(path)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("review.docx", b"PK\x03\x04", "save the document as plain text"),
    ("review.pdf", b"%PDF-1.7", "save the document as plain text"),
    ("review.xlsx", b"PK", "unsupported file type"),
    ("review.txt", b"Inleiding\n\xff\xfe broken\n", "not valid UTF-8"),
    ("review.txt", b"\x00\x01binary", "not a text file"),
])
def test_other_files_are_refused_with_the_accepted_formats(tmp_path: Path, name: str, content: bytes,
                                                           message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message) as caught:
        read_strategy_document(path)
    assert "UTF-8 text (.txt) or Markdown (.md)" in str(caught.value)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="file not found"):
        read_strategy_document(tmp_path / "absent.txt")


def test_reading_the_packaged_seed_file_equals_parsing_its_text(seed: StrategyDocument) -> None:
    with resources.as_file(resources.files("weerbaar.data.seed").joinpath("midterm-review-2021.txt")) as path:
        doc = read_strategy_document(path)
    assert doc.source == str(path)
    assert [t.to_dict() for t in doc.themes] == [t.to_dict() for t in seed.themes]


def test_hard_wrapped_paragraphs_stay_one_paragraph() -> None:
    wrapped = "\n".join(["The threat from state actors is persistent and it is growing in several"] * 8)
    text = ENGLISH.replace("The threat from state actors is persistent.²", f"{wrapped}.")
    doc = parse_strategy_document(text)
    [paragraph] = doc.themes[0].parts[T].paragraphs
    assert paragraph.count("persistent") == 8 and "\n" not in paragraph
