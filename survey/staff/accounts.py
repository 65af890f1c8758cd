"""Staff accounts: creating, listing, disabling and re-enabling them, and logging in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from survey.db.engine import Database
from survey.errors import UserError
from survey.programme.lookup import Lookup
from survey.programme.selection import select_programme
from survey.staff.access import ROLE_LABELS, Principal, Role
from survey.staff.audit import cli_actor, record
from survey.staff.models import NAME_LENGTH, ApiToken, StaffSession, StaffUser
from survey.staff.passwords import (
    check_password_rules,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)

# Letters (any script), digits and a few separators: names appear in logs and URLs of no one,
# but must be typable and unambiguous.
_NAME = re.compile(r"^[\w.@\-]+$")


@dataclass(frozen=True)
class AccountLine:
    """An account as ``survey user list`` shows it."""

    name: str
    role: str
    scope: str
    active: bool
    tokens: int


def _check_name(name: str) -> str:
    name = name.strip()
    if not 2 <= len(name) <= NAME_LENGTH or not _NAME.match(name):
        raise UserError(
            f"账号名“{name}”不可用：需 2–{NAME_LENGTH} 个字符，只能含字母、汉字、数字和 . _ - @"
        )
    return name


def principal_of(user: StaffUser) -> Principal:
    """The principal of a loaded account (with its base or province loaded too)."""
    role: Role = user.role  # type: ignore[assignment]
    if role == "base":
        scope = user.base.name if user.base else ""
    elif role == "province":
        scope = user.province.name if user.province else ""
    else:
        scope = "教育部项目办"
    return Principal(
        user_id=user.id,
        name=user.name,
        role=role,
        base_id=user.base_id,
        province_id=user.province_id,
        scope_name=scope,
    )


def create_user(
    db: Database,
    name: str,
    role: str,
    password: str,
    now: datetime,
    base: str | None = None,
    province: str | None = None,
) -> Principal:
    """Create an account. A base or province is found by any of its names or aliases."""
    name = _check_name(name)
    if role not in ROLE_LABELS:
        raise UserError(f"角色“{role}”不存在：请用 ministry、base 或 province")
    if role == "base" and (not base or province):
        raise UserError("基地账号需要用 --base 指定承训基地（不能同时指定 --province）")
    if role == "province" and (not province or base):
        raise UserError("省级账号需要用 --province 指定省级单位（不能同时指定 --base）")
    if role == "ministry" and (base or province):
        raise UserError("项目办账号看全部数据，不能指定 --base 或 --province")
    check_password_rules(password)
    password_hash = hash_password(password)
    with db.write() as session:
        if session.scalar(select(StaffUser.id).where(StaffUser.name == name)) is not None:
            raise UserError(f"账号“{name}”已经存在")
        user = StaffUser(
            name=name, role=role, password_hash=password_hash, active=True, created_at=now
        )
        if base or province:
            lookup = Lookup.load(session, select_programme(session, None))
            if base:
                found_base = lookup.base(base)
                if found_base is None:
                    raise UserError(f"没有名为“{base}”的承训基地（可用附件1中的名称或其别名）")
                user.base_id = found_base.id
            if province:
                found_province = lookup.province(province)
                if found_province is None:
                    raise UserError(f"没有名为“{province}”的省级单位（如“山东”或“山东省”）")
                user.province_id = found_province.id
        session.add(user)
        session.flush()
        principal = principal_of(user)
        scope = f"：{principal.scope_name}" if base or province else ""
        record(
            session,
            cli_actor(),
            "user_add",
            f"user:{user.id}",
            f"{name}（{ROLE_LABELS[role]}{scope}）",
            now,
        )
        return principal


def list_users(db: Database) -> list[AccountLine]:
    """Every account with its role, scope, state and number of live API tokens."""
    with db.read() as session:
        tokens = {
            user_id: int(count)
            for user_id, count in session.execute(
                select(ApiToken.user_id, func.count())
                .where(ApiToken.revoked.is_(False))
                .group_by(ApiToken.user_id)
            )
        }
        return [
            AccountLine(
                name=user.name,
                role=user.role,
                scope=principal_of(user).scope_name,
                active=user.active,
                tokens=tokens.get(user.id, 0),
            )
            for user in session.scalars(select(StaffUser).order_by(StaffUser.role, StaffUser.name))
        ]


def _user(session: Session, name: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.name == name.strip()))
    if user is None:
        raise UserError(f"账号“{name}”不存在（survey user list 列出全部账号）")
    return user


def set_active(db: Database, name: str, active: bool, now: datetime) -> None:
    """Disable an account (ending its sessions and revoking its API tokens) or enable it again."""
    with db.write() as session:
        user = _user(session, name)
        user.active = active
        if not active:
            session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
            session.execute(
                update(ApiToken).where(ApiToken.user_id == user.id).values(revoked=True)
            )
        action = "user_enable" if active else "user_disable"
        record(session, cli_actor(), action, f"user:{user.id}", user.name, now)


def set_password(db: Database, name: str, password: str, now: datetime) -> None:
    """Give an account a new password and end its sessions."""
    check_password_rules(password)
    password_hash = hash_password(password)
    with db.write() as session:
        user = _user(session, name)
        user.password_hash = password_hash
        session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
        record(session, cli_actor(), "user_password", f"user:{user.id}", user.name, now)


def authenticate(db: Database, name: str, password: str) -> int | None:
    """The id of the active account ``name`` if ``password`` is its password, else None.

    An unknown name costs one Argon2 verification like a known one, so the time taken does not
    tell which names exist. A hash made with older parameters is upgraded on success.
    """
    with db.read() as session:
        row = session.execute(
            select(StaffUser.id, StaffUser.password_hash, StaffUser.active).where(
                StaffUser.name == name.strip()
            )
        ).first()
    if row is None:
        verify_password(dummy_hash(), password)
        return None
    user_id, password_hash, active = row
    if not verify_password(password_hash, password) or not active:
        return None
    if needs_rehash(password_hash):
        new_hash = hash_password(password)
        with db.write() as session:
            session.execute(
                update(StaffUser).where(StaffUser.id == user_id).values(password_hash=new_hash)
            )
    return int(user_id)


def load_principal(session: Session, user_id: int) -> Principal | None:
    """The principal of an active account, or None."""
    user = session.get(StaffUser, user_id)
    if user is None or not user.active:
        return None
    return principal_of(user)


def user_id_of(db: Database, name: str) -> int | None:
    """The id of the account ``name`` (active or not), or None."""
    with db.read() as session:
        return session.scalar(select(StaffUser.id).where(StaffUser.name == name.strip()))
