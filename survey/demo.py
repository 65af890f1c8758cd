"""Demo data: the 2024 programme, a synthetic roster, training plans and open classes.

Everything here is invented (names, mobiles, teachers); it exists so that a newcomer can answer
a questionnaire on their own phone a minute after ``make demo``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import func, select

from anonymity.issuing import issue_tokens
from anonymity.submission import submit
from questionnaires.model import Answers
from questionnaires.plan import Course, CourseKind, TrainingPlan
from survey.db.engine import Database
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan, replace_plan
from survey.programme.loader import bundled_source, load_programme
from survey.programme.models import Project, Province, TrainingBase, TrainingClass
from survey.roster.synthetic import write_demo_rosters
from survey.services.credentials import export_links
from survey.services.rosters import import_audited
from survey.services.windows import close_classes, open_classes
from survey.settings import Settings
from survey.slips.issue import outstanding
from survey.slips.render import slips_html
from survey.staff.accounts import create_user, user_id_of
from survey.staff.audit import cli_actor
from survey.timezone import format_local, now, today_local

_COURSES: tuple[tuple[str, CourseKind, int], ...] = (
    ("产业发展前沿与专业建设", "theory", 8),
    ("新技术新工艺专题讲座", "theory", 8),
    ("企业生产线现场教学", "practice", 16),
    ("典型工作任务实训", "practice", 16),
    ("课程开发与教学设计工作坊", "practice", 8),
    ("职业教育教学改革政策解读", "theory", 4),
)
_TEACHERS = ("王建国", "李晓梅", "张伟", "刘芳", "陈志强", "杨丽")


def demo_plan() -> TrainingPlan:
    """An invented training plan: six courses, 71% practical hours."""
    return TrainingPlan(
        courses=tuple(
            Course(id=f"c{i:02d}", name=name, teacher=teacher, kind=kind, hours=float(hours))
            for i, ((name, kind, hours), teacher) in enumerate(
                zip(_COURSES, _TEACHERS, strict=True), 1
            )
        )
    )


#: The password of every demo account. Development mode only: demo accounts are never created
#: outside it, and a real deployment creates its accounts with ``survey user add``.
DEMO_PASSWORD = "zjgp-demo-2024"  # noqa: S105


def demo_accounts(db: Database, settings: Settings) -> Iterator[str]:
    """A ministry account, one account per base and one province account (development only),
    yielding their logins."""
    if not settings.dev:
        return
    with db.read() as session:
        bases = list(
            session.execute(
                select(TrainingBase.name, func.min(Project.seq))
                .join(Project, Project.base_id == TrainingBase.id)
                .group_by(TrainingBase.id, TrainingBase.name)
                .order_by(func.min(Project.seq))
            )
        )
        province = session.scalars(select(Province.name).order_by(Province.position)).first()
    wanted: list[tuple[str, str, str | None, str | None, str]] = [
        ("ministry", "ministry", None, None, "教育部项目办，看全部")
    ]
    wanted += [(f"base{seq:02d}", "base", name, None, name) for name, seq in bases]
    if province is not None:
        wanted.append(("province01", "province", None, province, f"{province}，只看本省学员"))
    for name, role, base, province_name, _ in wanted:
        if user_id_of(db, name) is None:
            create_user(db, name, role, DEMO_PASSWORD, now(), base=base, province=province_name)
    yield (
        f"演示账号（仅开发模式；密码均为 {DEMO_PASSWORD}），"
        f"登录 {settings.public_url}/staff/login："
    )
    for name, _, _, _, label in wanted:
        yield f"  {name}：{label}"


#: Classes the demo answers and closes at once, so results pages have something to show.
CLOSED_EXAMPLES = 4


def _closed_examples(db: Database, secret: bytes, class_ids: list[int], k: int) -> Iterator[str]:
    """Answer about three quarters of each class with invented answers, then close it.

    Each class leans a little differently (its own random tilt), so the comparison of bases
    has differences to show; everything goes through the real submit and release.
    """
    rng = random.Random(2024)
    with db.read() as session:
        flows = {c: Flow(class_definitions(session, c), class_plan(session, c)) for c in class_ids}
        trainees = {c: outstanding(session, [c]) for c in class_ids}
    for class_id in class_ids:
        flow = flows[class_id]
        tilt = rng.uniform(-0.6, 0.3)
        answering = [t for t in trainees[class_id] if rng.random() < 0.75]
        tokens = issue_tokens(db, secret, answering)
        for token in tokens.values():
            answers = _invented_answers(flow, rng, tilt)
            submit(db, secret, token, [(d.version, a) for d, a in flow.split(answers)])
        (closed,) = close_classes(db, secret, cli_actor(), [class_id], now(), today_local(), k=k)
        yield f"演示：{closed.name} 已虚构作答 {len(tokens)} 人并关闭，可在工作人员页面查看结果"


def _invented_answers(flow: Flow, rng: random.Random, tilt: float) -> Answers:
    answers: Answers = {}
    for page in flow.pages:
        for question in page.page.questions:
            options = [value for value, _ in question.options]
            if question.type in ("likert5", "rating", "nps"):
                top = len(options) - 1
                position = round(min(top, max(0, rng.gauss(top * 0.85 + tilt, top * 0.2))))
                answers[question.field] = int(options[position])
            elif question.type == "single":
                answers[question.field] = rng.choice(options)
            elif question.type == "multiple" and question.show_if is None:
                answers[question.field] = [rng.choice(options)]
    # Follow-ups only where their condition holds, as the pages would ask them.
    for page in flow.pages:
        for question in page.page.questions:
            if question.show_if is not None and question.show_if.holds(
                answers.get(question.show_if.item)
            ):
                answers[question.field] = [question.options[0][0]]
    if rng.random() < 0.3:
        answers["suggestions"] = "希望增加企业现场实践的时间。"
    clean, errors = flow.validate_all(answers)
    if errors:
        raise RuntimeError(f"invented answers do not validate: {sorted(errors)}")
    return clean


def prepare_demo(db: Database, settings: Settings) -> Iterator[str]:
    """Load the demo data idempotently, yielding lines that tell a person what happened."""
    report = load_programme(db, bundled_source(2024))
    yield (
        f"已载入 {report.year} 年项目：{report.projects} 个项目、{report.bases} 个基地；"
        f"名额表有 {len(report.findings)} 处不一致（详见 survey programme load 2024）"
    )
    folder = settings.data_dir / "demo" / "rosters"
    files = write_demo_rosters(db, folder, seed=2024)
    result = import_audited(db, cli_actor(), files, now())
    yield (
        f"虚构名单：{len(files)} 个省级单位的文件在 {folder}，新增 {result.imported}、"
        f"更新 {result.updated}、未变 {result.unchanged}"
    )
    with db.write() as session:
        pending = list(
            session.scalars(select(TrainingClass).where(TrainingClass.state == "pending"))
        )
        for training_class in pending:
            replace_plan(session, training_class.id, demo_plan())
        pending_ids = [c.id for c in pending]
    deadline = now() + timedelta(days=14)
    open_classes(db, cli_actor(), pending_ids, deadline, now())
    if pending_ids:
        yield f"已开放 {len(pending_ids)} 个培训班的问卷，截止 {format_local(deadline)}（北京时间）"
        yield from _closed_examples(
            db, settings.secret_key(), pending_ids[-CLOSED_EXAMPLES:], settings.report_k
        )
    yield from demo_accounts(db, settings)
    with db.read() as session:
        first = session.scalars(select(TrainingClass).order_by(TrainingClass.id)).first()
        first_id = first.id if first is not None and outstanding(session, [first.id]) else None
    if first_id is None:
        return
    slips = export_links(
        db, settings.secret_key(), settings.public_url, cli_actor(), first_id, "html", now()
    ).slips
    slip_file = settings.data_dir / "demo" / "slips-project-1.html"
    slip_file.write_text(slips_html(slips, "演示：第 1 项项目问卷纸条"), encoding="utf-8")
    yield f"第 1 项项目的 {len(slips)} 张可打印纸条：{slip_file}（再次运行 make demo 时链接不变）"
    yield "可以直接打开的学员链接（每个链接只能提交一次）："
    for slip in slips[:3]:
        yield f"  {slip.name}：{slip.link}"
    yield "手机访问：请以 SURVEY_PUBLIC_URL=http://<本机局域网地址>:8000 和 --host 0.0.0.0 运行"
