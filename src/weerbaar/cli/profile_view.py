"""Terminal view of a method profile (``weerbaar profiles show``): every value with its status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from weerbaar.domain import Language, Status
from weerbaar.i18n import Texts, texts

if TYPE_CHECKING:
    from weerbaar.services.profiles import MethodProfile

_STYLE = {
    Status.VERIFIED: "green",
    Status.CORROBORATED: "cyan",
    Status.WEERBAAR_RULE: "magenta",
    Status.PROVISIONAL: "yellow",
    Status.UNKNOWN: "red",
}


class Sourced(Protocol):
    """A method value's provenance: its status and source."""

    @property
    def status(self) -> Status: ...
    @property
    def source(self) -> str | None: ...
    @property
    def locator(self) -> str | None: ...


class Valued(Sourced, Protocol):
    """A method value with its provenance (a profile's ``Fact``)."""

    @property
    def value(self) -> Any: ...


def _status(p: Sourced | None, t: Texts) -> str:
    """The value's status (in ``t``'s language, coloured) and its source (printed as is)."""
    if p is None:
        return ""
    style = _STYLE[p.status]
    text = f"[{style}]{escape(t(p.status.label))}[/{style}]"
    if p.source:
        text += escape(f" ({p.source}" + (f": {p.locator}" if p.locator else "") + ")")
    by_class: dict[str, Status] = getattr(p, "status_by_class", None) or {}
    for code, status in by_class.items():
        text += escape(f"; {code}: {t(status.label)}")
    return text


def _value(f: Valued | None) -> str:
    if f is None:
        return ""
    if f.value is None:
        return "—"
    if isinstance(f.value, dict):
        return ", ".join(f"{k}: {_num(v)}" for k, v in f.value.items())
    return _num(f.value)


def _num(v: object) -> str:
    if isinstance(v, float | int):
        return f"{v:,.6g}"
    if isinstance(v, list | tuple):
        return "–".join(_num(x) for x in v)
    return str(getattr(v, "en", v))


def describe_profile(p: MethodProfile, lang: Language, console: Console) -> None:
    """Print interests, criteria, scales and aggregation, each value with its provenance
    (fixed words in ``lang``; the profile's texts and sources printed as they are)."""
    t = texts(lang)

    def status(v: Sourced | None) -> str:
        return _status(v, t)

    def name(text: str) -> str:
        return escape(text)

    console.print(f"[bold]{name(p.name.get(lang))}[/bold]  " + escape(t(
        "id {id}, version {version}, hash {hash}", id=p.id, version=p.version,
        hash=p.content_hash[:12])) + f"  {status(p.provenance)}")
    console.print(p.description.get(lang), markup=False)
    criteria = Table(title=t("Interests and criteria"), title_justify="left")
    for col in ("id", "criterion", "kind", "thresholds / levels", "status"):
        criteria.add_column(t(col))
    for interest in p.interests:
        criteria.add_row(f"[bold]{name(interest.id)}[/bold]",
                         f"[bold]{name(interest.name.get(lang))}[/bold]",
                         "", "", status(interest.provenance))
        for c in p.criteria:
            if c.interest != interest.id:
                continue
            detail = c.thresholds or c.table or c.levels
            unit = f" {c.unit}" if c.unit and c.thresholds and c.thresholds.value else ""
            criteria.add_row(name(c.id), name(c.name.get(lang)), t(c.kind.value.replace("_", " ")),
                             name(_value(detail) + unit) if detail is not None else "",
                             status(detail) if detail is not None else status(c.provenance))
    console.print(criteria)
    scales = Table(title=t("Scales and aggregation"), title_justify="left")
    for col in ("item", "value", "status"):
        scales.add_column(t(col))

    def row(item: str, value: str, provenance: str) -> None:
        scales.add_row(name(item), name(value), provenance)

    imp = p.impact_scale
    classes = ", ".join(f"{lv.code} {lv.name.get(lang)}" for lv in imp.levels)
    row(t("impact classes"), classes, status(imp.provenance))
    row(t("impact class factor"), _value(imp.factor), status(imp.factor))
    agg = p.aggregation
    row(t("default method"), agg.default_method.value, status(agg.default_method_provenance))
    row(t("class values"), _value(agg.class_values), status(agg.class_values))
    row(t("denominator for X"), _value(agg.denominator) + " " + t(
        "(fallback: {rule})", rule=agg.denominator_fallback.value), status(agg.denominator))
    for pref in agg.preference_profiles:
        weights = ", ".join(f"{k}: {v:g}" for k, v in pref.weights.items()) or t("equal weights")
        row(t("preference '{profile}'", profile=pref.id), f"{pref.name.get(lang)} — {weights}",
            status(pref.provenance))
    like = p.likelihood
    row(t("likelihood classes"),
        ", ".join(f"{lv.code} {lv.name.get(lang)}" for lv in like.scale.levels)
        + (" " + t("(half classes)") if like.scale.half_classes else ""),
        status(like.scale.provenance))
    row(t("likelihood class factor"), _value(like.scale.factor), status(like.scale.factor))
    if like.scale.half_class_offset is not None:
        row(t("half-class position (+ class)"), _value(like.scale.half_class_offset),
            status(like.scale.half_class_offset))
    for kind, basis in (("hazard", like.hazard), ("threat", like.threat)):
        kind_name = t(kind)
        row(t("{kind}: basis", kind=kind_name), basis.basis.get(lang), status(basis.provenance))
        if basis.horizon_years is not None:
            row(t("{kind}: horizon (years)", kind=kind_name), _value(basis.horizon_years),
                status(basis.horizon_years))
        if basis.bands is not None:
            bands = ", ".join(f"{k}: {lo * 100:g}–{hi * 100:g} %"
                              for k, (lo, hi) in (basis.bands.value or {}).items()) or "—"
            row(t("{kind}: probability bands", kind=kind_name), bands, status(basis.bands))
        if basis.levels is not None:
            row(t("{kind}: level descriptions", kind=kind_name), _value(basis.levels),
                status(basis.levels))
    console.print(scales)
    sources = Table(title=t("Sources"), title_justify="left")
    sources.add_column(t("key"))
    sources.add_column(t("source"))
    for key, text in p.sources.items():
        sources.add_row(name(key), name(text))
    console.print(sources)


__all__ = ["describe_profile"]
