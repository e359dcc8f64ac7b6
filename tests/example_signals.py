"""The illustrative horizon-scan signals the example midterm review ships with (package data,
loaded with the example cycles): tests that import their own signals into the example cycle tell
them apart with these keys."""

from __future__ import annotations

from functools import cache
from importlib import resources

from weerbaar.io.signal_files import SignalFile, read_signal_file
from weerbaar.services.cycles import EXAMPLE_CYCLES


@cache
def example_signal_file(cycle: str = "midterm-2021") -> SignalFile:
    name = next(e.signals for e in EXAMPLE_CYCLES if e.key == cycle)
    assert name is not None, cycle
    with resources.as_file(resources.files("weerbaar.data.examples") / name) as path:
        return read_signal_file(path)


def example_signal_ids(cycle: str = "midterm-2021") -> frozenset[str]:
    return frozenset(r.signal.id for r in example_signal_file(cycle).records)
