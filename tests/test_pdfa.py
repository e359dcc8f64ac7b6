"""The PDF report is PDF/A-2b: its structure opened with pikepdf and checked against what the
claim needs (docs/reports.md, "PDF/A"), in Dutch and English; where the veraPDF validator is
installed (``verapdf`` on the path, or ``WEERBAAR_VERAPDF``) it validates the files too."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageCms
from pypdf import PdfReader
from tests.report_helpers import example_reports, example_workspace, path_of, threat_theme_titles

from weerbaar.domain import Language
from weerbaar.reports.model import (
    BulletList,
    Cover,
    Figure,
    Heading,
    Paragraph,
    ReportDocument,
    Table,
)
from weerbaar.reports.pdf_writer import XMP_NAMESPACE, build_pdf
from weerbaar.reports.style import load_style

LANGS: tuple[Language, ...] = ("nl", "en")
MARKING = {"nl": "INTERN", "en": "INTERNAL"}
STANDARD_14 = {"Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Helvetica",
               "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique", "Courier",
               "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Symbol", "ZapfDingbats"}
PDFA = "http://www.aiim.org/pdfa/ns/id/"


def example_pdf(lang: Language) -> Path:
    return path_of(example_reports(lang), "pdf")


def fonts_of(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every font a page, a form XObject or an annotation's appearance uses."""
    found: dict[tuple[int, int], pikepdf.Dictionary] = {}

    def visit(resources: pikepdf.Object | None, seen: set[tuple[int, int]]) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for font in (resources.get("/Font") or {}).values():
            found[font.objgen] = font
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.objgen not in seen and xobject.get("/Subtype") == "/Form":
                seen.add(xobject.objgen)
                visit(xobject.get("/Resources"), seen)

    for page in pdf.pages:
        visit(page.obj.get("/Resources"), set())
        for annotation in page.obj.get("/Annots") or []:
            for stream in (annotation.get("/AP") or {}).values():
                if isinstance(stream, pikepdf.Stream):
                    visit(stream.get("/Resources"), set())
    return list(found.values())


def images_of(page: pikepdf.Page) -> list[pikepdf.Stream]:
    xobjects = (page.obj.get("/Resources") or {}).get("/XObject") or {}
    return [x for x in xobjects.values() if x.get("/Subtype") == "/Image"]


def embedded(font: pikepdf.Dictionary) -> bool:
    descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
    descriptor = descendant.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor
                                          for k in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.parametrize("lang", LANGS)
def test_the_metadata_identify_pdfa_2b_and_carry_title_language_and_marking(
        lang: Language) -> None:
    with pikepdf.open(example_pdf(lang)) as pdf:
        assert pdf.pdf_version == "1.7"
        info = pdf.docinfo
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            assert meta.pdfa_status == "2B"
            assert meta[f"{{{PDFA}}}part"] == "2" and meta[f"{{{PDFA}}}conformance"] == "B"
            title = example_workspace().title
            assert meta["dc:title"] == title == str(info.Title)
            assert meta["dc:language"] == {lang}
            assert meta["dc:creator"] == [str(info.Author)]
            assert meta["dc:description"] == str(info.Subject)
            assert meta["pdf:Keywords"] == str(info.Keywords)
            assert MARKING[lang] in meta["dc:subject"]
            assert meta["xmp:CreatorTool"] == str(info.Creator)
            assert meta["xmp:CreateDate"] == "2021-09-20T12:00:00+00:00"
            assert str(info.CreationDate).startswith("D:20210920120000")
            assert meta[f"{{{XMP_NAMESPACE}}}Classification"] == MARKING[lang]
            assert meta[f"{{{XMP_NAMESPACE}}}Cycle"] == "midterm-2021"
            assert "/Producer" not in info  # nothing in the dictionary the XMP does not say
        assert MARKING[lang] in str(info.Keywords)
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        # the report's own properties are described by a PDF/A extension schema
        assert "pdfaExtension:schemas" in xmp and f">{XMP_NAMESPACE}<" in xmp
        for name in ("Classification", "Cycle"):
            assert f"<pdfaProperty:name>{name}</pdfaProperty:name>" in xmp


