"""The trainee pages' promises: cookies, states, rate limits, logs, page weight, retry."""

from __future__ import annotations

import gzip
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from litestar.testing import TestClient

from anonymity.errors import RetryLaterError
from anonymity.tokens import format_code
from questionnaires.expand import Question
from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.roster.models import Trainee
from survey.settings import Settings
from survey.slips.issue import issue_slips
from survey.timezone import now, today_local
from survey.web import trainee
from survey.web.access_log import TraineeTraffic, redact_path, trainee_route
from survey.web.app import create_app
from survey.windows import close_class, open_class
from tests.helpers import Chooser, add_trainees, answer_through_http, first_choice


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})


def client_for(db: Database, settings: Settings) -> TestClient[Any]:
    return TestClient(app=create_app(settings, db))


def slip_path(db: Database, settings: Settings, trainee_id: int) -> str:
    (slip,) = issue_slips(db, settings.secret_key(), settings.public_url, [trainee_id])
    return urlparse(slip.link).path


def test_link_sets_a_private_cookie_and_leaves_the_url(
    programme_db: Database, app_settings: Settings
) -> None:
    class_id, ids = add_trainees(programme_db, 1, 6)
    open_class(programme_db, class_id, None, now())
    path = slip_path(programme_db, app_settings, ids[0])
    with client_for(programme_db, app_settings) as client:
        response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/s"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    token_part = path.split("/")[-1].split(".")[0]
    assert token_part not in cookie.split(";")[0].split("=", 1)[0]


def test_opening_does_not_spend_and_states_have_their_pages(
    programme_db: Database, app_settings: Settings
) -> None:
    class_id, ids = add_trainees(programme_db, 2, 3)
    path = slip_path(programme_db, app_settings, ids[0])
    with client_for(programme_db, app_settings) as client:
        client.get(path)
        assert "问卷尚未开放" in client.get("/s").text
        open_class(programme_db, class_id, None, now())
        welcome = client.get("/s").text
        assert "开始填写" in welcome
        # A class smaller than k is warned about before anyone answers.
        assert "本班学员少于 5 人" in welcome
        client.get(path)  # a link preview opening again spends nothing
        assert "开始填写" in client.get("/s").text
        close_class(
            programme_db,
            app_settings.secret_key(),
            class_id,
            today_local(),
            k=app_settings.report_k,
        )
        assert "问卷已关闭" in client.get("/s").text


def test_typed_code_enters_and_typos_are_caught(
    programme_db: Database, app_settings: Settings
) -> None:
    class_id, ids = add_trainees(programme_db, 3, 6)
    open_class(programme_db, class_id, None, now())
    path = slip_path(programme_db, app_settings, ids[0])
    code = format_code(path.split("/")[-1].split(".")[0])
    with client_for(programme_db, app_settings) as client:
        wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
        response = client.post("/c", data={"code": wrong})
        assert response.status_code == 400
        assert "问卷码不正确" in response.text
        response = client.post(
            "/c", data={"code": code.upper().replace("-", " ")}, follow_redirects=False
        )
        assert response.status_code == 303
        assert "开始填写" in client.get("/s").text


def test_invalid_links_are_rate_limited_but_real_trainees_are_not(
    programme_db: Database, app_settings: Settings
) -> None:
    # One trainee more than the limit shows that successes do not count towards it.
    class_id, ids = add_trainees(programme_db, 4, trainee.INVALID_LIMIT + 1)
    open_class(programme_db, class_id, None, now())
    slips = issue_slips(programme_db, app_settings.secret_key(), app_settings.public_url, ids)
    with programme_db.read() as session:
        flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
    with client_for(programme_db, app_settings) as client:
        for i in range(trainee.INVALID_LIMIT):
            assert client.get(f"/t/forged{i}.sig", follow_redirects=False).status_code == 400
        assert client.get("/t/forged.sig", follow_redirects=False).status_code == 429
        forged_code = client.post("/c", data={"code": "0" * 27}, follow_redirects=False)
        assert forged_code.status_code == 429
    # The address is over its limit, yet a whole class behind it (the test client's address)
    # opens its valid links and typed codes and answers: only failures are refused.
    for index, slip in enumerate(slips):
        with client_for(programme_db, app_settings) as client:
            if index % 2:
                opened = client.post("/c", data={"code": slip.code}, follow_redirects=False)
                assert opened.status_code == 303, opened.text
            done = answer_through_http(client, urlparse(slip.link).path, first_choice, flow)
            assert done.headers["location"] == "/s/done"


