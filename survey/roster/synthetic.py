"""Synthetic rosters: fake but plausible trainees, written as the provinces' annex 3 workbooks.

For the demo, tests and benchmarks. Deterministic: the same seed and allocation give the same
people, numbers and files. Names are drawn from common surnames and given-name characters, so
a generated name may well belong to somebody; nothing else ties it to them.

Mobiles are drawn from the 154 prefix (1540000 0000 to 1549999 9999): a valid mainland format
that the Ministry of Industry and Information Technology has not assigned to any operator, so
a demo file can never text or identify a real subscriber.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from reporting.inert import inert_row
from survey.db.engine import Database
from survey.programme.models import Project, Province, SeatAllocation
from survey.programme.selection import select_programme
from survey.roster.layout import ANNEX3_KEYS, annex3_rows

#: The unassigned mobile prefix synthetic numbers use (see the module docstring).
MOBILE_PREFIX = "154"
#: How many trainees the notice announces for a year's programme (16 projects of 50).
PROGRAMME_TRAINEES = 800

# Common surnames, roughly by frequency (the first ones more often), and a few compound ones.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "令狐")
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉宇浩凯健俊帆"
    "帅旭宁欣悦晨琳雪梅婷颖佳慧倩璐瑶怡雯博文斌志刚建国建华海波海燕晓东晓明晓红春梅丹丹"
    "思远子涵梓萱一鸣雨桐嘉怡国庆立新卫东永强振华文静丽娟宏伟"
)
_UYGHUR_GIVEN = ("艾力", "买买提", "阿依古丽", "努尔", "古丽", "阿不都", "热依拉", "迪丽")
_EMPLOYER_WORDS = (
    "工业",
    "交通",
    "机电",
    "信息",
    "电子",
    "轻工",
    "建筑",
    "电力",
    "化工",
    "农业",
    "科技",
    "城市",
    "铁路",
    "水利",
    "工程",
    "航空",
)
_EMPLOYER_KINDS = (
    "职业技术学院",
    "职业技术学院",
    "职业学院",
    "职业技术大学",
    "技师学院",
    "高级技工学校",
    "工程职业技术学院",
)
_DEPARTMENTS = (
    "智能制造学院",
    "电子信息工程学院",
    "汽车工程学院",
    "机电工程系",
    "信息工程学院",
    "交通运输学院",
    "生物与化学工程学院",
    "能源与环境学院",
    "人工智能学院",
    "农业工程系",
    "轨道交通学院",
    "电气工程学院",
)
_POSITIONS = (
    "专任教师",
    "专任教师",
    "专任教师",
    "教研室主任",
    "专业带头人",
    "副院长",
    "系主任",
    "实训中心主任",
    "骨干教师",
)
_MAJORS: dict[str, tuple[str, ...]] = {
    "集成电路": ("集成电路技术", "微电子技术", "电子信息工程技术"),
    "人工智能": ("人工智能技术应用", "计算机应用技术", "大数据技术", "软件技术"),
    "双碳": ("新能源发电工程技术", "环境工程技术", "光伏工程技术", "风力发电工程技术"),
    "新能源汽车": ("新能源汽车技术", "汽车检测与维修技术", "汽车制造与试验技术"),
    "高档数控机床": ("数控技术", "机械制造及自动化", "数字化设计与制造技术"),
    "机器人": ("工业机器人技术", "机电一体化技术", "电气自动化技术"),
    "农机装备": ("现代农业装备应用技术", "智能农业装备应用技术", "农业机械应用技术"),
    "轨道交通": ("城市轨道交通运营管理", "城市轨道交通车辆技术", "城市轨道交通机电技术"),
    "铁道运输": ("铁道交通运营管理", "铁道机车运用与维护", "铁道信号自动控制"),
    "电力装备": ("电力系统自动化技术", "发电厂及电力系统", "供用电技术"),
    "生物医药": ("药品生物技术", "生物制药技术", "药物制剂技术"),
}
# Annex 2 spells this base differently from annex 1; province files copy annex 2.
_ANNEX2_SPELLING = {"深圳职业技术大学": "深圳职业技术学院"}


@dataclass(frozen=True)
class SyntheticTrainee:
    """One fake trainee in the annex 3 columns (without 序号, which the writer numbers)."""

    project: str
    base: str
    name: str
    employer: str
    department: str
    major: str
    mobile: str
    note: str | None = None


@dataclass
class SyntheticRoster:
    """A province's synthetic list."""

    short_name: str
    authority: str
    position: int
    trainees: list[SyntheticTrainee]


