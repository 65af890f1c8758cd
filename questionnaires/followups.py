"""Follow-up questions as a trainee reads them: always on the page, with when to answer.

A follow-up is drawn together with every other question of its page, whatever was answered,
and says in words when it needs an answer ("上一题选择“不满意”或“非常不满意”时请回答"). So a
trainee never meets an error about a question they cannot see, pages and their order are the
same for every trainee, and nothing a browser or server does depends on the answer the
follow-up hangs on. Validation still drops an answer to a follow-up whose condition is not
met (see `questionnaires.validation`).
"""

from __future__ import annotations

from questionnaires.expand import Form, Question
from questionnaires.model import SCALE_TYPES, Condition, Item


def followup_hint(form: Form, question: Question) -> str | None:
    """When ``question`` needs an answer, in Chinese; None for a question that always does."""
    condition = question.show_if
    if condition is None:
        return None
    source = form.question(condition.item)
    if source is None:
        return None
    choices = "或".join(f"“{label}”" for label in _matching_labels(condition, source.item))
    previous = _previous_question(form, question)
    where = "上一题" if previous is source else f"“{source.text}”一题"
    return f"{where}选择{choices}时请回答本题，选择其他答案时请跳过本题。"


def _previous_question(form: Form, question: Question) -> Question | None:
    position = form.questions.index(question)
    return form.questions[position - 1] if position > 0 else None


def _matching_labels(condition: Condition, source: Item) -> list[str]:
    """The labels of the source's options that meet the condition, in the order shown."""
    if source.type in SCALE_TYPES and source.scale is not None:
        scale = source.scale
        points = [p for p in scale.points() if condition.holds(p)]
        labels = [scale.label(p) for p in points]
        if all(label is not None for label in labels):
            return [label for label in labels if label is not None]
        if len(points) > 2 and points == list(range(points[0], points[-1] + 1)):
            return [f"{points[0]}–{points[-1]} 分"]
        return [f"{p} 分" for p in points]
    return [choice.label for choice in source.choices if condition.holds(choice.value)]