def lowest_choice(question: Question) -> list[str]:
    """A dissatisfied trainee: the bottom of every scale, the follow-up answered, a complaint."""
    if question.type == "text":
        return ["安排太紧"]
    options = question.options
    if question.type in ("likert5", "rating", "nps"):
        return [options[0][0]]
    return [options[0][0]]


def satisfied_choice(question: Question) -> list[str]:
    """A satisfied trainee, who leaves the follow-up for the dissatisfied blank."""
    return [] if question.show_if is not None else first_choice(question)


@dataclass
class Trace:
    """What one trainee's visit left: the statuses it saw and the server's log lines."""

    statuses: list[tuple[str, str, int]]
    log: list[str]

    @property
    def counts(self) -> Counter[tuple[str, str, str]]:
        """The trainee counts summed over minutes: a visit may straddle a minute's end."""
        total: Counter[tuple[str, str, str]] = Counter()
        for line in self.log:
            match = COUNT_LINE.fullmatch(line)
            if match:
                method, route, requests, errors = match.groups()
                total[(method, route, "requests")] += int(requests)
                total[(method, route, "errors")] += int(errors)
        return total

    @property
    def other(self) -> list[str]:
        """Every line that is not a count."""
        return [line for line in self.log if not COUNT_LINE.fullmatch(line)]


COUNT_LINE = re.compile(r"trainee <minute> (\S+) (\S+) requests=(\d+) errors=(\d+)")


