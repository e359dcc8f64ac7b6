"""CLI commands on a cycle's content: reviews, measures, strategy import, priorities, gaps."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from weerbaar.cli_db import ActorOption, DbOption, ReasonOption, _actor, _open
from weerbaar.domain import (
    Answer,
    CapabilityType,
    Measure,
    MeasureEffect,
    MeasureStatus,
    Phase,
    ReviewPart,
    Verdict,
)
from weerbaar.errors import InvalidInput

out = Console(soft_wrap=False)

review_app = typer.Typer(help="Theme reviews: the four parts, the two questions, the verdict.",
                         no_args_is_help=True)
measures_app = typer.Typer(help="Measures and capabilities of a cycle.", no_args_is_help=True)

PART_TITLES = {
    ReviewPart.SUMMARY: ("Korte samenvatting", "Short summary"),
    ReviewPart.THREAT: ("Ontwikkeling van de dreiging en de risico's",
                        "Development of the threat and the risks"),
    ReviewPart.RESILIENCE: ("Ontwikkeling van de weerbaarheid", "Development of resilience"),
    ReviewPart.APPROACH: ("Ontwikkeling van de aanpak", "Development of the approach"),
}


@review_app.command("show")
def review_show(cycle: str, theme: str, db: DbOption = None,
                lang: Annotated[str, typer.Option("--lang")] = "en",
                as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show a theme's review."""
    from weerbaar.services.reviews import review_of

    review, revision = review_of(_open(db), cycle, theme)
    if as_json:
        payload = {"revision": revision, **review.model_dump(mode="json")}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    out.print(f"[bold]{cycle} / {theme}[/bold] (revision {revision})")
    for part in ReviewPart:
        title = PART_TITLES[part][0 if lang == "nl" else 1]
        section = review.section(part)
        out.print(f"\n[bold]{title}[/bold]")
        out.print(section.text or "—", highlight=False)
        for link in section.evidence:
            out.print(f"  evidence: {link.kind.value} {link.ref}", highlight=False)
    for name, label in (("comprehensive", "Comprehensive approach?"),
                        ("more_resilient", "More resilient given the threat?")):
        answer = getattr(review, name)
        out.print(f"\n[bold]{label}[/bold] {answer.answer.value}"
                  + (f" — {answer.reasoning}" if answer.reasoning else ""), highlight=False)
    verdict = review.verdict.value if review.verdict else "—"
    out.print(f"\n[bold]Verdict[/bold] {verdict}"
              + (f" — {review.verdict_reasoning}" if review.verdict_reasoning else ""),
              highlight=False)


@review_app.command("edit")
def review_edit(
    cycle: str, theme: str,
    part: Annotated[ReviewPart | None, typer.Option("--part")] = None,
    text: Annotated[str | None, typer.Option("--text")] = None,
    text_file: Annotated[Path | None, typer.Option("--text-file")] = None,
    comprehensive: Annotated[Answer | None, typer.Option("--comprehensive")] = None,
    comprehensive_reasoning: Annotated[str | None, typer.Option(
        "--comprehensive-reasoning")] = None,
    more_resilient: Annotated[Answer | None, typer.Option("--more-resilient")] = None,
    more_resilient_reasoning: Annotated[str | None, typer.Option(
        "--more-resilient-reasoning")] = None,
    verdict: Annotated[Verdict | None, typer.Option("--verdict")] = None,
    verdict_reasoning: Annotated[str | None, typer.Option("--verdict-reasoning")] = None,
    expected: Annotated[int | None, typer.Option(
        "--expected-revision", help="Revision the edit was made against.")] = None,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
) -> None:
    """Change a part's text, answer a question, or set the verdict (a new revision)."""
    from weerbaar.services.reviews import ReviewEdit, edit_review

    if text_file is not None:
        if not text_file.exists():
            raise InvalidInput("file not found", source=text_file, location=["--text-file"])
        text = text_file.read_text(encoding="utf-8")
    edit = ReviewEdit(part=part, text=text, comprehensive=comprehensive,
                      comprehensive_reasoning=comprehensive_reasoning,
                      more_resilient=more_resilient,
                      more_resilient_reasoning=more_resilient_reasoning, verdict=verdict,
                      verdict_reasoning=verdict_reasoning)
    new = edit_review(_open(db), cycle, theme, edit, actor=_actor(actor), reason=reason,
                      expected_revision=expected)
    out.print(f"review of {theme} saved as revision {new}")


