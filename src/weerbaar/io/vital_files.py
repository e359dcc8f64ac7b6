"""Vital-process catalogues in files: the packaged Dutch list, the illustrative dependencies, and
user files (CSV or YAML) that add processes, assets and dependencies.

Every problem names the file and the line (CSV lines count the header and any ``#`` comment lines,
as an editor shows them; YAML lines are those of the offending key). A user file may *patch* a
process that the base catalogue already has: fields it leaves out (empty CSV cells, absent YAML
keys) keep the base's values, so adding a population to process 10 takes one line.

CSV files: a processes file has an ``id`` column; a dependencies file has ``supplier_id`` (or
``supplier``) and ``dependent_id`` (or ``dependent``). See docs/cascade.md for all columns.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from weerbaar.domain.text import LocalText
from weerbaar.domain.vital import (
    Dependency,
    Onset,
    ProcessKind,
    Serves,
    VitalCatalogue,
    VitalCategory,
    VitalProcess,
)
from weerbaar.errors import InvalidInput
from weerbaar.util.yamlfile import line_of, read_yaml, validate_file

PACKAGE = "weerbaar.data.vital"
PROCESSES_FILE = "vital-processes-nl.csv"
DEPENDENCIES_FILE = "dependencies-illustrative.csv"
DUTCH_LIST_SOURCE = "NCTV list of vital processes (c. 2017–2020), verified; see data/vital/SOURCE.md"
ILLUSTRATIVE_SOURCE = "illustrative dependency set (judgement values for demos and tests)"
SCHEMA = "weerbaar.vital/1"
MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class VitalFile:
    """A catalogue read from files, with where each process and dependency was defined."""

    catalogue: VitalCatalogue
    process_rows: tuple[str, ...]
    dependency_rows: tuple[str, ...]


# -- CSV ---------------------------------------------------------------------------------------
def _csv_rows(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank, non-comment line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            yield number, next(csv.reader([line]))
        except csv.Error as exc:  # e.g. a cell longer than the csv module's field limit
            raise InvalidInput(f"not valid CSV: {exc}", source=source, line=number) from None


def _table(text: str, source: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    rows = list(_csv_rows(text, source))
    if not rows:
        raise InvalidInput("the file has no header line", source=source, expected="a CSV header")
    _, header = rows[0]
    names = [h.strip().lower() for h in header]
    out = []
    for number, cells in rows[1:]:
        if len(cells) > len(names):
            raise InvalidInput(f"{len(cells)} cells but the header has {len(names)} columns",
                               source=source, line=number)
        out.append((number, {n: c.strip() for n, c in zip(names, cells, strict=False)}))
    return names, out


def _number(cells: Mapping[str, str], name: str, source: str, line: int, *,
            default: float | None = None) -> float | None:
    raw = cells.get(name, "")
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InvalidInput(f"column {name!r}: {raw!r} is not a number", source=source,
                           line=line, expected="a finite number")
    return value


def _flag(cells: Mapping[str, str], name: str, source: str, line: int) -> bool | None:
    raw = cells.get(name, "").lower()
    if raw == "":
        return None
    if raw in ("1", "true", "yes", "ja", "y"):
        return True
    if raw in ("0", "false", "no", "nee", "n"):
        return False
    raise InvalidInput(f"column {name!r}: {raw!r} is not yes or no", source=source, line=line,
                       expected="yes/no or true/false")


def _conditions(raw: str, source: str, line: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput(f"condition {part!r} is not key=value", source=source, line=line,
                               expected="conditions such as season=winter;mode=wet")
        out[key.strip()] = value.strip()
    return out


def _first(cells: Mapping[str, str], *names: str) -> str:
    for name in names:
        if cells.get(name):
            return cells[name]
    return ""


def _process_patch(cells: Mapping[str, str], source: str, line: int) -> dict[str, Any]:
    """The fields a processes-CSV row gives (empty cells are left out)."""
    patch: dict[str, Any] = {}
    name = {k: cells[f"name_{k}"] for k in ("nl", "en") if cells.get(f"name_{k}")}
    if name:
        patch["name"] = name
    if cells.get("category"):
        patch["category"] = cells["category"].upper()
    for field, columns in (("sector", ("sector",)), ("owner", ("owner", "ministry"))):
        value = _first(cells, *columns)
        if value:
            patch[field] = value
    if cells.get("kind"):
        patch["kind"] = cells["kind"].lower()
    population = _number(cells, "population", source, line)
    serves: dict[str, Any] = {}
    if population is not None:
        if not population.is_integer():
            raise InvalidInput(f"population {population:g} is not a whole number",
                               source=source, line=line)
        serves["population"] = int(population)
    if cells.get("serves"):
        serves["description"] = cells["serves"]
    if serves:
        patch["serves"] = serves
    if cells.get("aspects"):
        patch["aspects"] = tuple(a.strip() for a in cells["aspects"].split(";") if a.strip())
    for field in ("basic_need", "illustrative"):
        flag = _flag(cells, field, source, line)
        if flag is not None:
            patch[field] = flag
    return patch


def _dependency_fields(cells: Mapping[str, str], source: str, line: int) -> dict[str, Any]:
    supplier = _first(cells, "supplier_id", "supplier")
    dependent = _first(cells, "dependent_id", "dependent")
    if not supplier or not dependent:
        raise InvalidInput("a dependency needs a supplier and a dependent id", source=source,
                           line=line, expected="supplier_id and dependent_id")
    fields: dict[str, Any] = {"supplier": supplier, "dependent": dependent}
    for name in ("strength", "buffer_hours_low", "buffer_hours_high"):
        value = _number(cells, name, source, line)
        if value is None:
            raise InvalidInput(f"column {name!r} is empty", source=source, line=line,
                               expected="a number")
        fields[name] = value
    for name in ("ramp_hours", "recovery_hours"):
        value = _number(cells, name, source, line)
        if value is not None:
            fields[name] = value
    if cells.get("onset"):
        fields["onset"] = cells["onset"].lower()
    if cells.get("conditions"):
        fields["conditions"] = _conditions(cells["conditions"], source, line)
    if cells.get("note"):
        fields["note"] = cells["note"]
    flag = _flag(cells, "illustrative", source, line)
    if flag is not None:
        fields["illustrative"] = flag
    return fields


def _model_problem(exc: ValidationError, what: str) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-"))
    message = first["msg"].removeprefix("Value error, ")
    return f"{what}: {where + ': ' if where else ''}{message}"


def _dependency(fields: dict[str, Any], *, source: str, line: int | None,
                location: Sequence[str | int] | None = None) -> Dependency:
    label = f"dependency {fields.get('supplier')} → {fields.get('dependent')}"
    try:
        return Dependency.model_validate(fields)
    except ValidationError as exc:
        raise InvalidInput(_model_problem(exc, label), source=source, line=line,
                           location=location) from None


def _read(path: Path, text: str | None) -> str:
    if text is not None:
        return text
    if not path.exists():
        raise InvalidInput("file not found", source=path, expected="an existing CSV or YAML file")
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInput("file too large", source=path, expected=f"at most {MAX_BYTES} bytes")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the file is not valid UTF-8", source=path,
                           line=data[: exc.start].count(b"\n") + 1,
                           expected="a CSV or YAML file saved as UTF-8") from None


# -- the packaged catalogue ----------------------------------------------------------------------
def _packaged_text(name: str) -> str:
    return (resources.files(PACKAGE) / name).read_text(encoding="utf-8")


@cache
def dutch_catalogue() -> VitalFile:
    """The packaged Dutch list of vital processes and the ILLUSTRATIVE dependency set."""
    processes = read_processes_csv(Path(PROCESSES_FILE), text=_packaged_text(PROCESSES_FILE),
                                   source=DUTCH_LIST_SOURCE)
    deps = read_dependencies_csv(Path(DEPENDENCIES_FILE), text=_packaged_text(DEPENDENCIES_FILE),
                                 illustrative=True)
    catalogue = VitalCatalogue(
        processes=processes.catalogue.processes, dependencies=deps.catalogue.dependencies,
        source="Dutch vital processes (verified) with the ILLUSTRATIVE dependency set")
    return VitalFile(catalogue, processes.process_rows, deps.dependency_rows)


def read_processes_csv(path: Path, *, text: str | None = None, source: str | None = None,
                       base: Mapping[str, VitalProcess] | None = None,
                       illustrative: bool = False) -> VitalFile:
    """Processes from a CSV file; rows whose id is in ``base`` patch that process."""
    label = path.name
    names, rows = _table(_read(path, text), label)
    if "id" not in names:
        raise InvalidInput("a processes file needs an 'id' column", source=label, line=1,
                           expected="columns id, name_nl, name_en, category, sector, ministry")
    processes: list[VitalProcess] = []
    where: list[str] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        pid = cells.get("id", "")
        if not pid:
            raise InvalidInput("the id is empty", source=label, line=line)
        if pid in seen:
            raise InvalidInput(f"process {pid!r} is listed twice (first on line {seen[pid]})",
                               source=label, line=line)
        seen[pid] = line
        patch = _process_patch(cells, label, line)
        if illustrative:
            patch.setdefault("illustrative", True)
        if source and pid not in (base or {}):
            patch.setdefault("source", source)
        processes.append(_resolve_process(pid, patch, (base or {}).get(pid), label, line))
        where.append(f"{label} line {line}")
    return VitalFile(VitalCatalogue(processes=tuple(processes), source=source or label),
                     tuple(where), ())


def read_dependencies_csv(path: Path, *, text: str | None = None,
                          illustrative: bool = False) -> VitalFile:
    """Dependencies from a CSV file (``illustrative`` marks every row as illustrative)."""
    label = path.name
    names, rows = _table(_read(path, text), label)
    if not ({"supplier_id", "supplier"} & set(names)) or not (
            {"dependent_id", "dependent"} & set(names)):
        raise InvalidInput("the header of a dependencies file needs supplier_id and dependent_id",
                           source=label, expected="columns supplier_id, dependent_id, strength, "
                           "buffer_hours_low, buffer_hours_high, onset, ...")
    deps: list[Dependency] = []
    where: list[str] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        fields = _dependency_fields(cells, label, line)
        if illustrative:
            fields["illustrative"] = True
        dep = _dependency(fields, source=label, line=line)
        if dep.key in seen:
            raise InvalidInput(f"dependency {dep.supplier} → {dep.dependent} is listed twice "
                               f"(first on line {seen[dep.key]})", source=label, line=line)
        seen[dep.key] = line
        deps.append(dep)
        where.append(f"{label} line {line}")
    return VitalFile(VitalCatalogue(dependencies=tuple(deps), source=label), (), tuple(where))


def _resolve_process(pid: str, patch: dict[str, Any], base: VitalProcess | None, source: str,
                     line: int | None, location: Sequence[str | int] | None = None
                     ) -> VitalProcess:
    data: dict[str, Any] = base.model_dump(mode="json") if base is not None else {}
    if base is not None and "serves" in patch:
        patch = {**patch, "serves": {**data.get("serves", {}), **patch["serves"]}}
    data.update(patch)
    data["id"] = pid
    if "name" not in data:
        raise InvalidInput(f"process {pid!r} is new and needs a name", source=source, line=line,
                           location=location, expected="name_nl and/or name_en")
    try:
        return VitalProcess.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(_model_problem(exc, f"process {pid}"), source=source, line=line,
                           location=location) from None


# -- YAML ----------------------------------------------------------------------------------------
class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)


class ProcessInput(_Input):
    """A process in a YAML file; only ``id`` is required when it patches a known process."""

    id: str
    name: LocalText | None = None
    category: VitalCategory | None = None
    sector: str | None = None
    owner: str | None = None
    kind: ProcessKind | None = None
    serves: Serves | None = None
    population: int | None = Field(default=None, ge=0, description="Short for serves.population.")
    aspects: tuple[str, ...] | None = None
    basic_need: bool | None = None
    illustrative: bool | None = None
    source: str | None = None


class DependencyInput(_Input):
    supplier: str
    dependent: str
    strength: float
    buffer_hours: tuple[float, float] | float | None = None
    buffer_hours_low: float | None = None
    buffer_hours_high: float | None = None
    onset: Onset = Onset.STEP
    ramp_hours: float | None = None
    recovery_hours: float = 0.0
    conditions: dict[str, str] = Field(default_factory=dict)
    note: str | None = None
    illustrative: bool | None = None


class VitalFileInput(_Input):
    schema_: Literal["weerbaar.vital/1"] = Field(default="weerbaar.vital/1", alias="schema")
    title: str | None = None
    illustrative: bool = False
    processes: list[ProcessInput] = Field(default_factory=list)
    dependencies: list[DependencyInput] = Field(default_factory=list)


def _yaml_dependency(raw: DependencyInput, illustrative: bool) -> dict[str, Any]:
    fields = raw.model_dump(exclude={"buffer_hours", "illustrative"}, exclude_none=True)
    low, high = raw.buffer_hours_low, raw.buffer_hours_high
    if raw.buffer_hours is not None:
        if low is not None or high is not None:
            raise ValueError("give buffer_hours or buffer_hours_low/high, not both")
        low, high = (raw.buffer_hours if isinstance(raw.buffer_hours, tuple)
                     else (raw.buffer_hours, raw.buffer_hours))
    if low is None:
        raise ValueError("a dependency needs buffer_hours (a number or [low, high])")
    fields["buffer_hours_low"], fields["buffer_hours_high"] = low, low if high is None else high
    fields["illustrative"] = illustrative if raw.illustrative is None else raw.illustrative
    return fields


def read_yaml_catalogue(path: Path, *, text: str | None = None,
                        base: Mapping[str, VitalProcess] | None = None) -> VitalFile:
    """Processes and dependencies from a YAML file (``schema: weerbaar.vital/1``)."""
    label = path.name
    data, lines = read_yaml(path, text=text)
    if data is None:
        data = {}
    parsed = validate_file(VitalFileInput, data, source=label, lines=lines)
    processes, p_rows = [], []
    seen: set[str] = set()
    for index, raw in enumerate(parsed.processes):
        loc: list[str | int] = ["processes", index]
        if raw.id in seen:
            raise InvalidInput(f"process {raw.id!r} is listed twice", source=label,
                               location=loc, line=line_of(lines, loc))
        seen.add(raw.id)
        patch = raw.model_dump(mode="json", exclude_none=True, exclude={"id", "population"})
        if raw.population is not None:
            patch["serves"] = {**patch.get("serves", {}), "population": raw.population}
        if parsed.illustrative:
            patch.setdefault("illustrative", True)
        processes.append(_resolve_process(raw.id, patch, (base or {}).get(raw.id), label,
                                          line_of(lines, loc), loc))
        p_rows.append(f"{label} line {line_of(lines, loc)}")
    deps, d_rows = [], []
    seen_deps: dict[str, int | None] = {}
    for index, draw in enumerate(parsed.dependencies):
        loc = ["dependencies", index]
        line = line_of(lines, loc)
        try:
            fields = _yaml_dependency(draw, parsed.illustrative)
        except ValueError as exc:
            raise InvalidInput(str(exc), source=label, location=loc, line=line) from None
        dep = _dependency(fields, source=label, line=line, location=loc)
        if dep.key in seen_deps:
            raise InvalidInput(f"dependency {dep.supplier} → {dep.dependent} is listed twice "
                               f"(first on line {seen_deps[dep.key]})", source=label,
                               location=loc, line=line)
        seen_deps[dep.key] = line
        deps.append(dep)
        d_rows.append(f"{label} line {line}")
    catalogue = VitalCatalogue(processes=tuple(processes), dependencies=tuple(deps),
                               source=parsed.title or label)
    return VitalFile(catalogue, tuple(p_rows), tuple(d_rows))


def read_vital_file(path: Path | str, *, base: Mapping[str, VitalProcess] | None = None
                    ) -> VitalFile:
    """A user file: ``.yaml``/``.yml`` (processes and dependencies) or ``.csv`` (either)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml_catalogue(target, base=base)
    if suffix == ".csv":
        text = _read(target, None)
        names, _ = _table(text, target.name)
        if {"supplier_id", "supplier"} & set(names):
            return read_dependencies_csv(target, text=text)
        return read_processes_csv(target, text=text, base=base)
    raise InvalidInput(f"cannot read {suffix or 'a file without suffix'}", source=target,
                       expected=".csv, .yaml or .yml")


