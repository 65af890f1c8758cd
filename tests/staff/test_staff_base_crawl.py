"""A base account clicks everything it is shown, and types every staff and API route there is:
no answer carries a link that opens a survey, a code or a QR image, unless the ministry let
the base print that class's slips."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlparse

from litestar.testing import TestClient
from sqlalchemy import select

from anonymity.issuing import TokenStatus, open_token
from survey.services.credentials import set_base_slips
from survey.slips.issue import issue_slips
from survey.staff.models import AuditEntry
from survey.timezone import now
from tests.staff.builders import csrf_token, submit_for
from tests.staff.conftest import StaffWorld

# A token, bare or grouped as a printed code; a signed link; a QR image as segno draws it.
TOKEN_LIKE = re.compile(r"(?<![0-9a-z])([0-9a-z]{27}|(?:[0-9a-z]{4}-){6}[0-9a-z]{3})(?![0-9a-z])")
QR_IMAGE = 'class="segno"'


class Page(HTMLParser):
    """The links and forms of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        elif tag == "form" and values.get("method", "get").lower() == "post":
            self.forms.append((values.get("action", ""), {}))
        elif tag in ("input", "select", "textarea") and self.forms and values.get("name"):
            self.forms[-1][1][values["name"]] = values.get("value", "")


def texts(response: Any) -> Iterator[str]:
    """Everything a response carries, including the sheets inside a workbook."""
    body: bytes = response.content
    yield body.decode("utf-8", "replace")
    yield str(response.headers)
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for member in archive.namelist():
                yield archive.read(member).decode("utf-8", "replace")


def crawl(world: StaffWorld, client: TestClient[Any], mobiles: list[str]) -> list[tuple[str, str]]:
    """Every page, download and form the account is shown, then every staff and API route
    with every id it might take: (what was asked, what came back)."""
    seen: set[str] = set()
    answers: list[tuple[str, str]] = []
    queue = ["/staff"]
    token = csrf_token(client.get("/staff", follow_redirects=True).text)

    def keep(label: str, response: Any) -> None:
        answers.extend((label, text) for text in texts(response))

    while queue:
        path = queue.pop()
        if path in seen or "logout" in path:
            continue
        seen.add(path)
        response = client.get(path, follow_redirects=True)
        keep(f"GET {path}", response)
        if "html" not in response.headers.get("content-type", ""):
            continue
        page = Page()
        page.feed(response.text)
        for href in page.links:
            url = urlparse(urljoin(f"http://testserver{path}", href))
            if url.netloc == "testserver" and url.path.startswith(("/staff", "/api")):
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
        for action, fields in page.forms:
            if "logout" in action:
                continue
            for mobile in mobiles[:1] if "mobile" in fields else [""]:
                data = {**fields, "_csrf_token": token, "mobile": mobile, "confirm": "yes"}
                posted = client.post(urljoin(path, action), data=data, follow_redirects=True)
                keep(f"POST {action}", posted)
    ids = [world.class_a, world.class_b, world.base_a, world.base_b, world.province_a]
    for route in world.app.routes:
        if not route.path.startswith(("/staff", "/api")) or "logout" in route.path:
            continue
        for path in expand(route.path, ids):
            for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
                for query in ("", "?format=html", "?format=csv"):
                    if method == "GET":
                        response = client.get(path + query, follow_redirects=True)
                    elif path.startswith("/api/"):
                        response = client.post(path + query, json={})
                    else:
                        data = {"_csrf_token": token, "format": query[8:] or "html"}
                        data |= {"mobile": mobiles[0], "confirm": "yes", "on": "1"}
                        response = client.post(path + query, data=data, follow_redirects=True)
                    keep(f"{method} {path}{query}", response)
    return answers


def expand(path: str, ids: list[int]) -> Iterator[str]:
    """``path`` with each parameter replaced by every plausible value."""
    match = re.search(r"\{(\w+):?(\w*)\}", path)
    if match is None:
        yield path
        return
    kind = match.group(2)
    values: list[str] = (
        [str(i) for i in ids]
        if kind == "int"
        else ["satisfaction", "teaching"]
        if kind == "str"
        else ["00000000-0000-4000-8000-000000000000"]
    )
    for value in values:
        yield from expand(path[: match.start()] + value + path[match.end() :], ids)


def leaks(world: StaffWorld, answers: list[tuple[str, str]]) -> set[str]:
    """What in ``answers`` would open a survey: a live token, its code or link, a QR image."""
    found = set()
    for label, text in answers:
        if QR_IMAGE in text:
            found.add(f"{label}: QR image")
        # Tags dropped too: a printed code's groups are spans with <wbr> between them.
        for candidate in TOKEN_LIKE.findall(text + "\n" + re.sub(r"<[^>]+>", "", text)):
            token = candidate.replace("-", "")
            if open_token(world.db, world.secret, token).status is not TokenStatus.UNKNOWN:
                found.add(f"{label}: token")
    return found


def prepare(world: StaffWorld) -> list[str]:
    """Three answers and live links for everyone else; returns the mobiles of class A. (The
    crawl asks for a reminder itself, through the form the base is shown.)"""
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:3])
    slips = issue_slips(
        world.db, world.secret, world.settings.public_url, world.trainees_a + world.trainees_b
    )
    return [slip.mobile for slip in slips if slip.project_seq == 1]


def test_a_base_reaches_no_live_link_anywhere(world: StaffWorld) -> None:
    mobiles = prepare(world)
    with world.client("base-a") as client:
        answers = crawl(world, client, mobiles)
    assert len(answers) > 100
    # The printable report is among what was asked, and it too carries no link.
    assert f"GET /staff/bases/{world.base_a}/report" in {label for label, _ in answers}
    assert not leaks(world, answers)
    # The crawl did use the forms it was shown: the base's reminder request is waiting.
    with world.db.read() as session:
        asked = session.scalars(
            select(AuditEntry.user_name).where(AuditEntry.action == "reminder_request")
        )
        assert list(asked) == ["base-a"]


def test_the_crawl_finds_the_slips_the_ministry_let_the_base_print(world: StaffWorld) -> None:
    mobiles = prepare(world)
    set_base_slips(world.db, "命令行（test）", world.class_a, True, now())
    with world.client("base-a") as client:
        answers = crawl(world, client, mobiles)
    found = leaks(world, answers)
    # The crawler does see links where there are some: only the printed slips of class A.
    assert found
    assert all("/slips" in label or "/reissue" in label for label in found), found
    assert not any(f"/classes/{world.class_b}/" in label for label in found)
