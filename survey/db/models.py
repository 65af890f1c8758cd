"""Imports every table module so that ``Model.metadata`` is complete (migrations, tests)."""

from __future__ import annotations

import anonymity.models
import survey.instruments.models
import survey.programme.models
import survey.ratelimit
import survey.roster.models
import survey.staff.models
from survey.db.base import Model

__all__ = ["Model", "anonymity", "survey"]
