"""What every staff page shares: the layout's context (account, navigation), and loading a
class, base or province together with the access check for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, PathParameter
from litestar.response import Template
from sqlalchemy.orm import Session

from survey.programme.models import Programme, Province, TrainingBase, TrainingClass
from survey.programme.selection import select_programme
from survey.services.windows import WindowChange, close_classes
from survey.staff.access import Principal, require_base, require_province
from survey.staff.rates import ClassRow, class_rows
from survey.timezone import now, today_local
from survey.web.state import state_db, state_secret, state_settings

#: Largest id a path may carry: beyond it, a database integer overflows.
MAX_ID = 2**31 - 1
#: A numeric id in a path.
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
#: A staff form's fields.
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@dataclass(frozen=True)
class NavItem:
    """A link of the navigation bar."""

    href: str
    label: str
    current: bool


def navigation(principal: Principal, active: str) -> list[NavItem]:
    """The navigation of an account: the ministry's sections, or the base's or province's page."""
    if principal.is_ministry:
        items = [
            ("/staff/overview", "总览"),
            ("/staff/windows", "开关问卷"),
            ("/staff/reminders", "催办请求"),
            ("/staff/roster", "导入名单"),
            ("/staff/roster/summary", "名额汇总"),
            ("/staff/review", "文字意见审核"),
            ("/staff/results", "基地比较"),
            ("/staff/audit", "操作日志"),
        ]
    elif principal.role == "base":
        items = [(principal.home, "本基地")]
    else:
        items = [(principal.home, "本省学员"), ("/staff/reminders", "催办请求")]
    return [NavItem(href, label, href == active) for href, label in items]


def page(
    principal: Principal,
    template: str,
    title: str,
    active: str = "",
    status: int = 200,
    **context: Any,
) -> Template:
    """A staff page with the layout's context."""
    return Template(
        template_name=template,
        context={
            "title": title,
            "me": principal,
            "nav": navigation(principal, active),
            **context,
        },
        status_code=status,
    )


def current_programme(session: Session) -> Programme:
    """The newest programme loaded (the staff pages show one year at a time)."""
    return select_programme(session, None)


def visible_class(session: Session, principal: Principal, class_id: int) -> ClassRow:
    """A class the account may see (404 if it does not exist, 403 if not theirs)."""
    if not 1 <= class_id <= MAX_ID:
        raise NotFoundException
    training_class = session.get(TrainingClass, class_id)
    if training_class is None:
        raise NotFoundException
    require_base(principal, training_class.project.base_id)
    (row,) = class_rows(session, training_class.project.programme_id, class_ids=[class_id])
    return row


def visible_base(session: Session, principal: Principal, base_id: int) -> TrainingBase:
    """A base the account may see (404 if it does not exist, 403 if not theirs)."""
    if not 1 <= base_id <= MAX_ID:
        raise NotFoundException
    base = session.get(TrainingBase, base_id)
    if base is None:
        raise NotFoundException
    require_base(principal, base.id)
    return base


def visible_province(session: Session, principal: Principal, province_id: int) -> Province:
    """A province the account may see (404 if it does not exist, 403 if not theirs)."""
    if not 1 <= province_id <= MAX_ID:
        raise NotFoundException
    province = session.get(Province, province_id)
    if province is None:
        raise NotFoundException
    require_province(principal, province.id)
    return province


def close_now(state: State, principal: Principal, class_ids: Sequence[int]) -> list[WindowChange]:
    """Close ``class_ids`` now with the app's secret and k: the staff pages and the API."""
    return close_classes(
        state_db(state),
        state_secret(state),
        principal,
        class_ids,
        now(),
        today_local(),
        k=state_settings(state).report_k,
    )
