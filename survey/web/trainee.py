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

from anonymity.contest import contest_submission
from anonymity.drafts import (
    DraftResult,
    discard_draft,
    is_device_secret,
    new_device_secret,
    save_draft,
)
from anonymity.errors import InvalidTokenError, RetryLaterError
from anonymity.issuing import TokenStatus, open_token
from anonymity.keys import derive_keys
from anonymity.submission import Sheets, SubmitResult
from anonymity.tokens import TOKEN_LENGTH, parse_code, sign_cookie, unsign_cookie, unsign_link
from questionnaires.followups import followup_hint
from questionnaires.model import Answers
from questionnaires.timing import answering_minutes
from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.programme.models import TrainingClass
from survey.ratelimit import Limit, client_key, take
from survey.roster.models import Trainee
from survey.settings import Settings
from survey.sheet_summary import summarise
from survey.timezone import format_local, now, today_local
from survey.web.clients import client_address
from survey.web.state import state_db, state_secret

COOKIE = "zjgp_t"
#: The device secret: drafts open only on the device that wrote them (anonymity.drafts).
DEVICE_COOKIE = "zjgp_d"
#: Long enough to span a training week; the token itself decides validity.
COOKIE_SECONDS = 60 * 60 * 24 * 30
#: A posted form: every field as one string or a list of strings.
FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
#: Invalid link or code attempts allowed per client address and window.
INVALID_LIMIT = 30
INVALID_WINDOW = 600


@dataclass
class Visit:
    """What a request knows: the token from the cookie, its state and draft, the class's flow."""

    token: str
    device: str
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
CONTESTED = (
    "已收到您的反映",
    "项目办会看到本班有多少人反映“不是我提交的”，但不会知道是谁反映的，也不会知道是哪一份答卷。",
    "已提交的答卷无法撤回，这个链接也不能再次填写。",
)
#: Set once a browser has said "不是我提交的", so that it is counted once.
CONTESTED_COOKIE = "zjgp_x"
NO_SESSION = (
    "请从您的专属链接进入",
    "没有找到您的问卷。请点开短信或纸条上的链接，或扫描二维码；也可以手工输入问卷码。",
)
ELSEWHERE = (
    "这个链接已在另一台设备上填写",
    "有人用这个链接在另一部手机或另一个浏览器里填写过问卷，还没有提交。为保护答卷，"
    "那里保存的内容只能在那台设备上打开，这里看不到。",
    "如果那是您自己：请回到那台设备继续填写，或者在这里重新开始，那台设备上未提交的内容将被删除。"
    "如果不是您：在这里重新开始并提交即可，那台设备就不能再提交了。",
)
BAD_CODE = f"问卷码不正确，请核对后重新输入（共 {TOKEN_LENGTH} 位，短横线可省略）。"
UNKNOWN_CODE = "没有找到这个问卷码：请核对；领过补发纸条的，旧问卷码已作废，请用新纸条上的问卷码。"
TOO_MANY = ("尝试次数过多", "无效的链接或问卷码尝试太多次，请 10 分钟后再试。")
BUSY = ("请稍后重试", "服务器正忙，请过一会儿再点一次。")
RETRY = ("请稍后重试", "服务器正忙，您的答卷还没有提交，也没有丢失。请过一会儿再点一次“确认提交”。")


def _refused(request: Request[Any, Any, Any]) -> bool:
    """Count one invalid link or code of this client address; True once it has too many.

    Called only after a link or code has failed its check, so a valid one is never refused.
    """
    key = client_key(state_secret(request.app.state), client_address(request))
    limit = Limit("invalid-link", key, INVALID_LIMIT, INVALID_WINDOW)
    return not take(state_db(request.app.state), [limit], now())


def _cookie(request: Request[Any, Any, Any], key: str, value: str) -> Cookie:
    """A trainee cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS."""
    settings: Settings = request.app.state.settings
    secure = request.url.scheme == "https" or settings.public_url.startswith("https://")
    return Cookie(
        key=key,
        value=value,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
        max_age=COOKIE_SECONDS,
    )


