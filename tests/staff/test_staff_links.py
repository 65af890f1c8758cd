"""Links travel from the ministry and the provinces, keep working across exports and reminders,
die only when replaced; the ministry's paper switch; each act audited in its transaction."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from anonymity.drafts import new_device_secret
from anonymity.issuing import TokenStatus, open_token
from anonymity.keys import derive_keys
from anonymity.models import Token
from anonymity.tokens import parse_code, unsign_link
from survey.errors import UserError
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.programme.models import TrainingClass
from survey.roster.models import Trainee
from survey.services import credentials, windows
from survey.services.credentials import export_links
from survey.services.windows import close_classes, open_classes
from survey.staff.models import AuditEntry, ReminderRequest
from survey.timezone import now, today_local
from tests.helpers import first_choice
from tests.staff.builders import post_form, submit_for
from tests.staff.conftest import StaffWorld


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def export(client: Any, class_id: int, fmt: str) -> Any:
    page = f"/staff/classes/{class_id}/slips?format={fmt}"
    return post_form(client, page, f"/staff/classes/{class_id}/slips", {"format": fmt})


def reminders(client: Any, class_id: int) -> Any:
    page = f"/staff/classes/{class_id}/reminders"
    return post_form(client, page, page, {})


def reissue(client: Any, class_id: int, mobile: str | None) -> Any:
    page = f"/staff/classes/{class_id}/reissue"
    return post_form(client, page, page, {"mobile": mobile})


def token_of(world: StaffWorld, link: str) -> str:
    return unsign_link(derive_keys(world.secret).link_signing, urlparse(link).path[3:])


def actions(world: StaffWorld) -> list[AuditEntry]:
    with world.db.read() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def slip_codes(page: str) -> list[str]:
    """The codes on a slips page (each group is a span, with <wbr> between groups)."""
    return [re.sub(r"<[^>]+>", "", code) for code in re.findall(r'class="code">(.*?)</p>', page)]


def test_exporting_twice_gives_the_same_links_and_the_draft_survives(world: StaffWorld) -> None:
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:2])
    with world.db.read() as session:
        flow = Flow(class_definitions(session, world.class_a), class_plan(session, world.class_a))
    page_one = {q.field: first_choice(q) for q in flow.pages[0].page.questions}
    with world.client("ministry") as client, world.client() as phone:
        first = csv_rows(export(client, world.class_a, "csv"))
        assert first[0][:3] == ["项目序号", "项目名称", "承训基地"]
        assert len(first) == 1 + 10
        link = urlparse(first[1][5]).path
        # The trainee starts answering on their phone with the link of the first export.
        phone.get(link)
        saved = phone.post("/s/p/1", data={**page_one, "go": ["next"]}, follow_redirects=False)
        assert saved.headers["location"] == "/s/p/2"
        phone.cookies.delete("zjgp_t")
        second = csv_rows(export(client, world.class_a, "csv"))
        remind = csv_rows(reminders(client, world.class_a))
        slips = export(client, world.class_a, "html")
        assert slips.status_code == 200
        # The first export's link still opens, on the same phone, with the trainee's draft.
        opened = phone.get(link, follow_redirects=False)
        assert opened.status_code in (302, 303)
        assert "继续填写" in phone.get("/s").text
        assert "checked" in phone.get("/s/p/1").text
    assert second == first
    assert remind[0] == ["学员姓名", "联系手机", "问卷链接", "问卷码", "提醒短信"]
    assert [row[2] for row in remind[1:]] == [row[5] for row in first[1:]]
    assert all(row[2] in row[4] and "同一链接" in row[4] for row in remind[1:])
    assert "失效" not in remind[1][4]
    codes = slip_codes(slips.text)
    assert codes == [row[6] for row in first[1:]]
    token = token_of(world, first[1][5])
    assert open_token(world.db, world.secret, token).status is TokenStatus.LIVE
    # Another device with the same link sees none of the phone's answers.
    assert open_token(world.db, world.secret, token, new_device_secret()).draft_elsewhere
    logged = [e.action for e in actions(world)]
    assert logged.count("slips_csv") == 2
    assert logged.count("reminder_export") == 1
    assert logged.count("slips_print") == 1
    credential = {"slips_csv", "slips_print", "reminder_export"}
    assert {e.user_name for e in actions(world) if e.action in credential} == {"ministry"}


def test_a_province_sends_its_own_trainees_links_only(world: StaffWorld) -> None:
    with world.db.read() as session:
        own = {
            t.mobile
            for t in session.scalars(
                select(Trainee).where(
                    Trainee.class_id == world.class_a, Trainee.province_id == world.province_a
                )
            )
        }
        other = session.scalars(
            select(Trainee.mobile).where(Trainee.id == world.trainees_a[-1])
        ).one()
    with world.client("province-a") as client:
        home = client.get(f"/staff/provinces/{world.province_a}").text
        assert f"/staff/classes/{world.class_a}/slips?format=csv" in home
        rows = csv_rows(export(client, world.class_a, "csv"))
        assert {row[4] for row in rows[1:]} == own
        remind = csv_rows(reminders(client, world.class_a))
        assert {row[1] for row in remind[1:]} == own
        # A trainee of another province is not the province's to replace.
        refused = reissue(client, world.class_a, other)
        assert refused.status_code == 404
    (entry,) = [e for e in actions(world) if e.action == "slips_csv"]
    assert entry.user_name == "province-a"
    assert "学员）：8 人" in entry.summary


def test_a_replacement_kills_only_that_link_and_says_so(world: StaffWorld) -> None:
    with world.db.read() as session:
        trainee = session.get(Trainee, world.trainees_a[0])
        assert trainee is not None
        mobile, name = trainee.mobile, trainee.name
    with world.client("ministry") as client:
        before = {row[4]: row[5] for row in csv_rows(export(client, world.class_a, "csv"))[1:]}
        page = reissue(client, world.class_a, mobile)
        assert page.status_code == 200
        assert page.text.count('class="slip"') == 1
        assert name in page.text
        assert "原来的链接和问卷码已作废" in page.text
        assert 'class="staff-nav"' in page.text  # navigation and logout, like every staff page
        assert "退出登录" in page.text
        (new_code,) = slip_codes(page.text)
        after = {row[4]: row[5] for row in csv_rows(export(client, world.class_a, "csv"))[1:]}
        malformed = reissue(client, world.class_a, "12345")
        assert malformed.status_code == 400
        submit_for(world.db, world.secret, world.class_a, world.trainees_a[:1])
        answered = reissue(client, world.class_a, mobile)
        assert answered.status_code == 409
        assert "已经提交" in answered.text
    old = token_of(world, before[mobile])
    assert open_token(world.db, world.secret, old).status is TokenStatus.UNKNOWN
    assert after[mobile] != before[mobile]
    assert token_of(world, after[mobile]) == parse_code(new_code)
    assert {m: link for m, link in after.items() if m != mobile} == {
        m: link for m, link in before.items() if m != mobile
    }
    entries = [e for e in actions(world) if e.action == "slip_reissue"]
    assert len(entries) == 1
    assert mobile not in entries[0].summary
    assert name not in entries[0].summary


def test_a_base_asks_for_a_reminder_and_never_gets_the_list(world: StaffWorld) -> None:
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:3])
    with world.client("base-a") as client:
        page = client.get(f"/staff/classes/{world.class_a}").text
        assert "请求催办" in page
        assert "/reminders" not in page
        assert "/slips" not in page
        assert "/reissue" not in page
        asked = post_form(
            client,
            f"/staff/classes/{world.class_a}",
            f"/staff/classes/{world.class_a}/reminder-request",
            {},
        )
        assert asked.status_code == 200
        assert "已请求催办" in asked.text
        assert "<form" not in asked.text.split("<main", 1)[-1]
        # The class page now says it is waiting, without a button to ask again; a second
        # post (a double click) adds nothing.
        page = client.get(f"/staff/classes/{world.class_a}").text
        assert 'id="reminder-state"' in page
        assert "reminder-request" not in page
        again = client.post(
            f"/staff/classes/{world.class_a}/reminder-request",
            data={"_csrf_token": re.findall(r'value="([^"]+)"', asked.text)[0]},
        )
        assert again.status_code in (200, 403)
        assert client.get(f"/staff/classes/{world.class_a}/reminders").status_code == 403
    with world.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ReminderRequest)) == 1
    with world.client("ministry") as client:
        assert "承训基地的催办请求 1 项" in client.get("/staff/overview").text
        waiting = client.get("/staff/reminders").text
        assert "9" in waiting
        assert f"/staff/classes/{world.class_a}/reminders" in waiting
        rows = csv_rows(reminders(client, world.class_a))
        assert len(rows) == 1 + 9
        assert "没有等待发送的催办请求" in client.get("/staff/reminders").text
    with world.client("province-b") as client:
        assert "没有等待发送的催办请求" in client.get("/staff/reminders").text
    logged = [(e.action, e.user_name) for e in actions(world) if e.action.startswith("remind")]
    assert logged == [("reminder_request", "base-a"), ("reminder_export", "ministry")]


def test_the_paper_switch_lets_the_base_print_and_marks_the_class(world: StaffWorld) -> None:
    with world.client("ministry") as client:
        links = [row[5] for row in csv_rows(export(client, world.class_a, "csv"))[1:]]
    with world.client("base-a") as client:
        assert client.get(f"/staff/classes/{world.class_a}/slips?format=html").status_code == 403
    with world.client("ministry") as client:
        switched = post_form(
            client,
            f"/staff/classes/{world.class_a}",
            f"/staff/classes/{world.class_a}/base-slips",
            {"on": "1"},
        )
        assert switched.status_code == 303
        assert 'id="base-held-slips"' in client.get(f"/staff/classes/{world.class_a}").text
    with world.client("base-a") as client:
        page = client.get(f"/staff/classes/{world.class_a}").text
        assert 'id="base-held-slips"' in page
        assert f"/staff/classes/{world.class_a}/slips?format=html" in page
        slips = export(client, world.class_a, "html")
        assert slips.status_code == 200
        # The same links the ministry sent: printing does not re-issue.
        assert all(link in slips.text for link in links)
        # Paper only: no SMS list, no reminder list, and not another base's class.
        assert client.get(f"/staff/classes/{world.class_a}/slips?format=csv").status_code == 403
        assert client.get(f"/staff/classes/{world.class_a}/reminders").status_code == 403
        assert client.get(f"/staff/classes/{world.class_b}/slips?format=html").status_code == 403
    with world.client("ministry") as client:
        post_form(
            client,
            f"/staff/classes/{world.class_a}",
            f"/staff/classes/{world.class_a}/base-slips",
            {"on": "0"},
        )
    with world.client("base-a") as client:
        assert client.get(f"/staff/classes/{world.class_a}/slips?format=html").status_code == 403
        # The mark stays: the base did hold the slips.
        assert 'id="base-held-slips"' in client.get(f"/staff/classes/{world.class_a}").text
    logged = [(e.action, e.user_name) for e in actions(world) if e.action.startswith("base_")]
    assert logged == [("base_slips_on", "ministry"), ("base_slips_off", "ministry")]
    assert ("slips_print", "base-a") in [(e.action, e.user_name) for e in actions(world)]


def test_nothing_is_issued_for_a_closed_class(world: StaffWorld) -> None:
    close_classes(
        world.db, world.secret, "命令行（test）", [world.class_a], now(), today_local(), k=5
    )
    with world.client("ministry") as client:
        response = client.get(f"/staff/classes/{world.class_a}/slips")
        assert response.status_code == 409
        assert "已经关闭" in response.text
        page = client.get(f"/staff/classes/{world.class_a}").text
        assert "查看本班评价结果" in page
        assert "打印问卷纸条" not in page
    with world.db.read() as session:
        live = session.scalars(select(Token.sealed_token).where(Token.class_id == world.class_a))
        assert all(sealed is None for sealed in live)


class RefusedError(Exception):
    """The audit entry could not be written."""


def refuse(*args: object) -> None:
    raise RefusedError


def test_an_action_whose_audit_entry_fails_leaves_nothing(
    world: StaffWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(credentials, "record", refuse)
    monkeypatch.setattr(windows, "record", refuse)
    url = world.settings.public_url
    with pytest.raises(RefusedError):
        export_links(world.db, world.secret, url, "命令行（test）", world.class_a, "csv", now())
    with world.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Token)) == 0
    with pytest.raises(RefusedError):
        open_classes(world.db, "命令行（test）", [world.class_a], None, now())
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:1])
    with pytest.raises(RefusedError):
        close_classes(
            world.db, world.secret, "命令行（test）", [world.class_a], now(), today_local(), k=5
        )
    with world.db.read() as session:
        training_class = session.get(TrainingClass, world.class_a)
        assert training_class is not None
        assert training_class.state == "open"
    with pytest.raises(UserError):
        credentials.set_base_slips(world.db, "命令行（test）", 999_999, True, now())
