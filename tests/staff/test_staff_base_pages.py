"""A base's pages: live response rates by province (counts only), slips and SMS lists that
re-issue tokens after a confirmation, a lost slip, the reminder export, and their audit."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlparse

from sqlalchemy import select

from anonymity.issuing import TokenStatus, open_token
from anonymity.tokens import parse_code
from survey.roster.models import Trainee
from survey.slips.issue import issue_slips
from survey.staff.models import AuditEntry
from tests.staff.builders import post_form, submit_for
from tests.staff.conftest import StaffWorld


def rate_of(html: str, element: str) -> str:
    found = re.search(rf'id="{element}">([^<]+)<', html)
    assert found, element
    return found.group(1)


def test_rates_are_live_and_broken_down_by_province(world: StaffWorld) -> None:
    with world.client("base-a") as client:
        page = client.get(f"/staff/bases/{world.base_a}").text
        assert rate_of(page, "base-rate") == "0%"
        assert "第1项目培训班" in page or "培训班" in page
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
    assert "有学员 10 人，已提交 2 人" in page
    with world.client("province-a") as client:
        page = client.get(f"/staff/provinces/{world.province_a}").text
    assert "有学员 8 人，已提交 0 人" in page


def test_printing_slips_asks_first_and_reissues_every_token(world: StaffWorld) -> None:
    (old,) = issue_slips(world.db, world.secret, world.settings.public_url, world.trainees_a[:1])
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[1:2])
    with world.client("base-a") as client:
        confirm = client.get(f"/staff/classes/{world.class_a}/slips?format=html")
        assert confirm.status_code == 200
        assert "全部失效" in confirm.text
        assert "11 名尚未提交" in confirm.text or "11" in confirm.text
        page = post_form(
            client,
            f"/staff/classes/{world.class_a}/slips?format=html",
            f"/staff/classes/{world.class_a}/slips",
            {"format": "html"},
        )
        assert page.status_code == 200
        assert page.text.count('class="slip"') == 11  # everyone but the one who answered
        assert "<svg" in page.text
        codes = re.findall(r'class="code">([^<]+)<', page.text)
        assert len(codes) == 11
    # The old slip is dead; the new ones work.
    assert open_token(world.db, world.secret, parse_code(old.code)).status is TokenStatus.UNKNOWN
    assert open_token(world.db, world.secret, parse_code(codes[0])).status is TokenStatus.LIVE
    with world.db.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "slips_print")).one()
    assert entry.user_name == "base-a"
    assert entry.target == f"class:{world.class_a}"
    assert "11 人" in entry.summary


def test_sms_csv_and_reminder_export(world: StaffWorld) -> None:
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:2])
    with world.client("base-a") as client:
        response = post_form(
            client,
            f"/staff/classes/{world.class_a}/slips?format=csv",
            f"/staff/classes/{world.class_a}/slips",
            {"format": "csv"},
        )
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["项目序号", "项目名称", "承训基地"]
        assert len(rows) == 1 + 10
        confirm = client.get(f"/staff/classes/{world.class_a}/reminders")
        assert "10" in confirm.text
        reminders = post_form(
            client,
            f"/staff/classes/{world.class_a}/reminders",
            f"/staff/classes/{world.class_a}/reminders",
            {},
        )
        rows = list(csv.reader(io.StringIO(reminders.content.decode("utf-8-sig"))))
    assert rows[0] == ["学员姓名", "联系手机", "问卷链接", "问卷码", "提醒短信"]
    assert len(rows) == 11
    with world.db.read() as session:
        outstanding = {
            t.mobile
            for t in session.scalars(select(Trainee).where(Trainee.class_id == world.class_a))
            if not t.responded
        }
    assert {row[1] for row in rows[1:]} == outstanding
    assert all(row[2] in row[4] for row in rows[1:])
    # The reminder links are the live ones: the CSV exported just before is dead now.
    token = urlparse(rows[1][2]).path.removeprefix("/t/")
    assert token
    with world.db.read() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    exported = [e for e in entries if e.action in ("slips_csv", "reminder_export")]
    assert [e.action for e in exported] == ["slips_csv", "reminder_export"]
    # The log says how many, never who.
    for entry in entries:
        assert not any(mobile in entry.summary for mobile in outstanding)


def test_reissue_one_lost_slip(world: StaffWorld) -> None:
    with world.db.read() as session:
        trainee = session.get(Trainee, world.trainees_a[0])
        assert trainee is not None
        mobile, name = trainee.mobile, trainee.name
    with world.client("base-a") as client:
        page = post_form(
            client,
            f"/staff/classes/{world.class_a}/reissue",
            f"/staff/classes/{world.class_a}/reissue",
            {"mobile": mobile},
        )
        assert page.status_code == 200
        assert page.text.count('class="slip"') == 1
        assert name in page.text
        # Another class's trainee, a malformed number, someone who answered: refused.
        with world.db.read() as session:
            other = session.get(Trainee, world.trainees_b[0])
            assert other is not None
        wrong_class = post_form(
            client,
            f"/staff/classes/{world.class_a}/reissue",
            f"/staff/classes/{world.class_a}/reissue",
            {"mobile": other.mobile},
        )
        assert wrong_class.status_code == 404
        assert "没有这个手机号" in wrong_class.text
        malformed = post_form(
            client,
            f"/staff/classes/{world.class_a}/reissue",
            f"/staff/classes/{world.class_a}/reissue",
            {"mobile": "12345"},
        )
        assert malformed.status_code == 400
        submit_for(world.db, world.secret, world.class_a, world.trainees_a[:1])
        answered = post_form(
            client,
            f"/staff/classes/{world.class_a}/reissue",
            f"/staff/classes/{world.class_a}/reissue",
            {"mobile": mobile},
        )
        assert answered.status_code == 409
        assert "已经提交" in answered.text
    with world.db.read() as session:
        entries = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "slip_reissue"))
        )
    assert len(entries) == 1
    assert mobile not in entries[0].summary
    assert name not in entries[0].summary


def test_nothing_is_issued_for_a_closed_class(world: StaffWorld) -> None:
    from survey.timezone import today_local
    from survey.windows import close_class

    close_class(world.db, world.secret, world.class_a, today_local(), k=5)
    with world.client("base-a") as client:
        response = client.get(f"/staff/classes/{world.class_a}/slips")
        assert response.status_code == 409
        assert "已经关闭" in response.text
        page = client.get(f"/staff/classes/{world.class_a}").text
        assert "查看本班评价结果" in page
        assert "打印问卷纸条" not in page
