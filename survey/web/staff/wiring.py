"""What the app factory needs from the staff side and the API: routes, CSRF, OpenAPI."""

from __future__ import annotations

from litestar.config.csrf import CSRFConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ControllerRouterHandler

from anonymity.keys import derive_key
from survey.settings import Settings
from survey.web.api.routes import ApiController
from survey.web.staff.auth import LoginController
from survey.web.staff.bases import BaseController
from survey.web.staff.links import LinksController
from survey.web.staff.ministry import MinistryController
from survey.web.staff.provinces import ProvinceController
from survey.web.staff.results import ResultsController
from survey.web.staff.review_pages import ReviewController
from survey.web.staff.roster import RosterController

CSRF_COOKIE = "zjgp_csrf"
#: Paths the CSRF middleware leaves alone. The trainee pages rely on their SameSite=Lax token
#: cookie and must not get a cookie they do not need; the API checks its cookie-authenticated
#: writes itself (see survey.web.api.auth) and lets token-authenticated scripts through.
CSRF_EXCLUDE = ["^/t/", "^/c$", "^/s(/|$)", "^/healthz$", "^/static/", "^/api/"]


def staff_route_handlers() -> list[ControllerRouterHandler]:
    """The staff pages' and the API's controllers."""
    return [
        LoginController,
        BaseController,
        LinksController,
        MinistryController,
        ProvinceController,
        RosterController,
        ReviewController,
        ResultsController,
        ApiController,
    ]


def csrf_config(settings: Settings, secret: bytes) -> CSRFConfig:
    """CSRF protection of every staff form: a signed token in a cookie and in the form."""
    return CSRFConfig(
        secret=derive_key(secret, "staff-csrf").hex(),
        cookie_name=CSRF_COOKIE,
        cookie_httponly=True,
        cookie_secure=settings.public_url.startswith("https://"),
        cookie_samesite="lax",
        exclude=CSRF_EXCLUDE,
    )


def openapi_config() -> OpenAPIConfig:
    """The API's OpenAPI document at ``/api/v1/schema/openapi.json`` (no UI: it would load scripts
    from elsewhere, which the CSP forbids)."""
    return OpenAPIConfig(
        title="职教国培匿名评教 API",
        version="1",
        description=(
            "承训基地、省级单位和项目办的数据接口。认证：登录会话 Cookie，或 "
            "`Authorization: Bearer <API 令牌>`（`survey user token` 创建）。"
            "错误按 RFC 9457 以 application/problem+json 返回。"
        ),
        path="/api/v1/schema",
        render_plugins=[JsonRenderPlugin(path="/openapi.json")],
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(type="http", scheme="bearer"),
                "session": SecurityScheme(
                    type="apiKey", name="zjgp_staff", security_scheme_in="cookie"
                ),
            }
        ),
        security=[{"bearer": []}, {"session": []}],
    )
