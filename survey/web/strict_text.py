"""Forms whose text is not valid UTF-8 are refused, not repaired.

Browsers send forms as percent-encoded UTF-8. Litestar's parser turns a malformed sequence into
U+FFFD and carries on, so a damaged answer or name would be saved silently. Here the raw body of
every URL-encoded form is checked as Litestar reads it (after the login check, see
:mod:`survey.web.login_first`): when its last chunk arrives, a malformed body raises
:class:`MalformedTextError` before anything is parsed or saved. Multipart text fields are
decoded strictly by Litestar itself; its ``UnicodeDecodeError`` is answered the same way.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from litestar.enums import ScopeType
from litestar.exceptions import ClientException
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

MALFORMED_TEXT = (
    "提交的文字编码有误（不是有效的 UTF-8），没有保存任何内容。"
    "请刷新页面后重新填写并提交；上传文件的，请把文件另存为 UTF-8 编码后重试。"
)
_FORM = b"application/x-www-form-urlencoded"


class MalformedTextError(ClientException):
    """A form whose text is not valid UTF-8 (answered with 400 and :data:`MALFORMED_TEXT`)."""


def is_clean_form(body: bytes) -> bool:
    """Whether a URL-encoded body is ASCII and every name and value decodes as UTF-8."""
    if not body.isascii():
        return False
    for pair in body.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return False
    return True


def _is_form(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == _FORM
    return False


def strict_text_middleware(app: ASGIApp) -> ASGIApp:
    """Check the text of URL-encoded forms while their body is read."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not _is_form(scope):
            await app(scope, receive, send)
            return
        body = bytearray()

        async def checked_receive() -> ReceiveMessage:
            message = await receive()
            if message["type"] == "http.request":
                body.extend(message.get("body", b""))
                if not message.get("more_body", False) and not is_clean_form(bytes(body)):
                    raise MalformedTextError(MALFORMED_TEXT)
            return message

        await app(scope, checked_receive, send)

    return middleware
