"""API tokens for scripts: ``Authorization: Bearer zjgp_…``.

A token is shown once, when it is created; the table keeps its keyed digest only. A token acts
with its account's role and stops working when the account is disabled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from survey.db.engine import Database
from survey.errors import UserError
from survey.staff.access import Principal
from survey.staff.accounts import principal_of
from survey.staff.audit import cli_actor, record
from survey.staff.models import ApiToken, StaffUser
from survey.staff.secrets import API_TOKEN_PURPOSE, keyed_digest, new_secret
from survey.timezone import as_utc

#: Every token starts with this, so a leaked one is recognisable in code and logs.
PREFIX = "zjgp_"
#: How stale ``last_used_at`` may get before a request refreshes it.
TOUCH_EVERY = timedelta(seconds=60)


def create_token(db: Database, secret: bytes, name: str, label: str, now: datetime) -> str:
    """Create an API token for account ``name``; returns it (the only time it exists whole)."""
    token = PREFIX + new_secret()
    with db.write() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.name == name.strip()))
        if user is None:
            raise UserError(f"账号“{name}”不存在（survey user list 列出全部账号）")
        if not user.active:
            raise UserError(f"账号“{name}”已停用，不能创建令牌")
        session.add(
            ApiToken(
                user_id=user.id,
                digest=keyed_digest(secret, API_TOKEN_PURPOSE, token),
                label=label[:100],
                created_at=now,
                revoked=False,
            )
        )
        record(
            session, cli_actor(), "token_create", f"user:{user.id}", f"{user.name}：{label}", now
        )
    return token


def token_principal(db: Database, secret: bytes, token: str, now: datetime) -> Principal | None:
    """The account a bearer token acts for, or None for an unknown, revoked or disabled one."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    digest = keyed_digest(secret, API_TOKEN_PURPOSE, token)
    with db.read() as session:
        row = session.execute(
            select(ApiToken, StaffUser)
            .join(StaffUser, StaffUser.id == ApiToken.user_id)
            .where(ApiToken.digest == digest)
        ).first()
        if row is None:
            return None
        api_token, user = row
        if api_token.revoked or not user.active:
            return None
        principal = principal_of(user)
        last = api_token.last_used_at
        stale = last is None or now - as_utc(last) >= TOUCH_EVERY
        token_id = api_token.id
    if stale:
        with db.write() as session:
            session.execute(
                update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
            )
    return principal
