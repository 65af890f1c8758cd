"""One exception handler for the whole app, choosing by path: problem details for the API,
a login redirect or a Chinese page for the staff side, and the trainee side's own pages.

A staff error page keeps the navigation and logout when the request's account is already known
(an error inside a page: no right to a class, a refused action, a class that does not exist), so
a person is never left on a page with no way on; otherwise it links to the staff home.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect

from survey.errors import UserError
from survey.staff.access import AccessDenied
from survey.web.api.problems import api_problem
from survey.web.errors import (
    MESSAGES,
    ErrorAnswer,
    error_answer,
    error_page,
    http_exception_handler,
)
from survey.web.login_first import known_principal
from survey.web.staff.auth import LoginRequired, login_url
from survey.web.staff.pages import page

#: Words for staff where the trainee's would mislead (a trainee's 404 speaks of SMS and QR codes).
STAFF_MESSAGES = {
    **MESSAGES,
    404: ("页面不存在", "没有这个页面，或者它指向的培训班、基地已不存在。请从导航重新进入。"),
}
DENIED = "您的账号不能查看或操作这一项：承训基地只能看本基地的培训班，省级单位只能看本省学员。"
EXPIRED = "为了安全，这个表单需要重新打开：请返回上一页，刷新后再提交一次。"


def _expired_form(exc: Exception) -> bool:
    return isinstance(exc, PermissionDeniedException) and "CSRF" in (exc.detail or "")


def _staff_answer(exc: Exception) -> ErrorAnswer:
    if isinstance(exc, AccessDenied):
        return ErrorAnswer(403, "没有权限", DENIED)
    if _expired_form(exc):
        return ErrorAnswer(403, "页面已过期", EXPIRED)
    if isinstance(exc, UserError):
        return ErrorAnswer(409, "无法完成操作", str(exc))
    return error_answer(exc, STAFF_MESSAGES)


def staff_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A staff error page: inside the staff layout when the account is known."""
    answer = _staff_answer(exc)
    principal = known_principal(request)
    if principal is None:
        return error_page(
            answer.title,
            answer.message,
            answer.status,
            link="/staff",
            link_text="回到我的首页",
            incident=answer.incident,
        )
    return page(
        principal,
        "staff/error.html",
        answer.title,
        status=answer.status,
        message=answer.message,
        incident=answer.incident,
    )


def exception_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Answer an exception as the part of the app it happened in expects."""
    path = request.url.path
    if path.startswith("/api/"):
        return api_problem(exc)
    if isinstance(exc, LoginRequired):
        return Redirect(login_url(path), status_code=303)
    if path.startswith("/staff"):
        return staff_error(request, exc)
    if _expired_form(exc):
        return error_page("页面已过期", EXPIRED, 403)
    return http_exception_handler(request, exc)
