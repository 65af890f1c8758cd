"""Who may see and do what. Every route calls one of these checks on the server.

* **ministry** (教育部项目办): everything;
* **base** (承训基地): its own base's classes — their response rates, asking for reminders and,
  after closing, their results and published comments; never a trainee's link (see
  :mod:`survey.services.credentials` for the one exception the ministry can switch on);
* **province** (省级教育行政部门): the response rates of its own province's trainees, and their
  links and reminders.

A refused check raises :class:`AccessDenied`, which the web layer turns into 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["ministry", "base", "province"]

ROLE_LABELS: dict[str, str] = {"ministry": "项目办", "base": "承训基地", "province": "省级单位"}


class AccessDenied(Exception):  # noqa: N818 (reads as what happened, like PermissionError)
    """The account may not see or do this."""


@dataclass(frozen=True)
class Principal:
    """The account behind a request: its role and the base or province it speaks for."""

    user_id: int
    name: str
    role: Role
    base_id: int | None = None
    province_id: int | None = None
    #: The base's or province's name, or "教育部项目办" for the ministry.
    scope_name: str = ""

    @property
    def is_ministry(self) -> bool:
        """Whether this is a ministry account."""
        return self.role == "ministry"

    @property
    def role_label(self) -> str:
        """The role in Chinese."""
        return ROLE_LABELS[self.role]

    @property
    def home(self) -> str:
        """The page this account starts on."""
        if self.role == "base":
            return f"/staff/bases/{self.base_id}"
        if self.role == "province":
            return f"/staff/provinces/{self.province_id}"
        return "/staff/overview"


def require_ministry(principal: Principal) -> None:
    """Only the ministry."""
    if not principal.is_ministry:
        raise AccessDenied


def require_base(principal: Principal, base_id: int) -> None:
    """The ministry, or the base ``base_id`` itself."""
    if principal.is_ministry:
        return
    if principal.role != "base" or principal.base_id != base_id:
        raise AccessDenied


def require_province(principal: Principal, province_id: int) -> None:
    """The ministry, or the province ``province_id`` itself."""
    if principal.is_ministry:
        return
    if principal.role != "province" or principal.province_id != province_id:
        raise AccessDenied


def can_see_base(principal: Principal, base_id: int) -> bool:
    """Whether :func:`require_base` would pass."""
    return principal.is_ministry or (principal.role == "base" and principal.base_id == base_id)
