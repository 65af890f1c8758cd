"""Every trainee finishes, whatever they answer: shipped questionnaires walked through HTML alone.

The trainee here is a browser without JavaScript driven by a person who reads the page: it
knows no field names and no questionnaire. It answers each question it sees according to a
profile (the lowest or highest choice, or any), reads a follow-up's hint to decide whether it
applies, sometimes leaves optional questions blank, forgets a required one and fixes it from
the error summary, and goes back and forth, checking that the page still shows what it chose.
Each profile must reach 提交成功, and the released answers must equal what it chose.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from anonymity.models import Comment, Response
from survey.db.engine import Database
from survey.instruments.store import replace_plan
from survey.settings import Settings
from survey.slips.issue import issue_slips
from survey.timezone import now, today_local
from survey.web.app import create_app
from survey.windows import close_class, open_class
from tests.form_client import Fieldset, Page, read_page
from tests.helpers import add_trainees
from tests.reporting.builders import PLAN

TEXTS = ("实训设备不足", "希望增加企业现场教学。", "课程安排很好，收获大", "无")


@dataclass(frozen=True)
class Profile:
    """How one trainee answers."""

    position: str  # "lowest", "highest" or "any" choice on every question
    seed: int  # for "any" choices, which pages to go back from, which question to forget
    skip_optional: bool  # leaves questions marked （选填） blank
    forget: bool  # leaves one required question blank on each page's first try
    back_and_forth: bool  # goes back from half-answered pages and returns
    overanswer: bool  # answers follow-ups even where their hint says to skip them


profiles = st.builds(
    Profile,
    position=st.sampled_from(["lowest", "highest", "any"]),
    seed=st.integers(0, 2**16),
    skip_optional=st.booleans(),
    forget=st.booleans(),
    back_and_forth=st.booleans(),
    overanswer=st.booleans(),
)

Value = str | list[str]


@dataclass
class Walker:
    """A trainee reading pages through ``client``: what it chose, and what the pages said."""

    client: TestClient[Any]
    profile: Profile
    rng: random.Random = field(init=False)
    chosen: dict[str, Value] = field(default_factory=dict)  # field → what was last posted
    by_legend: dict[str, list[str]] = field(default_factory=dict)  # question → chosen labels
    applies: dict[str, bool] = field(default_factory=dict)  # follow-up → whether it applies
    optional: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.profile.seed)

    # -- requests --------------------------------------------------------------------------
    def get(self, path: str) -> Page:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return read_page(response.text)

    def press(self, page: Page, button_text: str) -> tuple[str, Page]:
        """Press a button; returns where the browser ends up and the page it shows."""
        response = self.client.post(
            page.post_path, data=page.form_data(page.button(button_text)), follow_redirects=False
        )
        if response.status_code == 303:
            location = response.headers["location"]
            return location, self.get(location)
        assert response.status_code == 200, (page.post_path, response.status_code)
        return page.post_path, read_page(response.text)

    # -- answering -------------------------------------------------------------------------
    def pick(self, fieldset: Fieldset, fallback_single: bool = False) -> None:
        """Answer one question according to the profile."""
        if fieldset.kind == "text":
            fieldset.text = self.rng.choice(TEXTS)
            return
        options = fieldset.options
        for option in options:
            option.checked = False
        position = self.profile.position
        if position == "lowest":
            picked = [options[0]]
        elif position == "highest":
            picked = [options[-1]]
        elif fieldset.multiple and not fallback_single:
            picked = self.rng.sample(options, self.rng.randint(1, 2))
        else:
            picked = [self.rng.choice(options)]
        for option in picked:
            option.checked = True

    def source_labels(self, page: Page, fieldset: Fieldset) -> list[str] | None:
        """The labels chosen on the question a follow-up's hint names."""
        match = re.match(r"(上一题|“(.+)”一题)选择(.+)时请回答", fieldset.hint)
        assert match, fieldset.hint
        if match.group(2) is None:
            source = page.fieldsets[page.fieldsets.index(fieldset) - 1]
        else:
            same_page = [f for f in page.fieldsets if f.legend.startswith(match.group(2))]
            if not same_page:
                return self.by_legend.get(match.group(2))
            source = same_page[0]
        return [o.label for o in source.options if o.checked]

    def applies_now(self, page: Page, fieldset: Fieldset) -> bool:
        """Whether a follow-up applies, as a person reads its hint."""
        if not fieldset.hint:
            return True
        labels = self.source_labels(page, fieldset) or []
        wanted = re.findall(r"“([^”]+)”", fieldset.hint.split("时请回答")[0])
        for text in wanted:
            points = re.fullmatch(r"(\d+)(?:–(\d+))? 分", text)
            for label in labels:
                if label == text:
                    return True
                if points and label.isdigit():
                    low, high = int(points.group(1)), int(points.group(2) or points.group(1))
                    if low <= int(label) <= high:
                        return True
        return False

    def fill(self, page: Page, fieldsets: list[Fieldset], forget: bool) -> Fieldset | None:
        """Answer ``fieldsets`` (not yet answered ones); returns the one forgotten, if any."""
        forgotten: Fieldset | None = None
        for fieldset in fieldsets:
            if fieldset.shown() is not None:
                continue
            if fieldset.hint and not (self.applies_now(page, fieldset) or self.profile.overanswer):
                continue
            if fieldset.optional and self.profile.skip_optional:
                continue
            if forget and forgotten is None and not fieldset.optional and not fieldset.hint:
                forgotten = fieldset
                continue
            self.pick(fieldset)
        return forgotten

    def remember(self, page: Page) -> None:
        """What a post of ``page`` leaves in the sheet, as the trainee understands it."""
        for fieldset in page.fieldsets:
            value = fieldset.shown()
            self.by_legend[fieldset.legend] = [o.label for o in fieldset.options if o.checked]
            if fieldset.optional:
                self.optional.add(fieldset.name)
            if fieldset.hint:
                self.applies[fieldset.name] = self.applies_now(page, fieldset)
            if value is None or not self.applies.get(fieldset.name, True):
                self.chosen.pop(fieldset.name, None)
            else:
                self.chosen[fieldset.name] = value

    def check_shows_what_was_chosen(self, page: Page) -> None:
        """A page visited before shows the trainee's answers: nothing lost, nothing added."""
        for fieldset in page.fieldsets:
            assert fieldset.shown() == self.chosen.get(fieldset.name), fieldset.legend

    # -- the walk --------------------------------------------------------------------------
    def answer_page(self, path: str, page: Page) -> tuple[str, Page]:
        """Answer the page at ``path`` and press 下一页 (or 检查并提交) until it is accepted."""
        has_back = any(b.text == "上一页" for b in page.buttons)
        if self.profile.back_and_forth and has_back and self.rng.random() < 0.5:
            half = page.fieldsets[: len(page.fieldsets) // 2]
            self.fill(page, half, forget=False)
            self.remember(page)
            back_path, previous = self.press(page, "上一页")
            assert back_path != path
            self.check_shows_what_was_chosen(previous)
            self.remember(previous)
            ahead, page = self.press(previous, "下一页")
            assert ahead == path, (ahead, path)
            self.check_shows_what_was_chosen(page)
        forgotten = self.fill(page, page.fieldsets, forget=self.profile.forget)
        next_button = (
            "检查并提交" if any(b.text == "检查并提交" for b in page.buttons) else "下一页"
        )
        for attempt in range(3):
            self.remember(page)
            landed, after = self.press(page, next_button)
            if landed != path:
                assert forgotten is None, f"{forgotten.legend} was left blank and accepted"
                return landed, after
            # Shown again with errors: the trainee can see and fix each one on this page.
            invalid = [f for f in after.fieldsets if f.invalid]
            assert invalid, after.alert
            assert page.fragment == "first-error"
            assert "first-error" in after.ids
            for fieldset in invalid:
                assert any(href == f"#{fieldset.id}" for href, _ in after.links), fieldset.legend
                self.pick(fieldset, fallback_single=attempt > 0)
            if forgotten is not None:
                assert forgotten.name in {f.name for f in invalid}
                forgotten = None
            page = after
        raise AssertionError(f"{path} not accepted after three tries: {page.alert}")

    def walk(self, link: str) -> str:
        """Open ``link``, answer every page, check the review and submit."""
        response = self.client.get(urlparse(link).path, follow_redirects=False)
        assert response.headers["location"] == "/s"
        welcome = self.get("/s")
        path = welcome.link("开始填写")
        page = self.get(path)
        seen: list[str] = []
        while path != "/s/review":
            assert path.startswith("/s/p/"), path
            assert path not in seen, f"{path} shown twice going forward"
            seen.append(path)
            path, page = self.answer_page(path, page)
        blank = sum(
            1 for name in self.optional if name not in self.chosen and self.applies.get(name, True)
        )
        review = self.client.get("/s/review").text
        said = re.search(r"有 (\d+) 道选答题未填写", review)
        assert (int(said.group(1)) if said else 0) == blank
        for value in self.chosen.values():
            if isinstance(value, str) and not value.isdigit():
                assert value in review or value.isascii()  # texts are shown; codes as labels
        submit = read_page(review)
        response = self.client.post(
            submit.post_path,
            data=submit.form_data(submit.button("确认提交")),
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return self.client.get(response.headers["location"]).text


def released(db: Database, class_id: int) -> dict[str, Value]:
    """The class's released answers, in the form a form posts them."""
    out: dict[str, Value] = {}
    with db.read() as session:
        for response in session.scalars(select(Response).where(Response.class_id == class_id)):
            for name, value in response.answers.items():
                out[name] = list(value) if isinstance(value, list) else str(value)
        for comment in session.scalars(select(Comment).where(Comment.class_id == class_id)):
            out[comment.field] = comment.text
    return out


@dataclass
class Classes:
    """Fresh classes with one trainee each, on one app."""

    db: Database
    settings: Settings
    app: Litestar
    made: int = 0

    def new_trainee(self) -> tuple[int, str]:
        """A new open class with the shipped questionnaires and a plan, and one trainee's link."""
        self.made += 1
        class_id, (trainee_id,) = add_trainees(self.db, 1, 1, self.made, f"走查班{self.made}")
        with self.db.write() as session:
            replace_plan(session, class_id, PLAN)
        open_class(self.db, class_id, None, now())
        (slip,) = issue_slips(
            self.db, self.settings.secret_key(), self.settings.public_url, [trainee_id]
        )
        return class_id, slip.link


@pytest.fixture
def classes(programme_db: Database, tmp_path: Path) -> Classes:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})
    return Classes(programme_db, settings, create_app(settings, programme_db))


