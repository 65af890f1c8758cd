"""The audit log of staff actions: who did what to which object, and when.

What goes in is chosen here, not by callers' free text: an action code, an object reference
("class:3") and a summary built from staff objects and counts. A trainee's name, mobile or
answer never does, nor anything that says which trainee did what.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.db.engine import Database
from survey.programme.models import TrainingClass
from survey.staff.access import Principal, require_ministry
from survey.staff.models import NAME_LENGTH, AuditEntry, StaffUser
from survey.timezone import format_local

#: Every action the log knows, with its Chinese label.
ACTIONS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "class_open": "开放问卷",
    "class_extend": "调整截止时间",
    "class_close": "关闭问卷并发布",
    "slips_print": "打印纸条",
    "slips_csv": "导出短信名单",
    "tokens_issue": "发放令牌",
    "slip_reissue": "补发纸条（旧链接作废）",
    "reminder_request": "请求催办",
    "reminder_export": "导出催办名单",
    "base_slips_on": "允许承训基地发放纸条",
    "base_slips_off": "收回承训基地发放纸条",
    "roster_import": "导入名单",
    "roster_check": "检查名单（未导入）",
    "summary_export": "导出名额汇总",
    "comment_publish": "发布文字意见",
    "comment_hide": "隐藏文字意见",
    "review_finish": "结束文字意见审核",
    "report_export": "导出评价报告",
    "user_add": "新建账号",
    "user_disable": "停用账号",
    "user_enable": "启用账号",
    "user_password": "重设密码",
    "token_create": "创建 API 令牌",
}

#: The actor recorded for what an operator does on the command line.
CLI_ACTOR = "命令行"

#: Who acts: a staff account, or the name of a command-line operator (:func:`cli_actor`).
Actor: TypeAlias = Principal | str


def cli_actor() -> str:
    """The command line as an actor: "命令行" with the system user who ran it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry, as in some containers
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "未知用户"
    return f"{CLI_ACTOR}（{user}）"[:NAME_LENGTH]


def require_ministry_actor(actor: Actor) -> None:
    """Only the ministry, or an operator at the command line (who holds the server anyway)."""
    if isinstance(actor, Principal):
        require_ministry(actor)


@dataclass(frozen=True)
class AuditLine:
    """An entry as the log page shows it."""

    at: str
    user: str
    action: str
    action_label: str
    target: str
    summary: str


def record(
    session: Session,
    actor: Actor,
    action: str,
    target: str,
    summary: str,
    at: datetime,
) -> None:
    """Add an entry in the caller's transaction, so it commits (or not) with the action."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user_id, user_name = (
        (actor.user_id, actor.name) if isinstance(actor, Principal) else (None, actor)
    )
    session.add(
        AuditEntry(
            at=at,
            user_id=user_id,
            user_name=user_name,
            action=action,
            target=target,
            summary=summary,
        )
    )


def audit(db: Database, actor: Actor, action: str, target: str, summary: str, at: datetime) -> None:
    """Add an entry in a transaction of its own (for actions that write nothing else)."""
    with db.write() as session:
        record(session, actor, action, target, summary, at)


def _target_names(session: Session, targets: set[str]) -> dict[str, str]:
    """People and classes by name ("账号 ministry", "项目 · 基地"), not by their internal ids."""
    ids: dict[str, set[int]] = {"user": set(), "class": set()}
    for target in targets:
        kind, _, number = target.partition(":")
        if kind in ids and number.isdigit():
            ids[kind].add(int(number))
    names = {
        f"user:{user.id}": f"账号 {user.name}"
        for user in session.scalars(select(StaffUser).where(StaffUser.id.in_(ids["user"])))
    }
    for training_class in session.scalars(
        select(TrainingClass).where(TrainingClass.id.in_(ids["class"]))
    ):
        project = training_class.project
        names[f"class:{training_class.id}"] = f"{project.seq}. {project.name} · {project.base.name}"
    for target in targets:
        kind, _, year = target.partition(":")
        if kind == "programme":
            names[target] = f"{year} 年项目"
    return names


def entries(
    db: Database, page: int = 1, per_page: int = 100, action: str | None = None
) -> tuple[list[AuditLine], int]:
    """One page of the log, newest first, and the number of entries in all."""
    query = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
        count = count.where(AuditEntry.action == action)
    with db.read() as session:
        total = session.scalar(count) or 0
        rows = session.scalars(
            query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset((max(page, 1) - 1) * per_page)
            .limit(per_page)
        ).all()
        names = _target_names(session, {row.target for row in rows})
        lines = [
            AuditLine(
                at=format_local(row.at),
                user=row.user_name,
                action=row.action,
                action_label=ACTIONS.get(row.action, row.action),
                target=names.get(row.target, row.target),
                summary=row.summary,
            )
            for row in rows
        ]
    return lines, total
