"""The access log, written by the app itself so that nothing identifying reaches it.

Uvicorn's own access log is switched off (it would log the raw path). Staff requests get one
line each: the method, the path, the status and the duration; no query string, client address,
cookie or user agent.

Trainee requests (``/``, ``/t/…``, ``/c``, ``/s…``) get no line of their own, and neither do
static files, which a browser fetches with every page it draws. A line per request, with its
status and its place in a sequence, is a trace of one trainee's visit that a reader of the log
can match with the responded flag in the database, and a trace can differ with what was
answered (a page shown again with a message, a longer sheet). Instead each
process counts requests and errors (status 400 or more) per route per minute of the clock and
writes one line per route once that minute is over (at the next request, and at shutdown):
``trainee 2026-11-30T12:03Z POST /s/p/{n} requests=14 errors=0``. Routes are written
in a fixed order, never in the order requests arrived.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("survey.access")

# Paths whose last segments carry a secret or could single out one trainee.
_REDACTED = re.compile(r"^/(t|c)/[^/]+")

#: The trainee routes, as counted: (pattern, route name). Anything else under /s counts as /s/….
_TRAINEE_ROUTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"/"), "/"),
    (re.compile(r"/t/.*"), "/t/{link}"),
    (re.compile(r"/c/?"), "/c"),
    (re.compile(r"/s/?"), "/s"),
    (re.compile(r"/s/p/[^/]*"), "/s/p/{n}"),
    (re.compile(r"/s/(review|submit|done)"), "/s/{step}"),
    (re.compile(r"/s/.*"), "/s/…"),
    # Every page a trainee draws fetches the stylesheet: one line per fetch would time the visit.
    (re.compile(r"/static/.*"), "/static/{file}"),
)


def redact_path(path: str) -> str:
    """``/t/<signed token>`` becomes ``/t/…``; other paths stay as they are."""
    return _REDACTED.sub(lambda m: f"/{m.group(1)}/…", path)


def trainee_route(path: str) -> str | None:
    """The counted route of a trainee or static path (``/s/p/3`` → ``/s/p/{n}``), None for
    other paths (staff and API, logged one line each)."""
    for pattern, route in _TRAINEE_ROUTES:
        if pattern.fullmatch(path):
            return route
    return None


class TraineeTraffic:
    """Requests and errors per trainee or static route per minute, logged once the minute is
    over."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, str], list[int]] = {}

    def record(self, method: str, route: str, status: int) -> None:
        """Count one request, and write the lines of every minute that has ended."""
        minute = self._minute()
        with self._lock:
            counts = self._counts.setdefault((minute, route, method), [0, 0])
            counts[0] += 1
            counts[1] += status >= 400
        self._write(before=minute)

    def flush(self) -> None:
        """Write every count, the current minute's too (at shutdown)."""
        self._write(before=None)

    def _minute(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(self._clock()))

    def _write(self, before: str | None) -> None:
        with self._lock:
            done = sorted(key for key in self._counts if before is None or key[0] < before)
            lines = [(key, self._counts.pop(key)) for key in done]
        for (minute, route, method), (requests, errors) in lines:
            logger.info(
                "trainee %s %s %s requests=%d errors=%d", minute, method, route, requests, errors
            )


def access_log_middleware(app: ASGIApp, traffic: TraineeTraffic) -> ASGIApp:
    """Log one redacted line per staff request; count trainee and static requests in ``traffic``."""

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

        method = scope.get("method", "-")
        try:
            await app(scope, receive, capture)
        finally:
            route = trainee_route(scope["path"])
            if route is not None:
                traffic.record(method, route, status)
            else:
                logger.info(
                    "%s %s %s %.1fms",
                    method,
                    redact_path(scope["path"]),
                    status,
                    (time.perf_counter() - started) * 1000,
                )

    return middleware
