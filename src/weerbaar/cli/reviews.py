"""``weerbaar review show|edit`` (theme reviews) and ``weerbaar import-strategy``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
from weerbaar.domain import Answer, ReviewPart, Verdict
from weerbaar.errors import InvalidInput

review_app = typer.Typer(help="Theme reviews: the four parts, the two questions, the verdict.",
                         no_args_is_help=True)

# the four parts' titles: English message ids of the catalogues (weerbaar.i18n)
PART_TITLES = {
    ReviewPart.SUMMARY: "Short summary",
    ReviewPart.THREAT: "Development of the threat and the risks",
    ReviewPart.RESILIENCE: "Development of resilience",
    ReviewPart.APPROACH: "Development of the approach",
}


@review_app.command("show")
def review_show(cycle: str, theme: str, db: DbOption = None, lang: LangOption = Lang.en,
                as_json: JsonOption = False) -> None:
    """Show a theme's review."""
    from weerbaar.services.reviews import get_review

    record = get_review(open_db(db), operator(), cycle, theme)
    review, revision = record.review, record.revision
    if as_json:
        print_json({"revision": revision, **review.model_dump(mode="json")})
        return
    from weerbaar.i18n import texts

    t = texts(lang.language)
    out.print(f"[bold]{cycle} / {theme}[/bold] (revision {revision})")
    for part in ReviewPart:
        title = t(PART_TITLES[part])
        section = review.section(part)
        out.print(f"\n[bold]{title}[/bold]")
        out.print(section.text or "—", highlight=False)
        for link in section.evidence:
            out.print(f"  evidence: {link.kind.value} {link.ref}", highlight=False)
    for name, label in (("comprehensive", t("Is there a comprehensive approach?")),
                        ("more_resilient",
                         t("Does that approach make us more resilient given the threat?"))):
        answer = getattr(review, name)
        out.print(f"\n[bold]{label}[/bold] {answer.answer.value}"
                  + (f" — {answer.reasoning}" if answer.reasoning else ""), highlight=False)
    verdict = review.verdict.value if review.verdict else "—"
    out.print(f"\n[bold]{t('Approach verdict')}[/bold] {verdict}"
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
        try:
            text = text_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InvalidInput("file not found", source=text_file,
                               location=["--text-file"]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read the file: {exc}", source=text_file,
                               location=["--text-file"], expected="a UTF-8 text file") from None
    edit = ReviewEdit(part=part, text=text, comprehensive=comprehensive,
                      comprehensive_reasoning=comprehensive_reasoning,
                      more_resilient=more_resilient,
                      more_resilient_reasoning=more_resilient_reasoning, verdict=verdict,
                      verdict_reasoning=verdict_reasoning)
    new = edit_review(open_db(db), operator(actor), cycle, theme, edit, reason=reason,
                      expected_revision=expected)
    out.print(f"review of {theme} saved as revision {new}")


def import_strategy(
    file: Path,
    cycle: Annotated[str | None, typer.Option("--cycle", help="Cycle whose reviews to fill.")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the parsed structure; store nothing.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
) -> None:
    """Read a strategy document (like the midterm review) into a cycle's theme reviews."""
    if as_json:
        from weerbaar.services.strategy import read_document

        print_json(read_document(operator(actor), file).to_dict())
        return
    if cycle is None:
        raise InvalidInput("name the cycle to import into", location=["--cycle"],
                           expected="--cycle KEY (or --json to only parse)")
    from weerbaar.services.strategy import import_strategy as import_document

    result = import_document(open_db(db), operator(actor), cycle, file, reason=reason,
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


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
    app.command("import-strategy")(import_strategy)


__all__ = ["register"]
