"""Errors of the API as RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Response
from litestar.exceptions import (
    NotAuthorizedException,
    PermissionDeniedException,
    SerializationException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from survey.errors import UserError
from survey.staff.access import AccessDenied
from survey.web.errors import is_malformed_text, status_of
from survey.web.incidents import report_incident
from survey.web.strict_text import MALFORMED_TEXT

PROBLEM_MEDIA_TYPE = "application/problem+json"

TITLES: dict[int, str] = {
    400: "请求有误",
    401: "需要登录或 API 令牌",
    403: "没有权限",
    404: "不存在",
    405: "请求方式不正确",
    409: "与当前状态冲突",
    413: "请求太大",
    422: "无法处理的内容",
    429: "请求太频繁",
    500: "服务器出错",
    503: "服务繁忙",
}

#: A body Litestar could not decode: not JSON, or not UTF-8.
UNREADABLE_JSON = "请求体无法解析：须为 UTF-8 编码的 JSON，请检查后重新发送"

DETAILS: dict[int, str] = {
    401: "请登录，或在请求头中提供 Authorization: Bearer <API 令牌>",
    403: "该账号无权访问这项数据或操作",
    404: "请求的对象不存在",
    500: "服务器内部错误，请稍后再试",
}


class ApiProblem(Exception):  # noqa: N818 (named for what the client receives)
    """Raised by a route to answer with a problem of ``status`` and a Chinese ``detail``."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Problem:
    """A problem detail (RFC 9457). ``errors`` lists what was wrong with each input field."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


def problem(
    status: int, detail: str | None = None, errors: list[dict[str, Any]] | None = None
) -> Response[dict[str, Any]]:
    """A problem-details response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "出错了"),
        "status": status,
        "detail": detail or DETAILS.get(status, TITLES.get(status, "出错了")),
    }
    if errors:
        body["errors"] = errors
    headers = {"www-authenticate": 'Bearer realm="api"'} if status == 401 else None
    return Response(
        content=body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def _errors(extra: Any) -> list[dict[str, Any]] | None:
    if not isinstance(extra, list):
        return None
    out = []
    for entry in extra:
        if isinstance(entry, dict):
            out.append({k: str(v) for k, v in entry.items() if k in ("key", "message", "source")})
    return out or None


def api_problem(exc: Exception) -> Response[dict[str, Any]]:
    """The problem response for an exception raised while serving the API."""
    if isinstance(exc, ApiProblem):
        return problem(exc.status, exc.detail)
    if is_malformed_text(exc):
        return problem(400, MALFORMED_TEXT)
    if isinstance(exc, NotAuthorizedException):
        return problem(401)
    if isinstance(exc, AccessDenied):
        return problem(403)
    if isinstance(exc, PermissionDeniedException):
        detail = (
            "使用登录会话修改数据时，需要在 X-CSRFToken 请求头中提供页面表单里的令牌；"
            "脚本请改用 API 令牌"
            if "CSRF" in (exc.detail or "")
            else None
        )
        return problem(403, detail)
    if isinstance(exc, ValidationException):
        return problem(400, "请求参数不符合要求", _errors(exc.extra))
    if isinstance(exc.__cause__, SerializationException):
        return problem(400, UNREADABLE_JSON)
    if isinstance(exc, UserError):
        return problem(409, str(exc))
    status = status_of(exc)
    if status != HTTP_500_INTERNAL_SERVER_ERROR:
        return problem(status)
    incident = report_incident(exc)
    return problem(status, f"服务器内部错误，请稍后再试（错误编号 {incident}）")


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI descriptions of the problem responses a route can give."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_MEDIA_TYPE,
            description=TITLES.get(status, "出错了"),
        )
        for status in statuses
    }
