"""Demo data: the 2024 programme, a synthetic roster, training plans and open classes.

Everything here is invented (names, mobiles, teachers); it exists so that a newcomer can answer
a questionnaire on their own phone a minute after ``make demo``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import func, select

from questionnaires.plan import Course, CourseKind, TrainingPlan
from survey.db.engine import Database
from survey.instruments.store import replace_plan
from survey.programme.loader import bundled_source, load_programme
from survey.programme.models import Project, Province, TrainingBase, TrainingClass
from survey.roster.importer import import_rosters
from survey.roster.synthetic import write_demo_rosters
from survey.settings import Settings
from survey.slips.issue import issue_slips, outstanding
from survey.slips.render import slips_html
from survey.staff.accounts import create_user, user_id_of
from survey.timezone import format_local, now
from survey.windows import open_class

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


def prepare_demo(db: Database, settings: Settings) -> Iterator[str]:
    """Load the demo data idempotently, yielding lines that tell a person what happened."""
    report = load_programme(db, bundled_source(2024))
    yield (
        f"已载入 {report.year} 年项目：{report.projects} 个项目、{report.bases} 个基地；"
        f"名额表有 {len(report.findings)} 处不一致（详见 survey programme load 2024）"
    )
    folder = settings.data_dir / "demo" / "rosters"
    files = write_demo_rosters(db, folder, seed=2024)
    result = import_rosters(db, files)
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
    for class_id in pending_ids:
        open_class(db, class_id, deadline, now())
    if pending_ids:
        yield f"已开放 {len(pending_ids)} 个培训班的问卷，截止 {format_local(deadline)}（北京时间）"
    yield from demo_accounts(db, settings)
    with db.read() as session:
        first = session.scalars(select(TrainingClass).order_by(TrainingClass.id)).first()
        ids = outstanding(session, [first.id]) if first is not None else []
    if not ids:
        return
    slips = issue_slips(db, settings.secret_key(), settings.public_url, ids)
    slip_file = settings.data_dir / "demo" / "slips-project-1.html"
    slip_file.write_text(slips_html(slips, "演示：第 1 项项目问卷纸条"), encoding="utf-8")
    yield f"第 1 项项目的 {len(slips)} 张可打印纸条：{slip_file}（每次运行 make demo 都会重新发放）"
    yield "可以直接打开的学员链接（每个链接只能提交一次）："
    for slip in slips[:3]:
        yield f"  {slip.name}：{slip.link}"
    yield "手机访问：请以 SURVEY_PUBLIC_URL=http://<本机局域网地址>:8000 和 --host 0.0.0.0 运行"
