"""Line breaking of the PDF report (weerbaar.reports.pdf_layout): no line wider than its box, no
word lost or reordered, breaks at spaces and line feeds, words cut only when one alone is too
wide; widths agree with fpdf2's own measurement."""

from __future__ import annotations

import pytest
from fpdf import FPDF
from hypothesis import given, settings
from hypothesis import strategies as st

from weerbaar.reports.pdf_layout import Line, TextFlow
from weerbaar.reports.pdf_writer import FONT, _font_files
from weerbaar.reports.style import load_style


@pytest.fixture(scope="module")
def flow() -> TextFlow:
    pdf = FPDF(unit="mm")
    for emphasis, path in _font_files(load_style()).items():
        pdf.add_font(FONT, emphasis, str(path))
    return TextFlow(pdf, FONT)


def text_of(lines: list[Line]) -> list[str]:
    return ["".join(text for _, text in line.runs) for line in lines]


def test_widths_agree_with_fpdf(flow: TextFlow) -> None:
    for style in ("", "B", "I"):
        flow.pdf.set_font(FONT, style, 9)
        for text in ("Financiële schade € 1,5 mld.", "coördinatie ’s avonds †", "W" * 40):
            line = flow.lines([(style, text)], 9, 1000.0)[0]
            assert line.width == pytest.approx(flow.pdf.get_string_width(text), rel=1e-6)


def test_breaks_at_spaces_and_line_feeds_and_keeps_runs(flow: TextFlow) -> None:
    lines = flow.lines([("B", "Oordeel: "), ("", "een versterkte aanpak\nnieuwe regel")], 10, 45)
    assert text_of(lines) == ["Oordeel: een versterkte", "aanpak", "nieuwe regel"]
    assert lines[0].runs == (("B", "Oordeel: "), ("", "een versterkte"))
    assert flow.lines([("", "")], 10, 45) == [Line((), 0.0)]


def test_a_word_wider_than_the_line_is_cut(flow: TextFlow) -> None:
    word = "Ontwikkelingssamenwerkingsverdragsonderhandelingen"
    lines = flow.lines([("", f"de {word}")], 10, 30)
    assert text_of(lines)[0] == "de"
    assert "".join(text_of(lines)[1:]) == word and len(lines) > 2
    assert all(line.width <= 30 + 1e-9 for line in lines)


words = st.text(alphabet="abcdeéëï€–’ WMil", min_size=1, max_size=14).filter(
    lambda w: " " not in w)


@settings(max_examples=150, deadline=None)
@given(st.lists(words, min_size=0, max_size=40), st.floats(min_value=8, max_value=120),
       st.sampled_from(["", "B", "I"]))
def test_no_line_is_too_wide_and_no_word_is_lost(flow: TextFlow, items: list[str], width: float,
                                                 style: str) -> None:
    text = " ".join(items)
    lines = flow.lines([(style, text)], 9, width)
    assert all(line.width <= width + 1e-9 for line in lines)
    assert "".join("".join(text_of(lines)).split()) == "".join(items)
    for line in lines:
        content = "".join(t for _, t in line.runs)
        assert content == content.strip()  # no space at either end of a line
