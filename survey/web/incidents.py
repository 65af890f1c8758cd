"""Unexpected errors: a short incident id for the person who met it, and the same id in the
log beside where the error happened, so that one can be traced without personal data.

The log gets the exception's type and its stack as ``file:line:function`` frames, for the
exception and the ones it was raised from: never the message (SQLAlchemy puts statement
parameters there, a validation error the value it refused), never a local value.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from pathlib import Path

logger = logging.getLogger("survey.web")

#: Paths in frames are shown from the folder holding the project's packages.
_ROOT = str(Path(__file__).resolve().parents[2]) + "/"


def _frames(exc: BaseException) -> list[str]:
    lines = []
    for frame, line in traceback.walk_tb(exc.__traceback__):
        path = frame.f_code.co_filename.removeprefix(_ROOT)
        lines.append(f"  {path}:{line}:{frame.f_code.co_name}")
    return lines


def describe(exc: BaseException) -> list[str]:
    """The exception chain as types and frames only, innermost cause first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    lines = []
    for item in reversed(chain):
        lines.append(f"{type(item).__module__}.{type(item).__qualname__}")
        lines.extend(_frames(item))
    return lines


def report_incident(exc: BaseException) -> str:
    """Log ``exc`` under a fresh incident id, and return the id to show the user."""
    incident = secrets.token_hex(4)
    logger.error("incident %s: unhandled error\n%s", incident, "\n".join(describe(exc)))
    return incident
