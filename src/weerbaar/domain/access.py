"""Who may do what: users, roles granted per cycle, expert scoring sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from weerbaar.domain.classification import ClassificationScheme
from weerbaar.domain.scenario import ExpertScore


class Role(StrEnum):
    """Roles in rising order of rights; a role includes the rights of the roles below it."""

    VIEWER = "viewer"  # read
    EXPERT = "expert"  # + take part in expert sessions
    ANALYST = "analyst"  # + edit scenarios, scores, measures, reviews
    COORDINATOR = "coordinator"  # + run expert sessions, verdicts, freeze and clone cycles
    ADMIN = "admin"  # + manage users and grants

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


ALL_CYCLES = "*"


class User(BaseModel):
    """A local account with its roles per cycle (``"*"`` = every cycle)."""

    model_config = ConfigDict(frozen=True)

    id: int
    username: str
    display_name: str | None = None
    is_admin: bool = False
    disabled: bool = False
    must_change_password: bool = False
    two_factor: bool = False  # enrolled in two-factor login (a confirmed TOTP secret)
    roles: dict[str, Role] = Field(default_factory=dict)
    clearances: dict[str, str] = Field(default_factory=dict)

    def role_for(self, cycle: str | None) -> Role | None:
        """The user's role on a cycle: its own grant, else the all-cycles grant."""
        if self.is_admin:
            return Role.ADMIN
        if cycle is not None and cycle in self.roles:
            return self.roles[cycle]
        return self.roles.get(ALL_CYCLES)

    def clearance_for(self, cycle: str | None, scheme: ClassificationScheme) -> str:
        """The marking up to which the user may see a cycle's content: the clearance of the
        grant that gives the role on the cycle, else the scheme's default marking."""
        grant = cycle if cycle is not None and cycle in self.roles else ALL_CYCLES
        return self.clearances.get(grant, scheme.default)

    def may(self, needed: Role, cycle: str | None) -> bool:
        role = self.role_for(cycle)
        return role is not None and role.allows(needed)


class SessionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # ended without writing anything to the scenario


class ExpertSession(BaseModel):
    """A facilitated scoring session on one scenario."""

    model_config = ConfigDict(frozen=True)

    id: int
    cycle: str
    scenario: str
    facilitator: str
    experts: tuple[str, ...]
    status: SessionStatus
    created_at: datetime
    closed_at: datetime | None = None
    agreed_revision: int | None = None
    submitted: tuple[str, ...] = ()  # experts who have submitted (names only)


class Submission(BaseModel):
    model_config = ConfigDict(frozen=True)

    expert: str
    score: ExpertScore
    submitted_at: datetime
