"""A draft belongs to the device that wrote it; another device may only start afresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from litestar.testing import TestClient

from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.settings import Settings
from survey.slips.issue import issue_slips
from survey.timezone import now
from survey.web.app import create_app
from survey.windows import open_class
from tests.helpers import add_trainees, answer_through_http, first_choice

ELSEWHERE = "这个链接已在另一台设备上填写"


def page_one(client: TestClient[Any], flow: Flow) -> dict[str, list[str]]:
    """Answer page 1 with the top of every scale; returns what was posted."""
    data = {q.field: first_choice(q) for q in flow.pages[0].page.questions}
    response = client.post("/s/p/1", data={**data, "go": ["next"]}, follow_redirects=False)
    assert response.headers["location"] == "/s/p/2"
    return data


def test_a_second_device_sees_nothing_and_may_only_start_afresh(
    programme_db: Database, tmp_path: Path
) -> None:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})
    class_id, ids = add_trainees(programme_db, 8, 6)
    open_class(programme_db, class_id, None, now())
    (slip,) = issue_slips(programme_db, settings.secret_key(), settings.public_url, ids[:1])
    link = urlparse(slip.link).path
    with programme_db.read() as session:
        flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
    app = create_app(settings, programme_db)
    with TestClient(app=app) as first, TestClient(app=app) as second:
        opened = first.get(link, follow_redirects=False)
        device_cookie = [c for c in opened.headers.get_list("set-cookie") if "zjgp_d=" in c]
        assert len(device_cookie) == 1
        assert "HttpOnly" in device_cookie[0]
        page_one(first, flow)
        assert "checked" in first.get("/s/p/1").text

        second.get(link)
        for path in ("/s", "/s/p/1", "/s/review"):
            shown = second.get(path)
            assert shown.status_code == 200
            assert ELSEWHERE in shown.text
            assert "checked" not in shown.text
        # Posting a page from the second device does not overwrite the first one's draft.
        blocked = second.post("/s/p/1", data={"go": "next"}, follow_redirects=False)
        assert ELSEWHERE in blocked.text
        assert "checked" in first.get("/s/p/1").text
        assert "继续填写" in first.get("/s").text

        # Starting afresh discards the first device's draft; the second device owns the link.
        restarted = second.post("/s/restart", follow_redirects=False)
        assert restarted.headers["location"] == "/s"
        assert "开始填写" in second.get("/s").text
        assert "checked" not in first.get("/s/p/1").text
        page_one(second, flow)
        assert ELSEWHERE in first.get("/s").text

        # Submitting from one device ends the other.
        done = answer_through_http(second, link, first_choice, flow)
        assert done.headers["location"] == "/s/done"
        assert "您已提交" in first.get("/s").text


def test_without_the_device_cookie_the_link_must_be_opened_again(
    programme_db: Database, tmp_path: Path
) -> None:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})
    class_id, ids = add_trainees(programme_db, 9, 6)
    open_class(programme_db, class_id, None, now())
    (slip,) = issue_slips(programme_db, settings.secret_key(), settings.public_url, ids[:1])
    app = create_app(settings, programme_db)
    with TestClient(app=app) as client, TestClient(app=app) as bare:
        client.get(urlparse(slip.link).path)
        token_cookie = client.cookies["zjgp_t"]
        device = client.cookies["zjgp_d"]
        for cookies in (f"zjgp_t={token_cookie}", f"zjgp_t={token_cookie}; zjgp_d=not-a-secret"):
            shown = bare.get("/s", headers={"cookie": cookies})
            assert "请从您的专属链接进入" in shown.text
        # Opening the link again keeps the device secret this browser has.
        again = client.get(urlparse(slip.link).path, follow_redirects=False)
        assert "zjgp_d=" not in " ".join(again.headers.get_list("set-cookie"))
        assert client.cookies["zjgp_d"] == device
        assert "开始填写" in client.get("/s").text
