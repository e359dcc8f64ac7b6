"""The vital catalogue and the dependency graph: packaged data, user files, validation messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from weerbaar.cascade import CascadeGraph
from weerbaar.cascade.networkx_io import from_networkx, to_networkx
from weerbaar.domain.vital import Dependency, VitalCatalogue, VitalProcess
from weerbaar.errors import InvalidInput
from weerbaar.io.vital_files import dutch_catalogue, load_catalogue, read_vital_file

Write = Callable[[str, str], Path]

PROCESSES = """\
id,name_nl,name_en,category,sector,ministry,population,aspects,basic_need
e,Stroom,Electricity,A,Energy,EZK,1000000,energy,no
w,Water,Water,A,Water,IenW,200000,drinking water,yes
t,Telecom,Telecom,B,ICT,EZK,,communication,
"""


def test_packaged_catalogue_is_the_dutch_list_with_illustrative_dependencies() -> None:
    loaded = dutch_catalogue()
    c = loaded.catalogue
    assert len(c.processes) == 28
    assert [p.id for p in c.processes if p.category and p.category.value == "A"] == [
        "1", "3", "5", "10", "11", "17"]
    assert not any(p.illustrative for p in c.processes)
    assert all(p.serves.population is None for p in c.processes)  # never invented
    assert len(c.dependencies) == 15 and all(d.illustrative for d in c.dependencies)
    assert c.illustrative
    # line numbers count the three comment lines and the header of the illustrative file
    assert loaded.dependency_rows[0] == "dependencies-illustrative.csv line 5"
    assert loaded.process_rows[0] == "vital-processes-nl.csv line 2"
    graph = CascadeGraph.from_catalogue(c, rows=loaded.dependency_rows)
    assert graph.n == 28 and graph.m == 15 and graph.illustrative


def test_user_csv_files_patch_and_extend(write: Write) -> None:
    procs = write("p.csv", "id,population,serves\n10,17900000,households\nx1,,\n")
    with pytest.raises(InvalidInput, match=r"p.csv, line 3: process 'x1' is new and needs a name"):
        read_vital_file(procs, base={p.id: p for p in dutch_catalogue().catalogue.processes})
    procs = write("p.csv", "id,population,serves,name_en,kind\n10,17900000,households,,\n"
                  "x1,,,Data centre X,asset\n")
    deps = write("d.csv", "supplier_id,dependent_id,strength,buffer_hours_low,buffer_hours_high,"
                 "onset,recovery_hours,conditions\n1,x1,5,2,6,linear,3,season=winter;mode=wet\n")
    loaded = load_catalogue([procs, deps])
    by_id = {p.id: p for p in loaded.catalogue.processes}
    assert by_id["10"].serves.population == 17_900_000
    assert by_id["10"].name.en == "Drinking water supply" and by_id["10"].category is not None
    assert by_id["x1"].kind.value == "asset" and len(by_id) == 29
    dep = loaded.catalogue.dependencies[-1]
    assert dep.conditions == {"season": "winter", "mode": "wet"} and not dep.illustrative
    assert dep.key == "1->x1[mode=wet,season=winter]" and dep.ramp == 4.0
    assert loaded.dependency_rows[-1] == "d.csv line 2"


def test_yaml_catalogue(write: Write) -> None:
    path = write("v.yaml", """\
schema: weerbaar.vital/1
processes:
  - {id: e, name: {en: Electricity}, category: A, population: 1000000, aspects: [energy]}
  - id: w
    name: {en: Water}
    serves: {population: 200000, description: households}
    basic_need: true
dependencies:
  - {supplier: e, dependent: w, strength: 5, buffer_hours: [2, 6], onset: linear,
     recovery_hours: 4}
  - {supplier: w, dependent: e, strength: 1, buffer_hours: 12, conditions: {season: winter}}
