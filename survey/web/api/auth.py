"""Who calls the API: an API token, or a staff session cookie (then CSRF-checked for writes).

A request with an ``Authorization`` header is judged by that header alone. Browsers never send
such a header across sites on their own, so token requests need no CSRF check; requests that
rely on the session cookie do, for every method that changes something.
"""

from __future__ import annotations

from secrets import compare_digest
from typing import Any

from litestar import Request
from litestar.di import Provide
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash

from survey.staff.access import Principal
from survey.staff.api_tokens import token_principal
from survey.timezone import now
from survey.web.login_first import once_per_request
from survey.web.staff.auth import LoginRequired, close_expired_classes, cookie_principal
from survey.web.state import state_db, state_secret

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrftoken"


def _csrf_secret(token: str, secret: str) -> str | None:
    if len(token) <= CSRF_SECRET_LENGTH:
        return None
    value, signature = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    expected = generate_csrf_hash(token=value, secret=secret)
    return value if compare_digest(signature, expected) else None


def csrf_matches(header: str | None, cookie: str | None, secret: str) -> bool:
    """Whether a CSRF header token and cookie token are both valid and the same (the check
    Litestar's CSRF middleware makes for forms)."""
    if not header or not cookie:
        return False
    from_header, from_cookie = _csrf_secret(header, secret), _csrf_secret(cookie, secret)
    return (
        from_header is not None
        and from_cookie is not None
        and compare_digest(from_header, from_cookie)
    )


def api_principal(request: Request[Any, Any, Any]) -> Principal:
    """Dependency of every API route: the calling account, or 401.

    Found once per request (see :mod:`survey.web.login_first`, which asks before the body).
    """
    return once_per_request(request, lambda: _api_principal(request))


def _api_principal(request: Request[Any, Any, Any]) -> Principal:
    principal = _caller(request)
    close_expired_classes(request)
    return principal


def _caller(request: Request[Any, Any, Any]) -> Principal:
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise LoginRequired
        principal = token_principal(
            state_db(request.app.state), state_secret(request.app.state), token.strip(), now()
        )
        if principal is None:
            raise LoginRequired
        return principal
    principal = cookie_principal(request)
    if principal is None:
        raise LoginRequired
    if request.method not in SAFE_METHODS:
        config = request.app.csrf_config
        assert config is not None
        if not csrf_matches(
            request.headers.get(CSRF_HEADER), request.cookies.get(config.cookie_name), config.secret
        ):
            raise PermissionDeniedException("CSRF token verification failed")
    return principal


def api_dependencies() -> dict[str, Provide]:
    """The dependencies of the API controller: ``principal``, the calling account."""
    return {"principal": Provide(api_principal, sync_to_thread=True)}
