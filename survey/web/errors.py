"""Error pages in Chinese: every failure says what happened and what to do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from anonymity.errors import RetryLaterError
from survey.web.incidents import report_incident
from survey.web.strict_text import MALFORMED_TEXT, MalformedTextError

MESSAGES = {
    400: ("请求有误", "提交的内容无法识别，请返回上一页重试。"),
    403: ("没有权限", "您没有查看此页面的权限。"),
    404: ("页面不存在", "请检查链接是否完整；如果是从短信或二维码打开的，请重新打开原链接。"),
    405: ("请求方式不正确", "请从页面上的按钮操作，不要直接输入地址。"),
    413: ("提交的内容太大", "请减少内容或文件后重新提交。"),
    429: ("操作太频繁", "请稍等一分钟后再试。"),
    500: ("服务器出错了", "这是我们的问题，不是您的。请稍后再试；您已填写的内容不会丢失。"),
    503: ("服务繁忙", "服务器正忙，请稍后重试；您的答卷尚未提交，也没有丢失。"),
}


def error_page(
    title: str,
    message: str,
    status: int,
    link: str | None = None,
    link_text: str = "返回",
    incident: str | None = None,
) -> Template:
    """A rendered error page with ``status`` (and the incident id of an unexpected error)."""
    return Template(
        template_name="error.html",
        context={
            "title": title,
            "message": message,
            "link": link,
            "link_text": link_text,
            "incident": incident,
        },
        status_code=status,
    )


def is_malformed_text(exc: Exception) -> bool:
    """Whether ``exc`` says the request's text is not valid UTF-8 (a multipart field that
    Litestar failed to decode, or a form refused by :mod:`survey.web.strict_text`)."""
    return isinstance(exc, (MalformedTextError, UnicodeDecodeError))


def status_of(exc: Exception) -> int:
    """The status an exception answers with: its own, 400 for malformed text, 503 for a busy
    database, else 500."""
    if is_malformed_text(exc):
        return HTTP_400_BAD_REQUEST
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, RetryLaterError):
        return HTTP_503_SERVICE_UNAVAILABLE
    return HTTP_500_INTERNAL_SERVER_ERROR


@dataclass(frozen=True)
class ErrorAnswer:
    """What an error page says: its status, title, message and the incident id of a crash."""

    status: int
    title: str
    message: str
    incident: str | None = None


def error_answer(exc: Exception, messages: Mapping[int, tuple[str, str]] = MESSAGES) -> ErrorAnswer:
    """What to tell a person about ``exc``, without details; a crash is reported as an incident.

    ``messages`` gives the title and message of each status (the staff side's words a 404 for
    staff).
    """
    status = status_of(exc)
    incident = report_incident(exc) if status == HTTP_500_INTERNAL_SERVER_ERROR else None
    title, message = messages.get(status, ("出错了", "请稍后再试。"))
    if is_malformed_text(exc):
        message = MALFORMED_TEXT
    return ErrorAnswer(status, title, message, incident)


def http_exception_handler(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Render HTTP errors (and unexpected ones) as Chinese pages, without details."""
    answer = error_answer(exc)
    return error_page(answer.title, answer.message, answer.status, incident=answer.incident)