@measures_app.command("list")
def measures_list(cycle: str, theme: Annotated[str | None, typer.Option("--theme")] = None,
                  db: DbOption = None,
                  as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List a cycle's measures."""
    from weerbaar.store import cycle_workspace

    workspace, _ = cycle_workspace(_open(db), cycle)
    items = [m for m in workspace.measures if theme is None or theme in m.themes]
    if as_json:
        sys.stdout.write(json.dumps([m.model_dump(mode="json") for m in items], indent=2,
                                    ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Measures in {cycle}", title_justify="left")
    for col in ("id", "title", "owner", "status", "themes", "scenarios", "effect"):
        table.add_column(col)
    for m in items:
        effect = []
        if m.effect.likelihood:
            effect.append(f"likelihood -{m.effect.likelihood:g}")
        effect += [f"{c} -{v}" for c, v in m.effect.criteria.items()]
        table.add_row(m.id, m.title, m.owner or "", m.status.value, ", ".join(m.themes),
                      ", ".join(m.scenarios), ", ".join(effect))
    out.print(table)


def _criterion_effects(items: list[str]) -> dict[str, int]:
    effects = {}
    for item in items:
        cid, sep, steps = item.partition("=")
        if not sep or not steps.strip().isdigit():
            raise InvalidInput(f"{item!r} is not CRITERION=CLASSES",
                               location=["--criterion-effect"], expected="e.g. 2.1=1")
        effects[cid.strip()] = int(steps)
    return effects


@measures_app.command("add")
def measures_add(
    cycle: str,
    measure_id: Annotated[str, typer.Option("--id")],
    title: Annotated[str, typer.Option("--title")],
    theme: Annotated[list[str] | None, typer.Option("--theme")] = None,
    scenario: Annotated[list[str] | None, typer.Option("--scenario")] = None,
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    partner: Annotated[list[str] | None, typer.Option("--partner")] = None,
    capability: Annotated[CapabilityType | None, typer.Option("--capability")] = None,
    phase: Annotated[Phase | None, typer.Option("--phase")] = None,
    status: Annotated[MeasureStatus, typer.Option("--status")] = MeasureStatus.PLANNED,
    start: Annotated[str | None, typer.Option("--start", help="YYYY-MM-DD")] = None,
    end: Annotated[str | None, typer.Option("--end", help="YYYY-MM-DD")] = None,
    likelihood_effect: Annotated[float, typer.Option(
        "--likelihood-effect", help="Likelihood classes down (0.5 steps).")] = 0.0,
    criterion_effect: Annotated[list[str] | None, typer.Option(
        "--criterion-effect", help="CRITERION=CLASSES down, e.g. 2.1=1 (repeatable).")] = None,
    effect_reasoning: Annotated[str | None, typer.Option("--effect-reasoning")] = None,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
) -> None:
    """Add a measure (with its expected effect, which gives the residual position)."""
    from weerbaar.services.reviews import add_measure

    def day(value: str | None, option: str) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise InvalidInput(f"{value!r} is not a date", location=[option],
                               expected="YYYY-MM-DD") from None

    try:
        measure = Measure(
            id=measure_id, title=title, themes=tuple(theme or ()),
            scenarios=tuple(scenario or ()), owner=owner, partners=tuple(partner or ()),
            capability=capability, phase=phase, status=status,
            start=day(start, "--start"), end=day(end, "--end"),
            effect=MeasureEffect(likelihood=likelihood_effect,
                                 criteria=_criterion_effects(criterion_effect or []),
                                 reasoning=effect_reasoning))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "measure"
        raise InvalidInput(error["msg"].removeprefix("Value error, "),
                           location=["measure", where]) from None
    add_measure(_open(db), cycle, measure, actor=_actor(actor), reason=reason)
    out.print(f"measure {measure_id} added to {cycle}")


def import_strategy_cmd(
    file: Path,
    cycle: Annotated[str | None, typer.Option("--cycle", help="Cycle whose reviews to fill.")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the parsed structure; store nothing.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
) -> None:
    """Read a strategy document (like the midterm review) into a cycle's theme reviews."""
    from weerbaar.io.strategy_document import read_strategy_document

    if as_json:
        document = read_strategy_document(file)
        sys.stdout.write(json.dumps(document.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    if cycle is None:
        raise InvalidInput("name the cycle to import into", location=["--cycle"],
                           expected="--cycle KEY (or --json to only parse)")
    from weerbaar.services.strategy import import_strategy

    result = import_strategy(_open(db), cycle, file, actor=_actor(actor), reason=reason,
                             dry_run=dry_run)
    for line in result.document.report.summary_lines():
        out.print(line, highlight=False)
    for match in result.matches:
        target = match.theme or f"not placed ({match.note})"
        out.print(f"  {match.heading} → {target}", highlight=False)
    if result.unmatched_themes:
        out.print("themes without text in the document: " + ", ".join(result.unmatched_themes))
    if result.report is not None:
        verb = "would change" if dry_run else "changed"
        out.print(f"reviews: {verb} {len(result.report.changed)}, added "
                  f"{len(result.report.added)}")


def priorities_cmd(cycle: str, cut: Annotated[str, typer.Option(
                       "--cut", help="Lowest class that counts as serious harm.")] = "C",
                   db: DbOption = None,
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Scenarios and themes that seriously harm at least one interest, with their verdicts."""
    from weerbaar.services.reviews import cycle_priorities

    result = cycle_priorities(_open(db), cycle, cut=cut)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Priority list of {cycle} (cut {cut})", title_justify="left")
    for col in ("theme", "verdict", "scenarios (harmed interests: class)"):
        table.add_column(col)
    by_id = {s.scenario: s for s in result.scenarios}
    for theme in result.themes:
        listed = "; ".join(f"{sid} ({', '.join(f'{i}: {c}' for i, c in by_id[sid].harmed.items())})"
                           for sid in theme.scenarios)
        table.add_row(theme.theme, theme.verdict.value if theme.verdict else "—", listed)
    out.print(table)


def gaps_cmd(cycle: str, cut: Annotated[str, typer.Option("--cut")] = "C",
             db: DbOption = None) -> None:
    """Per scenario: criteria scored at or above the cut with no running measure."""
    from weerbaar.services.reviews import cycle_gaps

    table = Table(title=f"Capability gaps in {cycle} (cut {cut})", title_justify="left")
    for col in ("scenario", "criterion", "class", "planned measures"):
        table.add_column(col)
    for gap in cycle_gaps(_open(db), cycle, cut=cut):
        table.add_row(gap.scenario, gap.criterion, gap.code, ", ".join(gap.measures_planned))
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
    app.add_typer(measures_app, name="measures")
    app.command("import-strategy")(import_strategy_cmd)
    app.command("priorities")(priorities_cmd)
    app.command("gaps")(gaps_cmd)
