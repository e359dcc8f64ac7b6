"""Find and load method profiles shipped as package data (or from a user's file)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from weerbaar.errors import InvalidInput, NotFound
from weerbaar.methods.profile import MethodProfile
from weerbaar.util.yamlfile import read_yaml, validate_file

_PACKAGE = "weerbaar.methods.profiles"


def load_profile_file(path: Path | str, *, text: str | None = None) -> MethodProfile:
    """Load and validate a method profile; errors name the file, key path and line."""
    path = Path(path)
    data, lines = read_yaml(path, text=text)
    if not isinstance(data, dict):
        raise InvalidInput("a method profile must be a mapping", source=path, line=1,
                           expected="keys such as 'schema', 'id', 'criteria'")
    return validate_file(MethodProfile, data, source=path, lines=lines)


def _shipped_files() -> dict[str, resources.abc.Traversable]:
    folder = resources.files(_PACKAGE)
    return {
        entry.name.removesuffix(".yaml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }


def profile_names() -> list[str]:
    """Ids of the shipped profiles, sorted by year then id."""
    return [p.id for p in sorted((get_profile(n) for n in _shipped_files()),
                                 key=lambda p: (p.year, p.id))]


@cache
def get_profile(name: str) -> MethodProfile:
    """A shipped profile by id (e.g. ``"gra-2019"``). Raises :class:`NotFound` with the choices."""
    files = _shipped_files()
    if name not in files:
        raise NotFound(f"no method profile {name!r}; shipped profiles: {', '.join(sorted(files))}")
    entry = files[name]
    profile = load_profile_file(Path(f"{_PACKAGE.replace('.', '/')}/{entry.name}"),
                                text=entry.read_text(encoding="utf-8"))
    if profile.id != name:
        raise InvalidInput(f"profile id {profile.id!r} does not match its file name",
                           source=entry.name, location=["id"], expected=name)
    return profile


def all_profiles() -> list[MethodProfile]:
    return [get_profile(name) for name in profile_names()]
