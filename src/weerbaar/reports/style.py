"""The house style of reports: a template folder users can copy, edit and point to.

A template folder holds ``style.yaml`` (colours, fonts, logo, cover text, the default
classification marking), the logo image, ``report.html.j2`` (the HTML page), ``style.css`` and
``diagram.js`` (the interactive risk diagram), and optionally ``reference.docx`` (a Word document
whose styles the DOCX report starts from). A file missing from a user's folder is taken from the
default template, so a copy may keep only what it changes.
"""

from __future__ import annotations

import re
import shutil
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from weerbaar.domain import ClassificationScheme, Language, LocalText
from weerbaar.errors import InvalidInput

STYLE_FILE = "style.yaml"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class Colours(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    primary: str = "#154273"  # headings, cover band
    accent: str = "#E17000"  # highlights, flagged marks
    text: str = "#1A1A1A"
    muted: str = "#5C5C5C"
    table_header: str = "#154273"  # header row background
    table_header_text: str = "#FFFFFF"
    table_stripe: str = "#F2F5F8"
    banner: str = "#B00020"  # classification marking

    @field_validator("*")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX.match(value):
            raise ValueError(f"{value!r} is not a colour like '#154273'")
        return value.upper()


class Fonts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    body: str = "DejaVu Sans"  # DOCX and HTML (HTML falls back to the families below)
    headings: str = "DejaVu Sans"
    html_fallback: str = "'Segoe UI', Arial, Helvetica, sans-serif"
    size_pt: float = Field(default=10.0, ge=6.0, le=16.0)
    pdf_regular: str | None = None  # a TTF file in the template folder; default DejaVu Sans
    pdf_bold: str | None = None
    pdf_italic: str | None = None


class HouseStyle(BaseModel):
    """``style.yaml`` of a template folder, with the folder it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "default"
    organisation: LocalText = LocalText(nl="Nationale Veiligheid", en="National Security")
    cover_text: LocalText = LocalText()
    classification: LocalText = LocalText(nl="ONGERUBRICEERD", en="UNCLASSIFIED")
    # How each classification marking is printed (a marking the scheme labels: its label; a
    # marking listed neither there nor here: in capitals).
    markings: dict[str, LocalText] = Field(default_factory=lambda: {
        "public": LocalText(nl="ONGERUBRICEERD", en="UNCLASSIFIED"),
        "internal": LocalText(nl="INTERN", en="INTERNAL"),
        "confidential": LocalText(nl="DEPARTEMENTAAL VERTROUWELIJK", en="CONFIDENTIAL"),
        "secret": LocalText(nl="STG. GEHEIM", en="SECRET"),
    })
    logo: str | None = "logo.png"
    colours: Colours = Colours()
    fonts: Fonts = Fonts()
    page_size: str = Field(default="A4", pattern="^(A4|Letter)$")
    folder: Path = Field(default=Path("."), exclude=True)

    def file(self, name: str) -> Path:
        """A template file: the folder's own, else the default template's."""
        own = self.folder / name
        return own if own.is_file() else default_template_dir() / name

    def logo_bytes(self) -> bytes | None:
        if not self.logo:
            return None
        return self.file(self.logo).read_bytes()

    def classification_text(self, lang: Language) -> str:
        return self.classification.get(lang)

    def marking_label(self, marking: str, lang: Language,
                      scheme: ClassificationScheme | None = None) -> str:
        """How ``marking`` is printed on a report in ``lang``: the label the classification
        scheme gives it (a preset such as ``vir-bi``), else the template's, else in capitals."""
        if scheme is not None and scheme.label_of(marking) is not None:
            return scheme.label(marking, lang)
        label = self.markings.get(marking)
        return label.get(lang) if label is not None else marking.upper()


def default_template_dir() -> Path:
    """The folder of the default template inside the installed package."""
    return Path(str(resources.files("weerbaar.reports") / "templates" / "default"))


def load_style(folder: Path | str | None = None) -> HouseStyle:
    """Read a template folder's ``style.yaml`` (the default template when ``folder`` is None)."""
    if folder is None:
        return _default_style()
    base = Path(folder)
    if not base.is_dir():
        raise InvalidInput("template folder not found", source=base, location=["template"],
                           expected="a folder made by `weerbaar report template --out DIR`")
    path = base / STYLE_FILE
    raw: Any = {}
    if path.is_file():
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            line = getattr(getattr(exc, "problem_mark", None), "line", None)
            raise InvalidInput(f"not valid YAML: {exc}", source=path,
                               line=None if line is None else line + 1) from None
    if not isinstance(raw, dict):
        raise InvalidInput("expected a mapping of style settings", source=path)
    try:
        style = HouseStyle.model_validate({**raw, "folder": base})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InvalidInput(error["msg"].removeprefix("Value error, "), source=path,
                           location=[str(p) for p in error["loc"]]) from None
    if style.logo and not style.file(style.logo).is_file():
        raise InvalidInput(f"logo file {style.logo!r} not found", source=path, location=["logo"])
    return style


@cache
def _default_style() -> HouseStyle:
    folder = default_template_dir()
    raw = yaml.safe_load((folder / STYLE_FILE).read_text(encoding="utf-8")) or {}
    return HouseStyle.model_validate({**raw, "folder": folder})


def copy_template(target: Path | str) -> list[Path]:
    """Copy the default template folder to ``target`` (a new or empty folder) for editing."""
    out = Path(target)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InvalidInput(f"{out} exists and is not an empty folder; not overwriting it",
                           location=["folder"], expected="a new folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for item in sorted(default_template_dir().iterdir()):
            if item.is_file() and not item.name.startswith((".", "__")):
                shutil.copyfile(item, out / item.name)
                written.append(out / item.name)
    except OSError as exc:
        raise InvalidInput(f"cannot write the template: {exc.strerror or exc}", source=out,
                           location=["folder"]) from None
    return written


__all__ = ["Colours", "Fonts", "HouseStyle", "copy_template", "default_template_dir",
           "load_style"]
