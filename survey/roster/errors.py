"""Errors of roster commands that are not findings in a file."""

from __future__ import annotations

from survey.errors import UsageError, UserError


class RosterUsageError(UsageError):
    """A wrong argument of a roster command: an unknown province or project (exit 2)."""


class PurgeRefusedError(UserError):
    """A purge asked for too early: some class of the project has not closed and released."""


class ConcurrentChangeError(UserError):
    """The roster changed under an import (another import ran at the same time)."""
