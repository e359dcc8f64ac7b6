"""Method profiles (package data): list them, show one, and the shipped example workspaces."""

from __future__ import annotations

from pathlib import Path

from weerbaar.io import EXAMPLES, example_path, example_text
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile, profile_names
from weerbaar.services.registry import use_case
from weerbaar.services.viewer import Viewer


@use_case
def list_profiles(viewer: Viewer) -> list[MethodProfile]:
    """Every shipped method profile."""
    viewer.require_login()
    return [get_profile(name) for name in profile_names()]


@use_case
def show_profile(viewer: Viewer, profile: str) -> MethodProfile:
    """One method profile: interests, criteria, scales, and the provenance of every value."""
    viewer.require_login()
    return get_profile(profile)


@use_case
def example_names(viewer: Viewer) -> tuple[str, ...]:
    """The shipped example workspaces."""
    return tuple(EXAMPLES)


@use_case
def example_workspace(viewer: Viewer, name: str) -> tuple[Path, str]:
    """Where a shipped example workspace is, and its text (to copy and edit)."""
    return example_path(name), example_text(name)


__all__ = ["MethodProfile", "example_names", "example_workspace", "list_profiles",
           "show_profile"]
