"""Vital processes and assets, and the dependencies between them (the cascade catalogue).

A :class:`VitalProcess` is a process (or a physical asset) whose failure harms society; the Dutch
list gives each one a category (A = larger consequences on failure), a sector and a responsible
ministry. A :class:`Dependency` says that the ``dependent`` process needs the ``supplier``: how
strongly (0 none … 5 total loss of function), how long buffers or backups bridge a loss of supply
(``buffer_hours_low``–``buffer_hours_high``), how the effect sets in (at once or gradually) and how
long the dependent needs to recover once the supplier is back. Values from the illustrative
dependency set carry ``illustrative: true`` and must be shown as such.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from weerbaar.domain.limits import Id, Name, Text
from weerbaar.domain.text import LocalText


class ProcessKind(StrEnum):
    PROCESS = "process"
    ASSET = "asset"


class VitalCategory(StrEnum):
    """Category A: failure has larger (physical, economic, social) consequences than category B."""

    A = "A"
    B = "B"


class Onset(StrEnum):
    """How the effect of a lost supply sets in once the buffer is used up."""

    STEP = "step"  # at once
    LINEAR = "linear"  # gradually, over ``ramp_hours``


class Serves(BaseModel):
    """Whom a process serves: a number of people and/or a description. Unknown stays empty."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    population: int | None = Field(default=None, ge=0, le=10**12)
    description: Text | None = None


class VitalProcess(BaseModel):
    """A vital process or asset.

    ``aspects`` names the aspects of daily life the process provides (for criterion 5.1) and
    ``basic_need`` marks a process that provides a basic need such as drinking water or heating
    (criterion 2.3). Both are the analyst's judgement: the packaged Dutch list leaves them empty.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Id
    name: LocalText
    category: VitalCategory | None = None
    sector: Name | None = None
    owner: Name | None = None
    serves: Serves = Serves()
    kind: ProcessKind = ProcessKind.PROCESS
    aspects: tuple[Name, ...] = ()
    basic_need: bool = False
    illustrative: bool = False
    source: Text | None = None


class Dependency(BaseModel):
    """The ``dependent`` process needs the ``supplier``.

    ``strength`` 0 (none) … 5 (total loss of function of the dependent); the fraction of function
    lost when the supplier is fully out is ``strength / 5``. ``buffer_hours_low``/``_high`` bound
    the time the dependent runs on buffers or backups. A linear onset grows over ``ramp_hours``
    (default: the width of the buffer range). ``recovery_hours``: time the dependent needs after
    the supplier is back. ``conditions`` (such as ``season: winter``, ``mode: wet``) restrict the
    dependency to runs under those conditions.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    supplier: Id
    dependent: Id
    strength: float = Field(ge=0.0, le=5.0)
    buffer_hours_low: float = Field(ge=0.0)
    buffer_hours_high: float = Field(ge=0.0)
    onset: Onset = Onset.STEP
    ramp_hours: float | None = Field(default=None, ge=0.0)
    recovery_hours: float = Field(default=0.0, ge=0.0)
    conditions: dict[Name, Name] = Field(default_factory=dict)
    note: Text | None = None
    illustrative: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Dependency:
        if self.supplier == self.dependent:
            raise ValueError(f"a process cannot depend on itself ({self.supplier} → {self.dependent})")
        if self.buffer_hours_low > self.buffer_hours_high:
            raise ValueError(f"buffer_hours_low ({self.buffer_hours_low:g}) exceeds buffer_hours_high "
                             f"({self.buffer_hours_high:g})")
        return self

    @property
    def key(self) -> str:
        """Stable key: ``supplier->dependent``, with the conditions when there are any."""
        base = f"{self.supplier}->{self.dependent}"
        if not self.conditions:
            return base
        return base + "[" + ",".join(f"{k}={v}" for k, v in sorted(self.conditions.items())) + "]"

    @property
    def ramp(self) -> float:
        """Hours a linear onset takes to reach its full effect (0 for a step)."""
        if self.onset is Onset.STEP:
            return 0.0
        if self.ramp_hours is not None:
            return self.ramp_hours
        return self.buffer_hours_high - self.buffer_hours_low


class VitalCatalogue(BaseModel):
    """Processes and their dependencies, with where they came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    processes: tuple[VitalProcess, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    source: str | None = None

    @property
    def illustrative(self) -> bool:
        """True when any process or dependency is illustrative (to be labelled wherever shown)."""
        return (any(p.illustrative for p in self.processes)
                or any(d.illustrative for d in self.dependencies))


__all__ = ["Dependency", "Onset", "ProcessKind", "Serves", "VitalCatalogue", "VitalCategory",
           "VitalProcess"]
