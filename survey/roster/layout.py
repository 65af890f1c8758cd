"""The layout of annex 3 (参训人员汇总表): its columns, the labels people give them, its rows.

Reading and writing share these definitions, so a workbook written by the synthetic generator
is, by construction, a workbook the reader accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from survey.programme.names import normalise


@dataclass(frozen=True)
class Column:
    """A column of annex 3: its key in code, its label in the form, and other labels seen."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


#: The columns of annex 3 in the ministry's order, plus ``title`` (职务), which some provinces
#: split off 所在部门(院系)及职务 into a column of its own.
COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", ("编号", "序")),
    Column("project", "项目名称", ("项目", "培训项目", "培训项目名称", "参训项目"), required=True),
    Column("base", "承训单位", ("承训基地", "培训基地", "承训单位名称", "承训院校"), required=True),
    Column(
        "name",
        "学员姓名",
        ("姓名", "参训人员姓名", "参训教师姓名", "教师姓名", "学员"),
        required=True,
    ),
    Column(
        "employer",
        "单位名称",
        ("工作单位", "所在单位", "学校名称", "单位", "所在学校", "工作单位名称", "所在院校"),
        required=True,
    ),
    Column(
        "department",
        "所在部门(院系)及职务",
        (
            "所在部门及职务",
            "部门院系及职务",
            "所在部门院系职务",
            "部门及职务",
            "所在院系及职务",
            "院系及职务",
            "所在部门院系",
            "所在部门",
            "部门",
            "院系",
            "所在院系",
        ),
    ),
    Column("title", "职务", ("职务职称", "行政职务")),
    Column("major", "任教专业", ("专业", "所教专业", "任教专业名称")),
    Column(
        "mobile",
        "联系手机",
        (
            "手机",
            "手机号",
            "手机号码",
            "联系手机号",
            "联系手机号码",
            "联系电话",
            "联系方式",
            "移动电话",
        ),
        required=True,
    ),
    Column("note", "备注"),
)

COLUMN_BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
#: The nine columns exactly as annex 3 prints them, in its order (what the writer emits).
ANNEX3_KEYS: tuple[str, ...] = (
    "seq",
    "project",
    "base",
    "name",
    "employer",
    "department",
    "major",
    "mobile",
    "note",
)
REQUIRED_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.required)

TITLE = "{year}年“职教国培”示范项目参训人员汇总表"
FILLER_LINE = "填表单位：{authority}（公章）    负责部门（处室）：    填表人：    联系电话："
FOOTER_NOTE = (
    "请各省级教育行政部门按要求时间将该表的 Excel 版本和加盖公章扫描件 PDF 版本打包传至"
    " jinxuming@bjtu.edu.cn"
)
#: Header label as printed in the ministry's workbook, wrapped in its cell.
WRAPPED_LABELS: dict[str, str] = {"department": "所在部门\n(院系)及职务"}

# Label folding beyond normalise(): brackets, required-field stars and trailing colons are
# decoration ("*学员姓名", "所在部门（院系）及职务", "联系手机：").
_LABEL_NOISE = re.compile(r"[()\[\]【】*＊:：]")


def label_key(text: str) -> str:
    """Fold a header label for matching: width, spaces, line breaks, brackets, stars, colons."""
    return _LABEL_NOISE.sub("", normalise(text))


_LABELS: dict[str, str] = {}
for _column in COLUMNS:
    for _label in (_column.label, *_column.aliases):
        _LABELS.setdefault(label_key(_label), _column.key)


def column_for_label(text: str) -> str | None:
    """The column key a header cell names ("所在部门\\n（院系）及职务" → "department"), or None."""
    return _LABELS.get(label_key(text))


def annex3_rows(
    year: int,
    authority: str,
    entries: Iterable[Sequence[object]],
) -> list[list[object]]:
    """The rows of an annex 3 table: title, 填表单位 line, header, ``entries``, 备注 row.

    ``entries`` are rows of the nine annex 3 columns in the ministry's order; ``authority`` is
    the issuing body as it signs, e.g. "山东省教育厅".
    """
    header = [WRAPPED_LABELS.get(key, COLUMN_BY_KEY[key].label) for key in ANNEX3_KEYS]
    rows: list[list[object]] = [
        [TITLE.format(year=year)],
        [FILLER_LINE.format(authority=authority)],
        list[object](header),
    ]
    rows.extend(list(entry) for entry in entries)
    rows.append(["备注", FOOTER_NOTE])
    return rows
