"""Logging in and out, and finding the account behind a staff request.

The session cookie (``zjgp_staff``) is HttpOnly, SameSite=Lax, Secure behind HTTPS, and holds
a random id whose keyed digest is the session's key in the database (see
:mod:`survey.staff.sessions`).

Login attempts are counted in the shared rate-limit table before the password is checked, in
the statement that checks the limit (so concurrent guesses cannot overrun it), and given back
when the password is right. They are limited per (account, client address) pair, per client
address, and by a slower backstop per account; a browser that has logged in to the account
before (it holds a signed device cookie) is exempt from the backstop, so guesses from
elsewhere cannot lock the owner out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote

from itsdangerous import BadSignature, TimestampSigner
from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from anonymity.keys import derive_key
from survey.ratelimit import Limit, client_key, give_back, take
from survey.staff.access import Principal
from survey.staff.accounts import authenticate, load_principal, user_id_of
from survey.staff.audit import audit
from survey.staff.sessions import end_session, session_principal, start_session
from survey.timezone import now, today_local
from survey.web.clients import client_address
from survey.web.login_first import once_per_request
from survey.web.state import state_db, state_secret, state_settings

STAFF_COOKIE = "zjgp_staff"
#: Marks a browser that has logged in to an account before (see :func:`_limits`).
DEVICE_COOKIE = "zjgp_device"
DEVICE_DAYS = 90
#: Failed logins allowed per (account, client address) pair and per client address in one
#: window, and per account from all addresses together in a longer one.
PAIR_LIMIT = 10
CLIENT_LIMIT = 20
LIMIT_WINDOW = 900
ACCOUNT_LIMIT = 100
ACCOUNT_WINDOW = 3600
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
    """Dependency of every staff page: the logged-in account, or :class:`LoginRequired`.

    Found once per request (see :mod:`survey.web.login_first`, which asks before the body).
    """
    return once_per_request(request, lambda: _staff_principal(request))


def _staff_principal(request: Request[Any, Any, Any]) -> Principal:
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


def _device_signer(request: Request[Any, Any, Any]) -> TimestampSigner:
    return TimestampSigner(derive_key(state_secret(request.app.state), "staff-device").hex())


def _known_device(request: Request[Any, Any, Any], account: str) -> bool:
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return False
    try:
        value = _device_signer(request).unsign(cookie, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return False
    return value.decode() == account


def _limits(request: Request[Any, Any, Any], name: str) -> tuple[list[Limit], str]:
    """The limits a login attempt for ``name`` counts against, and the account's key."""
    secret = state_secret(request.app.state)
    address = client_address(request)
    account = client_key(secret, "account:" + name.strip().lower())
    limits = [
        Limit("login-pair", client_key(secret, f"{account}:{address}"), PAIR_LIMIT, LIMIT_WINDOW),
        Limit("login-client", client_key(secret, address), CLIENT_LIMIT, LIMIT_WINDOW),
    ]
    if not _known_device(request, account):
        limits.append(Limit("login-account", account, ACCOUNT_LIMIT, ACCOUNT_WINDOW))
    return limits, account


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
        limits, account = _limits(request, name)
        # Counted before the check and given back on success: a guess that is still being
        # checked already counts, so concurrent guesses cannot pass the limit together.
        if not take(database, limits, moment):
            return _form("登录失败次数过多，请 15 分钟后再试。", name, target, status=429)
        user_id = authenticate(database, name, password) if name and password else None
        if user_id is None:
            if user_id_of(database, name) is not None:
                audit(database, name, "login_failed", "", "密码错误或账号已停用", moment)
            return _form("账号或密码不正确，或账号已停用。", name, target, status=401)
        give_back(database, limits, moment)
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
                ),
                Cookie(
                    key=DEVICE_COOKIE,
                    value=_device_signer(request).sign(account).decode(),
                    httponly=True,
                    samesite="strict",
                    secure=secure_cookies(request),
                    path="/staff/login",
                    max_age=DEVICE_DAYS * 86400,
                ),
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
