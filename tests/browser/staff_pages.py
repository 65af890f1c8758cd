"""Every staff page, once: who opens it, with which ids, and which form leads to it.

One list for two readers: ``docs/screenshots.py`` photographs each page at 375 px and 1366 px
from the demo data, and ``tests/browser/test_staff_browser.py`` checks each one (axe, the phone
layout rules) in its own small world. :func:`unlisted_routes` names every staff route of the app
that is neither here nor in :data:`NOT_PAGES`, so a new page cannot go unseen.

A page's path names its ids as ``{placeholders}``; a :class:`Cast` gives their values and the
logins, so the same list serves the demo (``base01``, ``province01`` …) and the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

#: The accounts a page is seen by. A base is two accounts: one whose class is still open
#: (rates, reminders) and one whose class is closed (results), as the demo has no base with both.
Who = Literal["visitor", "open-base", "closed-base", "province", "ministry"]
#: Who goes first: the ministry's pages then show the bases' reminder requests.
WHO_ORDER: tuple[Who, ...] = ("visitor", "open-base", "closed-base", "province", "ministry")
ROLE: dict[Who, str] = {
    "visitor": "",
    "open-base": "base",
    "closed-base": "base",
    "province": "province",
    "ministry": "ministry",
}

#: A province's roster in the annex 3 layout with two wrong rows: the upload is refused, row by row.
BAD_ROSTER = "\n".join(
    [
        "2024年“职教国培”示范项目参训人员汇总表",
        "填表单位：北京市教育委员会（公章）",
        "序号,项目名称,承训单位,学员姓名,单位名称,所在部门(院系)及职务,任教专业,联系手机,备注",
        "1,集成电路领域领军教师示范培训项目,山东理工大学,张三,北京电子科技职业学院,"
        "电子工程系 教师,集成电路技术,1380013,",
        "2,智能制造领域领军教师示范培训项目,山东理工大学,李四,北京工业职业技术学院,"
        "机电工程系 教师,机电一体化技术,13800138000,",
    ]
).encode()


@dataclass(frozen=True)
class Cast:
    """The logins behind each :data:`Who` and the ids the paths name."""

    accounts: Mapping[Who, str]
    password: str
    #: ``open_class`` (of the open base, with trainees of the province), ``closed_class`` (of
    #: the closed base, released), ``open_base``, ``closed_base`` and ``province``.
    ids: Mapping[str, int]


@dataclass(frozen=True)
class Fill:
    """Type ``value`` into the field labelled ``label``."""

    label: str
    value: str


@dataclass(frozen=True)
class Attach:
    """Choose a file for the file field labelled ``label``."""

    label: str
    name: str
    content: bytes


@dataclass(frozen=True)
class StaffPage:
    """A page a staff member meets: opened at ``path``, or reached by submitting its form."""

    #: The file-name part of its screenshots: ``staff-<name>-<role>-<phone|desktop>.png``.
    name: str
    path: str
    who: tuple[Who, ...]
    #: What to fill in before pressing the button named ``press`` (a form's answer page).
    fill: tuple[Fill | Attach, ...] = ()
    press: str = ""
    #: The route the form posts to, as the app spells it (for :func:`unlisted_routes`).
    posts: str = ""
    status: int = 200
    #: The staff navigation and logout: on every page of a logged-in account, error pages
    #: included; not on the login page nor on an address that is no staff page at all.
    navigation: bool = True


PAGES: tuple[StaffPage, ...] = (
    StaffPage("login", "/staff/login", ("visitor",), navigation=False),
    StaffPage(
        "login-failed",
        "/staff/login",
        ("visitor",),
        fill=(Fill("账号", "ministry"), Fill("密码", "not-the-password")),
        press="登录",
        posts="/staff/login",
        status=401,
        navigation=False,
    ),
    StaffPage("overview", "/staff/overview", ("ministry",)),
    StaffPage("windows", "/staff/windows", ("ministry",)),
    StaffPage("windows-close", "/staff/windows/close", ("ministry",)),
    StaffPage("roster", "/staff/roster", ("ministry",)),
    StaffPage(
        "roster-refused",
        "/staff/roster",
        ("ministry",),
        fill=(Attach("名单文件", "北京市.csv", BAD_ROSTER),),
        press="上传并检查",
        posts="/staff/roster",
        status=422,
    ),
    StaffPage("roster-summary", "/staff/roster/summary", ("ministry",)),
    StaffPage("base", "/staff/bases/{open_base}", ("open-base", "ministry")),
    StaffPage("class", "/staff/classes/{open_class}", ("open-base", "ministry")),
    StaffPage(
        "reminder-requested",
        "/staff/classes/{open_class}",
        ("open-base",),
        press="请求催办",
        posts="/staff/classes/{class_id:int}/reminder-request",
    ),
    StaffPage("class-close", "/staff/classes/{open_class}/close", ("ministry",)),
    StaffPage("class-closed", "/staff/classes/{closed_class}", ("closed-base", "ministry")),
    StaffPage(
        "class-results", "/staff/classes/{closed_class}/results", ("closed-base", "ministry")
    ),
    StaffPage("base-results", "/staff/bases/{closed_base}/results", ("closed-base", "ministry")),
    StaffPage("base-report", "/staff/bases/{closed_base}/report", ("closed-base", "ministry")),
    StaffPage("province", "/staff/provinces/{province}", ("province", "ministry")),
    StaffPage("reminders", "/staff/reminders", ("province", "ministry")),
    StaffPage("sms-list", "/staff/classes/{open_class}/slips?format=csv", ("province", "ministry")),
    StaffPage("slips-confirm", "/staff/classes/{open_class}/slips", ("province", "ministry")),
    StaffPage(
        "slips",
        "/staff/classes/{open_class}/slips",
        ("province", "ministry"),
        press="生成纸条",
        posts="/staff/classes/{class_id:int}/slips",
    ),
    StaffPage("reminder-list", "/staff/classes/{open_class}/reminders", ("province", "ministry")),
    StaffPage("reissue", "/staff/classes/{open_class}/reissue", ("province", "ministry")),
    StaffPage(
        "reissue-refused",
        "/staff/classes/{open_class}/reissue",
        ("province", "ministry"),
        fill=(Fill("学员手机号", "1380013"),),
        press="补发",
        posts="/staff/classes/{class_id:int}/reissue",
        status=400,
    ),
    StaffPage("review", "/staff/review", ("ministry",)),
    StaffPage("review-class", "/staff/review/{closed_class}", ("ministry",)),
    StaffPage("comparison", "/staff/results", ("ministry",)),
    StaffPage("report-all", "/staff/results/report", ("ministry",)),
    StaffPage("audit", "/staff/audit", ("ministry",)),
    # Last of the ministry's forms: it clears the class's deadline.
    StaffPage(
        "class-extended",
        "/staff/classes/{open_class}",
        ("ministry",),
        press="修改截止时间",
        posts="/staff/classes/{class_id:int}/open",
    ),
    StaffPage(
        "error-forbidden",
        "/staff/bases/{closed_base}",
        ("open-base",),
        status=403,
    ),
    StaffPage(
        "error-not-yet",
        "/staff/classes/{open_class}/results",
        ("open-base",),
        status=409,
    ),
    StaffPage("error-not-found", "/staff/classes/999999", ("ministry",), status=404),
    StaffPage("error-no-page", "/staff/no-such-page", ("ministry",), status=404, navigation=False),
)

#: Staff routes that show no page of their own, and why.
NOT_PAGES: dict[tuple[str, str], str] = {
    ("GET", "/staff"): "redirects to the account's own page",
    ("GET", "/staff/roster/summary.xlsx"): "an Excel download",
    ("GET", "/staff/results/{questionnaire:str}/xlsx"): "an Excel download",
    ("POST", "/staff/classes/{class_id:int}/reminders"): "a CSV download",
    ("POST", "/staff/classes/{class_id:int}/base-slips"): "redirects to the class page",
    ("POST", "/staff/review/{class_id:int}/comments/{comment_id:uuid}"): "redirects to review",
    ("POST", "/staff/review/{class_id:int}/finish"): "redirects to the review page",
    ("POST", "/staff/logout"): "redirects to the login page",
    ("POST", "/staff/windows/open"): "the changes page of class-extended",
    ("POST", "/staff/windows/close"): "the changes page of class-extended",
    ("POST", "/staff/classes/{class_id:int}/close"): "the changes page of class-extended",
}


def unlisted_routes(app_routes: Iterable[Any]) -> list[str]:
    """``METHOD path`` of every staff route of the app that neither :data:`PAGES` shows nor
    :data:`NOT_PAGES` explains."""
    opened = [re.sub(r"\{[^}]+\}", "1", p.path.split("?")[0]) for p in PAGES if not p.press]
    posted = {p.posts for p in PAGES if p.press}
    missing = []
    for route in app_routes:
        if not route.path.startswith("/staff"):
            continue
        pattern = re.compile(re.sub(r"\{[^}]+\}", "[^/]+", route.path))
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            if (method, route.path) in NOT_PAGES:
                continue
            if method == "GET" and any(pattern.fullmatch(path) for path in opened):
                continue
            if method == "POST" and route.path in posted:
                continue
            missing.append(f"{method} {route.path}")
    return missing


def shot_name(page: StaffPage, who: Who, width: str) -> str:
    """The screenshot's file name: ``staff-<page>[-<role>]-<width>.png``."""
    role = ROLE[who]
    return f"staff-{page.name}{'-' + role if role else ''}-{width}.png"


