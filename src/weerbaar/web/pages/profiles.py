"""The shipped method profiles: criteria, scales and the provenance of every value."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.services.profiles import list_profiles, show_profile
from weerbaar.web.deps import IdentityDep
from weerbaar.web.render import page

router = APIRouter()


@router.get("/profiles")
def profile_list(request: Request, identity: IdentityDep) -> Response:
    return page(request, "profiles.html", identity=identity,
                profiles=list_profiles(identity.viewer), profile=None)


@router.get("/profiles/{profile_id}")
def profile_page(request: Request, profile_id: str, identity: IdentityDep) -> Response:
    viewer = identity.viewer
    return page(request, "profiles.html", identity=identity, profiles=list_profiles(viewer),
                profile=show_profile(viewer, profile_id))
