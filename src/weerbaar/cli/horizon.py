"""``weerbaar horizon import|list|trends|developments|attach|section``: the horizon scan."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from weerbaar.cli.options import (
    ActorOption,
    DbOption,
    JsonOption,
    Lang,
    LangOption,
    ReasonOption,
    open_db,
    operator,
    out,
    print_json,
)
from weerbaar.cli.words import plain, words
from weerbaar.domain import SignalStatus
from weerbaar.errors import InvalidInput

horizon_app = typer.Typer(help="Horizon scan: signals, trends and developments per theme.",
                          no_args_is_help=True)

CycleOption = Annotated[str, typer.Option("--cycle", help="The cycle the signals belong to.")]


class Features(StrEnum):
    tfidf = "tfidf"
    embeddings = "embeddings"


HalfLife = Annotated[float, typer.Option(
    "--half-life", help="Days after which a signal counts half in a trend's popularity.")]
Period = Annotated[int, typer.Option("--period", help="Length of a period in days.")]
FeaturesOption = Annotated[Features, typer.Option(
    "--features", help="tfidf (default) or embeddings (needs weerbaar[embeddings]).")]
AsOf = Annotated[str | None, typer.Option(
    "--as-of", help="Reference date YYYY-MM-DD (default: the newest signal's date).")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the clustering's random choices.")]


def _day(as_of: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise InvalidInput(f"{as_of!r} is not a date", location=["--as-of"],
                           expected="YYYY-MM-DD") from None


@horizon_app.command("import")
def horizon_import(
    file: Path, cycle: CycleOption,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; store nothing.")
                       ] = False,
    keep_duplicates: Annotated[bool, typer.Option(
        "--keep-duplicates", help="Import near-duplicates too (they are reported either way).")
    ] = False,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="Cosine similarity at which two signals are near-duplicates "
        "(default 0.6).")] = None,
    file_format: Annotated[str | None, typer.Option(
        "--format", help="csv, xlsx, json or feed (RSS/Atom); default: by the file's suffix.")
    ] = None,
    marking: Annotated[str | None, typer.Option(
        "--marking", help="Classification marking of every signal of the file (a signal's own "
        "'marking' column or key wins when it is higher); at most your clearance.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Import signals from a CSV, XLSX, JSON or RSS/Atom file on disk (all or nothing)."""
    from weerbaar.services.signals import import_signals

    given = {"threshold": threshold} if threshold is not None else {}
    result = import_signals(open_db(db), operator(actor), cycle, file, reason=reason,
                            dry_run=dry_run, keep_duplicates=keep_duplicates,
                            format=file_format, marking=marking, **given)
    if as_json:
        print_json(result.to_dict())
        return
    t = words(lang)
    out.print(t("read {count} signals from {file} ({format})", count=len(result.file.records),
                file=file, format=result.file.format), highlight=False, markup=False)
    if result.duplicates:
        table = Table(title=t("Near-duplicates (kept)") if keep_duplicates
                      else t("Near-duplicates (left out)"), title_justify="left")
        for col in ("where", "signal", "matches", "similarity"):
            table.add_column(t(col))
        for d in result.duplicates:
            match = f"{d.match_id} {d.match_title!r}" + (f" ({d.match_where})" if d.match_where
                                                         else " " + t("(stored)"))
            table.add_row(plain(d.where), plain(d.title), plain(match), f"{d.similarity:.2f}")
        out.print(table)
    out.print(t("would import {count} signals into {cycle}" if dry_run
                else "imported {count} signals into {cycle}", count=len(result.imported),
                cycle=cycle), highlight=False, markup=False)


@horizon_app.command("list")
def horizon_list(
    cycle: CycleOption,
    theme: Annotated[str | None, typer.Option("--theme")] = None,
    status: Annotated[SignalStatus | None, typer.Option("--status")] = None,
    as_json: JsonOption = False, db: DbOption = None, lang: LangOption = Lang.en,
) -> None:
    """List a cycle's signals, optionally of one theme and/or status."""
    from weerbaar.services.signals import list_signals

    items = list_signals(open_db(db), operator(), cycle, theme=theme, status=status)
    if as_json:
        print_json([{"revision": s.revision, **s.item.model_dump(mode="json")} for s in items])
        return
    t = words(lang)
    table = Table(title=plain(t("Signals in {cycle}", cycle=cycle)
                              + (f" / {theme}" if theme else "")), title_justify="left")
    for col in ("id", "date", "title", "themes", "status", "horizon", "N/I/P", "source"):
        table.add_column(t(col), overflow="fold")
    for stored in items:
        s = stored.item
        scores = "/".join(str(v) if v else "-" for v in (s.novelty, s.impact, s.plausibility))
        table.add_row(plain(s.id), s.date.isoformat(), plain(s.title), plain(", ".join(s.themes)),
                      t(s.status.value), t(s.horizon.value) if s.horizon else "", scores,
                      plain(s.source or ""))
    out.print(table)
    out.print(t("{count} signals", count=len(items)), highlight=False, markup=False)


