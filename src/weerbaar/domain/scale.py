"""Ordinal class scales: impact classes (X, A–E) and likelihood classes (A–E with half classes).

Classes are handled as *positions* on the risk diagram's grid: class A sits on gridline 1, B on 2,
..., E on 5; "not applicable" (X) is position 0. A half class such as "C-high" (the upper part of
class C) sits half-way between its class and the next: 3.5. A position belongs to the class whose
gridline is at or below it, so 3.5 is still class C.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from weerbaar.domain.limits import shown
from weerbaar.domain.text import LocalText

HALF_SUFFIXES = ("-high", " high", "-hoog", " hoog", "+")


class Level(BaseModel):
    """One class of a scale, with its code (``"C"``), grid position and names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    position: int
    name: LocalText = LocalText()
    description: LocalText | None = None


class OrdinalScale(BaseModel):
    """An ordered set of classes; parses codes to positions and back."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    levels: tuple[Level, ...]
    not_applicable: Level | None = None
    half_classes: bool = False

    @property
    def codes(self) -> list[str]:
        return [lv.code for lv in self.levels]

    @property
    def lowest(self) -> int:
        return self.levels[0].position

    @property
    def highest(self) -> int:
        return self.levels[-1].position

    def level(self, code: str) -> Level:
        for lv in self.levels:
            if lv.code == code:
                return lv
        if self.not_applicable is not None and self.not_applicable.code == code:
            return self.not_applicable
        raise KeyError(code)

    def parse(self, text: str | int) -> float:
        """Position of a class code such as ``"C"``, ``"C-high"`` or ``"X"``.

        Raises ``ValueError`` with the accepted codes when the text is not a class of this scale.
        """
        raw = str(text).strip()
        if self.not_applicable is not None and raw.upper() == self.not_applicable.code.upper():
            return float(self.not_applicable.position)
        half = False
        if self.half_classes:
            lowered = raw.lower()
            for suffix in HALF_SUFFIXES:
                if lowered.endswith(suffix):
                    raw, half = raw[: -len(suffix)].strip(), True
                    break
        for lv in self.levels:
            if lv.code.upper() == raw.upper():
                if half and lv.position == self.highest:
                    raise ValueError(f"{lv.code} is the highest class; it has no upper half")
                return lv.position + (0.5 if half else 0.0)
        raise ValueError(f"{shown(str(text))} is not a class; expected {self.describe_codes()}")

    def describe_codes(self) -> str:
        codes = self.codes
        text = ", ".join(codes)
        if self.not_applicable is not None:
            text = f"{self.not_applicable.code}, {text}"
        if self.half_classes:
            text += f" or a half class such as '{codes[len(codes) // 2]}-high'"
        return text

    def class_at(self, position: float) -> Level | None:
        """The class a position belongs to (``None`` for not applicable / below the scale)."""
        if position < self.lowest:
            return None
        index = min(math.floor(position + 1e-9), self.highest)
        return next(lv for lv in self.levels if lv.position == index)

    def code(self, position: float) -> str:
        """The code of a grid position, with ``-high`` for half classes."""
        if position < self.lowest:
            return self.not_applicable.code if self.not_applicable is not None else "-"
        level = self.class_at(position)
        assert level is not None
        if self.half_classes and abs(position - level.position - 0.5) < 1e-9:
            return f"{level.code}-high"
        return level.code
