"""The web application's settings: built once at start-up (from ``WEERBAAR_*`` variables) and
passed in; nothing reads the environment later."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from functools import cached_property
from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from weerbaar.errors import InvalidInput
from weerbaar.services.accounts import LoginLimits, Policy

PREFIX = "WEERBAAR_"


class WebSettings(BaseSettings):
    """Login sessions, login throttling and re-authentication (see docs/security.md)."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="ignore")

    secure_cookies: bool = False  # set when served behind TLS
    session_hours: int = Field(12, ge=1)
    # login sessions end after this long without a request (0: never)
    session_idle_minutes: int = Field(30, ge=0)
    # login throttling: failures per user name / per client address within the window
    login_max_failures: int = Field(5, ge=1)
    login_max_failures_client: int = Field(20, ge=1)
    login_window_minutes: int = Field(15, ge=1)
    login_lockout_minutes: int = Field(15, ge=1)
    # administrators' actions need a password confirmation at most this old
    reauth_minutes: int = Field(5, ge=1)
    # the largest request body accepted (bytes); larger ones are answered 413. No route takes
    # file uploads: forms and JSON bodies are far smaller (a theme review's four parts at their
    # longest are about 0.4 MiB)
    max_body_bytes: int = Field(2 * 1024 * 1024, ge=64 * 1024, le=1024**3)

    @cached_property
    def policy(self) -> Policy:
        return Policy(
            limits=LoginLimits(user=self.login_max_failures,
                               client=self.login_max_failures_client,
                               window=timedelta(minutes=self.login_window_minutes),
                               lockout=timedelta(minutes=self.login_lockout_minutes)),
            session=timedelta(hours=self.session_hours),
            idle=timedelta(minutes=self.session_idle_minutes)
            if self.session_idle_minutes > 0 else None,
            reauth=timedelta(minutes=self.reauth_minutes))

    @classmethod
    def from_env(cls, env: Mapping[str, str], **given: Any) -> WebSettings:
        """Settings from the ``WEERBAAR_<FIELD>`` variables of ``env`` (e.g.
        ``WEERBAAR_LOGIN_MAX_FAILURES``); ``given`` values win. A value that does not fit is
        an :class:`~weerbaar.errors.InvalidInput` naming the variable."""
        values = {name: env[PREFIX + name.upper()] for name in cls.model_fields
                  if PREFIX + name.upper() in env}
        try:
            return cls(**{**values, **given})
        except ValidationError as exc:
            problem = exc.errors()[0]
            name = str(problem["loc"][0])
            variable = PREFIX + name.upper()
            ctx = problem.get("ctx") or {}
            if ctx.get("ge") is not None:
                raise InvalidInput(f"{name} must be at least {ctx['ge']}",
                                   location=[variable]) from None
            if ctx.get("le") is not None:
                raise InvalidInput(f"{name} must be at most {ctx['le']}",
                                   location=[variable]) from None
            kind = "whole number" if problem["type"].startswith("int") else "yes or no"
            raise InvalidInput(f"{variable}={values.get(name, given.get(name))!r} is not a "
                               f"{kind}", location=[variable]) from None


__all__ = ["WebSettings"]
