"""Classification presets: the default scheme and the Dutch government's VIR-BI markings.

``weerbaar classification set --preset vir-bi`` puts the VIR-BI scheme in force (refused while
content carries a marking it lacks); ``classification show`` lists each marking's labels and its
EU and NATO equivalents; content marked ``stg-confidentieel`` is shown and printed with its Dutch
label on pages, in reports and in exports.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pydantic import ValidationError
from tests.operator_support import OPERATOR, export_file

from weerbaar.cli import main
from weerbaar.domain import ClassificationScheme
from weerbaar.domain.classification import (
    PRESETS,
    VIR_BI,
    MarkingLabel,
    classification_preset,
    preset_name,
)
from weerbaar.errors import Conflict, InvalidInput
from weerbaar.services import accounts
from weerbaar.services.classification import set_scheme
from weerbaar.services.cycles import load_examples
from weerbaar.services.excel import export_workbook
from weerbaar.services.reports import build_report
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, get, open_store, save, upgrade
from weerbaar.store.settings import classification_scheme
from weerbaar.web import create_app

CYCLE = "midterm-2021"
SCENARIO = "trade-war"
VIR_BI_LEVELS = ("public", "internal", "dep-vertrouwelijk", "stg-confidentieel", "stg-geheim",
                 "stg-zeer-geheim")
EQUIVALENTS = {
    "dep-vertrouwelijk": ("RESTREINT UE/EU RESTRICTED", "NATO RESTRICTED"),
    "stg-confidentieel": ("CONFIDENTIEL UE/EU CONFIDENTIAL", "NATO CONFIDENTIAL"),
    "stg-geheim": ("SECRET UE/EU SECRET", "NATO SECRET"),
    "stg-zeer-geheim": ("TRÈS SECRET UE/EU TOP SECRET", "COSMIC TOP SECRET"),
}
PASSWORD = "pw-correct-horse-presets"


# --- the domain -------------------------------------------------------------------------------


def test_the_vir_bi_preset() -> None:
    assert set(PRESETS) == {"default", "vir-bi"}
    assert classification_preset("default") == ClassificationScheme()
    scheme = classification_preset("vir-bi")
    assert scheme is VIR_BI and scheme.levels == VIR_BI_LEVELS
    assert scheme.default == "internal" and scheme.audit_reads_from == "dep-vertrouwelijk"
    assert [scheme.display(m, "nl") for m in VIR_BI_LEVELS[2:]] == [
        "Departementaal Vertrouwelijk", "Stg. Confidentieel", "Stg. Geheim", "Stg. Zeer Geheim"]
    assert scheme.display("stg-geheim", "en") == "Stg. Geheim (State Secret, Secret)"
    assert scheme.label("stg-confidentieel", "nl") == "STG. CONFIDENTIEEL"
    for marking, (eu, nato) in EQUIVALENTS.items():
        assert [(e.system, e.marking) for e in scheme.equivalents(marking)] == [
            ("EU", eu), ("NATO", nato)]
    assert scheme.equivalents("internal") == ()
    assert scheme.display(None, "nl") == "Intern"  # unmarked content counts as the default
    # the equivalents are labels, not levels: they rank nowhere
    assert scheme.rank("NATO SECRET") == len(VIR_BI_LEVELS)
    assert preset_name(scheme) == "vir-bi" and preset_name(ClassificationScheme()) == "default"
    assert preset_name(scheme.model_copy(update={"default": "public"})) is None
    with pytest.raises(KeyError):
        classification_preset("nato")


def test_a_scheme_without_labels_shows_its_markings() -> None:
    scheme = ClassificationScheme()
    assert scheme.display("confidential", "nl") == "confidential"
    assert scheme.label("confidential") == "CONFIDENTIAL" and scheme.equivalents("secret") == ()


def test_labels_must_belong_to_the_markings() -> None:
    with pytest.raises(ValidationError, match="label of 'top' is not for one of the markings"):
        ClassificationScheme(labels=(MarkingLabel(marking="top", nl="Top", en="Top"),))
    with pytest.raises(ValidationError, match="one label"):
        ClassificationScheme(labels=(MarkingLabel(marking="secret", nl="a", en="a"),
                                     MarkingLabel(marking="secret", nl="b", en="b")))
    # a stored scheme reads back whole, labels and equivalents too
    assert ClassificationScheme.model_validate(VIR_BI.model_dump(mode="json")) == VIR_BI


# --- the store and the command line ------------------------------------------------------------


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("presets") / "examples.sqlite"
    store = open_store(str(path), check_schema=False)
    upgrade(store.engine)
    load_examples(store, OPERATOR)
    store.dispose()
    return path


@pytest.fixture
def db(examples: Path, tmp_path: Path) -> Path:
    path = tmp_path / "db.sqlite"
    shutil.copyfile(examples, path)
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    opened = open_store(str(db))
    yield opened
    opened.dispose()


def mark(store: Store, marking: str, scenario: str = SCENARIO) -> None:
    stored = get(store, CYCLE, "scenario", scenario)
    save(store, CYCLE, stored.item.model_copy(update={"marking": marking}),
         expected_revision=stored.revision, actor="test")


def test_a_preset_lacking_a_marking_in_use_is_refused(store: Store) -> None:
    mark(store, "confidential")
    with pytest.raises(Conflict, match=r"lacks: 'confidential' \(1x\)"):
        set_scheme(store, OPERATOR, {"preset": "vir-bi"})
    assert classification_scheme(store) == ClassificationScheme()
    mark(store, "internal")
    assert set_scheme(store, OPERATOR, {"preset": "vir-bi"}) == VIR_BI
    assert classification_scheme(store) == VIR_BI
    mark(store, "stg-geheim")
    with pytest.raises(Conflict, match=r"lacks: 'stg-geheim' \(1x\)"):
        set_scheme(store, OPERATOR, {"preset": "default"})


def test_a_preset_with_its_own_default_and_read_logging(store: Store) -> None:
    chosen = set_scheme(store, OPERATOR, {"preset": "vir-bi", "default": "public",
                                          "audit_reads_from": "stg-confidentieel",
                                          })
    assert chosen.levels == VIR_BI_LEVELS and chosen.labels == VIR_BI.labels
    assert (chosen.default, chosen.audit_reads_from) == ("public", "stg-confidentieel")
    with pytest.raises(InvalidInput) as caught:
        set_scheme(store, OPERATOR, {"preset": "nato"})
    assert caught.value.location == ["classification", "preset"]
    assert caught.value.expected == "one of default, vir-bi"
    with pytest.raises(InvalidInput) as caught:
        set_scheme(store, OPERATOR, {"preset": "vir-bi", "levels": ["a"]})
    assert caught.value.location == ["classification", "levels"]
    with pytest.raises(InvalidInput, match="default 'secret' is not one of the markings"):
        set_scheme(store, OPERATOR, {"preset": "vir-bi", "default": "secret"})


def test_cli_sets_a_preset_and_shows_labels_and_equivalents(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classification", "set", "--preset", "vir-bi", "--db", str(db)]) == 0
    assert "dep-vertrouwelijk < stg-confidentieel" in " ".join(capsys.readouterr().out.split())
    assert main(["classification", "show", "--db", str(db)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"markings (lowest first): {' < '.join(VIR_BI_LEVELS)}" in out
    assert "preset: vir-bi" in out and "unmarked content counts as: internal" in out
    assert "reads are logged from: dep-vertrouwelijk" in out
    assert ("stg-confidentieel: Stg. Confidentieel / Stg. Confidentieel (State Secret, "
            "Confidential) — equivalents: EU CONFIDENTIEL UE/EU CONFIDENTIAL; NATO NATO "
            "CONFIDENTIAL") in out
    for eu, nato in EQUIVALENTS.values():
        assert f"EU {eu}; NATO {nato}" in out
    assert "internal: Intern / Internal" in out
    for args in (["--preset", "nato"], ["--preset", "vir-bi", "--levels", "a,b"],
                 ["--levels", "a,b"]):
        assert main(["classification", "set", *args, "--db", str(db)]) == 2, args
        capsys.readouterr()
    assert main(["classification", "set", "--preset", "default", "--db", str(db)]) == 0
    assert main(["classification", "show", "--db", str(db)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "public < internal < confidential < secret" in out and "preset: default" in out


# --- reports, exports and pages show the labels ------------------------------------------------


@pytest.fixture
def vir_bi(store: Store) -> Store:
    """The examples under the VIR-BI preset, trade-war marked Stg. Confidentieel."""
    set_scheme(store, OPERATOR, {"preset": "vir-bi"})
    mark(store, "stg-confidentieel")
    return store


@pytest.mark.parametrize("lang,printed", [
    ("nl", "STG. CONFIDENTIEEL"),
    ("en", "STG. CONFIDENTIEEL (STATE SECRET, CONFIDENTIAL)")])
def test_reports_print_the_label(vir_bi: Store, lang: str, printed: str) -> None:
    run = build_report(vir_bi, OPERATOR, CYCLE, formats="html,xlsx", kind="review", lang=lang)
    html = next(v for k, v in run.files.items() if k.endswith(".html")).decode("utf-8")
    banners = re.findall(r'<div class="banner (?:top|bottom)"[^>]*>([^<]*)</div>', html)
    assert banners == [printed, printed]
    assert "STG-CONFIDENTIEEL" not in html
    book = load_workbook(io.BytesIO(next(v for k, v in run.files.items()
                                         if k.endswith(".xlsx"))))
    assert book.properties.category == printed
    # for a reader cleared to dep-vertrouwelijk the report holds and carries less
    low = build_report(vir_bi, Viewer.operator("t", clearance="dep-vertrouwelijk"),
                       CYCLE, formats="html", kind="review", lang="nl")
    page = next(iter(low.files.values())).decode("utf-8")
    assert "INTERN" in page and "STG. CONFIDENTIEEL" not in page


def test_exports_carry_the_label(vir_bi: Store, tmp_path: Path) -> None:
    text = export_file(vir_bi, CYCLE, tmp_path / "ws.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "# Classification: STG. CONFIDENTIEEL (STATE SECRET, CONFIDENTIAL)")
    book = load_workbook(io.BytesIO(export_workbook(vir_bi, OPERATOR, CYCLE, lang="nl").content))
    assert book.properties.category == "STG. CONFIDENTIEEL"
    assert book["scenarios"].oddHeader.center.text == "STG. CONFIDENTIEEL"


def test_pages_show_the_dutch_labels(vir_bi: Store) -> None:
    # reads are logged from Stg. Zeer Geheim on: a clearance below it needs no second factor
    set_scheme(vir_bi, OPERATOR, {"preset": "vir-bi", "audit_reads_from": "stg-zeer-geheim"})
    accounts.add_user(vir_bi, OPERATOR, "stella", PASSWORD, must_change_password=False)
    accounts.grant(vir_bi, OPERATOR, "stella", "analyst", cycle="*", clearance="stg-geheim")
    with TestClient(create_app(vir_bi)) as client:  # type: ignore[arg-type]
        response = client.post("/api/v1/login", json={"username": "stella",
                                                       "password": PASSWORD})
        assert response.status_code == 200, response.text
        listing = client.get(f"/cycles/{CYCLE}/scenarios", params={"lang": "nl"}).text
        assert '<td class="marking">Stg. Confidentieel</td>' in listing
        assert '<td class="marking">Intern</td>' in listing
        page = client.get(f"/cycles/{CYCLE}/scenarios/{SCENARIO}", params={"lang": "nl"}).text
        assert "Markering: Stg. Confidentieel" in page or "Stg. Confidentieel</span>" in page
        english = client.get(f"/cycles/{CYCLE}/scenarios/{SCENARIO}",
                             params={"lang": "en"}).text
        assert "Stg. Confidentieel (State Secret, Confidential)</span>" in english
        form = client.get(f"/cycles/{CYCLE}/scenarios/{SCENARIO}/edit",
                          params={"lang": "nl"}).text
        assert '<option value="stg-confidentieel" selected>Stg. Confidentieel</option>' in form
        assert '<option value="stg-geheim">Stg. Geheim</option>' in form
        assert "stg-zeer-geheim" not in form  # above the user's clearance
