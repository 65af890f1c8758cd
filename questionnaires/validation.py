"""Validation of submitted answers against a definition expanded over a training plan.

Input is what an HTML form posts: a mapping from field name to the list of submitted strings
(a radio button or text box gives one, check boxes give several). Output is either the typed
answers or an error message per field, in Chinese. Validation never raises on bad input:
anything unexpected becomes an error for its field.

Rules, in short:
- a field that is not a question of the form (or of the page) is an error;
- empty and whitespace-only strings mean "not answered"; an unanswered required question is
  an error, an unanswered optional one is simply absent from the answers;
- scale answers are canonical ASCII integers within the scale; choice answers must be one of
  the choice values exactly; multiple choice respects min/max picks and lists the picks in the
  order of the definition;
- free text: line breaks are normalised to "\\n" and kept, other control characters and
  bidirectional-override characters are rejected (they can disguise text for reviewers and
  cannot all be stored), the text is NFC-normalised and trimmed, then held to its length cap
  (counted in characters);
- a follow-up whose condition is not met does not apply, so whatever was submitted for it is
  **dropped without error**: the page shows every follow-up with the words saying when to
  answer it (`questionnaires.followups`), and a trainee who answers one that does not apply,
  or changes the answer it depends on, has nothing to correct. Dropping also keeps reports
  honest: a follow-up only has answers from those it applied to;
- a skippable matrix accepts a course either fully answered or left entirely blank (a trainee
  who missed a course says nothing about it); a partly answered course is an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from questionnaires.expand import Form, Question, expand, is_shown
from questionnaires.model import SCALE_TYPES, Answer, Answers, Definition
from questionnaires.plan import TrainingPlan

#: Key of an error that concerns the submission as a whole rather than one field.
FORM_ERROR = "_form"

_INTEGER = re.compile(r"0|[1-9][0-9]{0,2}")
# Bidirectional embedding/override/isolate controls: they reorder how text is displayed and
# are the classic way to make a comment read differently to a reviewer.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_MAX_KEY_SHOWN = 80


@dataclass(frozen=True)
class ValidationResult:
    """Either `answers` (when `errors` is empty) or `errors` (field → Chinese message).

    `parsed` holds the answers that were valid on their own even when others were not: what
    a draft keeps when a trainee leaves a page unfinished.
    """

    answers: Answers = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    parsed: Answers = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the submission is valid (and `answers` holds it)."""
        return not self.errors


def validate(
    definition: Definition, plan: TrainingPlan | None, raw: Mapping[str, Sequence[str]]
) -> ValidationResult:
    """Validate a whole submission for `definition` over the class's `plan`."""
    return validate_form(expand(definition, plan), raw)


def validate_page(
    definition: Definition,
    plan: TrainingPlan | None,
    page_index: int,
    raw: Mapping[str, Sequence[str]],
    earlier: Mapping[str, object] | None = None,
) -> ValidationResult:
    """Validate one page of a submission (page-by-page navigation on a phone).

    `earlier` holds the validated answers of the other pages, which conditions on this page
    may refer to. Fields of other pages in `raw` are errors. A page index out of range is
    reported under `FORM_ERROR`.
    """
    return validate_form_page(expand(definition, plan), page_index, raw, earlier)


def validate_form(form: Form, raw: Mapping[str, Sequence[str]]) -> ValidationResult:
    """`validate` for an already expanded form."""
    return _validate(form, form.questions, raw, {}, page=False)


def validate_form_page(
    form: Form,
    page_index: int,
    raw: Mapping[str, Sequence[str]],
    earlier: Mapping[str, object] | None = None,
) -> ValidationResult:
    """`validate_page` for an already expanded form."""
    if isinstance(page_index, bool) or not isinstance(page_index, int):
        return ValidationResult(errors={FORM_ERROR: "页码无效"})
    if not 0 <= page_index < len(form.pages):
        return ValidationResult(errors={FORM_ERROR: f"页码无效：问卷共 {len(form.pages)} 页"})
    context: Mapping[str, object] = earlier if isinstance(earlier, Mapping) else {}
    return _validate(form, form.pages[page_index].questions, raw, context, page=True)


def answers_to_raw(answers: Mapping[str, Answer]) -> dict[str, list[str]]:
    """Turn typed answers back into the form's raw shape (to refill a form or revalidate)."""
    raw: dict[str, list[str]] = {}
    for name, answer in answers.items():
        if isinstance(answer, list):
            raw[name] = list(answer)
        else:
            raw[name] = [str(answer)]
    return raw


def _shown_key(key: object) -> str:
    text = key if isinstance(key, str) else repr(key)
    return text if len(text) <= _MAX_KEY_SHOWN else text[:_MAX_KEY_SHOWN] + "…"