def visit_trace(db: Database, settings: Settings, trainee_id: int, choose: Chooser) -> Trace:
    """Answer through HTTP with ``choose``, recording every status and every server log line."""
    path = slip_path(db, settings, trainee_id)
    with db.read() as session:
        class_id = session.get(Trainee, trainee_id).class_id  # type: ignore[union-attr]
        flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
    records: list[logging.LogRecord] = []
    statuses: list[tuple[str, str, int]] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    # The app configures logging at start-up; listen on the root logger after that, where
    # every logger of the app and of its libraries ends up. Leaving the client shuts the app
    # down, which writes the counts of the current minute.
    keep = Keep(logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    client = client_for(db, settings)
    client.event_hooks["response"] = [
        lambda r: statuses.append(
            (r.request.method, redact_path(r.request.url.path), r.status_code)
        )
    ]
    try:
        with client:
            root.addHandler(keep)
            root.setLevel(logging.DEBUG)
            done = answer_through_http(client, path, choose, flow)
            assert done.headers["location"] == "/s/done"
            assert "提交成功" in client.get("/s/done").text
            # What a browser fetches with the page it draws.
            assert client.get("/static/style.css").status_code == 200
    finally:
        root.removeHandler(keep)
        root.setLevel(previous)
    # httpx and asyncio are the test's own client and event loop; everything else is the
    # server's. The minute of a count line is when it ran, not what was answered.
    log = [
        re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", "<minute>", r.getMessage())
        for r in records
        if not r.name.startswith(("httpx", "httpcore", "asyncio"))
    ]
    return Trace(statuses, log)


def test_a_satisfied_and_a_dissatisfied_trainee_leave_the_same_trace(
    programme_db: Database, app_settings: Settings
) -> None:
    class_id, ids = add_trainees(programme_db, 5, 6)
    open_class(programme_db, class_id, None, now())
    satisfied = visit_trace(programme_db, app_settings, ids[0], satisfied_choice)
    dissatisfied = visit_trace(programme_db, app_settings, ids[1], lowest_choice)
    assert ("POST", "/s/p/4", 303) in dissatisfied.statuses
    assert dissatisfied.statuses == satisfied.statuses
    assert dissatisfied.counts == satisfied.counts
    assert dissatisfied.other == satisfied.other
    # Trainee requests are counted per route and minute, never logged one by one.
    assert any(
        line.startswith("trainee <minute> POST /s/p/{n} requests=") for line in satisfied.log
    )
    assert not any("/s/p/4" in line for line in satisfied.log)


def test_logs_carry_no_token_cookie_or_answer(
    programme_db: Database, app_settings: Settings
) -> None:
    class_id, ids = add_trainees(programme_db, 5, 6)
    open_class(programme_db, class_id, None, now())
    path = slip_path(programme_db, app_settings, ids[0])
    trace = visit_trace(programme_db, app_settings, ids[0], first_choice)
    text = "\n".join(trace.log)
    assert "GET /t/{link} requests=1 errors=0" in text  # the counts ran, with the route only
    # A browser fetches the stylesheet with every page it draws: counted, never one line each,
    # or the lines would time the visit page by page.
    assert "GET /static/{file} requests=" in text
    assert not any("style.css" in line for line in trace.log)
    token = path.split("/")[-1]
    for secret in (token, token.split(".")[0], "收获很大", "学员05000", "19905000000"):
        assert secret not in text


def test_trainee_counts_are_written_once_their_minute_is_over(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = [1_700_000_000.0]
    traffic = TraineeTraffic(clock=lambda: clock[0])
    with caplog.at_level(logging.INFO, logger="survey.access"):
        traffic.record("POST", "/s/p/{n}", 200)
        traffic.record("GET", "/s/p/{n}", 404)
        assert not caplog.records  # nothing while the minute runs
        clock[0] += 60
        traffic.record("GET", "/s", 200)
        lines = [r.getMessage() for r in caplog.records]
        assert lines == [
            "trainee 2023-11-14T22:13Z GET /s/p/{n} requests=1 errors=1",
            "trainee 2023-11-14T22:13Z POST /s/p/{n} requests=1 errors=0",
        ]
        traffic.flush()
        assert (
            caplog.records[-1].getMessage()
            == "trainee 2023-11-14T22:14Z GET /s requests=1 errors=0"
        )
    assert trainee_route("/s/p/12") == "/s/p/{n}"
    assert trainee_route("/t/abc.def") == "/t/{link}"
    assert trainee_route("/staff/login") is None
    assert trainee_route("/api/v1/me") is None
    assert trainee_route("/static/style.css") == "/static/{file}"


def test_pages_are_small(programme_db: Database, app_settings: Settings) -> None:
    class_id, ids = add_trainees(programme_db, 6, 6)
    open_class(programme_db, class_id, None, now())
    path = slip_path(programme_db, app_settings, ids[0])
    css = (Path(trainee.__file__).parent / "static" / "style.css").read_bytes()
    with client_for(programme_db, app_settings) as client:
        client.get(path)
        with programme_db.read() as session:
            flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
        pages = ["/s", "/c", "/s/review"] + [f"/s/p/{n}" for n in range(1, flow.count + 1)]
        for page in pages:
            html = client.get(page).content
            assert not re.search(rb"https?://(?!www\.w3\.org)", html), page
            # What a phone downloads: the page and the one stylesheet, gzipped.
            assert len(gzip.compress(html)) + len(gzip.compress(css)) < 30 * 1024, page


def test_a_busy_database_asks_to_retry_and_keeps_the_token(
    programme_db: Database, app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    class_id, ids = add_trainees(programme_db, 7, 6)
    open_class(programme_db, class_id, None, now())
    path = slip_path(programme_db, app_settings, ids[0])
    with programme_db.read() as session:
        flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
    app = create_app(app_settings, programme_db)

    async def busy(*_: object) -> None:
        raise RetryLaterError("database is locked")

    with TestClient(app=app) as client:
        monkeypatch.setattr(app.state.submits, "submit", busy)
        response = answer_through_http(client, path, first_choice, flow)
        assert response.status_code == 503
        assert "请稍后重试" in response.text
        monkeypatch.undo()
        retried = client.post("/s/submit", follow_redirects=False)
        assert retried.headers["location"] == "/s/done"
