"""Staff error pages: a person who meets one keeps the navigation and the way out, and reads
words meant for staff, not the trainee's advice about SMS links."""

from __future__ import annotations

from tests.staff.conftest import StaffWorld

NAVIGATION = 'aria-label="工作人员导航"'
LOGOUT = 'action="/staff/logout"'


def test_an_error_inside_a_staff_page_keeps_the_navigation(world: StaffWorld) -> None:
    with world.client("base-a") as client:
        # Another base's page, a class that does not exist, results of a class still open.
        forbidden = client.get(f"/staff/bases/{world.base_b}")
        missing = client.get("/staff/classes/999999")
        not_yet = client.get(f"/staff/classes/{world.class_a}/results")
    for response, status in ((forbidden, 403), (missing, 404), (not_yet, 409)):
        assert response.status_code == status
        assert NAVIGATION in response.text, status
        assert LOGOUT in response.text, status
    assert "承训基地只能看本基地的培训班" in forbidden.text
    assert "请从导航重新进入" in missing.text
    assert "短信" not in missing.text


def test_an_address_that_is_no_staff_page_links_home(world: StaffWorld) -> None:
    with world.client("ministry") as client:
        nowhere = client.get("/staff/no-such-page")
    assert nowhere.status_code == 404
    assert "请从导航重新进入" in nowhere.text
    assert "短信" not in nowhere.text
    assert 'href="/staff"' in nowhere.text


def test_the_trainee_side_keeps_its_own_words(world: StaffWorld) -> None:
    with world.client() as client:
        missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "短信或二维码" in missing.text
    assert NAVIGATION not in missing.text
