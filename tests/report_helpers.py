"""Shared, built-once material of the report tests: an example database and its reports.

Built once per test process (the reports of the example midterm review in both languages and
all formats take a few seconds) and removed at exit.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import date
from functools import cache
from pathlib import Path

from weerbaar.domain import Language, ThemeKind, Workspace
from weerbaar.io import load_workspace
from weerbaar.services.cycles import load_examples
from weerbaar.services.reports import ReportRun, build_report
from weerbaar.services.viewer import Viewer
from weerbaar.store import open_store, upgrade

AS_TEST = Viewer.operator("test")
FORMATS = ("html", "docx", "pdf", "xlsx", "odt", "ods")
"""Every report format, each of which the tests open and read back."""

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
REPORT_DATE = date(2021, 9, 20)


@cache
def workdir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="weerbaar-report-tests-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@cache
def example_db() -> str:
    """A SQLite database holding the example cycles (NVS 2019 and the midterm review 2021)."""
    db = workdir() / "examples.db"
    store = open_store(str(db), check_schema=False)
    upgrade(store.engine)
    load_examples(store, AS_TEST)
    store.dispose()
    return str(db)


@cache
def example_reports(lang: Language, kind: str = "review") -> ReportRun:
    """The example midterm review in every format, in ``lang`` (written to a folder too)."""
    store = open_store(example_db())
    try:
        run = build_report(store, AS_TEST, "midterm-2021", formats=FORMATS,
                           kind=kind, lang=lang, report_date=REPORT_DATE)
    finally:
        store.dispose()
    folder = workdir() / f"{kind}-{lang}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in run.files.items():
        (folder / name).write_bytes(content)
    return run


def path_of(run: ReportRun, ext: str) -> Path:
    """Where :func:`example_reports` wrote the report's file of format ``ext``."""
    name = next(n for n in run.files if n.endswith(f".{ext}"))
    kind, lang = name.split("-")[-2], name.split("-")[-1].split(".")[0]
    return workdir() / f"{kind}-{lang}" / name


@cache
def example_workspace() -> Workspace:
    return load_workspace("example:midterm-2021")


def threat_theme_titles(lang: Language) -> list[str]:
    return [t.name.get(lang) for t in example_workspace().themes if t.kind is ThemeKind.THREAT]


def generic_titles(lang: Language) -> list[str]:
    return [t.name.get(lang) for t in example_workspace().themes if t.kind is ThemeKind.GENERIC]


PARTS = {
    "nl": ["Korte samenvatting", "Ontwikkeling van de dreiging en de risico's",
           "Ontwikkeling van de weerbaarheid", "Ontwikkeling van de aanpak"],
    "en": ["Short summary", "Development of the threat and the risks",
           "Development of resilience", "Development of the approach"],
}
