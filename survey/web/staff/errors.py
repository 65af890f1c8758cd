"""One exception handler for the whole app, choosing by path: problem details for the API,
a login redirect or a Chinese page for the staff side, and the trainee side's own pages."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect

from survey.errors import UserError
from survey.staff.access import AccessDenied
from survey.web.api.problems import api_problem
from survey.web.errors import error_page, http_exception_handler
from survey.web.staff.auth import LoginRequired, login_url


def exception_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Answer an exception as the part of the app it happened in expects."""
    path = request.url.path
    if path.startswith("/api/"):
        return api_problem(exc)
    if isinstance(exc, LoginRequired):
        return Redirect(login_url(path), status_code=303)
    if isinstance(exc, AccessDenied):
        return error_page(
            "没有权限",
            "您的账号不能查看或操作这一项：承训基地只能看本基地的培训班，省级单位只能看本省学员。",
            403,
            link="/staff",
            link_text="回到我的首页",
        )
    if isinstance(exc, PermissionDeniedException) and "CSRF" in (exc.detail or ""):
        return error_page(
            "页面已过期",
            "为了安全，这个表单需要重新打开：请返回上一页，刷新后再提交一次。",
            403,
            link="/staff",
            link_text="回到我的首页",
        )
    if isinstance(exc, UserError) and path.startswith("/staff"):
        return error_page("无法完成操作", str(exc), 409, link="/staff", link_text="回到我的首页")
    return http_exception_handler(request, exc)
