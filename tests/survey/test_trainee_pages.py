"""The trainee pages' promises: cookies, states, rate limits, logs, page weight, retry."""

from __future__ import annotations

import gzip
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from litestar.testing import TestClient

from anonymity.errors import RetryLaterError
from anonymity.tokens import format_code
from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.settings import Settings
from survey.slips.issue import issue_slips
from survey.timezone import now, today_local
from survey.web import trainee
from survey.web.app import create_app
from survey.windows import close_class, open_class
from tests.helpers import add_trainees, answer_through_http, first_choice


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


def test_logs_carry_no_token_cookie_or_answer(
    programme_db: Database, app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    class_id, ids = add_trainees(programme_db, 5, 6)
    open_class(programme_db, class_id, None, now())
    path = slip_path(programme_db, app_settings, ids[0])
    with programme_db.read() as session:
        flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
    with client_for(programme_db, app_settings) as client:
        # The app configures logging at start-up; listen on the root logger after that, where
        # every logger of the app and of its libraries ends up.
        root = logging.getLogger()
        root.addHandler(caplog.handler)
        caplog.handler.setLevel(logging.DEBUG)
        previous = root.level
        root.setLevel(logging.DEBUG)
        try:
            answer_through_http(client, path, first_choice, flow)
        finally:
            root.removeHandler(caplog.handler)
            root.setLevel(previous)
        cookie = client.cookies.get("zjgp_t") or ""
    # httpx is the test's own client, logging the URLs it requests; everything else is the
    # server's.
    text = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    )
    assert "/t/…" in text  # the access log ran, redacted
    token = path.split("/")[-1]
    for secret in (token, token.split(".")[0], cookie, "收获很大", "学员05000", "19905000000"):
        assert secret
        assert secret not in text


def test_pages_are_small(programme_db: Database, app_settings: Settings) -> None:
    class_id, ids = add_trainees(programme_db, 6, 6)
    open_class(programme_db, class_id, None, now())
    path = slip_path(programme_db, app_settings, ids[0])
    css = (Path(trainee.__file__).parent / "static" / "style.css").read_bytes()
    with client_for(programme_db, app_settings) as client:
        client.get(path)
        with programme_db.read() as session:
            flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
        pages = ["/s", "/c"] + [f"/s/p/{n}" for n in range(1, flow.count + 1)]
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
