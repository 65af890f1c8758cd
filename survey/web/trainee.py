"""The trainee pages: open a link, answer a page at a time, submit once.

The token travels only in the first request (``/t/<signed token>``) and then in an HttpOnly,
SameSite cookie; every URL after the redirect is free of it, so it never sits in history,
referrers or logs. Pages never say who the trainee is: they know only a token.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy import func, select

from anonymity.drafts import save_draft
from anonymity.errors import InvalidTokenError, RetryLaterError
from anonymity.issuing import TokenStatus, open_token
from anonymity.keys import derive_keys
from anonymity.submission import Sheets, SubmitResult
from anonymity.tokens import TOKEN_LENGTH, parse_code, sign_cookie, unsign_cookie, unsign_link
from questionnaires.expand import is_shown
from questionnaires.model import Answers
from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.programme.models import TrainingClass
from survey.ratelimit import Limit, client_key, take
from survey.roster.models import Trainee
from survey.settings import Settings
from survey.timezone import format_local, now, today_local
from survey.web.clients import client_address
from survey.web.state import state_db, state_secret

COOKIE = "zjgp_t"
#: A posted form: every field as one string or a list of strings.
FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
#: Invalid link or code attempts allowed per client address and window.
INVALID_LIMIT = 30
INVALID_WINDOW = 600
#: Seconds a trainee needs per question, for the time estimate on the welcome page.
SECONDS_PER_QUESTION = 7


@dataclass
class Visit:
    """What a request knows: the token from the cookie, its state and draft, the class's flow."""

    token: str
    class_id: int
    answers: Answers
    flow: Flow


class FlowCache:
    """The flow of each open class, built once per process.

    A class binds its questionnaire versions and plan when it opens and never changes them
    afterwards, so its flow can be kept for the life of the process; building it costs about
    a millisecond of every page otherwise.
    """

    def __init__(self) -> None:
        self._flows: dict[int, Flow] = {}
        self._lock = threading.Lock()

    def get(self, database: Database, class_id: int) -> Flow:
        """The flow of an open (hence frozen) class."""
        flow = self._flows.get(class_id)
        if flow is None:
            with database.read() as session:
                flow = Flow(class_definitions(session, class_id), class_plan(session, class_id))
            with self._lock:
                self._flows[class_id] = flow
        return flow


def _message(
    title: str,
    *lines: str,
    kind: str = "",
    status: int = 200,
    link: str | None = None,
    link_text: str = "",
) -> Template:
    return Template(
        template_name="trainee/message.html",
        context={
            "title": title,
            "lines": lines,
            "kind": kind,
            "link": link,
            "link_text": link_text,
        },
        status_code=status,
    )


INVALID_LINK = (
    "链接无效",
    "这个链接不完整、被改动过，或者因为补发了新纸条已经作废。",
    "领过补发纸条的，请改用新纸条上的链接或问卷码；否则请检查链接是否复制完整。"
    "仍然打不开时，请告诉培训班班主任，由项目办为您补发。",
)
NOT_OPEN = ("问卷尚未开放", "本班的评价问卷还没有开放，请在培训结束前按通知再打开这个链接。")
CLOSED = ("问卷已关闭", "本班的评价问卷已经截止，感谢您的关注。")
ALREADY = ("您已提交", "您的答卷已经提交过了，每人只能提交一次。感谢您的参与！")
NO_SESSION = (
    "请从您的专属链接进入",
    "没有找到您的问卷。请点开短信或纸条上的链接，或扫描二维码；也可以手工输入问卷码。",
)
BAD_CODE = f"问卷码不正确，请核对后重新输入（共 {TOKEN_LENGTH} 位，短横线可省略）。"
UNKNOWN_CODE = "没有找到这个问卷码：请核对；领过补发纸条的，旧问卷码已作废，请用新纸条上的问卷码。"
TOO_MANY = ("尝试次数过多", "无效的链接或问卷码尝试太多次，请 10 分钟后再试。")
RETRY = ("请稍后重试", "服务器正忙，您的答卷还没有提交，也没有丢失。请过一会儿再点一次“确认提交”。")


def _refused(request: Request[Any, Any, Any]) -> bool:
    """Count one invalid link or code of this client address; True once it has too many.

    Called only after a link or code has failed its check, so a valid one is never refused.
    """
    key = client_key(state_secret(request.app.state), client_address(request))
    limit = Limit("invalid-link", key, INVALID_LIMIT, INVALID_WINDOW)
    return not take(state_db(request.app.state), [limit], now())


def _enter(request: Request[Any, Any, Any], token: str) -> Redirect:
    """Set the session cookie and leave the token-bearing URL."""
    settings: Settings = request.app.state.settings
    keys = derive_keys(state_secret(request.app.state))
    secure = request.url.scheme == "https" or settings.public_url.startswith("https://")
    return Redirect(
        "/s",
        status_code=303,
        cookies=[
            Cookie(
                key=COOKIE,
                value=sign_cookie(keys.cookie_signing, token),
                httponly=True,
                samesite="lax",
                secure=secure,
                path="/",
                # Long enough to span a training week; the token itself decides validity.
                max_age=60 * 60 * 24 * 30,
            )
        ],
    )


