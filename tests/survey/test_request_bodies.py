"""Request bodies: an anonymous request is refused before its body is read, and text that is
not valid UTF-8 is refused with a Chinese message, saving nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import anyio
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.testing import TestClient
from sqlalchemy import func, select

from anonymity.issuing import open_token
from anonymity.keys import derive_keys
from anonymity.tokens import unsign_link
from survey.db.engine import Database
from survey.roster.models import Trainee
from survey.settings import Settings
from survey.slips.issue import issue_slips
from survey.staff.api_tokens import create_token
from survey.timezone import now
from survey.web.app import FORM_BYTES, create_app
from survey.web.staff.roster import MAX_FILE_BYTES, MAX_FILES
from survey.windows import open_class
from tests.helpers import add_trainees
from tests.staff.builders import csrf_token
from tests.staff.conftest import make_world

CHUNK = 1024 * 1024
BOUNDARY = "x-boundary"
FORGED_COOKIE = (b"cookie", b"zjgp_staff=forged")


def settings_for(tmp_path: Path) -> Settings:
    return Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})


def post_streamed(
    app: Litestar, path: str, content_type: str, chunks: int, headers: list[tuple[bytes, bytes]]
) -> tuple[int, dict[bytes, bytes], int]:
    """POST ``chunks`` MB to ``app`` over raw ASGI; the status, headers, and how many chunks
    the app asked for."""
    asked = 0
    answer: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": b"a" * CHUNK, "more_body": asked < chunks}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = dict(message["headers"])

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", content_type.encode()),
            (b"content-length", str(chunks * CHUNK).encode()),
            *headers,
        ],
        "client": ("203.0.113.5", 40000),
        "server": ("testserver", 80),
        "state": {},
    }
    # On a thread of its own: an earlier test may have left an event loop on this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(anyio.run, app, scope, receive, send).result()
    return answer["status"], answer["headers"], asked


@pytest.mark.parametrize(
    ("path", "content_type", "headers", "status"),
    [
        ("/staff/roster", f"multipart/form-data; boundary={BOUNDARY}", [], 303),
        ("/staff/roster", f"multipart/form-data; boundary={BOUNDARY}", [FORGED_COOKIE], 303),
        ("/staff/review/1/finish", "application/x-www-form-urlencoded", [], 303),
        ("/api/v1/classes/1/open", "application/json", [], 401),
        ("/api/v1/classes/1/open", "application/json", [(b"authorization", b"Bearer forged")], 401),
    ],
)
def test_anonymous_bodies_are_refused_unread(
    db: Database,
    tmp_path: Path,
    path: str,
    content_type: str,
    headers: list[tuple[bytes, bytes]],
    status: int,
) -> None:
    app = create_app(settings_for(tmp_path), db)
    answered, response_headers, asked = post_streamed(app, path, content_type, 30, headers)
    assert answered == status
    if status == 303:
        assert response_headers[b"location"].startswith(b"/staff/login")
    assert asked == 0, f"{asked} MB of an anonymous body read"


def test_malformed_utf8_in_a_trainee_form_is_refused_and_not_saved(
    programme_db: Database, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    class_id, ids = add_trainees(programme_db, 6, 5)
    open_class(programme_db, class_id, None, now())
    (slip,) = issue_slips(programme_db, settings.secret_key(), settings.public_url, ids[:1])
    link = urlparse(slip.link).path
    token = unsign_link(derive_keys(settings.secret_key()).link_signing, link.split("/")[-1])
    form = {"content-type": "application/x-www-form-urlencoded"}
    with TestClient(app=create_app(settings, programme_db)) as client:
        client.get(link)
        page = client.get("/s/p/1").text
        field = page.split('name="', 1)[1].split('"', 1)[0]
        for body in (
            f"{field}=5&comment=%E5%A5%BD%FF%FE".encode(),  # a broken sequence, percent-encoded
            f"{field}=5&comment=".encode() + "好".encode("gb18030"),  # raw non-UTF-8 bytes
            f"{field}=%C3".encode(),  # a sequence cut short
        ):
            response = client.post("/s/p/1", content=body, headers=form, follow_redirects=False)
            assert response.status_code == 400
            assert "不是有效的 UTF-8" in response.text
            assert "没有保存任何内容" in response.text
        code = client.post("/c", content=b"code=%FF", headers=form)
        assert code.status_code == 400
        assert "不是有效的 UTF-8" in code.text
    state = open_token(programme_db, settings.secret_key(), token)
    assert state.draft is None


def test_malformed_utf8_in_a_staff_form_is_refused(db: Database, tmp_path: Path) -> None:
    with TestClient(app=create_app(settings_for(tmp_path), db)) as client:
        response = client.post(
            "/staff/login",
            content=b"name=%FFministry&password=x",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    # The login form is CSRF-protected: the form is read (and refused) before that check.
    assert response.status_code == 400
    assert "不是有效的 UTF-8" in response.text


def test_malformed_utf8_in_an_upload_form_is_refused(
    programme_db: Database, tmp_path: Path
) -> None:
    world = make_world(programme_db, tmp_path)
    with world.db.read() as session:
        before = session.scalar(select(func.count()).select_from(Trainee))
    roster = (
        "序号,项目名称,承训单位,学员姓名,单位名称,所在部门(院系)及职务,任教专业,联系手机,备注\n"
    )
    with world.client("ministry") as client:
        token = csrf_token(client.get("/staff/roster").text)
        response = client.post(
            "/staff/roster",
            data={
                "_csrf_token": token,
                "province": "山东省\udcff".encode("utf-8", "surrogateescape"),
            },
            files=[("files", ("名单.csv", roster.encode(), "text/csv"))],
        )
    assert response.status_code == 400
    assert "不是有效的 UTF-8" in response.text
    with world.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Trainee)) == before


def test_malformed_utf8_in_an_api_body_is_a_clear_problem(
    programme_db: Database, tmp_path: Path
) -> None:
    world = make_world(programme_db, tmp_path)
    token = create_token(world.db, world.secret, "ministry", "encoding", now())
    with TestClient(app=world.app) as client:
        response = client.post(
            f"/api/v1/classes/{world.class_a}/open",
            content=b'{"closes_at": "2099-01-01T18:00:00+08:00\xff"}',
            headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
        )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "UTF-8 编码的 JSON" in response.json()["detail"]


def test_every_route_has_its_documented_size_limit(db: Database, tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path), db)
    documented = {FORM_BYTES: "512 KB", MAX_FILES * MAX_FILE_BYTES: "200 MB"}
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    limits = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                for method in handler.http_methods:
                    limits[f"{method} {route.path}"] = handler.resolve_request_max_body_size()
    assert set(limits.values()) <= set(documented), limits
    assert limits["POST /staff/roster"] == MAX_FILES * MAX_FILE_BYTES
    for size in documented.values():
        assert size in readme
