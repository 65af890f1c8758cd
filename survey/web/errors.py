"""Error pages in Chinese: every failure says what happened and what to do."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

logger = logging.getLogger("survey.web")

_MESSAGES = {
    400: ("请求有误", "提交的内容无法识别，请返回上一页重试。"),
    403: ("没有权限", "您没有查看此页面的权限。"),
    404: ("页面不存在", "请检查链接是否完整；如果是从短信或二维码打开的，请重新打开原链接。"),
    405: ("请求方式不正确", "请从页面上的按钮操作，不要直接输入地址。"),
    429: ("操作太频繁", "请稍等一分钟后再试。"),
    500: ("服务器出错了", "这是我们的问题，不是您的。请稍后再试；您已填写的内容不会丢失。"),
    503: ("服务繁忙", "服务器正忙，请稍后重试；您的答卷尚未提交，也没有丢失。"),
}


def error_page(
    title: str, message: str, status: int, link: str | None = None, link_text: str = "返回"
) -> Template:
    """A rendered error page with ``status``."""
    return Template(
        template_name="error.html",
        context={"title": title, "message": message, "link": link, "link_text": link_text},
        status_code=status,
    )


def http_exception_handler(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Render HTTP errors (and unexpected ones) as Chinese pages, without details."""
    status = exc.status_code if isinstance(exc, HTTPException) else HTTP_500_INTERNAL_SERVER_ERROR
    if status >= 500:
        # The exception type only: a message could carry answers or personal fields.
        logger.error("unhandled %s", type(exc).__name__)
    title, message = _MESSAGES.get(status, ("出错了", "请稍后再试。"))
    return error_page(title, message, status)