def _visit(request: Request[Any, Any, Any]) -> Visit | Template:
    """The current visit, or the page to show instead (no session, invalid, closed …)."""
    app_state = request.app.state
    database, secret = state_db(app_state), state_secret(app_state)
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return _message(*NO_SESSION, link="/c", link_text="输入问卷码")
    try:
        token = unsign_cookie(derive_keys(secret).cookie_signing, cookie)
    except InvalidTokenError:
        return _message(*INVALID_LINK, kind="error", status=400)
    app_state.expiry.check(database, secret, now(), today_local())
    state = open_token(database, secret, token)
    if state.status is TokenStatus.SPENT:
        return _message(*ALREADY)
    if state.status is TokenStatus.UNKNOWN or state.class_id is None:
        return _message(*INVALID_LINK, kind="error", status=404)
    if state.class_state == "pending":
        return _message(*NOT_OPEN)
    if state.class_state == "closed":
        return _message(*CLOSED)
    answers: Answers = dict(state.draft or {})
    return Visit(token, state.class_id, answers, app_state.flows.get(database, state.class_id))


def _ready_to_submit(request: Request[Any, Any, Any]) -> tuple[str, Sheets] | Template | Redirect:
    """The token and its validated sheets, or the page to show instead of submitting."""
    visit = _visit(request)
    if isinstance(visit, Template):
        return visit
    clean, errors = visit.flow.validate_all(visit.answers)
    if errors:
        return Redirect(f"/s/p/{visit.flow.first_page_with(list(errors))}", status_code=303)
    return visit.token, [(d.version, a) for d, a in visit.flow.split(clean)]


def _form_data(data: dict[str, Any]) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    for key, value in data.items():
        if key == "go":
            continue
        raw[key] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return raw


