"""A base's and a province's pages: live response rates by province, counts only. (Links,
reminders and their audit: ``test_staff_links``; what a base can never reach:
``test_staff_base_crawl``.)"""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.roster.models import Trainee
from tests.staff.builders import submit_for
from tests.staff.conftest import StaffWorld


def rate_of(html: str, element: str) -> str:
    found = re.search(rf'id="{element}">([^<]+)<', html)
    assert found, element
    return found.group(1)


def test_rates_are_live_and_broken_down_by_province(world: StaffWorld) -> None:
    with world.client("base-a") as client:
        page = client.get(f"/staff/bases/{world.base_a}").text
        assert rate_of(page, "base-rate") == "0%"
        assert "1. 集成电路领域领军教师班（山东理工大学）" in page
        submit_for(world.db, world.secret, world.class_a, world.trainees_a[:3])
        page = client.get(f"/staff/bases/{world.base_a}").text
        # 3 of 12 answered: the page shows it at the next request.
        assert rate_of(page, "base-rate") == "25%"
        detail = client.get(f"/staff/classes/{world.class_a}").text
        assert rate_of(detail, "class-rate") == "25%"
    # Counts only: no page of the base names a trainee or a mobile.
    with world.db.read() as session:
        names = [t.name for t in session.scalars(select(Trainee)) if t.name]
        mobiles = [t.mobile for t in session.scalars(select(Trainee)) if t.mobile]
    for text in (page, detail):
        assert not any(name in text for name in names)
        assert not any(mobile in text for mobile in mobiles)


def test_province_page_counts_only_its_own_trainees(world: StaffWorld) -> None:
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[8:10])  # province B
    with world.client("province-b") as client:
        page = client.get(f"/staff/provinces/{world.province_b}").text
    # Province B: 4 in class A (2 answered) and 6 in class B.
    assert "邀请学员 10 人，回答 2 人" in page
    with world.client("province-a") as client:
        page = client.get(f"/staff/provinces/{world.province_a}").text
    assert "邀请学员 8 人，回答 0 人" in page
