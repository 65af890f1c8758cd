"""Logging in and out, and finding the account behind a staff request.

The session cookie (``zjgp_staff``) is HttpOnly, SameSite=Lax, Secure behind HTTPS, and holds
a random id whose keyed digest is the session's key in the database (see
:mod:`survey.staff.sessions`). Failed logins are counted per client address and per account
name in the shared rate-limit table, so the limit holds across workers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from survey.ratelimit import client_key, is_limited, record_failure
from survey.staff.access import Principal
from survey.staff.accounts import authenticate, load_principal, user_id_of
from survey.staff.audit import audit
from survey.staff.sessions import end_session, session_principal, start_session
from survey.timezone import now, today_local
from survey.web.state import state_db, state_secret, state_settings

STAFF_COOKIE = "zjgp_staff"
#: Failed logins allowed per client address, and per account name, in one window.
CLIENT_LIMIT = 20
ACCOUNT_LIMIT = 10
LIMIT_WINDOW = 900
#: A posted form: every field as one string.
LoginForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


class LoginRequired(NotAuthorizedException):
    """No live staff session: pages redirect to the login form, the API answers 401."""


def secure_cookies(request: Request[Any, Any, Any]) -> bool:
    """Whether cookies must be Secure: behind HTTPS, or when the public address is HTTPS."""
    return request.url.scheme == "https" or state_settings(request.app.state).public_url.startswith(
        "https://"
    )


def cookie_principal(request: Request[Any, Any, Any]) -> Principal | None:
    """The account of the request's session cookie, or None."""
    session_id = request.cookies.get(STAFF_COOKIE)
    if not session_id:
        return None
    state = request.app.state
    return session_principal(
        state_db(state),
        state_secret(state),
        session_id,
        now(),
        timedelta(minutes=state_settings(state).session_minutes),
    )


def close_expired_classes(request: Request[Any, Any, Any]) -> None:
    """Close classes whose deadline has passed (at most every few seconds per process), so that
    staff never see a class as open after its deadline."""
    state = request.app.state
    state.expiry.check(state_db(state), state_secret(state), now(), today_local())


def staff_principal(request: Request[Any, Any, Any]) -> Principal:
    """Dependency of every staff page: the logged-in account, or :class:`LoginRequired`."""
    principal = cookie_principal(request)
    if principal is None:
        raise LoginRequired
    close_expired_classes(request)
    return principal


def staff_dependencies() -> dict[str, Provide]:
    """The dependencies of every staff controller: ``principal``, the logged-in account."""
    return {"principal": Provide(staff_principal, sync_to_thread=True)}


def safe_next(target: str | None) -> str | None:
    """A same-site staff path to return to after login; anything else is dropped."""
    if not target or not target.startswith("/staff") or target.startswith("//"):
        return None
    if any(c in target for c in "\\\r\n"):
        return None
    return target


def login_url(path: str) -> str:
    """The login page, returning to ``path`` afterwards."""
    return f"/staff/login?next={quote(path, safe='/')}"


def _client(request: Request[Any, Any, Any]) -> str:
    host = request.client.host if request.client else "-"
    return client_key(state_secret(request.app.state), host)


def _account(request: Request[Any, Any, Any], name: str) -> str:
    return client_key(state_secret(request.app.state), "account:" + name.strip().lower())


def _form(
    error: str | None = None, name: str = "", target: str | None = None, status: int = 200
) -> Template:
    return Template(
        template_name="staff/login.html",
        context={"title": "工作人员登录", "error": error, "name": name, "next": target or ""},
        status_code=status,
    )


class LoginController(Controller):
    """``/staff/login`` and ``/staff/logout``."""

    path = "/staff"
    include_in_schema = False

    @get("/login", sync_to_thread=True)
    def login_form(
        self, request: Request[Any, Any, Any], next: FromQuery[str | None] = None
    ) -> Template | Redirect:
        """The login form; a logged-in account goes straight to its page."""
        principal = cookie_principal(request)
        if principal is not None:
            return Redirect(safe_next(next) or principal.home, status_code=303)
        return _form(target=safe_next(next))

    @post("/login", sync_to_thread=True, status_code=200)
    def login(self, request: Request[Any, Any, Any], data: LoginForm) -> Template | Redirect:
        """Check the password (rate-limited), start a session and set its cookie."""
        database, secret = state_db(request.app.state), state_secret(request.app.state)
        name = str(data.get("name", "")).strip()[:100]
        password = str(data.get("password", ""))[:1000]
        target = safe_next(str(data.get("next", "")))
        moment = now()
        client, account = _client(request), _account(request, name)
        if is_limited(database, "login-client", client, CLIENT_LIMIT, LIMIT_WINDOW, moment) or (
            is_limited(database, "login-account", account, ACCOUNT_LIMIT, LIMIT_WINDOW, moment)
        ):
            return _form("登录失败次数过多，请 15 分钟后再试。", name, target, status=429)
        user_id = authenticate(database, name, password) if name and password else None
        if user_id is None:
            record_failure(database, "login-client", client, LIMIT_WINDOW, moment)
            record_failure(database, "login-account", account, LIMIT_WINDOW, moment)
            if user_id_of(database, name) is not None:
                audit(database, name, "login_failed", "", "密码错误或账号已停用", moment)
            return _form("账号或密码不正确，或账号已停用。", name, target, status=401)
        with database.read() as session:
            principal = load_principal(session, user_id)
        assert principal is not None
        earlier = request.cookies.get(STAFF_COOKIE)
        if earlier:
            # A fresh id at every login (no session fixation), and the old session ends.
            end_session(database, secret, earlier)
        session_id = start_session(database, secret, user_id, moment)
        audit(database, principal, "login", f"user:{user_id}", principal.scope_name, moment)
        return Redirect(
            target or principal.home,
            status_code=303,
            cookies=[
                Cookie(
                    key=STAFF_COOKIE,
                    value=session_id,
                    httponly=True,
                    samesite="lax",
                    secure=secure_cookies(request),
                    path="/",
                )
            ],
        )

    @post("/logout", sync_to_thread=True, status_code=200)
    def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        """End the session and forget the cookie."""
        database, secret = state_db(request.app.state), state_secret(request.app.state)
        session_id = request.cookies.get(STAFF_COOKIE)
        if session_id:
            principal = cookie_principal(request)
            end_session(database, secret, session_id)
            if principal is not None:
                audit(database, principal, "logout", f"user:{principal.user_id}", "", now())
        return Redirect(
            "/staff/login",
            status_code=303,
            cookies=[Cookie(key=STAFF_COOKIE, value="", max_age=0, path="/", httponly=True)],
        )

    @get("", sync_to_thread=True)
    def home(self, request: Request[Any, Any, Any]) -> Redirect:
        """The account's own start page."""
        principal = cookie_principal(request)
        if principal is None:
            return Redirect("/staff/login", status_code=303)
        return Redirect(principal.home, status_code=303)
