"""Security headers on every response.

The pages use no inline script or style and load nothing from elsewhere, so the policy can
forbid everything but the app's own stylesheet, images and one small script (table sorting on
the staff pages, which work without it); no ``unsafe-inline`` anywhere.

The headers are added by a ``before_send`` hook of the app rather than by a middleware: route
middleware never sees the answers Litestar gives before a route is found (404, 405) or after a
handler failed, and every answer must carry the same headers.
"""

from __future__ import annotations

from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from survey.settings import Settings
from survey.web.static import PREFIX, StaticFiles

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
#: One year; sent only when the public address is HTTPS (a browser ignores it over HTTP anyway,
#: and it must not pin a development host to HTTPS).
HSTS = "max-age=31536000"


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.encode(), v.encode()) for k, v in headers.items()]


#: For a static file asked for at its current digest: that address never holds anything else.
IMMUTABLE = "public, max-age=31536000, immutable"


def security_headers(settings: Settings, files: StaticFiles) -> BeforeMessageSendHookHandler:
    """A ``before_send`` hook adding the security headers to every HTTP response.

    Pages and data get ``Cache-Control: no-store``, which keeps answers and pages behind a
    trainee's cookie out of shared caches and out of the phone's back-button cache. The static
    files (the same for everyone) are cached for a year when asked for at their current digest
    (the address pages link, :mod:`survey.web.static`), and get ``no-cache`` otherwise.
    """
    common = dict(SECURITY_HEADERS)
    if settings.public_url.startswith("https://"):
        common["strict-transport-security"] = HSTS
    pages = _raw({**common, "cache-control": "no-store"})
    static = _raw({**common, "cache-control": "no-cache"})
    versioned = _raw({**common, "cache-control": IMMUTABLE})
    replaced = frozenset(k for k, _ in pages)

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        # Raw header pairs, replaced wholesale: cheaper than one lookup per header on the
        # submit path, and no handler can leave a weaker copy of one behind.
        path = scope["path"]
        if not path.startswith(PREFIX):
            ours = pages
        elif files.is_versioned(path, scope["query_string"]):
            ours = versioned
        else:
            ours = static
        kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in replaced]
        message["headers"] = kept + ours

    return add_headers