@pytest.mark.parametrize("lang", LANGS)
def test_an_srgb_output_intent_with_its_icc_profile(lang: Language) -> None:
    with pikepdf.open(example_pdf(lang)) as pdf:
        intents = list(pdf.Root.OutputIntents)
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        profile = intents[0].DestOutputProfile
        assert int(profile.N) == 3
        icc = ImageCms.ImageCmsProfile(io.BytesIO(profile.read_bytes()))
        assert "srgb" in ImageCms.getProfileDescription(icc).lower()
        assert icc.profile.xcolor_space.strip() == "RGB"


@pytest.mark.parametrize("lang", LANGS)
def test_every_font_is_embedded_and_no_standard_font_is_referenced(lang: Language) -> None:
    with pikepdf.open(example_pdf(lang)) as pdf:
        fonts = fonts_of(pdf)
        assert fonts
        for font in fonts:
            name = str(font.get("/BaseFont", "")).lstrip("/")
            assert embedded(font), name
            assert name.split("+")[-1] not in STANDARD_14, name
            assert "/ToUnicode" in font, name  # copied and searched text is the real text


@pytest.mark.parametrize("lang", LANGS)
def test_no_encryption_script_or_transparency_and_a_file_identifier(lang: Language) -> None:
    raw = example_pdf(lang).read_bytes()
    assert raw.startswith(b"%PDF-1.7\n%") and all(b > 127 for b in raw[10:14])
    with pikepdf.open(example_pdf(lang)) as pdf:
        assert "/Encrypt" not in pdf.trailer and not pdf.is_encrypted
        ids = pdf.trailer.ID
        assert len(ids) == 2 and len(bytes(ids[0])) == 16 and bytes(ids[0]) == bytes(ids[1])
        assert "/AA" not in pdf.Root and "/JavaScript" not in (pdf.Root.get("/Names") or {})
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                assert obj.get("/S") != "/JavaScript" and "/JS" not in obj
        images = 0
        for page in pdf.pages:
            assert "/Group" not in page.obj  # no transparency group
            for annotation in page.obj.get("/Annots") or []:
                assert int(annotation.get("/F", 0)) & 4  # printed, as PDF/A asks
            for image in images_of(page):
                images += 1
                assert "/SMask" not in image and image.ColorSpace == "/DeviceRGB"
        assert images >= 3  # the logo and the two risk diagrams


@pytest.mark.parametrize("lang", LANGS)
def test_the_text_still_reads_back_with_chapters_and_marking(lang: Language) -> None:
    reader = PdfReader(str(example_pdf(lang)))
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    text = " ".join(pages)
    for title in threat_theme_titles(lang):
        assert title in text, title
    annex = {"nl": "Bijlage 1 Risicodiagram", "en": "Annex 1 Risk diagram"}[lang]
    assert annex in text
    assert all(MARKING[lang] in page for page in pages)