def _authority(province: Province) -> str:
    # 北京市教委, 山东省教育厅, 新疆生产建设兵团教育局: what the 填表单位 line says.
    if province.short_name in ("北京", "天津", "上海", "重庆"):
        return f"{province.name}教育委员会"
    if province.short_name == "兵团":
        return f"{province.name}教育局"
    return f"{province.name}教育厅"


class _People:
    """Draws names, employers and the rest from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        weights = [1.0 / (rank + 8) for rank in range(len(_SURNAMES))]
        self.surnames = list(_SURNAMES)
        self.weights = weights
        self.given = [c for c in _GIVEN if c.strip()]

    def name(self, province: str) -> str:
        rng = self.rng
        if province in ("新疆", "兵团") and rng.random() < 0.25:
            return f"{rng.choice(_UYGHUR_GIVEN)}·{rng.choice(_UYGHUR_GIVEN)}"
        if rng.random() < 0.01:
            surname = rng.choice(_COMPOUND_SURNAMES)
        else:
            surname = rng.choices(self.surnames, self.weights)[0]
        length = 1 if rng.random() < 0.3 else 2
        return surname + "".join(rng.choice(self.given) for _ in range(length))

    def employer(self, province: Province) -> str:
        rng = self.rng
        return f"{province.short_name}{rng.choice(_EMPLOYER_WORDS)}{rng.choice(_EMPLOYER_KINDS)}"

    def department(self) -> str:
        return f"{self.rng.choice(_DEPARTMENTS)} {self.rng.choice(_POSITIONS)}"

    def major(self, field: str) -> str:
        return self.rng.choice(_MAJORS.get(field, ("机电一体化技术",)))


def _seats_per_pair(
    allocation: list[tuple[Project, Province, int]], total: int | None, rng: random.Random
) -> list[tuple[Project, Province, int]]:
    """The allocation scaled to ``total`` trainees; the remainder lands on random pairs."""
    published = sum(seats for _, _, seats in allocation)
    if total is None or published == 0:
        return allocation
    scaled = [(p, q, seats * total // published) for p, q, seats in allocation]
    remainder = total - sum(n for _, _, n in scaled)
    bumps = [rng.randrange(len(scaled)) for _ in range(remainder)]
    counts = [n for _, _, n in scaled]
    for index in bumps:
        counts[index] += 1
    return [(p, q, counts[i]) for i, (p, q, _) in enumerate(scaled)]


def synthetic_rosters(
    db: Database, seed: int = 0, total: int | None = None, year: int | None = None
) -> list[SyntheticRoster]:
    """Fake lists of every province with seats, following the loaded allocation (annex 2).

    With ``total`` the allocation is scaled to that many trainees (e.g. 800, where the
    published table adds up to 799, or 100,000 for a benchmark); a few pairs then exceed their
    seats, as real lists do.
    """
    rng = random.Random(seed)
    with db.read() as session:
        programme = select_programme(session, year)
        projects = {
            p.id: p
            for p in session.scalars(select(Project).where(Project.programme_id == programme.id))
        }
        provinces = {p.id: p for p in session.scalars(select(Province))}
        allocation = sorted(
            (
                (projects[a.project_id], provinces[a.province_id], a.seats)
                for a in session.scalars(
                    select(SeatAllocation).where(SeatAllocation.project_id.in_(projects))
                )
            ),
            key=lambda item: (item[1].position, item[0].seq),
        )
        # Read what the generator needs while the session is open.
        details = {p.id: (p.name, p.base.name, p.field.name) for p in projects.values()}
    pairs = _seats_per_pair(allocation, total, rng)
    people = _People(rng)
    count = sum(n for _, _, n in pairs)
    numbers = rng.sample(range(10**8), count)
    rosters: dict[int, SyntheticRoster] = {}
    for project, province, n in pairs:
        roster = rosters.setdefault(
            province.id,
            SyntheticRoster(province.short_name, _authority(province), province.position, []),
        )
        name, base, field = details[project.id]
        for _ in range(n):
            roster.trainees.append(
                SyntheticTrainee(
                    project=name,
                    base=_ANNEX2_SPELLING.get(base, base),
                    name=people.name(province.short_name),
                    employer=people.employer(province),
                    department=people.department(),
                    major=people.major(field),
                    mobile=f"{MOBILE_PREFIX}{numbers.pop():08d}",
                )
            )
    return sorted((r for r in rosters.values() if r.trainees), key=lambda r: r.position)


def roster_rows(year: int, roster: SyntheticRoster) -> list[list[object]]:
    """A province's list as the rows of annex 3 (title, 填表单位 line, header, data, 备注)."""
    entries: list[Sequence[object]] = [
        [
            seq,
            t.project,
            t.base,
            t.name,
            t.employer,
            t.department,
            t.major,
            t.mobile,
            t.note,
        ]
        for seq, t in enumerate(roster.trainees, start=1)
    ]
    return annex3_rows(year, roster.authority, entries)


