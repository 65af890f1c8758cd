"""Authorisation before the body: a request that needs a logged-in account is refused before a
byte of its body is read.

Litestar reads a form while resolving a handler's arguments, and its CSRF middleware reads it
earlier still; both come after the middleware here. So an anonymous 30 MB upload to a staff
route costs the server its headers only, not its body.

Which routes need an account is read off the route itself: those whose handlers depend on
``principal`` (every staff page and API route). The same provider that gives the handler its
account runs here first; it keeps its answer in the request's state, so the handler's own
dependency reuses it instead of looking the session up twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

PRINCIPAL = "principal"
_CACHED = "survey_principal"

T = TypeVar("T")


def once_per_request(request: Request[Any, Any, Any], find: Callable[[], T]) -> T:
    """``find()`` the first time a request asks for its account; the same answer afterwards.

    Only an answer is kept: a refusal (an exception) is raised again on the next call.
    """
    state = request.scope.setdefault("state", {})
    if _CACHED not in state:
        state[_CACHED] = find()
    return state[_CACHED]  # type: ignore[no-any-return]


def known_principal(request: Request[Any, Any, Any]) -> Any | None:
    """The account this request was already found to have, or None when nobody asked yet.

    For an error page: it never looks the session up again (an error answer must not wait on
    the database).
    """
    return request.scope.get("state", {}).get(_CACHED)


def login_first_middleware(app: ASGIApp) -> ASGIApp:
    """Run the route's ``principal`` provider before anything reads the request body."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            provide = scope["route_handler"].resolve_dependencies().get(PRINCIPAL)
            if provide is not None:
                # Raises the route's own refusal (login redirect, 401, 403 for CSRF).
                await provide(request=scope["litestar_app"].request_class(scope, receive))
        await app(scope, receive, send)

    return middleware