class TraineeController(Controller):
    """Routes of the trainee side. Nothing here needs JavaScript."""

    @get("/t/{link:str}", sync_to_thread=True)
    def open_link(
        self, request: Request[Any, Any, Any], link: FromPath[str]
    ) -> Redirect | Template:
        """A link from an SMS or QR code: check its signature, set the cookie, drop the token."""
        try:
            token = unsign_link(derive_keys(state_secret(request.app.state)).link_signing, link)
        except InvalidTokenError:
            if _refused(request):
                return _message(*TOO_MANY, kind="error", status=429)
            return _message(*INVALID_LINK, kind="error", status=400)
        return _enter(request, token)

    @get("/", sync_to_thread=False)
    def home(self) -> Redirect:
        """The bare address leads to the code form, which also links to the staff login."""
        return Redirect("/c", status_code=303)

    @get("/c", sync_to_thread=False)
    def code_form(self) -> Template:
        """A form to type the code printed on a slip."""
        return Template(template_name="trainee/code.html", context={"title": "输入问卷码"})

    @post("/c", sync_to_thread=True)
    def code_entered(
        self,
        request: Request[Any, Any, Any],
        data: FormData,
    ) -> Redirect | Template:
        """Check a typed code (its check character catches typos without a database hit)."""
        try:
            token = parse_code(str(data.get("code", "")))
        except InvalidTokenError:
            if _refused(request):
                return _message(*TOO_MANY, kind="error", status=429)
            return Template(
                template_name="trainee/code.html",
                context={
                    "title": "输入问卷码",
                    "error": BAD_CODE,
                },
                status_code=400,
            )
        state = open_token(state_db(request.app.state), state_secret(request.app.state), token)
        if state.status is TokenStatus.UNKNOWN:
            if _refused(request):
                return _message(*TOO_MANY, kind="error", status=429)
            return Template(
                template_name="trainee/code.html",
                context={
                    "title": "输入问卷码",
                    "error": UNKNOWN_CODE,
                },
                status_code=404,
            )
        return _enter(request, token)

    @get("/s", sync_to_thread=True)
    def welcome(self, request: Request[Any, Any, Any]) -> Template:
        """The welcome page: what is anonymous, who sees what, and a start button."""
        visit = _visit(request)
        if isinstance(visit, Template):
            return visit
        settings: Settings = request.app.state.settings
        database = state_db(request.app.state)
        with database.read() as session:
            training_class = session.get(TrainingClass, visit.class_id)
            assert training_class is not None
            project_name = training_class.project.name
            closes_at = training_class.closes_at
            size = (
                session.scalar(
                    select(func.count())
                    .select_from(Trainee)
                    .where(Trainee.class_id == visit.class_id)
                )
                or 0
            )
        answers = visit.answers
        resume = 1
        if answers:
            answered = [
                p.number
                for p in visit.flow.pages
                if any(q.field in answers for q in p.page.questions)
            ]
            resume = (
                visit.flow.next_page(max(answered), answers) or max(answered) if answered else 1
            )
        return Template(
            template_name="trainee/welcome.html",
            context={
                "title": "培训评价",
                "project_name": project_name,
                "total": visit.flow.count,
                "minutes": _minutes(visit.flow),
                "small_class": size < settings.report_k,
                "k": settings.report_k,
                "closes_at": format_local(closes_at) if closes_at else None,
                "has_draft": bool(answers),
                "resume_page": resume,
            },
        )

    @get("/s/p/{number:int}", sync_to_thread=True)
    def show_page(self, request: Request[Any, Any, Any], number: FromPath[int]) -> Template:
        """Page ``number`` with the draft's answers filled in."""
        visit = _visit(request)
        if isinstance(visit, Template):
            return visit
        answers = visit.answers
        return _page(visit, number, answers, {})

    @post("/s/p/{number:int}", sync_to_thread=True)
    def save_page(
        self,
        request: Request[Any, Any, Any],
        number: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        """Validate and save one page, then go back or on."""
        visit = _visit(request)
        if isinstance(visit, Template):
            return visit
        database, secret = state_db(request.app.state), state_secret(request.app.state)
        going_back = data.get("go") == "back"
        earlier = visit.answers
        merged, errors = visit.flow.validate_page(number, _form_data(data), earlier)
        if errors and not going_back:
            return _page(visit, number, {**earlier, **_shown(data)}, errors, status=422)
        try:
            save_draft(database, secret, visit.token, merged if not errors else earlier)
        except RetryLaterError:
            return _message(*RETRY, kind="warn", status=503)
        if going_back:
            target = visit.flow.previous_page(number, merged) or 1
            return Redirect(f"/s/p/{target}", status_code=303)
        following = visit.flow.next_page(number, merged)
        return Redirect(f"/s/p/{following}" if following else "/s/review", status_code=303)

    @get("/s/review", sync_to_thread=True)
    def review(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """The last step before submit."""
        visit = _visit(request)
        if isinstance(visit, Template):
            return visit
        answers = visit.answers
        _, errors = visit.flow.validate_all(answers)
        if errors:
            return Redirect(f"/s/p/{visit.flow.first_page_with(list(errors))}", status_code=303)
        last = max(
            (p.number for p in visit.flow.pages if visit.flow.visible(p.number, answers)), default=1
        )
        return Template(
            template_name="trainee/review.html",
            context={"title": "确认提交", "total": visit.flow.count, "last_page": last},
        )

    @post("/s/submit")
    async def submit_answers(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Spend the token and pool the sealed answers; acknowledged only after the commit."""
        # The reads and checks run on a thread; the wait for the shared commit runs on the
        # event loop, so waiting submits hold no thread and can all join the next batch.
        ready = await anyio.to_thread.run_sync(_ready_to_submit, request)
        if not isinstance(ready, tuple):
            return ready
        try:
            result = await request.app.state.submits.submit(*ready)
        except RetryLaterError:
            return _message(*RETRY, kind="warn", status=503)
        if result is SubmitResult.SUBMITTED:
            return Redirect("/s/done", status_code=303)
        if result is SubmitResult.ALREADY_SUBMITTED:
            return _message(*ALREADY)
        if result is SubmitResult.NOT_OPEN:
            return _message(*CLOSED)
        return _message(*INVALID_LINK, kind="error", status=404)

    @get("/s/done", sync_to_thread=False)
    def done(self) -> Template:
        """Thanks, with no receipt of what was answered."""
        return _message(
            "提交成功，感谢您的评价！",
            "您的答卷已经安全保存，并已与您的身份分离。",
            "为保护匿名，本页不显示您的答案，也不提供回执。您可以关闭本页。",
        )


def _minutes(flow: Flow) -> int:
    """A fair estimate of the answering time: about 7 seconds per tap on a phone."""
    questions = sum(len(p.page.questions) for p in flow.pages)
    return max(3, round(questions * SECONDS_PER_QUESTION / 60))


def _shown(data: dict[str, Any]) -> dict[str, Any]:
    """What the trainee just typed, to refill the page when it has errors."""
    shown: dict[str, Any] = {}
    for key, value in data.items():
        if key != "go":
            shown[key] = value
    return shown


def _page(
    visit: Visit, number: int, answers: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Template:
    flow_page = visit.flow.page(number)
    if flow_page is None:
        return _message(
            "页面不存在",
            f"问卷共 {visit.flow.count} 页。",
            link="/s/p/1",
            link_text="回到第 1 页",
            status=404,
        )
    questions = [q for q in flow_page.page.questions if is_shown(q, answers)]
    return Template(
        template_name="trainee/page.html",
        context={
            "title": flow_page.page.title,
            "number": number,
            "total": visit.flow.count,
            "form_title": flow_page.form.definition.title,
            "page": flow_page.page,
            "questions": questions,
            "answers": answers,
            "errors": errors,
            "has_previous": visit.flow.previous_page(number, answers) is not None,
            "is_last": visit.flow.next_page(number, answers) is None,
        },
        status_code=status,
    )
