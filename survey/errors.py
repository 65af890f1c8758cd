"""The base of every error a user can cause and fix; its message is Chinese and says how."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in input or configuration. The CLI prints it as one line and exits non-zero."""

    exit_code = 1


class UsageError(UserError):
    """A wrong argument: a value that names nothing loaded, such as a year (exit 2)."""

    exit_code = 2
