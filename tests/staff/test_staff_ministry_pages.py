"""The ministry's pages: the overview, survey windows, roster upload and quota summary, and the
audit log."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from survey.programme.models import TrainingClass
from survey.roster.models import Trainee
from survey.staff.models import AuditEntry
from survey.timezone import SHANGHAI, now
from tests.roster.builders import B1, P1, annex3, people
from tests.staff.builders import class_of, csrf_token, post_form, submit_for
from tests.staff.conftest import StaffWorld


def local(delta: timedelta) -> str:
    """A ``datetime-local`` value ``delta`` from now, Beijing time."""
    return (now() + delta).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def state_of(world: StaffWorld, class_id: int) -> str:
    with world.db.read() as session:
        training_class = session.get(TrainingClass, class_id)
        assert training_class is not None
        return training_class.state


def test_overview_shows_every_base_with_bars_and_small_class_warnings(world: StaffWorld) -> None:
    with world.client("ministry") as client:
        page = client.get("/staff/overview").text
    assert page.count('<tr class="small">') == 14  # the 14 classes without a roster
    assert "个培训班的邀请人数少于 5 人" in page
    assert 'class="w0"' in page
    assert "邀请 18 人，回答 0 人" in page
    assert page.count("/staff/bases/") >= 16
    assert "style=" not in page  # the CSP forbids inline styles: bars are classes


def test_open_extend_and_close_one_class(world: StaffWorld) -> None:
    pending, _ = class_of(world.db, 3)
    with world.client("ministry") as client:
        page = f"/staff/classes/{pending}"
        response = post_form(
            client, page, f"/staff/classes/{pending}/open", {"until": local(timedelta(days=3))}
        )
        assert response.status_code == 200
        assert "已开放" in response.text
        assert state_of(world, pending) == "open"
        response = post_form(
            client, page, f"/staff/classes/{pending}/open", {"until": local(timedelta(days=5))}
        )
        assert "截止时间已改为" in response.text
        past = post_form(
            client, page, f"/staff/classes/{pending}/open", {"until": local(-timedelta(hours=1))}
        )
        assert past.status_code == 409
        assert "截止时间必须晚于现在" in past.text
        malformed = post_form(client, page, f"/staff/classes/{pending}/open", {"until": "明天"})
        assert malformed.status_code == 409
        assert "格式不对" in malformed.text
        confirm = client.get(f"/staff/classes/{pending}/close")
        assert "关闭后不能重新开放" in confirm.text
        unconfirmed = post_form(
            client, f"/staff/classes/{pending}/close", f"/staff/classes/{pending}/close", {}
        )
        assert unconfirmed.status_code == 409
        assert state_of(world, pending) == "open"
        closed = post_form(
            client,
            f"/staff/classes/{pending}/close",
            f"/staff/classes/{pending}/close",
            {"confirm": "yes"},
        )
        assert "已关闭，回答 0 / 邀请 0 人，发布 0 条文字意见；回答不足 5 人" in closed.text
        assert state_of(world, pending) == "closed"
    with world.db.read() as session:
        actions = [
            (e.action, e.target)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.action.startswith("class_")
        ]
    target = f"class:{pending}"
    assert actions == [("class_open", target), ("class_extend", target), ("class_close", target)]


def test_the_deadline_field_shows_the_deadline_in_force(world: StaffWorld) -> None:
    """Pressing 修改截止时间 without typing keeps the deadline; it used to clear it."""
    pending, _ = class_of(world.db, 3)
    page = f"/staff/classes/{pending}"
    until = local(timedelta(days=3))
    with world.client("ministry") as client:
        post_form(client, page, f"/staff/classes/{pending}/open", {"until": until})
        (shown,) = re.findall(r'name="until" value="([^"]*)"', client.get(page).text)
        assert shown == until
        again = post_form(client, page, f"/staff/classes/{pending}/open", {"until": shown})
        assert f"截止时间已改为 {until.replace('T', ' ')}" in again.text
    with world.db.read() as session:
        closes_at = session.get(TrainingClass, pending).closes_at  # type: ignore[union-attr]
    assert closes_at is not None


def test_open_and_close_all(world: StaffWorld) -> None:
    with world.client("ministry") as client:
        response = post_form(
            client, "/staff/windows", "/staff/windows/open", {"until": local(timedelta(days=2))}
        )
        assert response.status_code == 200
        with world.db.read() as session:
            states = set(session.scalars(select(TrainingClass.state)))
            assert states == {"open"}
            assert (
                session.scalar(select(func.count()).where(TrainingClass.closes_at.is_(None))) == 0
            )
        response = post_form(
            client, "/staff/windows/close", "/staff/windows/close", {"confirm": "yes"}
        )
        assert response.status_code == 200
        assert response.text.count("已关闭，回答 0 / 邀请") == 16
        with world.db.read() as session:
            assert set(session.scalars(select(TrainingClass.state))) == {"closed"}


def _upload(client: object, files: list[tuple[str, bytes]], **fields: str) -> object:
    token = csrf_token(client.get("/staff/roster").text)  # type: ignore[attr-defined]
    return client.post(  # type: ignore[attr-defined]
        "/staff/roster",
        data={"_csrf_token": token, **fields},
        files=[("files", (name, content, "text/csv")) for name, content in files],
    )


def _csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8")


def test_roster_upload_checks_every_row_and_imports_all_or_nothing(world: StaffWorld) -> None:
    good = _csv(annex3(people(3, project=P1, base=B1)))
    bad_rows = people(3, start=10, project=P1, base=B1)
    bad_rows[1][7] = "12345"  # a mobile that is not one
    bad = _csv(annex3(bad_rows))
    with world.db.read() as session:
        before = session.scalar(select(func.count()).select_from(Trainee))
    with world.client("ministry") as client:
        refused = _upload(client, [("山东-好.csv", good), ("山东-坏.csv", bad)])
        assert refused.status_code == 422  # type: ignore[attr-defined]
        text = refused.text  # type: ignore[attr-defined]
        assert "没有导入任何数据" in text
        assert "山东-坏.csv" in text
        assert "联系手机" in text
        assert '<tr class="error">' in text
        with world.db.read() as session:
            assert session.scalar(select(func.count()).select_from(Trainee)) == before
        checked = _upload(client, [("山东.csv", good)], dry_run="1")
        assert "检查通过（未导入）" in checked.text  # type: ignore[attr-defined]
        imported = _upload(client, [("山东.csv", good)])
        assert imported.status_code == 200  # type: ignore[attr-defined]
        assert "新增 3 人" in imported.text  # type: ignore[attr-defined]
        nothing = _upload(client, [])
        assert nothing.status_code in (400, 409)  # type: ignore[attr-defined]
    with world.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Trainee)) == before + 3
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        summaries = " ".join(e.summary for e in session.scalars(select(AuditEntry)))
    assert actions.count("roster_check") == 2
    assert actions.count("roster_import") == 1
    assert "赵" not in summaries  # no trainee's name in the log


def test_quota_summary_and_its_workbook(world: StaffWorld) -> None:
    with world.client("ministry") as client:
        page = client.get("/staff/roster/summary").text
        assert "已报名 18 人" in page
        assert "按省级单位" in page
        response = client.get("/staff/roster/summary.xlsx")
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert "按项目" in workbook.sheetnames


def test_audit_log_page_lists_and_filters(world: StaffWorld) -> None:
    with world.client("base-a"):
        pass
    with world.client("ministry") as client:
        page = client.get("/staff/audit").text
        assert "base-a" in page
        assert "登录" in page
        only_logins = client.get("/staff/audit?action=login").text
        assert "新建账号" not in only_logins.split("<tbody>")[1]
        assert client.get("/staff/audit?page=0").status_code == 400
        assert client.get("/staff/audit?page=99").status_code == 200


def test_a_class_past_its_deadline_shows_as_closed(world: StaffWorld) -> None:
    from sqlalchemy import update

    with world.db.write() as session:
        session.execute(
            update(TrainingClass)
            .where(TrainingClass.id == world.class_a)
            .values(closes_at=now() - timedelta(minutes=1))
        )
    with world.client("ministry") as client:
        client.get("/staff/overview")
    assert state_of(world, world.class_a) == "closed"


def test_closing_says_how_many_people_answered_and_warns_below_k(world: StaffWorld) -> None:
    # A trainee answers several questionnaires (class and courses): the pages count people.
    submit_for(world.db, world.secret, world.class_a, world.trainees_a[:2])
    submit_for(world.db, world.secret, world.class_b, world.trainees_b[:5])
    with world.client("ministry") as client:
        confirm = client.get(f"/staff/classes/{world.class_a}/close").text
        assert "回答 2 / 邀请 12 人（回答率 17%）" in confirm
        assert "这个班回答不足 5 人：关闭后这个班的任何数字都不会显示，以后也不会" in confirm
        every = client.get("/staff/windows/close").text
        assert "其中 1 个班回答不足 5 人" in every
        assert "回答 5 / 邀请 6 人（回答率 83%）" in every
        closed = post_form(
            client,
            f"/staff/classes/{world.class_a}/close",
            f"/staff/classes/{world.class_a}/close",
            {"confirm": "yes"},
        ).text
    assert "已关闭，回答 2 / 邀请 12 人，发布" in closed
    assert "回答不足 5 人，这个班的任何数字都不会显示" in closed
    assert "份答卷" not in closed


def test_the_audit_log_names_people_and_classes_and_login_names_no_command(
    world: StaffWorld,
) -> None:
    with world.client() as client:
        assert "survey user add" not in client.get("/staff/login").text
    with world.client("ministry") as client:
        post_form(
            client,
            f"/staff/classes/{world.class_a}",
            f"/staff/classes/{world.class_a}/open",
            {"until": local(timedelta(days=3))},
        )
        log = client.get("/staff/audit").text
    with world.db.read() as session:
        training_class = session.get(TrainingClass, world.class_a)
        assert training_class is not None
        project = training_class.project
        label = f"{project.seq}. {project.name} · {project.base.name}"
    assert f"<td>{label}</td>" in log
    assert "<td>账号 ministry</td>" in log
    assert "<td>user:" not in log
    assert "<td>class:" not in log
