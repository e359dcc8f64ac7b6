"""Figures as bytes: every chart is built once and rendered to PNG and SVG in memory.

The ``render_*`` functions give the same bytes as the path-taking ``draw_*`` functions write, in
either order of formats; a report draws each figure once and never goes through a file.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from weerbaar.cascade import CascadeGraph, Propagation, time_to_impact
from weerbaar.domain import Workspace
from weerbaar.errors import InvalidInput
from weerbaar.io import load_workspace
from weerbaar.io.vital_files import dutch_catalogue
from weerbaar.methods.assessment import assess
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile
from weerbaar.methods.results import Assessment
from weerbaar.methods.uncertainty import UncertaintyAnalysis
from weerbaar.methods.uncertainty.results import UncertaintyResult
from weerbaar.reports import cascade_charts, diagram, figures, uncertainty_charts
from weerbaar.reports.canvas import figure_formats, render_figure

Render = Callable[[tuple[str, ...]], dict[str, bytes]]
Write = Callable[[Path], object]


class Example:
    """The NVS 2019 example assessed, a small uncertainty analysis and a cascade run."""

    def __init__(self) -> None:
        self.workspace: Workspace = load_workspace("example:nvs-2019")
        self.profile: MethodProfile = get_profile(self.workspace.profile)
        self.assessment: Assessment = assess(self.workspace.scenarios, self.profile,
                                             title=self.workspace.title)
        self.result: UncertaintyResult = UncertaintyAnalysis(samples=500, seed=3).run(
            self.workspace.scenarios, self.profile)
        self.graph = CascadeGraph.from_catalogue(dutch_catalogue().catalogue)
        self.outages = self.graph.indices(["1", "6"])
        self.timeline = Propagation(hours=12).run(self.graph, self.outages)
        self.times = time_to_impact(self.graph, self.outages)


@pytest.fixture(scope="module")
def example() -> Example:
    return Example()


def charts(e: Example) -> dict[str, tuple[Render, Write]]:
    """Per chart: its ``render_*`` (formats -> bytes) and its ``draw_*`` (path -> file)."""
    themes, outages = e.workspace.themes, e.outages.tolist()
    return {
        "risk": (lambda f: diagram.render_risk_diagram(e.assessment, e.profile, themes, formats=f,
                                                       lang="nl", residual=e.assessment),
                 lambda p: diagram.draw_risk_diagram(e.assessment, e.profile, themes, p,
                                                     lang="nl", residual=e.assessment)),
        "uncertainty": (
            lambda f: uncertainty_charts.render_uncertainty_diagram(
                e.result, e.assessment, e.profile, themes, formats=f, title="U"),
            lambda p: uncertainty_charts.draw_uncertainty_diagram(
                e.result, e.assessment, e.profile, themes, p, title="U")),
        "rank": (lambda f: uncertainty_charts.render_rank_chart(e.result, formats=f, lang="nl"),
                 lambda p: uncertainty_charts.draw_rank_chart(e.result, p, lang="nl")),
        "timeline": (lambda f: cascade_charts.render_timeline(e.timeline, e.graph, formats=f,
                                                              run_id="r"),
                     lambda p: cascade_charts.draw_timeline(e.timeline, e.graph, p, run_id="r")),
        "graph": (lambda f: cascade_charts.render_cascade_graph(e.graph, formats=f,
                                                                outages=outages, times=e.times),
                  lambda p: cascade_charts.draw_cascade_graph(e.graph, p, outages=outages,
                                                              times=e.times)),
    }


@pytest.mark.parametrize("chart", ["risk", "uncertainty", "rank", "timeline", "graph"])
def test_bytes_in_memory_equal_the_written_files(example: Example, chart: str,
                                                 tmp_path: Path) -> None:
    render, write = charts(example)[chart]
    images = render(("png", "svg"))
    assert list(images) == ["png", "svg"]
    assert images["png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in images["svg"][:2000]
    for fmt in ("png", "svg"):
        write(tmp_path / f"{chart}.{fmt}")
        assert (tmp_path / f"{chart}.{fmt}").read_bytes() == images[fmt], fmt
    assert render(("svg", "png")) == images  # one figure, either format first, same bytes
    assert render(("svg",)) == {"svg": images["svg"]}


def test_formats_are_checked_before_drawing(example: Example) -> None:
    render, _ = charts(example)["rank"]
    with pytest.raises(InvalidInput, match="'pdf'"):
        render(("pdf",))
    with pytest.raises(InvalidInput, match="no figure format"):
        render(())
    assert figure_formats(["svg", "png", "svg"]) == ("svg", "png")


def test_render_figure_clears_the_figure(example: Example) -> None:
    fig = uncertainty_charts.build_rank_chart(example.result)
    assert fig.axes
    images = render_figure(fig, ("svg",))
    assert list(images) == ["svg"] and not fig.axes


def test_report_figures_draw_once_and_touch_no_file(example: Example,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []

    def counting(name: str, build: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            built.append(name)
            return build(*args, **kwargs)
        return wrapper

    def no_files(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a figure went through a temporary file")

    save = Figure.savefig

    def save_to_memory(fig: Figure, fname: Any, **kwargs: Any) -> None:
        assert isinstance(fname, io.BytesIO), fname
        save(fig, fname, **kwargs)

    monkeypatch.setattr(diagram, "build_risk_diagram",
                        counting("risk", diagram.build_risk_diagram))
    monkeypatch.setattr(uncertainty_charts, "build_risk_diagram",
                        counting("uncertainty", uncertainty_charts.build_risk_diagram))
    monkeypatch.setattr(uncertainty_charts, "build_rank_chart",
                        counting("rank", uncertainty_charts.build_rank_chart))
    for name in ("TemporaryDirectory", "NamedTemporaryFile", "mkdtemp", "mkstemp"):
        monkeypatch.setattr(tempfile, name, no_files)
    monkeypatch.setattr(Figure, "savefig", save_to_memory)

    e, clock = example, figures.FigureClock()
    risk = figures.risk_diagram(clock, e.assessment, e.profile, e.workspace.themes, "en",
                                title="T", svg=True)
    plain = figures.risk_diagram(clock, e.assessment, e.profile, e.workspace.themes, "en",
                                 title="T")
    boxes = figures.uncertainty_diagram(clock, e.result, e.assessment, e.profile,
                                        e.workspace.themes, "en", title="U")
    ranks = figures.rank_chart(clock, e.result, "en")
    assert built == ["risk", "uncertainty", "rank"]  # the same diagram again is not redrawn
    assert plain is risk
    for drawn in (risk, boxes, ranks):
        assert drawn.size_px == figures.png_size(drawn.png)
        assert drawn.svg.startswith("<svg") and "<metadata>" not in drawn.svg
    assert clock.seconds > 0.0
    other = figures.risk_diagram(clock, e.assessment, e.profile, e.workspace.themes, "en",
                                 title="Other")
    assert built[-1] == "risk" and len(built) == 4 and other.png != risk.png


def test_a_build_draws_only_the_image_formats_its_writers_need(
        example: Example, monkeypatch: pytest.MonkeyPatch) -> None:
    from weerbaar.reports.writers import figure_formats

    assert figure_formats(["html"]) == ("svg",)
    assert figure_formats(["pdf", "xlsx"]) == ("png",)
    assert figure_formats(["xlsx", "ods"]) == ()
    assert figure_formats(["html", "docx", "odt"]) == ("png", "svg")
    built: list[str] = []
    build = diagram.build_risk_diagram

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append("risk")
        return build(*args, **kwargs)

    monkeypatch.setattr(diagram, "build_risk_diagram", counting)
    e = example
    html = figures.FigureClock.wanting(figure_formats(["html"]))
    interactive = figures.risk_diagram(html, e.assessment, e.profile, e.workspace.themes, "en",
                                       title="T")
    assert built == [] and interactive.png == b"" and interactive.svg == ""  # HTML draws its own
    ranks = figures.rank_chart(html, e.result, "en")
    assert ranks.svg.startswith("<svg") and ranks.png == b""
    pdf = figures.FigureClock.wanting(figure_formats(["pdf"]))
    boxes = figures.uncertainty_diagram(pdf, e.result, e.assessment, e.profile,
                                        e.workspace.themes, "en", title="U")
    assert boxes.svg == "" and boxes.size_px == figures.png_size(boxes.png)
    again = figures.risk_diagram(html, e.assessment, e.profile, e.workspace.themes, "en",
                                 title="T", svg=True)  # asked with SVG after all: drawn now
    assert built == ["risk"] and again.svg.startswith("<svg")


def test_a_multi_format_report_is_built_once_and_its_pdf_draws_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`weerbaar report --format html,docx,pdf,...` builds one document: each risk diagram is
    drawn once for every format, the writers only lay out, and the PDF runs no matplotlib."""
    from tests.report_helpers import AS_TEST, FORMATS, example_db

    from weerbaar.reports.style import load_style
    from weerbaar.reports.writers import render
    from weerbaar.services import reports
    from weerbaar.store import open_store

    builds: list[str] = []
    drawn: list[str] = []
    build, risk = reports.build, diagram.build_risk_diagram

    def counting_build(*args: Any, **kwargs: Any) -> Any:
        builds.append("report")
        return build(*args, **kwargs)

    def counting_risk(*args: Any, **kwargs: Any) -> Any:
        drawn.append("risk")
        return risk(*args, **kwargs)

    monkeypatch.setattr(reports, "build", counting_build)
    monkeypatch.setattr(diagram, "build_risk_diagram", counting_risk)
    store = open_store(example_db())
    try:
        run = reports.build_report(store, AS_TEST, "midterm-2021", formats=FORMATS, lang="en")
        assert builds == ["report"] and len(run.files) == len(FORMATS)
        assert drawn == ["risk", "risk"]  # the diagram and the one beside the parent cycle
        html = reports.build_report(store, AS_TEST, "midterm-2021", formats="html", lang="en")
        assert drawn == ["risk", "risk"]  # HTML alone: interactive diagrams, nothing drawn
        assert all(f.png == b"" for f in html.document.figures())
    finally:
        store.dispose()

    def no_matplotlib(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the PDF writer drew a figure")

    monkeypatch.setattr(Figure, "savefig", no_matplotlib)
    monkeypatch.setattr(Figure, "draw", no_matplotlib)
    assert render(run.document, load_style(), "pdf").startswith(b"%PDF-1.7")
    with pytest.raises(ValueError, match="without a PNG image"):
        render(html.document, load_style(), "pdf")
