"""Who asks a service: a logged-in user, nobody (anonymous), or the system operator.

Every use case takes a :class:`Viewer` and decides from it, in one place for every face: the
role needed on a cycle, the clearance up to which content is shown, the name written to the
history, the audit log and the read log, and the channel a read is logged under.

- A **user** (a web request with a login session) has the roles and clearances of their account.
- **Nobody** (a web request without a login session) may do nothing but log in: every use case
  that needs a role answers :class:`~weerbaar.errors.NotAuthenticated`.
- The **system operator** is whoever runs the command line with access to the database: all
  rights on every cycle, and every marking, unless ``clearance`` caps what they see (an export
  for a recipient with that clearance). Only the command line builds one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from weerbaar.domain import ClassificationScheme, Role, User
from weerbaar.errors import NotAuthenticated, PermissionDenied

Channel = Literal["page", "api", "cli", "search", "export", "report"]
"""How content reaches a person; every logged read names it."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking, and through which channel. Build one with :meth:`of`, :meth:`nobody` or
    :meth:`operator`."""

    name: str
    user: User | None = None
    system: bool = False
    channel: Channel = "cli"
    clearance: str | None = None  # the system operator's cap; a user's comes from their grants
    confirmed_until: datetime | None = None  # a user's last password confirmation counts until

    @classmethod
    def of(cls, user: User, *, channel: Channel) -> Viewer:
        """A logged-in user."""
        return cls(name=user.username, user=user, channel=channel)

    @classmethod
    def nobody(cls, *, channel: Channel) -> Viewer:
        """A request without a login session."""
        return cls(name="anonymous", channel=channel)

    @classmethod
    def operator(cls, name: str, *, clearance: str | None = None,
                 channel: Channel = "cli") -> Viewer:
        """The system operator (the command line): every right, every marking up to
        ``clearance`` (None: all)."""
        return cls(name=name, system=True, channel=channel, clearance=clearance)

    def via(self, channel: Channel) -> Viewer:
        """The same viewer reading through another channel (e.g. ``search``, ``report``)."""
        return self if channel == self.channel else replace(self, channel=channel)

    @property
    def authenticated(self) -> bool:
        return self.system or self.user is not None

    @property
    def is_admin(self) -> bool:
        return self.system or (self.user is not None and self.user.is_admin)

    def role_on(self, cycle: str | None) -> Role | None:
        """The role on ``cycle`` (None: on no particular cycle, e.g. managing accounts)."""
        if self.system:
            return Role.ADMIN
        return self.user.role_for(cycle) if self.user is not None else None

    def may(self, role: Role, cycle: str | None) -> bool:
        found = self.role_on(cycle)
        return found is not None and found.allows(role)

    def require_login(self) -> None:
        """Refuse nobody (a request without a login session)."""
        if not self.authenticated:
            raise NotAuthenticated("log in first")

    def require(self, role: Role, cycle: str | None) -> None:
        """Refuse unless the viewer holds ``role`` (or more) on ``cycle``."""
        self.require_login()
        if not self.may(role, cycle):
            where = f"cycle {cycle!r}" if cycle else "this"
            raise PermissionDenied(f"{self.name} needs the {role.value} role on {where}")

    def clearance_on(self, cycle: str | None, scheme: ClassificationScheme) -> str | None:
        """The highest marking the viewer may see on ``cycle``; None only for the system
        operator without a cap (everything)."""
        if self.system:
            return self.clearance
        if self.user is None:
            return scheme.lowest
        return self.user.clearance_for(cycle, scheme)


__all__ = ["Channel", "Viewer"]
