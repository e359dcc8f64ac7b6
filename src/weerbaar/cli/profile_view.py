"""Terminal view of a method profile (``weerbaar profiles show``): every value with its status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from rich.console import Console
from rich.table import Table

from weerbaar.domain import Language, Status

if TYPE_CHECKING:
    from weerbaar.services.profiles import MethodProfile

_STYLE = {
    Status.VERIFIED: "green",
    Status.CORROBORATED: "cyan",
    Status.PROVISIONAL: "yellow",
    Status.UNKNOWN: "red",
}


class Sourced(Protocol):
    """A method value's provenance: its status and source."""

    @property
    def status(self) -> Status: ...
    @property
    def source(self) -> str | None: ...


class Valued(Sourced, Protocol):
    """A method value with its provenance (a profile's ``Fact``)."""

    @property
    def value(self) -> Any: ...


def _status(p: Sourced | None) -> str:
    if p is None:
        return ""
    style = _STYLE[p.status]
    text = f"[{style}]{p.status.value}[/{style}]"
    if p.source:
        text += f" ({p.source})"
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
    """Print interests, criteria, scales and aggregation, each value with its provenance."""
    console.print(f"[bold]{p.name.get(lang)}[/bold]  id {p.id}, version {p.version}, "
                  f"hash {p.content_hash[:12]}  {_status(p.provenance)}")
    console.print(p.description.get(lang))
    criteria = Table(title="Interests and criteria", title_justify="left")
    for col in ("id", "criterion", "kind", "thresholds / levels", "status"):
        criteria.add_column(col)
    for interest in p.interests:
        criteria.add_row(f"[bold]{interest.id}[/bold]", f"[bold]{interest.name.get(lang)}[/bold]",
                         "", "", _status(interest.provenance))
        for c in p.criteria:
            if c.interest != interest.id:
                continue
            detail = c.thresholds or c.table or c.levels
            unit = f" {c.unit}" if c.unit and c.thresholds and c.thresholds.value else ""
            criteria.add_row(c.id, c.name.get(lang), c.kind.value,
                             (_value(detail) + unit) if detail is not None else "",
                             _status(detail) if detail is not None else _status(c.provenance))
    console.print(criteria)
    scales = Table(title="Scales and aggregation", title_justify="left")
    for col in ("item", "value", "status"):
        scales.add_column(col)
    imp = p.impact_scale
    classes = ", ".join(f"{lv.code} {lv.name.get(lang)}" for lv in imp.levels)
    scales.add_row("impact classes", classes, _status(imp.provenance))
    scales.add_row("impact class factor", _value(imp.factor), _status(imp.factor))
    agg = p.aggregation
    scales.add_row("default method", agg.default_method.value,
                   _status(agg.default_method_provenance))
    scales.add_row("class values", _value(agg.class_values), _status(agg.class_values))
    scales.add_row("denominator for X", _value(agg.denominator)
                   + f" (fallback: {agg.denominator_fallback.value})", _status(agg.denominator))
    for pref in agg.preference_profiles:
        weights = ", ".join(f"{k}: {v:g}" for k, v in pref.weights.items()) or "equal"
        scales.add_row(f"preference '{pref.id}'", f"{pref.name.get(lang)} — {weights}",
                       _status(pref.provenance))
    like = p.likelihood
    scales.add_row("likelihood classes",
                   ", ".join(f"{lv.code} {lv.name.get(lang)}" for lv in like.scale.levels)
                   + (" (half classes)" if like.scale.half_classes else ""),
                   _status(like.scale.provenance))
    scales.add_row("likelihood class factor", _value(like.scale.factor), _status(like.scale.factor))
    for kind, basis in (("hazard", like.hazard), ("threat", like.threat)):
        scales.add_row(f"{kind}: basis", basis.basis.get(lang), _status(basis.provenance))
        if basis.horizon_years is not None:
            scales.add_row(f"{kind}: horizon (years)", _value(basis.horizon_years),
                           _status(basis.horizon_years))
        if basis.bands is not None:
            bands = ", ".join(f"{k}: {lo * 100:g}–{hi * 100:g} %"
                              for k, (lo, hi) in (basis.bands.value or {}).items()) or "—"
            scales.add_row(f"{kind}: probability bands", bands, _status(basis.bands))
        if basis.levels is not None:
            scales.add_row(f"{kind}: level descriptions", _value(basis.levels),
                           _status(basis.levels))
    console.print(scales)
    sources = Table(title="Sources", title_justify="left")
    sources.add_column("key")
    sources.add_column("source")
    for key, text in p.sources.items():
        sources.add_row(key, text)
    console.print(sources)


__all__ = ["describe_profile"]
