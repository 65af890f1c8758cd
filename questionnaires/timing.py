"""How long answering takes: the one estimate every page, slip and message quotes.

Measured on a phone: about 7 seconds for a tap on a scale or an option (reading the question
included), and about half a minute for a free-text box, which many trainees leave blank.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from questionnaires.expand import Form

#: Seconds a trainee needs for one tapped answer, and for one free-text box.
SECONDS_PER_TAP = 7
SECONDS_PER_TEXT = 30


def answering_minutes(forms: Sequence[Form]) -> int:
    """Whole minutes, rounded up, that a trainee needs for ``forms`` (at least one)."""
    seconds = sum(
        SECONDS_PER_TEXT if question.type == "text" else SECONDS_PER_TAP
        for form in forms
        for question in form.questions
    )
    return max(1, math.ceil(seconds / 60))