@horizon_app.command("trends")
def horizon_trends(
    cycle: CycleOption, as_json: JsonOption = False,
    half_life: HalfLife = 180.0, period: Period = 90,
    features: FeaturesOption = Features.tfidf, as_of: AsOf = None, seed: Seed = 0,
    db: DbOption = None, lang: LangOption = Lang.en,
) -> None:
    """Cluster the cycle's signals into trends: top terms, strength, popularity, themes."""
    from weerbaar.services.signals import cycle_trends, horizon_settings

    settings = horizon_settings(half_life=half_life, period=period, features=features.value,
                                as_of=_day(as_of), seed=seed)
    report, _ = cycle_trends(open_db(db), operator(), cycle, settings)
    if as_json:
        print_json(report.to_dict())
        return
    w = words(lang)
    as_of_text = report.as_of.isoformat() if report.as_of else "—"
    table = Table(title=plain(w("Trends in {cycle} at {date} (half-life {days} days, {features})",
                                cycle=cycle, date=as_of_text, days=f"{half_life:g}",
                                features=report.features)), title_justify="left")
    for col in ("#", "top terms", "strength", "popularity", "peak", "signals", "first", "last",
                "themes"):
        table.add_column(w(col))
    for t in report.trends:
        table.add_row(str(t.number), plain(t.label), w(t.strength.value), f"{t.popularity:.2f}",
                      f"{t.peak:.2f}", str(t.size), t.first.isoformat(), t.last.isoformat(),
                      plain(", ".join(f"{k} ({v})" for k, v in t.themes.items())))
    out.print(table)
    out.print(w("{signals} signals, {trends} trends, {unclustered} unclustered",
                signals=report.signals, trends=len(report.trends),
                unclustered=len(report.unclustered)), highlight=False, markup=False)
    if report.themes:
        themes = Table(title=w("Signals per theme"), title_justify="left")
        for col in ("theme", "last period", "period before", "total", "new", "popularity"):
            themes.add_column(w(col))
        for a in report.themes:
            themes.add_row(plain(a.theme), str(a.recent), str(a.previous), str(a.total),
                           str(a.new), f"{a.popularity:.2f}")
        out.print(themes)


@horizon_app.command("developments")
def horizon_developments(
    cycle: CycleOption, theme: Annotated[str, typer.Option("--theme")],
    as_json: JsonOption = False, half_life: HalfLife = 180.0, period: Period = 90,
    features: FeaturesOption = Features.tfidf, as_of: AsOf = None, seed: Seed = 0,
    db: DbOption = None, lang: LangOption = Lang.en,
) -> None:
    """The developments of a theme: the trends touching it, each with its signals."""
    from weerbaar.services.signals import horizon_settings, theme_developments

    settings = horizon_settings(half_life=half_life, period=period, features=features.value,
                                as_of=_day(as_of), seed=seed)
    found = theme_developments(open_db(db), operator(), cycle, theme, settings)
    if as_json:
        print_json([d.to_dict() for d in found])
        return
    w = words(lang)
    if not found:
        out.print(w("no trend has signals of theme {theme}", theme=theme), highlight=False,
                  markup=False)
    for d in found:
        t = d.trend
        out.print(f"\n[bold]{plain(w('trend {number}', number=t.number))}[/bold]: " + plain(w(
            "{label} — {strength}, popularity {popularity}, {count} of {size} signals in {theme}",
            label=t.label, strength=w(t.strength.value), popularity=f"{t.popularity:.2f}",
            count=len(d.signals), size=t.size, theme=theme)), highlight=False)
        for s in d.signals:
            out.print(f"  {s.date} {s.id} {s.title}" + (f" ({s.source})" if s.source else ""),
                      highlight=False, markup=False)


@horizon_app.command("attach")
def horizon_attach(
    cycle: CycleOption, theme: Annotated[str, typer.Option("--theme")],
    trend: Annotated[int, typer.Option("--trend", help="Trend number (horizon trends).")],
    expected: Annotated[int | None, typer.Option(
        "--expected-revision", help="Review revision the edit was made against.")] = None,
    half_life: HalfLife = 180.0, period: Period = 90,
    features: FeaturesOption = Features.tfidf, as_of: AsOf = None, seed: Seed = 0,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Link a trend's signals of a theme as evidence of the review's threat part."""
    from weerbaar.services.signals import attach_trend, horizon_settings

    settings = horizon_settings(half_life=half_life, period=period, features=features.value,
                                as_of=_day(as_of), seed=seed)
    result = attach_trend(open_db(db), operator(actor), cycle, theme, trend, settings=settings,
                          reason=reason, expected_revision=expected)
    t = words(lang)
    if not result.added:
        out.print(t("the review of {theme} already cites all {count} signals of trend {trend}; "
                    "nothing changed", theme=theme, count=len(result.already), trend=trend),
                  highlight=False, markup=False)
        return
    out.print(t("trend {trend} ({label}): {count} signals linked to the threat part of {theme}; "
                "review saved as revision {revision}", trend=trend, label=result.trend.label,
                count=len(result.added), theme=theme, revision=result.revision),
              highlight=False, markup=False)


@horizon_app.command("section")
def horizon_section(
    cycle: CycleOption, half_life: HalfLife = 180.0, period: Period = 90,
    features: FeaturesOption = Features.tfidf, as_of: AsOf = None, seed: Seed = 0,
    db: DbOption = None,
) -> None:
    """The horizon-scan section data of the cycle's report, as JSON."""
    from weerbaar.services.signals import horizon_scan_section, horizon_settings

    settings = horizon_settings(half_life=half_life, period=period, features=features.value,
                                as_of=_day(as_of), seed=seed)
    print_json(horizon_scan_section(open_db(db), operator(), cycle, settings).to_dict())


def register(app: typer.Typer) -> None:
    app.add_typer(horizon_app, name="horizon")


__all__ = ["register"]