def walk_and_release(classes: Classes, profile: Profile) -> tuple[Walker, dict[str, Value]]:
    class_id, link = classes.new_trainee()
    with TestClient(app=classes.app) as client:
        walker = Walker(client, profile)
        done = walker.walk(link)
    assert "提交成功" in done
    # k = 1: each profile answers in a class of its own, and this test checks what is released.
    close_class(classes.db, classes.settings.secret_key(), class_id, today_local(), k=1)
    return walker, released(classes.db, class_id)


LOWEST = Profile(
    "lowest", 1, skip_optional=True, forget=True, back_and_forth=True, overanswer=False
)
HIGHEST = Profile(
    "highest", 2, skip_optional=False, forget=True, back_and_forth=True, overanswer=True
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(profile=profiles)
@example(profile=LOWEST)
@example(profile=HIGHEST)
@example(profile=Profile("any", 3, False, False, False, False))
def test_every_profile_reaches_submitted_with_what_it_chose(
    classes: Classes, profile: Profile
) -> None:
    walker, answers = walk_and_release(classes, profile)
    assert answers == walker.chosen


def test_both_branches_of_every_follow_up_are_walked(classes: Classes) -> None:
    low, low_answers = walk_and_release(classes, LOWEST)
    high, high_answers = walk_and_release(classes, HIGHEST)
    follow_ups = set(low.applies) | set(high.applies)
    assert follow_ups  # the shipped satisfaction survey has one
    for name in follow_ups:
        assert low.applies[name] is True
        assert name in low_answers
        assert high.applies[name] is False
        assert name not in high_answers  # answered anyway, dropped: it did not apply
    # The lowest and the highest choice of every scale were released.
    scales = {n for n, v in low_answers.items() if isinstance(v, str) and v.isdigit()}
    assert scales
    assert {n: v for n, v in high_answers.items() if n in scales} != {
        n: v for n, v in low_answers.items() if n in scales
    }
