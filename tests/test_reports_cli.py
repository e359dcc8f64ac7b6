"""``weerbaar report`` end to end, the house-style template, the catalogues and bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from odfdo import Document as OdfDocument
from openpyxl import load_workbook
from tests.report_helpers import FORMATS, example_db

from weerbaar.cli import main
from weerbaar.errors import InvalidInput
from weerbaar.i18n import Texts, catalogue_text
from weerbaar.reports.style import default_template_dir, load_style

SRC = Path(__file__).resolve().parents[1] / "src" / "weerbaar" / "reports"


def flat(text: str) -> str:
    return " ".join(text.split())


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_command_writes_and_prints_the_paths(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    out = tmp_path / "reports"
    code, stdout, _ = run(capsys, "report", "midterm-2021", "--db", example_db(), "--format",
                          "html,xlsx", "--lang", "en", "--out", str(out), "--kind", "analysis",
                          "--uncertainty", "--samples", "500", "--seed", "3",
                          "--classification", "confidential", "--date", "2021-09-20")
    assert code == 0
    written = [Path(line) for line in stdout.split()]
    assert written == [out / "midterm-2021-analysis-en.html", out / "midterm-2021-analysis-en.xlsx"]
    html = written[0].read_text(encoding="utf-8")
    assert "Uncertainty and rank robustness" in html and "CONFIDENTIAL" in html
    wb = load_workbook(written[1])
    assert "Uncertainty" in wb.sheetnames
    assert wb["Uncertainty"].max_row == wb["Scenarios"].max_row
    assert wb.properties.category == "CONFIDENTIAL"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_command_writes_all_six_formats_by_default(capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path, lang: str) -> None:
    code, stdout, _ = run(capsys, "report", "midterm-2021", "--db", example_db(), "--lang", lang,
                          "--out", str(tmp_path), "--date", "2021-09-20")
    assert code == 0
    written = [Path(line) for line in stdout.split()]
    assert [p.name for p in written] == [f"midterm-2021-review-{lang}.{fmt}" for fmt in FORMATS]
    marking = {"nl": "INTERN", "en": "INTERNAL"}[lang]
    assert marking in written[0].read_text(encoding="utf-8")
    for path in written[1:]:
        if path.suffix == ".pdf":
            assert path.read_bytes().startswith(b"%PDF-")
            continue
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if path.suffix in (".odt", ".ods"):
                assert names[0] == "mimetype"
                assert zf.read("mimetype").decode().endswith(
                    "text" if path.suffix == ".odt" else "spreadsheet")
                assert marking in zf.read("meta.xml").decode() and marking in zf.read(
                    "styles.xml").decode()  # metadata and the page header
            else:
                assert "[Content_Types].xml" in names
    odt = OdfDocument(written[4])
    assert odt.meta.get_user_defined_metadata()["classification"] == marking
    assert [t.name for t in OdfDocument(written[5]).body.get_tables()] == load_workbook(
        written[3]).sheetnames


@pytest.mark.parametrize(("args", "code", "message"), [
    (("no-such-cycle",), 3, "no cycle 'no-such-cycle'"),
    (("midterm-2021", "--format", "html,rtf"), 2, "unknown report format 'rtf'"),
    (("midterm-2021", "--kind", "memo"), 2, "unknown report kind 'memo'"),
    (("midterm-2021", "--lang", "de"), 2, "unknown language 'de'"),
    (("midterm-2021", "--date", "20-9-2021"), 2, "is not a date"),
    (("midterm-2021", "--cut", "Q"), 2, "key cut: 'Q' is not a class"),
])
def test_bad_input_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    args: tuple[str, ...], code: int, message: str) -> None:
    formats = () if "--format" in args else ("--format", "html")
    result, _, err = run(capsys, "report", *args, *formats, "--db", example_db(), "--out",
                         str(tmp_path))
    assert result == code
    assert message in flat(err) and "Traceback" not in err


def test_unwritable_out_is_a_clear_error(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "report", "midterm-2021", "--db", example_db(), "--out",
                       str(blocker), "--format", "html")
    assert code == 2 and "is a file, not a folder" in flat(err)
    code, _, err = run(capsys, "report", "midterm-2021", "--db", example_db(), "--out",
                       str(blocker / "sub"), "--format", "html")
    assert code == 2 and "cannot create the folder" in flat(err)


def test_template_copy_is_used(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "style"
    code, stdout, _ = run(capsys, "report", "template", "--out", str(folder))
    assert code == 0 and "style.yaml" in stdout
    assert {p.name for p in folder.iterdir()} >= {"style.yaml", "logo.png", "report.html.j2",
                                                  "style.css", "diagram.js"}
    style = (folder / "style.yaml").read_text(encoding="utf-8")
    (folder / "style.yaml").write_text(style.replace('"#154273"', '"#006400"').replace(
        'internal: {nl: "INTERN"', 'internal: {nl: "DEPARTEMENTAAL VERTROUWELIJK"'),
        encoding="utf-8")
    (folder / "report.html.j2").write_text(
        (folder / "report.html.j2").read_text(encoding="utf-8").replace(
            "<main>", "<main><p id='house'>Huisstijl van de organisatie</p>"), encoding="utf-8")
    (folder / "style.css").unlink()  # a missing file falls back to the default template
    code, stdout, _ = run(capsys, "report", "midterm-2021", "--db", example_db(), "--out",
                          str(tmp_path / "out"), "--format", "html", "--template", str(folder))
    assert code == 0
    html = Path(stdout.strip()).read_text(encoding="utf-8")
    assert "DEPARTEMENTAAL VERTROUWELIJK" in html and "#006400" in html
    assert "Huisstijl van de organisatie" in html and "svg.risk-diagram" in html
    code, _, err = run(capsys, "report", "template", "--out", str(folder))
    assert code == 2 and "not overwriting" in flat(err)


def test_bad_template_names_the_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "style.yaml").write_text("colours: {primary: blue}\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"style.yaml, key colours.primary"):
        load_style(tmp_path)
    with pytest.raises(InvalidInput, match="template folder not found"):
        load_style(tmp_path / "missing")
    assert load_style(None).folder == default_template_dir()


def test_every_fixed_text_has_a_dutch_translation() -> None:
    used = {msg if isinstance(msg, str) else msg[0]
            for _, _, msg, _, _ in extract_from_dir(str(SRC), method_map=[("**.py", "python")])}
    assert len(used) > 150

    for lang in ("nl", "en"):
        catalog = read_po(io.StringIO(catalogue_text(lang)))
        ids = {m.id for m in catalog if m.id}
        assert used <= ids, sorted(used - ids)
        assert not [m.id for m in catalog if m.id and m.fuzzy]
        if lang == "nl":
            assert not [m.id for m in catalog if m.id and not m.string]
    nl = Texts("nl")
    assert nl("Development of resilience") == "Ontwikkeling van de weerbaarheid"
    assert Texts("en")("Development of resilience") == "Development of resilience"


def test_inlined_svg_has_no_external_address() -> None:
    from weerbaar.reports.figures import inline_svg, png_size

    svg = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg" '
           'xmlns:xlink="http://www.w3.org/1999/xlink" width="1"><metadata><rdf:RDF '
           'xmlns:dc="http://purl.org/dc/elements/1.1/"/></metadata><g/></svg>')
    assert inline_svg(svg) == '<svg width="1"><g/></svg>'
    logo = (default_template_dir() / "logo.png").read_bytes()
    assert png_size(logo) == (120, 192)
    with pytest.raises(ValueError):
        png_size(b"GIF89a")