def pages_of(who: Who) -> Iterator[StaffPage]:
    """The pages ``who`` is listed for, in list order."""
    return (page for page in PAGES if who in page.who)


def log_in(page: Any, url: str, name: str, password: str) -> None:
    """Log ``name`` in through the login form of the server at ``url``."""
    page.goto(url + "/staff/login")
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def open_page(page: Any, url: str, entry: StaffPage, cast: Cast) -> int:
    """Show ``entry`` in the browser page (submitting its form if it has one) and return the
    HTTP status of what is shown."""
    response = page.goto(url + entry.path.format(**cast.ids))
    if not entry.press:
        return int(response.status)
    for step in entry.fill:
        field = page.get_by_label(step.label, exact=True)
        if isinstance(step, Attach):
            field.set_input_files(
                {"name": step.name, "mimeType": "text/csv", "buffer": step.content}
            )
        else:
            field.fill(step.value)
    with page.expect_response(lambda answer: answer.request.method == "POST") as posted:
        page.get_by_role("button", name=entry.press).first.click()
    page.wait_for_load_state()
    return int(posted.value.status)


def walk(browser: Any, url: str, cast: Cast, viewport: Mapping[str, int]) -> Iterator[Any]:
    """``(entry, who, page, status)`` for every page of the list, as each account that sees it
    (one browser context per account, in :data:`WHO_ORDER`), shown in a page of ``viewport``."""
    for who in WHO_ORDER:
        context = browser.new_context(viewport=dict(viewport), locale="zh-CN")
        page = context.new_page()
        if who != "visitor":
            log_in(page, url, cast.accounts[who], cast.password)
        for entry in pages_of(who):
            yield entry, who, page, open_page(page, url, entry, cast)
        context.close()
