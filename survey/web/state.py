"""Typed access to what the app factory puts into ``app.state``, for every controller."""

from __future__ import annotations

from litestar.datastructures import State

from survey.db.engine import Database
from survey.settings import Settings


def state_db(state: State) -> Database:
    """The app's database."""
    return state.db  # type: ignore[no-any-return]


def state_secret(state: State) -> bytes:
    """The server secret."""
    return state.secret  # type: ignore[no-any-return]


def state_settings(state: State) -> Settings:
    """The app's settings."""
    return state.settings  # type: ignore[no-any-return]
