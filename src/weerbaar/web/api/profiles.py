"""The shipped method profiles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from weerbaar.services.profiles import list_profiles, show_profile
from weerbaar.web.deps import ViewerDep

router = APIRouter()


@router.get("/profiles")
def api_profiles(viewer: ViewerDep) -> list[dict[str, Any]]:
    return [{"id": p.id, "year": p.year, "name": p.name.model_dump(),
             "criteria": len(p.criteria), "hash": p.content_hash}
            for p in list_profiles(viewer)]


@router.get("/profiles/{profile_id}")
def api_profile(profile_id: str, viewer: ViewerDep) -> dict[str, Any]:
    return show_profile(viewer, profile_id).model_dump(mode="json", by_alias=True)
