"""A property-based pass over the trainee form handlers (Hypothesis): whatever a phone, a
scanner or an attacker posts to ``/t``, ``/c`` and the answer pages (any field names, any text,
repeated fields, raw bytes, pages that do not exist), the answer is never a 5xx.

Bounded (a fixed number of examples, no example database) so the suite stays within budget.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from survey.db.engine import Database
from survey.settings import Settings
from survey.slips.issue import issue_slips
from survey.timezone import now
from survey.web.app import create_app
from survey.windows import open_class
from tests.helpers import add_trainees

EXAMPLES = 300
FORM = {"content-type": "application/x-www-form-urlencoded"}

# Text as people and tools send it: any character a browser can encode (no lone surrogates).
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
# A path segment as a browser sends what was typed into the address bar: percent-encoded.
segment = text.map(lambda t: quote(t, safe="") or "x")


def requests(fields: list[str], pages: int) -> st.SearchStrategy[tuple[str, str, Any]]:
    """(method, path, body) triples aimed at the trainee handlers."""
    names = st.one_of(st.sampled_from([*fields, "go", "code"]), text)
    values = st.one_of(
        text,
        st.sampled_from(["back", "next", "1", "5", "0", "11", "-1", "", "1e9", "NaN"]),
    )
    form = st.dictionaries(names, st.one_of(values, st.lists(values, max_size=3)), max_size=8)
    page = st.integers(min_value=-2, max_value=pages + 2).map(str) | segment
    return st.one_of(
        st.tuples(st.just("POST"), page.map(lambda p: f"/s/p/{p}"), form),
        st.tuples(st.just("POST"), page.map(lambda p: f"/s/p/{p}"), st.binary(max_size=200)),
        st.tuples(st.just("POST"), st.just("/c"), form),
        st.tuples(st.just("POST"), st.sampled_from(["/s/restart", "/s/contest"]), form),
        st.tuples(st.just("POST"), st.just("/c"), st.binary(max_size=100)),
        st.tuples(st.just("GET"), segment.map(lambda t: f"/t/{t}"), st.none()),
        st.tuples(st.just("GET"), page.map(lambda p: f"/s/p/{p}"), st.none()),
    )


def test_trainee_handlers_never_answer_5xx(programme_db: Database, tmp_path: Path) -> None:
    app_settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})
    class_id, ids = add_trainees(programme_db, 7, 3)
    open_class(programme_db, class_id, None, now())
    (slip,) = issue_slips(programme_db, app_settings.secret_key(), app_settings.public_url, ids[:1])
    with TestClient(app=create_app(app_settings, programme_db)) as client:
        assert client.get(urlparse(slip.link).path, follow_redirects=False).status_code == 303
        first = client.get("/s/p/1").text
        pages = int(re.search(r"第 \d+ / (\d+) 页", first).group(1))  # type: ignore[union-attr]
        fields = sorted(set(re.findall(r'name="([a-z0-9_.]+)"', first)))

        @given(request=requests(fields, pages))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(request: tuple[str, str, Any]) -> None:
            method, path, body = request
            if method == "GET":
                response = client.get(path, follow_redirects=False)
            elif isinstance(body, bytes):
                response = client.post(path, content=body, headers=FORM, follow_redirects=False)
            else:
                response = client.post(path, data=body, follow_redirects=False)
            assert response.status_code < 500, (method, path, body, response.text[:300])

        call()
