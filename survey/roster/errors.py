"""Errors of roster commands that are not findings in a file."""

from __future__ import annotations

from survey.errors import UserError


class RosterUsageError(UserError):
    """A wrong argument: an unknown province or project, a year that is not loaded (exit 2)."""

    exit_code = 2


class PurgeRefusedError(UserError):
    """A purge asked for too early: some class of the project has not closed and released."""


class ConcurrentChangeError(UserError):
    """The roster changed under an import (another import ran at the same time)."""
