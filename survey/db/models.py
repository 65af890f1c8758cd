"""Imports every table module so that ``Model.metadata`` is complete (migrations, tests)."""

from __future__ import annotations

import survey.programme.models
import survey.roster.models
from survey.db.base import Model

__all__ = ["Model", "survey"]