def _device(request: Request[Any, Any, Any]) -> str | None:
    value = request.cookies.get(DEVICE_COOKIE, "")
    return value if is_device_secret(value) else None


def _enter(request: Request[Any, Any, Any], token: str) -> Redirect:
    """Set the session cookie (and a device secret, once per device) and leave the URL."""
    keys = derive_keys(state_secret(request.app.state))
    cookies = [_cookie(request, COOKIE, sign_cookie(keys.cookie_signing, token))]
    if _device(request) is None:
        cookies.append(_cookie(request, DEVICE_COOKIE, new_device_secret()))
    return Redirect("/s", status_code=303, cookies=cookies)


def _session(request: Request[Any, Any, Any]) -> tuple[str, str] | Template:
    """The token and device secret from the cookies, or the page to show without them."""
    cookie = request.cookies.get(COOKIE)
    device = _device(request)
    # Both cookies come from opening the link; without the device's, it is opened again.
    if not cookie or device is None:
        return _message(*NO_SESSION, link="/c", link_text="输入问卷码")
    try:
        token = unsign_cookie(derive_keys(state_secret(request.app.state)).cookie_signing, cookie)
    except InvalidTokenError:
        return _message(*INVALID_LINK, kind="error", status=400)
    return token, device


def _visit(request: Request[Any, Any, Any]) -> Visit | Template:
    """The current visit, or the page to show instead (no session, invalid, closed …)."""
    app_state = request.app.state
    database, secret = state_db(app_state), state_secret(app_state)
    session = _session(request)
    if isinstance(session, Template):
        return session
    token, device = session
    app_state.expiry.check(database, secret, now(), today_local())
    state = open_token(database, secret, token, device)
    if state.status is TokenStatus.SPENT:
        return _already(request)
    if state.status is TokenStatus.UNKNOWN or state.class_id is None:
        return _message(*INVALID_LINK, kind="error", status=404)
    if state.class_state == "pending":
        return _message(*NOT_OPEN)
    if state.class_state == "closed":
        return _message(*CLOSED)
    if state.draft_elsewhere:
        return _elsewhere()
    answers: Answers = dict(state.draft or {})
    flow = app_state.flows.get(database, state.class_id)
    return Visit(token, device, state.class_id, answers, flow)


def _already(request: Request[Any, Any, Any]) -> Template:
    """ "您已提交", with "不是我提交的" unless this browser has said so already."""
    if request.cookies.get(CONTESTED_COOKIE):
        return _message(*CONTESTED)
    return Template(
        template_name="trainee/already.html",
        context={"title": ALREADY[0], "lines": ALREADY[1:]},
    )


