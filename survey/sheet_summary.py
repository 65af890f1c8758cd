"""What the review step shows before 提交: the answers page by page, and what is left.

Pure logic over a class's `Flow`: per page, each applicable question with its answer in words
(the labels the trainee tapped, not codes), the required questions still unanswered, and the
optional ones left blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires.expand import Question, is_shown
from questionnaires.model import SCALE_TYPES, Answer, Answers
from questionnaires.validation import answers_to_raw
from survey.flow import Flow, FlowPage


@dataclass(frozen=True)
class SummaryRow:
    """One applicable question and its answer in words (None when unanswered)."""

    field: str
    text: str
    answer: str | None
    missing: bool  # required and unanswered: the sheet cannot be submitted yet


@dataclass(frozen=True)
class PageSummary:
    """One page of the review."""

    number: int
    title: str
    rows: tuple[SummaryRow, ...]

    @property
    def missing(self) -> int:
        """Required questions of this page still unanswered."""
        return sum(row.missing for row in self.rows)

    @property
    def blank_optional(self) -> int:
        """Optional questions of this page left blank."""
        return sum(row.answer is None and not row.missing for row in self.rows)

    @property
    def first_missing(self) -> str | None:
        """The field of the first required question still unanswered."""
        return next((row.field for row in self.rows if row.missing), None)


def summarise(flow: Flow, answers: Answers) -> list[PageSummary]:
    """The review of ``answers``: every page, every applicable question, in order."""
    return [_page_summary(flow, flow_page, answers) for flow_page in flow.pages]


def _page_summary(flow: Flow, flow_page: FlowPage, answers: Answers) -> PageSummary:
    questions = flow_page.page.questions
    own = {q.field: answers[q.field] for q in questions if q.field in answers}
    _, errors = flow.validate_page(flow_page.number, answers_to_raw(own), answers)
    rows = tuple(
        SummaryRow(
            field=question.field,
            text=question.text,
            answer=_in_words(question, answers.get(question.field)),
            missing=question.field in errors,
        )
        for question in questions
        if is_shown(question, answers)
    )
    return PageSummary(flow_page.number, flow_page.page.title, rows)


def _in_words(question: Question, answer: Answer | None) -> str | None:
    if answer is None:
        return None
    if question.type == "text":
        return str(answer)
    labels = dict(question.options)
    picked = answer if isinstance(answer, list) else [str(answer)]
    words = "、".join(labels.get(value, value) for value in picked)
    if question.type in SCALE_TYPES and words != str(answer):
        return f"{answer} · {words}"
    return words
