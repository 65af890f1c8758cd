"""End to end through HTTP: open a link, answer, submit, close the class, find the answers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from litestar.testing import TestClient
from sqlalchemy import select

from anonymity.models import Comment, Response
from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.settings import Settings
from survey.slips.issue import issue_slips
from survey.timezone import now, today_local
from survey.web.app import create_app
from survey.windows import close_class, open_class
from tests.helpers import add_trainees, answer_through_http, first_choice


def make_app(db: Database, tmp_path: Path) -> tuple[Settings, TestClient]:  # type: ignore[type-arg]
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})
    return settings, TestClient(app=create_app(settings, db))


def test_answer_submit_close_release(programme_db: Database, tmp_path: Path) -> None:
    db = programme_db
    settings, client = make_app(db, tmp_path)
    secret = settings.secret_key()
    class_id, trainee_ids = add_trainees(db, 1, 6)
    open_class(db, class_id, None, now())
    slips = issue_slips(db, secret, settings.public_url, trainee_ids[:2])
    with db.read() as session:
        flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
    with client:
        done = answer_through_http(client, urlparse(slips[0].link).path, first_choice, flow)
        assert done.status_code == 303
        assert done.headers["location"] == "/s/done"
        assert "提交成功" in client.get("/s/done").text
        # A second visit with the same link says it was submitted.
        client.cookies.clear()
        client.get(urlparse(slips[0].link).path)
        assert "您已提交" in client.get("/s").text
    # k = 1: what one trainee typed must come out released as typed (k = 5 would destroy it).
    closed = close_class(db, secret, class_id, today_local(), k=1)
    assert closed.responses == len(flow.forms)
    with db.read() as session:
        responses = list(session.scalars(select(Response)))
        comments = list(session.scalars(select(Comment)))
    assert {r.questionnaire_version for r in responses} == {
        f.definition.version for f in flow.forms
    }
    released = {}
    for response in responses:
        released.update(response.answers)
    expected = {}
    for flow_page in flow.pages:
        for question in flow_page.page.questions:
            if question.show_if is None and question.type != "text":
                value = first_choice(question)
                expected[question.field] = (
                    int(value[0])
                    if question.type in ("likert5", "rating", "nps")
                    else value
                    if question.type == "multiple"
                    else value[0]
                )
    assert released == expected
    assert all(c.text == "收获很大" for c in comments)


def test_invalid_and_tampered_links(programme_db: Database, tmp_path: Path) -> None:
    db = programme_db
    settings, client = make_app(db, tmp_path)
    class_id, trainee_ids = add_trainees(db, 2, 3)
    open_class(db, class_id, None, now())
    (slip,) = issue_slips(db, settings.secret_key(), settings.public_url, trainee_ids[:1])
    path = urlparse(slip.link).path
    with client:
        # A middle character of the signature: base64's last character carries padding bits,
        # so changing it may not change the signature at all.
        cut = len(path) - 8
        tampered = path[:cut] + ("a" if path[cut] != "a" else "b") + path[cut + 1 :]
        response = client.get(tampered, follow_redirects=False)
        assert response.status_code == 400
        assert "链接无效" in response.text
        assert "zjgp_t" not in response.headers.get("set-cookie", "")
        assert client.get("/s").status_code == 200  # no session: asks for the link or code
        assert "请从您的专属链接进入" in client.get("/s").text
        # Exporting again keeps the link; only a replacement kills it.
        (again,) = issue_slips(db, settings.secret_key(), settings.public_url, trainee_ids[:1])
        assert again.link == slip.link
        issue_slips(db, settings.secret_key(), settings.public_url, trainee_ids[:1], replace=True)
        dead = client.get(path)
        # The page says the link was replaced and points to the new slip, not back to itself.
        assert "补发" in dead.text
        assert "原链接" not in dead.text
        assert client.get("/s").status_code == 404


def test_pages_carry_security_headers(programme_db: Database, tmp_path: Path) -> None:
    _, client = make_app(programme_db, tmp_path)
    with client:
        response = client.get("/c")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "default-src 'none'" in csp