def _elsewhere() -> Template:
    return Template(
        template_name="trainee/elsewhere.html",
        context={"title": ELSEWHERE[0], "lines": ELSEWHERE[1:]},
    )


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
            resume = visit.flow.next_page(max(answered)) or max(answered) if answered else 1
        return Template(
            template_name="trainee/welcome.html",
            context={
                "title": "培训评价",
                "project_name": project_name,
                "total": visit.flow.count,
                "minutes": answering_minutes(visit.flow.forms),
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
        """Save one page as it stands, then go back, or on when it is complete.

        Whatever on the page was valid is kept in the draft even when the page is unfinished,
        so 上一页 and closing the page lose nothing. A page with errors is shown again, with
        status 200: a page with messages is a page, and the answers that caused them must not
        show in a status.
        """
        visit = _visit(request)
        if isinstance(visit, Template):
            return visit
        database, secret = state_db(request.app.state), state_secret(request.app.state)
        going_back = data.get("go") == "back"
        merged, errors = visit.flow.validate_page(number, _form_data(data), visit.answers)
        if visit.flow.page(number) is not None:
            try:
                saved = save_draft(database, secret, visit.token, visit.device, merged)
            except RetryLaterError:
                return _message(*RETRY, kind="warn", status=503)
            if saved is DraftResult.OTHER_DEVICE:
                # Another device started this link since the page was drawn.
                return _elsewhere()
        if going_back:
            return Redirect(f"/s/p/{visit.flow.previous_page(number) or 1}", status_code=303)
        if errors:
            return _page(visit, number, {**merged, **_shown(data)}, errors)
        following = visit.flow.next_page(number)
        return Redirect(f"/s/p/{following}" if following else "/s/review", status_code=303)

    @post("/s/restart", sync_to_thread=True)
    def restart(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Start afresh on this device: the draft another device wrote is discarded."""
        session = _session(request)
        if isinstance(session, Template):
            return session
        try:
            discard_draft(state_db(request.app.state), state_secret(request.app.state), session[0])
        except RetryLaterError:
            return _message(*RETRY, kind="warn", status=503)
        return Redirect("/s", status_code=303)

    @post("/s/contest", sync_to_thread=True)
    def contest(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """ "不是我提交的": one more contested submission for the class, no identity, no time."""
        session = _session(request)
        if isinstance(session, Template):
            return session
        token = session[0]
        database, secret = state_db(request.app.state), state_secret(request.app.state)
        if open_token(database, secret, token).status is not TokenStatus.SPENT:
            return Redirect("/s", status_code=303)
        if not request.cookies.get(CONTESTED_COOKIE):
            try:
                contest_submission(database, secret, token)
            except RetryLaterError:
                return _message(*BUSY, kind="warn", status=503)
        page = _message(*CONTESTED)
        page.cookies.append(_cookie(request, CONTESTED_COOKIE, "1"))
        return page

    @get("/s/review", sync_to_thread=True)
    def review(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """The last step before submit: every page's answers, each with a link to change it.

        An unfinished sheet is shown too, with what is missing, rather than redirected: the
        same URL and status whatever was answered.
        """
        visit = _visit(request)
        if isinstance(visit, Template):
            return visit
        pages = summarise(visit.flow, visit.answers)
        return Template(
            template_name="trainee/review.html",
            context={
                "title": "检查并提交",
                "pages": pages,
                "total": visit.flow.count,
                "missing": sum(page.missing for page in pages),
                "blank_optional": sum(page.blank_optional for page in pages),
            },
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
            return _already(request)
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


def _shown(data: dict[str, Any]) -> dict[str, Any]:
    """What the trainee just typed, to refill the page when it has errors."""
    shown: dict[str, Any] = {}
    for key, value in data.items():
        if key != "go":
            shown[key] = value
    return shown


def _page(visit: Visit, number: int, answers: dict[str, Any], errors: dict[str, str]) -> Template:
    flow_page = visit.flow.page(number)
    if flow_page is None:
        return _message(
            "页面不存在",
            f"问卷共 {visit.flow.count} 页。",
            link="/s/p/1",
            link_text="回到第 1 页",
            status=404,
        )
    questions = flow_page.page.questions
    by_field = {q.field: q for q in questions}
    # The summary lists errors in page order, each linking to its question.
    summary = [(by_field[f], errors[f]) for f in by_field if f in errors]
    return Template(
        template_name="trainee/page.html",
        context={
            "title": flow_page.page.title,
            "number": number,
            "total": visit.flow.count,
            "form_title": flow_page.form.definition.title,
            "page": flow_page.page,
            "questions": questions,
            "hints": {q.field: followup_hint(flow_page.form, q) for q in questions},
            "answers": answers,
            "errors": errors,
            "error_summary": summary,
            "form_errors": [m for f, m in errors.items() if f not in by_field],
            "first_error": summary[0][0].field if summary else None,
            "has_previous": visit.flow.previous_page(number) is not None,
            "is_last": visit.flow.next_page(number) is None,
        },
    )
