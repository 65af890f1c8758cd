"""The one answering-time estimate, checked against a count by hand of the shipped files."""

from __future__ import annotations

from questionnaires import expand, load_builtin
from questionnaires.plan import Course, TrainingPlan
from questionnaires.timing import answering_minutes

PLAN = TrainingPlan(
    tuple(Course(f"c{n:02d}", f"课程{n}", "王老师", "theory", 4.0) for n in range(1, 5))
)


def test_minutes_follow_the_questions_counted_by_hand() -> None:
    satisfaction = expand(load_builtin("satisfaction"), None)
    teaching = expand(load_builtin("teaching"), PLAN)
    # satisfaction.toml: 24 statements, overall, the follow-up and the 0-10 item are taps
    # (27 x 7 s = 189 s), two text boxes (2 x 30 s): 249 s, so 5 minutes.
    assert answering_minutes([satisfaction]) == 5
    # teaching.toml over 4 courses: 16 taps (112 s) and one text box (30 s): 142 s, 3 minutes.
    assert answering_minutes([teaching]) == 3
    # Both: 391 s, 7 minutes (rounded up, never down).
    assert answering_minutes([satisfaction, teaching]) == 7


def test_an_empty_form_still_takes_a_minute() -> None:
    assert answering_minutes([expand(load_builtin("teaching"), None)]) == 1
