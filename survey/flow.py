"""A class's whole questionnaire as one run of pages: 满意度调查 then 评教.

Pure logic over ``questionnaires``: it numbers the pages of several expanded forms as one
sequence (what "第 2 / 5 页" counts), validates one page against the answers so far, finds the
next and previous page (the same for every trainee), and validates the whole answer set
before submit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from questionnaires.expand import Form, Page, expand
from questionnaires.model import Answer, Answers, Definition
from questionnaires.plan import TrainingPlan
from questionnaires.validation import FORM_ERROR, answers_to_raw, validate_form, validate_form_page


@dataclass(frozen=True)
class FlowPage:
    """One page of the run: which form it belongs to and the page itself."""

    number: int  # 1-based over the whole run
    form: Form
    page: Page


class Flow:
    """The pages of a class's questionnaires, in order."""

    def __init__(self, definitions: Sequence[Definition], plan: TrainingPlan) -> None:
        self.forms = [expand(d, plan) for d in definitions]
        pages: list[FlowPage] = []
        seen: set[str] = set()
        for form in self.forms:
            clash = seen & set(form.fields)
            if clash:
                # Two instruments sharing a field name would mix their answers.
                raise ValueError(f"field names used twice: {sorted(clash)}")
            seen |= set(form.fields)
            pages.extend(FlowPage(len(pages) + 1, form, page) for page in form.pages)
        self.pages = pages

    @property
    def count(self) -> int:
        """Number of pages."""
        return len(self.pages)

    def page(self, number: int) -> FlowPage | None:
        """Page ``number`` (1-based), or None when out of range."""
        return self.pages[number - 1] if 1 <= number <= len(self.pages) else None

    def next_page(self, number: int) -> int | None:
        """The page after ``number``, or None when ``number`` was the last.

        Every trainee sees every page in the same order, whatever they answer: a page skipped
        for some answers would put those answers into the sequence of URLs.
        """
        return number + 1 if number < self.count else None

    def previous_page(self, number: int) -> int | None:
        """The page before ``number``, or None on the first page."""
        return number - 1 if number > 1 else None

    def validate_page(
        self, number: int, raw: Mapping[str, Sequence[str]], answers: Mapping[str, Answer]
    ) -> tuple[Answers, dict[str, str]]:
        """Validate page ``number``; returns the merged answers and this page's errors.

        The page's fields are replaced as a whole, so un-ticking an option or clearing a text
        really removes the old answer. With errors, the merged answers keep every answer of
        the page that was valid on its own: the draft of an unfinished page.
        """
        flow_page = self.page(number)
        if flow_page is None:
            return dict(answers), {FORM_ERROR: "页码无效"}
        form = flow_page.form
        index = flow_page.page.index
        result = validate_form_page(form, index, raw, answers)
        merged: Answers = {
            k: v for k, v in answers.items() if k not in {q.field for q in flow_page.page.questions}
        }
        merged.update(result.parsed)
        return merged, dict(result.errors)

    def validate_all(self, answers: Answers) -> tuple[Answers, dict[str, str]]:
        """Validate the whole answer set, as the final check before submit."""
        clean: Answers = {}
        errors: dict[str, str] = {}
        for form in self.forms:
            own = {k: v for k, v in answers.items() if form.question(k) is not None}
            result = validate_form(form, answers_to_raw(own))
            clean.update(result.answers)
            errors.update(result.errors)
        return clean, errors

    def first_page_with(self, fields: Sequence[str]) -> int:
        """The page holding the first of ``fields`` (to send a trainee back to an error)."""
        for flow_page in self.pages:
            if any(q.field in fields for q in flow_page.page.questions):
                return flow_page.number
        return 1

    def split(self, answers: Answers) -> list[tuple[Definition, Answers]]:
        """The answers of each instrument, keyed by its definition."""
        return [
            (form.definition, {k: v for k, v in answers.items() if form.question(k) is not None})
            for form in self.forms
        ]