""")
    loaded = read_vital_file(path)
    e, w = loaded.catalogue.processes
    assert e.serves.population == 1_000_000 and w.basic_need and w.serves.description
    d1, d2 = loaded.catalogue.dependencies
    assert (d1.buffer_hours_low, d1.buffer_hours_high, d1.recovery_hours) == (2, 6, 4)
    assert (d2.buffer_hours_low, d2.buffer_hours_high) == (12, 12)
    assert loaded.dependency_rows == ("v.yaml line 9", "v.yaml line 11")
    graph = CascadeGraph.from_catalogue(loaded.catalogue, conditions={"season": "summer"})
    assert graph.m == 1  # the winter-only dependency does not apply in summer
    assert CascadeGraph.from_catalogue(loaded.catalogue).m == 2  # open conditions hold


@pytest.mark.parametrize(("row", "message"), [
    ("e,x9,5,1,2,step", r"d.csv line 3\): unknown dependent process 'x9'"),
    ("e,e,5,1,2,step", r"d.csv, line 3: .*cannot depend on itself"),
    ("e,w,5,-1,2,step", r"d.csv, line 3: .*buffer_hours_low: Input should be greater than or"),
    ("e,w,5,4,2,step", r"d.csv, line 3: .*buffer_hours_low \(4\) exceeds buffer_hours_high \(2\)"),
    ("e,w,7,1,2,step", r"d.csv, line 3: .*strength: Input should be less than or equal to 5"),
    ("e,w,5,1,2,sudden", r"d.csv, line 3: .*onset"),
    ("e,w,5,1,,step", r"d.csv, line 3: column 'buffer_hours_high' is empty"),
    ("e,w,5,1,x,step", r"d.csv, line 3: column 'buffer_hours_high': 'x' is not a number"),
    ("t,w,5,1,2,step", r"d.csv, line 3: dependency t → w is listed twice \(first on line 2\)"),
])
def test_invalid_dependencies_name_the_row(write: Write, row: str, message: str) -> None:
    procs = write("p.csv", PROCESSES)
    deps = write("d.csv", "supplier_id,dependent_id,strength,buffer_hours_low,buffer_hours_high,"
                 f"onset\nt,w,1,0,0,step\n{row}\n")
    with pytest.raises(InvalidInput, match=message):
        loaded = load_catalogue([procs, deps], dutch_list=False)
        CascadeGraph.from_catalogue(loaded.catalogue, rows=loaded.dependency_rows)


def test_invalid_yaml_names_the_line(write: Write) -> None:
    path = write("v.yaml", "processes:\n  - {id: e, name: {en: E}}\ndependencies:\n"
                 "  - {supplier: e, dependent: e, strength: 5, buffer_hours: 1}\n")
    with pytest.raises(InvalidInput, match=r"v.yaml, key dependencies\[0\], line 4: .*itself"):
        read_vital_file(path)
    path = write("w.yaml", "processes:\n  - {id: e, name: {en: E}, colour: red}\n")
    with pytest.raises(InvalidInput, match=r"w.yaml, key processes\[0\].colour, line 2: unknown"):
        read_vital_file(path)


def test_array_graphs_are_validated_naming_the_edge() -> None:
    ok = {"supplier": np.array([0, 1]), "dependent": np.array([1, 2]),
          "strength": np.array([5.0, 5.0]), "buffer_low": np.array([1.0, 2.0])}
    graph = CascadeGraph.from_arrays(3, **ok)
    assert graph.m == 2 and graph.ids == ("0", "1", "2")
    bad = [({"dependent": np.array([1, 1])}, r"edge 1 \(1 → 1\): a process cannot depend on itself"),
           ({"dependent": np.array([1, 5])}, r"edge 1: unknown dependent process"),
           ({"buffer_low": np.array([1.0, -2.0])}, r"edge 1 \(1 → 2\): negative time"),
           ({"buffer_high": np.array([0.5, 3.0])}, r"edge 0 \(0 → 1\): inconsistent buffer range"),
           ({"strength": np.array([5.0, 9.0])}, r"edge 1 \(1 → 2\): strength outside 0–5")]
    for change, message in bad:
        with pytest.raises(InvalidInput, match=message):
            CascadeGraph.from_arrays(3, **{**ok, **change})


def test_unknown_outage_is_an_input_error() -> None:
    graph = CascadeGraph.from_catalogue(dutch_catalogue().catalogue)
    with pytest.raises(InvalidInput, match="no process '99'"):
        graph.indices(["99"])


def test_networkx_round_trip() -> None:
    catalogue = VitalCatalogue(
        processes=(VitalProcess(id="a", name={"en": "A"}, aspects=("x", "y")),
                   VitalProcess(id="b", name={"nl": "B"}, serves={"population": 5})),
        dependencies=(Dependency(supplier="a", dependent="b", strength=3, buffer_hours_low=1,
                                 buffer_hours_high=2, conditions={"season": "winter"}),))
    g = to_networkx(catalogue)
    assert g.edges["a", "b"]["strength"] == 3.0 and g.nodes["b"]["serves.population"] == 5
    back = from_networkx(g)
    assert back.processes == catalogue.processes and back.dependencies == catalogue.dependencies