def small_document(lang: Language = "nl") -> ReportDocument:
    """A report made by hand: the characters a Dutch report needs, a long word, a table longer
    than a page with a row taller than a page, and a figure with an alpha channel."""
    image = Image.new("RGBA", (40, 30), (255, 0, 0, 0))
    image.paste((0, 0, 255, 128), (10, 10, 30, 20))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    tall = "\n".join(f"regel {i}" for i in range(120))
    rows = tuple((f"s{i}", f"Scenario {i} – € {i},5 mld.", float(i) / 4) for i in range(150))
    blocks = (
        Heading(1, "Inleiding – één", "inleiding"),
        Paragraph("Financiële schade € 1,5 mld.; geïnde rente; coördinatie ’s avonds † "
                  + "Ontwikkelingssamenwerkingsverdragsonderhandelingen" * 3, label="Oordeel:"),
        BulletList(("eerste – één", "tweede ’t")),
        Table("t", "Tabel 1. Scenario’s", ("Id", "Titel", "Waarde"), rows,
              align=("left", "left", "right"), flagged=frozenset({1})),
        Table("tall", "Tabel 2. Hoog", ("Id", "Tekst"), (("x", tall), ("y", "kort"))),
        Figure("f", "Figuur 1. Halfdoorzichtig", buffer.getvalue(), "", (40, 30)),
    )
    cover = Cover("Proef €", "Tussentijdse evaluatie", ("Datum: 2021-09-20",), "Organisatie", "")
    return ReportDocument(kind="review", lang=lang, cycle="proef", title="Proef €",
                          subject="Tussentijdse evaluatie — proef",
                          keywords=("proef", "GEHEIM"), classification="GEHEIM",
                          date=date(2021, 9, 20), cover=cover, toc_title="Inhoudsopgave",
                          blocks=blocks, labels={"page": "Pagina {page} van {pages}"})


def test_unicode_text_long_tables_and_transparent_figures_in_a_small_report() -> None:
    data = build_pdf(small_document(), load_style())
    reader = PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    for words in ("Financiële schade € 1,5 mld.", "geïnde rente", "coördinatie ’s avonds †",
                  "eerste – één", "Scenario 149 – € 149,5 mld.", "37.25", "regel 119",
                  "Inleiding – één"):
        assert words in text, words
    assert "Oordeel: Financiële" in text
    joined = re.sub(r"\s+", "", text)
    assert "Ontwikkelingssamenwerkingsverdragsonderhandelingen" * 3 in joined  # cut, not lost
    pages_with_header = [i for i, p in enumerate(reader.pages) if "Titel" in p.extract_text()]
    assert len(pages_with_header) >= 3  # the header row repeats on every page of the table
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert all(embedded(font) for font in fonts_of(pdf))
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            assert meta.pdfa_status == "2B"
            assert meta[f"{{{XMP_NAMESPACE}}}Classification"] == "GEHEIM"
            assert meta["dc:title"] == "Proef €"
        figures = [image for page in pdf.pages for image in images_of(page)
                   if int(image.Width) == 40]
        assert len(figures) == 1 and "/SMask" not in figures[0]
        pixels = pikepdf.PdfImage(figures[0]).as_pil_image()
        assert pixels.mode == "RGB"
        assert pixels.getpixel((0, 0)) == (255, 255, 255)  # transparent, laid on white
        assert pixels.getpixel((20, 15)) == (127, 127, 255)  # half blue on white


def test_characters_xml_cannot_carry_are_shown_in_the_metadata() -> None:
    document = replace(small_document(), title="Proef\x07 <€>", cycle="proef\x01")
    with pikepdf.open(io.BytesIO(build_pdf(document, load_style()))) as pdf, \
            pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        assert meta["dc:title"] == "Proef␇ <€>" == str(pdf.docinfo.Title)
        assert meta[f"{{{XMP_NAMESPACE}}}Cycle"] == "proef␁"


def verapdf() -> str | None:
    return os.environ.get("WEERBAAR_VERAPDF") or shutil.which("verapdf")


@pytest.mark.skipif(verapdf() is None, reason="veraPDF is not installed (see docs/reports.md)")
@pytest.mark.parametrize("lang", LANGS)
def test_verapdf_finds_the_report_compliant(lang: Language, tmp_path: Path) -> None:
    small = tmp_path / "small.pdf"
    small.write_bytes(build_pdf(small_document(lang), load_style()))
    for path in (example_pdf(lang), small):
        result = subprocess.run([str(verapdf()), "--flavour", "2b", "--format", "text",
                                 str(path)], capture_output=True, text=True, timeout=600,
                                check=False)
        assert result.stdout.startswith("PASS"), result.stdout + result.stderr