def _strings(value: object) -> list[str] | None:
    """The submitted strings of one field, or None when the value is not strings at all."""
    # A bare string is one value, not a sequence of characters.
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _validate(
    form: Form,
    questions: Sequence[Question],
    raw: object,
    earlier: Mapping[str, object],
    *,
    page: bool,
) -> ValidationResult:
    if not isinstance(raw, Mapping):
        return ValidationResult(errors={FORM_ERROR: "提交内容格式不正确"})

    errors: dict[str, str] = {}
    wanted = {q.field for q in questions}
    submitted: dict[str, list[str]] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or key not in wanted:
            if page and isinstance(key, str) and form.question(key) is not None:
                errors[_shown_key(key)] = "这道题不在本页"
            else:
                errors[_shown_key(key)] = "问卷中没有这道题"
            continue
        strings = _strings(value)
        if strings is None:
            errors[key] = "提交内容格式不正确"
            continue
        # Empty strings are what a blank text box or an "unset" hidden input posts.
        submitted[key] = [s for s in strings if s.strip()]

    answers: Answers = {}
    # Conditions see the earlier pages' answers and this submission's, never a stale answer
    # to a question that is being answered again now.
    context: dict[str, object] = {k: v for k, v in earlier.items() if k not in wanted}
    for question in questions:
        if question.field in errors or not is_shown(question, context):
            continue
        values = submitted.get(question.field, [])
        answer, error = _parse(question, values) if values else (None, None)
        if error is not None:
            errors[question.field] = error
        elif answer is not None:
            answers[question.field] = answer
            context[question.field] = answer
        elif question.required and not (question.matrix and question.matrix.skippable):
            # Skippable matrix rows are checked as a whole below.
            errors[question.field] = _required_message(question)

    _check_skipped_courses(questions, answers, errors)
    if errors:
        return ValidationResult(errors=errors, parsed=answers)
    return ValidationResult(answers=answers, parsed=answers)


def _check_skipped_courses(
    questions: Sequence[Question], answers: Answers, errors: dict[str, str]
) -> None:
    """A skippable matrix course is answered completely or left blank entirely."""
    rows: dict[tuple[str, str], list[Question]] = {}
    for question in questions:
        if question.matrix is not None and question.matrix.skippable and question.course:
            rows.setdefault((question.matrix.id, question.course.id), []).append(question)
    for row in rows.values():
        started = any(q.field in answers or q.field in errors for q in row)
        if not started:
            continue
        for question in row:
            if question.required and question.field not in answers and question.field not in errors:
                errors[question.field] = "请完成对这门课程的全部评价，或整门课程留空表示不评价"


def _required_message(question: Question) -> str:
    if question.type == "text":
        return "此题为必答题，请填写"
    if question.type == "multiple" and question.item.min_picks > 1:
        return f"此题为必答题，请至少选择 {question.item.min_picks} 项"
    return "此题为必答题，请选择"


def _parse(question: Question, values: list[str]) -> tuple[Answer | None, str | None]:
    """The typed answer of one shown, answered question, or an error message."""
    item = question.item
    if item.type in SCALE_TYPES:
        if len(values) > 1:
            return None, "只能选择一项"
        assert item.scale is not None
        low, high = item.scale.minimum, item.scale.maximum
        value = values[0]
        if not _INTEGER.fullmatch(value) or not low <= int(value) <= high:
            return None, f"答案无效：应为 {low} 到 {high} 之间的整数"
        return int(value), None
    if item.type == "single":
        if len(values) > 1:
            return None, "只能选择一项"
        if item.choice(values[0]) is None:
            return None, "所选内容不是本题的选项"
        return values[0], None
    if item.type == "multiple":
        return _parse_multiple(question, values)
    if item.type == "text":
        if len(values) > 1:
            return None, "只能填写一个答案"
        return _parse_text(values[0], item.max_length)
    return None, "问卷中没有这道题"  # a matrix has no field of its own


def _parse_multiple(question: Question, values: list[str]) -> tuple[Answer | None, str | None]:
    item = question.item
    if any(item.choice(v) is None for v in values):
        return None, "所选内容包含不属于本题的选项"
    if len(set(values)) != len(values):
        return None, "同一选项重复提交"
    if len(values) < item.min_picks:
        return None, f"请至少选择 {item.min_picks} 项"
    if len(values) > item.max_picks:
        return None, f"最多只能选择 {item.max_picks} 项"
    picked = set(values)
    return [choice.value for choice in item.choices if choice.value in picked], None


def _parse_text(value: str, max_length: int) -> tuple[Answer | None, str | None]:
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    for char in text:
        if char == "\n":
            continue
        # Cc: control characters (NUL, tab, escape ...); Cs: lone surrogates, which cannot be
        # encoded as UTF-8 and so could not be stored.
        if unicodedata.category(char) in {"Cc", "Cs"} or char in _BIDI_CONTROLS:
            return None, f"含有不可见的控制字符（U+{ord(char):04X}），请删除后重新提交"
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return None, None
    if len(text) > max_length:
        return None, f"最多 {max_length} 字，当前 {len(text)} 字"
    return text, None