def write_roster_workbook(path: Path, year: int, roster: SyntheticRoster) -> Path:
    """Write one province's list as the ministry's annex 3 workbook.

    Title and 填表单位 line merged across the table, the header wrapped as printed, mobiles as
    text (as the ministry asks, so that Excel does not turn them into floats), the 备注 row
    last. A regular (not write-only) workbook, because only that records the sheet's size at
    its top as Excel does; without it every reader has to scan the sheet twice.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "参训人员汇总表"
    last = get_column_letter(len(ANNEX3_KEYS))
    for column, size in zip("ABCDEFGHI", (6, 36, 26, 10, 28, 24, 22, 14, 12), strict=True):
        sheet.column_dimensions[column].width = size
    rows = roster_rows(year, roster)
    for row in rows:
        sheet.append(inert_row(row))
    sheet["A1"].font = Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for cell in sheet[3]:
        cell.alignment = wrap
    mobile_column = get_column_letter(ANNEX3_KEYS.index("mobile") + 1)
    for (cell,) in sheet[f"{mobile_column}4:{mobile_column}{len(rows) - 1}"]:
        cell.number_format = "@"
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet.merge_cells(f"B{len(rows)}:{last}{len(rows)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def roster_file_name(roster: SyntheticRoster) -> str:
    """The file name of a province's list: "15-山东.xlsx" (annex 2 order, then the province)."""
    return f"{roster.position:02d}-{roster.short_name}.xlsx"


def write_demo_rosters(
    db: Database,
    folder: Path,
    seed: int = 0,
    total: int | None = PROGRAMME_TRAINEES,
    year: int | None = None,
) -> list[Path]:
    """Write one annex 3 workbook per province into ``folder``; return their paths in order.

    ``total`` defaults to the notice's 800 trainees (the published allocation adds up to 799,
    so one pair ends up a seat over, which the import reports as a warning).
    """
    with db.read() as session:
        programme_year = select_programme(session, year).year
    return [
        write_roster_workbook(folder / roster_file_name(roster), programme_year, roster)
        for roster in synthetic_rosters(db, seed=seed, total=total, year=programme_year)
    ]
