"""``weerbaar review show|edit`` (theme reviews), ``weerbaar review strategy-text`` (the
strategy document's own parts) and ``weerbaar import-strategy``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from weerbaar.cli.words import answer_name, plain, verdict_name, words
from weerbaar.domain import Answer, EvidenceLink, ReviewPart, Status, ThemeReview, Verdict
from weerbaar.errors import InvalidInput

if TYPE_CHECKING:
    from weerbaar.i18n import Texts

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
    # user text (the parts, the reasoning, evidence references) is escaped: printed as written
    out.print(f"[bold]{plain(cycle)} / {plain(theme)}[/bold] "
              f"({plain(t('revision {number}', number=revision))})")
    for part in ReviewPart:
        title = t(PART_TITLES[part])
        section = review.section(part)
        out.print(f"\n[bold]{plain(title)}[/bold]")
        out.print(section.text or "—", highlight=False, markup=False)
        for link in section.evidence:
            out.print(t("  evidence: {kind} {ref}", kind=t(link.kind.value), ref=link.ref),
                      highlight=False, markup=False)
    for name, label in (("comprehensive", t("Is there a comprehensive approach?")),
                        ("more_resilient",
                         t("Does that approach make us more resilient given the threat?"))):
        answer = getattr(review, name)
        out.print(f"\n[bold]{plain(label)}[/bold] {plain(answer_name(t, answer.answer))}"
                  + (f" — {plain(answer.reasoning)}" if answer.reasoning else ""),
                  highlight=False)
    out.print(f"\n[bold]{plain(t('Approach verdict'))}[/bold] "
              f"{plain(verdict_name(t, review.verdict))}"
              + (f" — {plain(review.verdict_reasoning)}" if review.verdict_reasoning else ""),
              highlight=False)
    for note in verdict_rule_notes(review, t):
        out.print(f"  {note}", highlight=False, markup=False)


def verdict_rule_notes(review: ThemeReview, t: Texts) -> list[str]:
    """The verdict the two answers point to, and the verdict `new`, labelled as weerbaar's rule."""
    from weerbaar.domain import suggested_verdict
    from weerbaar.domain.review import SUGGESTION_RULE, VERDICT_PROVENANCE

    notes = []
    suggestion = suggested_verdict(review.comprehensive.answer, review.more_resilient.answer)
    if suggestion is not None:
        notes.append(t("The two answers point to: {verdict}", verdict=verdict_name(t, suggestion))
                     + f" ({t('weerbaar rule')}, {SUGGESTION_RULE.locator})")
    if review.verdict is not None:
        origin = VERDICT_PROVENANCE[review.verdict]
        if origin.status is Status.WEERBAAR_RULE:
            notes.append(t("The verdict {verdict} is weerbaar's own category",
                           verdict=verdict_name(t, review.verdict))
                         + f" ({t('weerbaar rule')}, {origin.locator})")
    return notes


@review_app.command("strategy-text")
def review_strategy_text(cycle: str, db: DbOption = None, lang: LangOption = Lang.en,
                         as_json: JsonOption = False) -> None:
    """Show the cycle's strategy text: the document's introduction, generic instruments and
    conclusion, word for word (instruments have no resilience questions and no verdict)."""
    from weerbaar.services.strategy_text import get_strategy_text

    record = get_strategy_text(open_db(db), operator(), cycle)
    if as_json:
        print_json(record.to_dict())
        return
    t = words(lang)
    text = record.text
    marking = record.scope.scheme.display(text.marking if text else None, lang.language)
    out.print(f"[bold]{plain(t('Strategy text'))} — {plain(cycle)}[/bold] "
              f"({plain(t('revision {number}', number=record.revision))}; "
              f"{plain(t('Marking'))}: {plain(marking)})", highlight=False)
    if text is None:
        out.print(t("No strategy text has been recorded for this cycle."), highlight=False,
                  markup=False)
        return
    if text.title or text.source:
        # user text is printed as written: never read as markup, never wrapped
        out.print(" · ".join([*([text.title] if text.title else []),
                              *([f"{t('Read from')} {text.source}"] if text.source else [])]),
                  highlight=False, markup=False, soft_wrap=True)
    if text.introduction is not None:
        _print_chapter(t("Introduction"), text.introduction.heading, text.introduction.text,
                       text.introduction.footnotes, t)
    if text.instruments:
        out.print(f"\n[bold]{plain(t('Generic instruments for national security'))}[/bold]",
                  highlight=False)
        for instrument in text.instruments:
            _print_chapter(instrument.title or instrument.id, instrument.id, instrument.text,
                           instrument.footnotes, t, evidence=instrument.evidence)
    for chapter in text.other_chapters:
        _print_chapter(chapter.heading, None, chapter.text, chapter.footnotes, t)
    if text.conclusion is not None:
        _print_chapter(t("Conclusion and outlook"), text.conclusion.heading, text.conclusion.text,
                       text.conclusion.footnotes, t)


def _print_chapter(label: str, heading: str | None, body: str, footnotes: Mapping[str, str],
                   t: Texts, *, evidence: Sequence[EvidenceLink] = ()) -> None:
    """A part of the strategy text: its label (with the document's heading when that differs),
    its paragraphs as written, its evidence, its footnotes in numeric order."""
    title = plain(label) if not heading or heading == label else \
        f"{plain(label)} [dim]({plain(heading)})[/dim]"
    out.print(f"\n[bold]{title}[/bold]", highlight=False, soft_wrap=True)
    out.print(body or "—", highlight=False, markup=False, soft_wrap=True)
    for link in evidence:
        out.print(t("  evidence: {kind} {ref}", kind=t(link.kind.value), ref=link.ref),
                  highlight=False, markup=False, soft_wrap=True)
    for key in sorted(footnotes, key=lambda k: (int(k), k) if k.isdigit() else (10**9, k)):
        out.print(f"  {t('Footnote {key}', key=key)}: {footnotes[key]}", highlight=False,
                  markup=False, soft_wrap=True)


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
    lang: LangOption = Lang.en,
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
    out.print(words(lang)("review of {theme} saved as revision {revision}", theme=theme,
                          revision=new), highlight=False, markup=False)


def import_strategy(
    file: Path,
    cycle: Annotated[str | None, typer.Option("--cycle", help="Cycle whose reviews to fill.")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the parsed structure; store nothing.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
) -> None:
    """Read a strategy document (like the midterm review) into a cycle's theme reviews and its
    strategy text (introduction, conclusion, generic instruments)."""
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
        out.print(line, highlight=False, markup=False)
    for match in result.matches:
        target = match.theme or f"not placed ({match.note})"
        out.print(f"  {match.heading} → {target}", highlight=False, markup=False)
    if result.unmatched_themes:
        out.print("themes without text in the document: " + ", ".join(result.unmatched_themes),
                  markup=False)
    if result.report is not None:
        verb = "would change" if dry_run else "changed"
        for label, prefix in (("reviews", "review:"), ("strategy text", "strategy_text:")):
            changed = [k for k in result.report.changed if k.startswith(prefix)]
            added = [k for k in result.report.added if k.startswith(prefix)]
            out.print(f"{label}: {verb} {len(changed)}, added {len(added)}")
    text = result.strategy_text
    if text is not None:
        kept = [name for name in ("introduction", "conclusion") if getattr(text, name)]
        out.print("strategy text: " + ", ".join(
            [*kept, f"{len(text.instruments)} generic instrument(s) "
                    f"({', '.join(i.id for i in text.instruments) or 'none'})"]),
            highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
    app.command("import-strategy")(import_strategy)


__all__ = ["register"]
