"""Name normalisation and the 32 provincial units.

Real files spell things many ways: full-width characters, stray spaces, "山东省教育厅（公章）",
"兵团". Everything that matches a name goes through :func:`normalise` first, then through the
alias table, never through plain string equality.
"""

from __future__ import annotations

import re
import unicodedata

#: (short name as in the annex 2 header, official name), in annex 2 column order.
PROVINCES: tuple[tuple[str, str], ...] = (
    ("北京", "北京市"),
    ("天津", "天津市"),
    ("河北", "河北省"),
    ("山西", "山西省"),
    ("内蒙古", "内蒙古自治区"),
    ("辽宁", "辽宁省"),
    ("吉林", "吉林省"),
    ("黑龙江", "黑龙江省"),
    ("上海", "上海市"),
    ("江苏", "江苏省"),
    ("浙江", "浙江省"),
    ("安徽", "安徽省"),
    ("福建", "福建省"),
    ("江西", "江西省"),
    ("山东", "山东省"),
    ("河南", "河南省"),
    ("湖北", "湖北省"),
    ("湖南", "湖南省"),
    ("广东", "广东省"),
    ("广西", "广西壮族自治区"),
    ("海南", "海南省"),
    ("重庆", "重庆市"),
    ("四川", "四川省"),
    ("贵州", "贵州省"),
    ("云南", "云南省"),
    ("西藏", "西藏自治区"),
    ("陕西", "陕西省"),
    ("甘肃", "甘肃省"),
    ("青海", "青海省"),
    ("宁夏", "宁夏回族自治区"),
    ("新疆", "新疆维吾尔自治区"),
    ("兵团", "新疆生产建设兵团"),
)

#: Extra spellings of provincial units beyond short and official names.
PROVINCE_ALIASES: dict[str, str] = {
    "新疆兵团": "兵团",
    "生产建设兵团": "兵团",
    "内蒙": "内蒙古",
    "广西自治区": "广西",
    "宁夏自治区": "宁夏",
    "新疆自治区": "新疆",
}

# Issuing authorities that follow a province's name in a 填表单位 line.
_AUTHORITY_SUFFIXES = ("教育委员会", "教育厅", "教育局", "教委")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold a name to a comparable form: NFKC (full-width to half-width), no white space."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def strip_authority(text: str) -> str:
    """Reduce "山东省教育厅（公章）" to "山东省": drop bracketed remarks and the authority."""
    name = _BRACKETED.sub("", normalise(text))
    for suffix in _AUTHORITY_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def province_spellings() -> dict[str, str]:
    """Every known spelling of a provincial unit, mapped to its short name."""
    spellings = {normalise(short): short for short, _ in PROVINCES}
    spellings.update({normalise(full): short for short, full in PROVINCES})
    spellings.update({normalise(alias): short for alias, short in PROVINCE_ALIASES.items()})
    return spellings


# Endings that only say "a training project"; the first that matches is dropped.
_PROJECT_ENDINGS = ("示范培训项目", "培训项目", "项目")


def class_name(project: str, base: str) -> str:
    """A project's class as people call it: the project's name without its "…培训项目" ending,
    then "班" and the base, e.g. "集成电路领域领军教师班（山东理工大学）". Two projects of one
    field (annex 1 has several) differ by their base."""
    for ending in _PROJECT_ENDINGS:
        if project.endswith(ending) and len(project) > len(ending):
            project = project[: -len(ending)]
            break
    return f"{project}班（{base}）"


def class_label(seq: int, project: str, base: str, name: str) -> str:
    """A class as pages, exports and commands show it: the project's number in annex 1 and the
    class's default name ("3. 人工智能领域领军教师班（广州番禺职业技术学院）"). A class with a
    name of its own (a second cohort of one project, "第二期") keeps project and base in front,
    because readers know a class by them: "3. …班（广州番禺职业技术学院）·第二期"."""
    default = class_name(project, base)
    return f"{seq}. {default}" if name == default else f"{seq}. {default}·{name}"
