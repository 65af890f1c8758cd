"""The access log, written by the app itself so that nothing identifying reaches it.

Uvicorn's own access log is switched off (it would log the raw path). Here a line has the
method, the path with every token-bearing segment replaced, the status and the duration:
no query string, no client address, no cookie, no user agent.
"""

from __future__ import annotations

import logging
import re
import time

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("survey.access")

# Paths whose last segments carry a secret or could single out one trainee.
_REDACTED = re.compile(r"^/(t|c)/[^/]+")


def redact_path(path: str) -> str:
    """``/t/<signed token>`` becomes ``/t/…``; other paths stay as they are."""
    return _REDACTED.sub(lambda m: f"/{m.group(1)}/…", path)


def access_log_middleware(app: ASGIApp) -> ASGIApp:
    """Log one redacted line per HTTP request."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, capture)
        finally:
            logger.info(
                "%s %s %s %.1fms",
                scope.get("method", "-"),
                redact_path(scope["path"]),
                status,
                (time.perf_counter() - started) * 1000,
            )

    return middleware
