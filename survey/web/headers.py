"""Security headers on every response.

The pages use no inline script or style and load nothing from elsewhere, so the policy can
forbid everything but the app's own stylesheet, images and one small script (table sorting on
the staff pages, which work without it); no ``unsafe-inline`` anywhere.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


_RAW_STATIC = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
_RAW = [*_RAW_STATIC, (b"cache-control", b"no-store")]
_REPLACED_STATIC = frozenset(k for k, _ in _RAW_STATIC)
_REPLACED = frozenset(k for k, _ in _RAW)


def security_headers_middleware(app: ASGIApp) -> ASGIApp:
    """Add the security headers, and ``no-store`` to every non-static response.

    ``no-store`` keeps answers and pages behind a trainee's cookie out of shared caches and out
    of the phone's back-button cache.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Raw header pairs, replaced wholesale: cheaper than one lookup per header on the
                # submit path, and no handler can leave a weaker copy of one behind.
                replaced = _REPLACED if not static else _REPLACED_STATIC
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in replaced]
                message["headers"] = kept + (_RAW if not static else _RAW_STATIC)
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware
