"""Property tests: validation never raises and never accepts anything outside the definition."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires import (
    Answers,
    Definition,
    Form,
    Question,
    TrainingPlan,
    answers_to_raw,
    expand,
    validate_form,
    validate_form_page,
)

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


def shown(question: Question, answers: Mapping[str, object]) -> bool:
    """Condition check written independently of the package's own."""
    condition = question.show_if
    if condition is None:
        return True
    answer = answers.get(condition.item)
    if answer is None:
        return False
    if condition.values is not None:
        picked = answer if isinstance(answer, list) else [str(answer)]
        return any(value in condition.values for value in picked)
    assert isinstance(answer, int)
    low = condition.at_least if condition.at_least is not None else answer
    high = condition.at_most if condition.at_most is not None else answer
    return low <= answer <= high


def skippable_row(question: Question) -> tuple[str, str] | None:
    """(matrix, course) of a question in a skippable matrix, else None."""
    if question.matrix is None or not question.matrix.skippable or question.course is None:
        return None
    return (question.matrix.id, question.course.id)


def assert_admissible(
    questions: tuple[Question, ...], answers: Answers, earlier: Mapping[str, object]
) -> None:
    """Every accepted answer is one the definition allows; nothing required is missing.

    `earlier` holds the answers of other pages, which conditions may refer to.
    """
    context = {**earlier, **answers}
    allowed = {q.field: q for q in questions}
    for field, answer in answers.items():
        question = allowed.get(field)
        assert question is not None, field
        item = question.item
        if item.type in {"likert5", "rating", "nps"}:
            assert item.scale is not None
            assert type(answer) is int
            assert item.scale.minimum <= answer <= item.scale.maximum
        elif item.type == "single":
            assert isinstance(answer, str)
            assert answer in {c.value for c in item.choices}
        elif item.type == "multiple":
            assert isinstance(answer, list)
            order = [c.value for c in item.choices]
            assert answer == [v for v in order if v in answer]
            assert len(set(answer)) == len(answer)
            assert item.min_picks <= len(answer) <= item.max_picks
        else:
            assert item.type == "text"
            assert isinstance(answer, str)
            assert 0 < len(answer) <= item.max_length
            assert answer == answer.strip()
            assert all(c == "\n" or unicodedata.category(c) not in {"Cc", "Cs"} for c in answer)
            assert not set(answer) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    started: dict[tuple[str, str], bool] = {}
    for question in questions:
        key = skippable_row(question)
        if key is not None:
            started[key] = started.get(key, False) or question.field in answers
    for question in questions:
        if not shown(question, context):
            assert question.field not in answers, f"hidden {question.field} answered"
            continue
        if not question.required:
            continue
        key = skippable_row(question)
        if key is not None and not started[key]:
            continue
        assert question.field in answers, f"required {question.field} missing"


def raw_inputs(form: Form) -> st.SearchStrategy[dict[object, object]]:
    """Arbitrary submissions, biased towards real field names and real option values."""
    options = sorted({value for q in form.questions for value, _ in q.options})
    near_misses = ["", " ", "0", "6", "11", "-1", "05", "１", "1.0", "A", "a ", "\x00", "\u202e"]
    surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=3)
    value = st.one_of(
        st.sampled_from(options + near_misses),
        st.text(max_size=40),
        surrogates,
    )
    values = st.one_of(
        st.lists(value, max_size=5),
        value,  # a bare string
        st.none(),
        st.integers(),
        st.lists(st.integers(), max_size=2),
        st.tuples(value, value),
    )
    keys = st.one_of(
        st.sampled_from([*form.fields, "m", "teaching", "m.c09.score"]),
        st.text(max_size=20),
        st.integers(),
    )
    return st.dictionaries(keys, values, max_size=len(form.fields) + 3)


TEXT_ALPHABET = st.characters(categories=("L", "N", "P", "So", "Zs"))