def merge(base: VitalFile, extra: VitalFile) -> VitalFile:
    """``base`` with ``extra``'s processes (new or patched) and dependencies (new or replacing
    the dependency with the same key) — order kept, new items appended."""
    procs = {p.id: (p, w) for p, w in zip(base.catalogue.processes, base.process_rows,
                                          strict=True)}
    for p, w in zip(extra.catalogue.processes, extra.process_rows, strict=True):
        procs[p.id] = (p, w)
    deps = {d.key: (d, w) for d, w in zip(base.catalogue.dependencies, base.dependency_rows,
                                          strict=True)}
    for d, w in zip(extra.catalogue.dependencies, extra.dependency_rows, strict=True):
        deps[d.key] = (d, w)
    source = " + ".join(filter(None, (base.catalogue.source, extra.catalogue.source)))
    catalogue = VitalCatalogue(processes=tuple(p for p, _ in procs.values()),
                               dependencies=tuple(d for d, _ in deps.values()), source=source)
    return VitalFile(catalogue, tuple(w for _, w in procs.values()),
                     tuple(w for _, w in deps.values()))


def load_catalogue(files: Sequence[Path | str] = (), *, dutch_list: bool = True) -> VitalFile:
    """The packaged catalogue (unless ``dutch_list`` is false) extended by user files in order."""
    result = dutch_catalogue() if dutch_list else VitalFile(VitalCatalogue(), (), ())
    for path in files:
        known = {p.id: p for p in result.catalogue.processes}
        result = merge(result, read_vital_file(path, base=known))
    return result


__all__ = ["SCHEMA", "DependencyInput", "ProcessInput", "VitalFile", "VitalFileInput",
           "dutch_catalogue", "load_catalogue", "merge", "read_dependencies_csv",
           "read_processes_csv", "read_vital_file", "read_yaml_catalogue"]
