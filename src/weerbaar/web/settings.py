"""The web application's settings: built once at start-up (from ``WEERBAAR_*`` variables) and
passed in; nothing reads the environment later."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from functools import cached_property
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from weerbaar.errors import InvalidInput
from weerbaar.services.accounts import LoginLimits, Policy

PREFIX = "WEERBAAR_"
Network = IPv4Network | IPv6Network
ApiDocs = Literal["public", "login", "off"]


def parse_networks(value: object) -> tuple[Network, ...]:
    """IP addresses and networks (CIDR) from a list, or from text separated by commas or white
    space (``10.0.0.1, 192.168.0.0/16, ::1``); a single address is a network of one. ValueError
    naming the first entry that is neither."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[object] = list(re.split(r"[\s,]+", value.strip()))
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        raise ValueError("expected IP addresses or networks, separated by commas")
    out: list[Network] = []
    for item in items:
        if isinstance(item, IPv4Network | IPv6Network):
            out.append(item)
            continue
        text = str(item).strip()
        if not text:
            continue
        try:
            out.append(ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"{text[:100]!r} is not an IP address or network (CIDR, "
                             "e.g. 10.0.0.0/8)") from None
    return tuple(out)


def peer_address(host: str) -> IPv4Address | IPv6Address | None:
    """``host`` as an IP address (an IPv4-mapped IPv6 address as IPv4; brackets and a port as
    some proxies write them are dropped); None when it is not one."""
    text = host.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        found = ip_address(text)
    except ValueError:
        return None
    if isinstance(found, IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


class WebSettings(BaseSettings):
    """Login sessions, login throttling, re-authentication, trusted proxies and the API
    documentation (see docs/security.md and docs/web.md)."""

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
    # reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks; none by
    # default: the client address is the TCP peer). See docs/security.md
    trusted_proxies: Annotated[tuple[Network, ...], NoDecode] = ()
    # the browsable API documentation (/api/docs): for anyone, for logged-in users, or not at all
    api_docs: ApiDocs = "login"

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> tuple[Network, ...]:
        return parse_networks(value)

    def trusts(self, host: str) -> bool:
        """Is ``host`` (an address) one of the trusted proxies?"""
        if not self.trusted_proxies:
            return False
        found = peer_address(host)
        return found is not None and any(found in network for network in self.trusted_proxies)

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
            if problem["type"] == "value_error":
                raise InvalidInput(str(problem["msg"]).removeprefix("Value error, "),
                                   location=[variable]) from None
            if problem["type"] == "literal_error":
                raise InvalidInput(f"{variable}={values.get(name, given.get(name))!r} is not "
                                   f"one of {ctx.get('expected')}", location=[variable]) from None
            if ctx.get("ge") is not None:
                raise InvalidInput(f"{name} must be at least {ctx['ge']}",
                                   location=[variable]) from None
            if ctx.get("le") is not None:
                raise InvalidInput(f"{name} must be at most {ctx['le']}",
                                   location=[variable]) from None
            kind = "whole number" if problem["type"].startswith("int") else "yes or no"
            raise InvalidInput(f"{variable}={values.get(name, given.get(name))!r} is not a "
                               f"{kind}", location=[variable]) from None


__all__ = ["ApiDocs", "WebSettings", "parse_networks", "peer_address"]