@st.composite
def valid_answers(draw: st.DrawFn, form: Form) -> Answers:
    """A random answer set the definition allows, built question by question."""
    answers: Answers = {}
    attended: dict[tuple[str, str], bool] = {}
    for question in form.questions:
        if not shown(question, answers):
            continue
        item = question.item
        key = skippable_row(question)
        if key is not None:
            if key not in attended:
                attended[key] = draw(st.booleans())
            if not attended[key]:
                continue
        if not question.required and not draw(st.booleans()):
            continue
        answer: int | str | list[str]
        if item.scale is not None:
            answer = draw(st.integers(item.scale.minimum, item.scale.maximum))
        elif item.type == "single":
            answer = draw(st.sampled_from([c.value for c in item.choices]))
        elif item.type == "multiple":
            picked = draw(
                st.sets(
                    st.sampled_from([c.value for c in item.choices]),
                    min_size=item.min_picks,
                    max_size=item.max_picks,
                )
            )
            answer = [c.value for c in item.choices if c.value in picked]
        else:
            text = draw(
                st.text(TEXT_ALPHABET, min_size=1, max_size=item.max_length).map(
                    lambda t: unicodedata.normalize("NFC", t).strip()
                )
            )
            if not text or len(text) > item.max_length:
                if question.required:
                    text = "好"
                else:
                    continue
            answer = text
        answers[question.field] = answer
    return answers


def test_never_raises_and_never_accepts_outside_values(
    sample: Definition,
    satisfaction: Definition,
    teaching: Definition,
    plan_of: Callable[[int], TrainingPlan],
) -> None:
    forms = [expand(sample, plan_of(3)), expand(satisfaction, None), expand(teaching, plan_of(4))]

    @PROPERTY_SETTINGS
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms))
        raw = data.draw(raw_inputs(form))
        if data.draw(st.booleans()):
            # Mostly valid submissions with a few arbitrary changes reach the accepting paths.
            base: dict[object, object] = {}
            base.update(answers_to_raw(data.draw(valid_answers(form))))
            base.update(raw)
            raw = base
        result = validate_form(form, raw)  # type: ignore[arg-type]
        assert result.ok == (not result.errors)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.errors.items())
        if result.ok:
            assert_admissible(form.questions, result.answers, {})
        else:
            assert result.answers == {}

    run()


def test_pages_never_raise_and_never_accept_outside_values(
    sample: Definition, teaching: Definition, plan_of: Callable[[int], TrainingPlan]
) -> None:
    forms = [expand(sample, plan_of(3)), expand(teaching, plan_of(4))]

    @PROPERTY_SETTINGS
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms))
        index = data.draw(st.integers(-1, len(form.pages)))
        earlier = data.draw(valid_answers(form))
        raw = data.draw(raw_inputs(form))
        if 0 <= index < len(form.pages) and data.draw(st.booleans()):
            on_page = {q.field for q in form.pages[index].questions}
            valid = {k: v for k, v in data.draw(valid_answers(form)).items() if k in on_page}
            base: dict[object, object] = {}
            base.update(answers_to_raw(valid))
            base.update(raw)
            raw = base
        result = validate_form_page(form, index, raw, earlier)  # type: ignore[arg-type]
        if not 0 <= index < len(form.pages):
            assert not result.ok
            return
        if result.ok:
            page = form.pages[index]
            # Conditions see the other pages' answers, never stale ones of this page.
            others = {k: v for k, v in earlier.items() if form.question(k) not in page.questions}
            assert_admissible(page.questions, result.answers, others)

    run()


def test_valid_answers_round_trip(
    sample: Definition,
    satisfaction: Definition,
    teaching: Definition,
    plan_of: Callable[[int], TrainingPlan],
) -> None:
    forms = [expand(sample, plan_of(3)), expand(satisfaction, None), expand(teaching, plan_of(4))]

    @PROPERTY_SETTINGS
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms))
        answers = data.draw(valid_answers(form))
        result = validate_form(form, answers_to_raw(answers))
        assert result.errors == {}
        assert result.answers == answers

    run()


def test_valid_pages_round_trip(sample: Definition, plan_of: Callable[[int], TrainingPlan]) -> None:
    form = expand(sample, plan_of(3))

    @PROPERTY_SETTINGS
    @given(answers=valid_answers(form))
    def run(answers: Answers) -> None:
        merged: Answers = {}
        for page in form.pages:
            raw = answers_to_raw(
                {q.field: answers[q.field] for q in page.questions if q.field in answers}
            )
            result = validate_form_page(form, page.index, raw, merged)
            assert result.errors == {}
            merged.update(result.answers)
        assert merged == answers

    run()
