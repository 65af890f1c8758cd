"""The definition schema: turns a parsed TOML document into a checked `Definition`.

The checker collects every problem it finds instead of stopping at the first, so that
`survey questionnaire check FILE` lists them all at once. Each problem names the file, the
item (or dimension, or page) and the field, in Chinese, e.g.
"satisfaction.toml: 题目 content.relevance: 字段 scale_max 必须大于 scale_min".
The format itself is documented in questionnaires/README.md.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

from questionnaires.model import (
    CHOICE_TYPES,
    LIKERT_PRESETS,
    NPS_DEFAULT_LABELS,
    SCALE_TYPES,
    SCORED_TYPES,
    Choice,
    Condition,
    Definition,
    DimensionDef,
    Item,
    ItemType,
    PageDef,
    Scale,
)
from questionnaires.version import content_version

# Item ids become HTML form field names and report column names, so they are restricted to
# lowercase ASCII; dots group related items ("content.relevance").
_ITEM_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*")
# Matrix ids and sub-item ids have no dots, so "<matrix>.<course>.<sub>" splits unambiguously.
_PLAIN_ID = re.compile(r"[a-z][a-z0-9_]*")
_CHOICE_VALUE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_CANONICAL_INT = re.compile(r"0|[1-9][0-9]*")
_MAX_ID_LENGTH = 64

_MAX_TITLE = 100
_MAX_ITEM_TEXT = 300
_MAX_HELP = 500
_MAX_INTRO = 2000
_MAX_LABEL = 40
_MAX_CHOICES = 30
_MAX_TEXT_LENGTH = 5000
_DEFAULT_TEXT_LENGTH = 500
# At most eleven points (as NPS): longer scales do not fit a phone screen as buttons.
_MAX_SCALE_POINTS = 11

_ITEM_TYPES: tuple[ItemType, ...] = (
    "likert5",
    "rating",
    "nps",
    "single",
    "multiple",
    "text",
    "matrix",
)
_TOP_FIELDS = frozenset({"questionnaire", "dimensions", "pages"})
_QUESTIONNAIRE_FIELDS = frozenset({"key", "title", "intro", "thanks"})
_DIMENSION_FIELDS = frozenset({"id", "label", "help"})
_PAGE_FIELDS = frozenset({"title", "intro", "items"})
_CHOICE_FIELDS = frozenset({"value", "label"})
_CONDITION_FIELDS = frozenset({"item", "in", "at_least", "at_most"})

_COMMON = frozenset({"id", "type", "text", "help", "required", "show_if"})
_SCORED = frozenset({"dimension", "reverse", "overall", "primary", "satisfaction_rate"})
_FIELDS_BY_TYPE: dict[str, frozenset[str]] = {
    "likert5": _COMMON | _SCORED | {"labels"},
    "rating": _COMMON | _SCORED | {"scale_min", "scale_max", "min_label", "max_label"},
    "nps": _COMMON | {"min_label", "max_label"},
    "single": _COMMON | {"choices"},
    "multiple": _COMMON | {"choices", "min_picks", "max_picks"},
    "text": _COMMON | {"max_length", "placeholder"},
    "matrix": frozenset({"id", "type", "text", "help", "items", "skippable", "courses_per_page"}),
}
_ALL_ITEM_FIELDS = frozenset().union(*_FIELDS_BY_TYPE.values())
# Inside a matrix: no follow-up conditions (a condition would have to be per course) and no
# overall or primary flag (a matrix item exists once per course, those items exactly once).
_NOT_IN_MATRIX = frozenset({"show_if", "overall", "primary"})
# NPS is asked once per questionnaire, and matrices do not nest.
_MATRIX_SUB_TYPES = frozenset({"likert5", "rating", "single", "multiple", "text"})

_TYPE_NAMES_ZH = {
    "likert5": "五级量表",
    "rating": "评分",
    "nps": "NPS",
    "single": "单选",
    "multiple": "多选",
    "text": "填空",
    "matrix": "评教矩阵",
}


class DefinitionError(ValueError):
    """A definition file is malformed. `problems` lists every problem found, one per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))


def _kind(value: object) -> str:
    """The TOML kind of a value, in Chinese, for "应为…，实际为…" messages."""
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "小数"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "表"
    if isinstance(value, datetime.date | datetime.time):
        return "日期时间"
    return type(value).__name__


class _Checker:
    """Collects problems and reads typed values out of TOML tables."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def add(self, where: str, message: str, field: str | None = None) -> None:
        text = f"字段 {field} {message}" if field is not None else message
        self.problems.append(f"{self.source}: {where}: {text}")

    def keys(
        self,
        table: Mapping[str, Any],
        allowed: frozenset[str],
        where: str,
        *,
        known_elsewhere: frozenset[str] = frozenset(),
        kind: str | None = None,
    ) -> None:
        """Reject unknown keys, suggesting the closest allowed one (typos are the usual cause)."""
        for key in table:
            if key in allowed:
                continue
            if key in known_elsewhere and kind is not None:
                self.add(where, f"不适用于 {kind}题型", key)
                continue
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = (
                f"，是否想写 {close[0]}？"
                if close
                else f"（可用字段：{'、'.join(sorted(allowed))}）"
            )
            self.add(where, f"无法识别{hint}", key)

    def text(
        self,
        table: Mapping[str, Any],
        key: str,
        where: str,
        *,
        required: bool,
        max_length: int,
    ) -> str | None:
        if key not in table:
            if required:
                self.add(where, "缺失（必填）", key)
            return None
        value = table[key]
        if not isinstance(value, str):
            self.add(where, f"应为文字，实际为{_kind(value)}", key)
            return None
        value = value.strip()
        if not value:
            self.add(where, "不能为空", key)
            return None
        if len(value) > max_length:
            self.add(where, f"过长：最多 {max_length} 字，实际 {len(value)} 字", key)
            return None
        return value

    def flag(self, table: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, bool):
            self.add(where, f"应为 true 或 false，实际为{_kind(value)}", key)
            return default
        return value

    def integer(self, table: Mapping[str, Any], key: str, where: str) -> int | None:
        """The integer under `key`; None when absent or (reported) not an integer."""
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(where, f"应为整数，实际为{_kind(value)}", key)
            return None
        return value

    def table_list(self, value: object, where: str, field: str) -> list[Mapping[str, Any]]:
        """A list of tables (a TOML array of tables); problems reported, bad entries dropped."""
        if not isinstance(value, list):
            self.add(where, f"应为表的列表，实际为{_kind(value)}", field)
            return []
        tables: list[Mapping[str, Any]] = []
        for position, entry in enumerate(value, start=1):
            if isinstance(entry, dict):
                tables.append(cast(Mapping[str, Any], entry))
            else:
                self.add(where, f"的第 {position} 项应为表，实际为{_kind(entry)}", field)
        return tables


def build_definition(document: Mapping[str, Any], source: str) -> Definition:
    """Check a parsed TOML document and build the `Definition`.

    Raises `DefinitionError` listing every problem; `source` (usually the file name) starts
    each message.
    """
    check = _Checker(source)
    check.keys(document, _TOP_FIELDS, "文件")

    key, title, intro, thanks = _read_header(check, document)
    dimensions = _read_dimensions(check, document)
    pages = _read_pages(check, document)
    _cross_check(check, dimensions, pages)

    if check.problems:
        raise DefinitionError(check.problems)
    # A missing key or title is always reported above, so both are set here.
    assert key is not None
    assert title is not None
    return Definition(
        key=key,
        title=title,
        dimensions=tuple(dimensions),
        pages=tuple(pages),
        version=content_version(document),
        source=source,
        intro=intro,
        thanks=thanks,
    )


def _read_header(
    check: _Checker, document: Mapping[str, Any]
) -> tuple[str | None, str | None, str | None, str | None]:
    where = "[questionnaire]"
    raw = document.get("questionnaire")
    if raw is None:
        check.add("文件", "缺少 [questionnaire] 表（问卷的 key 和 title）")
        return None, None, None, None
    if not isinstance(raw, dict):
        check.add("文件", f"questionnaire 应为表，实际为{_kind(raw)}")
        return None, None, None, None
    table = cast(Mapping[str, Any], raw)
    check.keys(table, _QUESTIONNAIRE_FIELDS, where)
    key = check.text(table, "key", where, required=True, max_length=_MAX_ID_LENGTH)
    if key is not None and not _PLAIN_ID.fullmatch(key):
        check.add(where, "只能由小写英文字母、数字和下划线组成，并以字母开头", "key")
        key = None
    title = check.text(table, "title", where, required=True, max_length=_MAX_TITLE)
    intro = check.text(table, "intro", where, required=False, max_length=_MAX_INTRO)
    thanks = check.text(table, "thanks", where, required=False, max_length=_MAX_INTRO)
    return key, title, intro, thanks


def _read_dimensions(check: _Checker, document: Mapping[str, Any]) -> list[DimensionDef]:
    if "dimensions" not in document:
        return []
    dimensions: list[DimensionDef] = []
    seen_labels: dict[str, str] = {}
    for position, table in enumerate(
        check.table_list(document["dimensions"], "文件", "dimensions"), start=1
    ):
        raw_id = table.get("id")
        where = f"维度 {raw_id}" if isinstance(raw_id, str) and raw_id else f"第 {position} 个维度"
        check.keys(table, _DIMENSION_FIELDS, where)
        dimension_id = check.text(table, "id", where, required=True, max_length=_MAX_ID_LENGTH)
        if dimension_id is not None and not _PLAIN_ID.fullmatch(dimension_id):
            check.add(where, "只能由小写英文字母、数字和下划线组成，并以字母开头", "id")
            dimension_id = None
        label = check.text(table, "label", where, required=True, max_length=_MAX_LABEL)
        help_text = check.text(table, "help", where, required=False, max_length=_MAX_HELP)
        if dimension_id is None or label is None:
            continue
        if any(d.id == dimension_id for d in dimensions):
            check.add(where, "重复声明", "id")
            continue
        if label in seen_labels:
            check.add(where, f"“{label}”与维度 {seen_labels[label]} 重复", "label")
            continue
        seen_labels[label] = dimension_id
        dimensions.append(DimensionDef(id=dimension_id, label=label, help=help_text))
    return dimensions


def _read_pages(check: _Checker, document: Mapping[str, Any]) -> list[PageDef]:
    if "pages" not in document:
        check.add("文件", "缺少 [[pages]]：问卷至少要有一页")
        return []
    pages: list[PageDef] = []
    tables = check.table_list(document["pages"], "文件", "pages")
    if document["pages"] == []:
        check.add("文件", "缺少 [[pages]]：问卷至少要有一页")
    for page_number, table in enumerate(tables, start=1):
        where = f"第 {page_number} 页"
        check.keys(table, _PAGE_FIELDS, where)
        title = check.text(table, "title", where, required=True, max_length=_MAX_TITLE)
        intro = check.text(table, "intro", where, required=False, max_length=_MAX_INTRO)
        items: list[Item] = []
        if "items" not in table:
            check.add(where, "没有题目（缺少 [[pages.items]]）")
        else:
            item_tables = check.table_list(table["items"], where, "items")
            if table["items"] == []:
                check.add(where, "没有题目（items 为空）")
            for position, item_table in enumerate(item_tables, start=1):
                item = _read_item(check, item_table, f"第 {page_number} 页第 {position} 题", None)
                if item is not None:
                    items.append(item)
        pages.append(PageDef(title=title or "", items=tuple(items), intro=intro))
    return pages


def _read_item(
    check: _Checker, table: Mapping[str, Any], fallback_where: str, matrix: str | None
) -> Item | None:
    """Read one item (or, with `matrix` set, one sub-item of that matrix)."""
    raw_id = table.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        where = f"题目 {matrix}.{raw_id.strip()}" if matrix else f"题目 {raw_id.strip()}"
    else:
        where = fallback_where
    pattern = _PLAIN_ID if matrix is not None else _ITEM_ID
    item_id = check.text(table, "id", where, required=True, max_length=_MAX_ID_LENGTH)
    if item_id is not None and not pattern.fullmatch(item_id):
        rule = (
            "（矩阵子题不能含点号）"
            if matrix is not None
            else "，可用点号分组（如 content.relevance）"
        )
        check.add(
            where,
            f"只能由小写英文字母、数字和下划线组成并以字母开头{rule}",
            "id",
        )
        item_id = None

    raw_type = table.get("type")
    allowed_types = _MATRIX_SUB_TYPES if matrix is not None else frozenset(_ITEM_TYPES)
    type_list = "、".join(t for t in _ITEM_TYPES if t in allowed_types)
    if raw_type is None:
        check.add(where, f"缺失（必填，可选：{type_list}）", "type")
        return None
    if not isinstance(raw_type, str) or raw_type not in _ITEM_TYPES:
        check.add(where, f"无法识别：{raw_type!r}（可选：{type_list}）", "type")
        return None
    item_type: ItemType = raw_type
    if raw_type not in allowed_types:
        check.add(where, f"矩阵中不能使用 {raw_type} 题型", "type")
        return None

    allowed = _FIELDS_BY_TYPE[item_type]
    if matrix is not None:
        allowed = allowed - _NOT_IN_MATRIX
    check.keys(
        table,
        allowed,
        where,
        known_elsewhere=_ALL_ITEM_FIELDS,
        kind=f"{item_type}（{_TYPE_NAMES_ZH[item_type]}）"
        + ("（矩阵子题）" if matrix is not None else ""),
    )

    text = check.text(table, "text", where, required=True, max_length=_MAX_ITEM_TEXT)
    help_text = check.text(table, "help", where, required=False, max_length=_MAX_HELP)
    show_if = _read_condition(check, table, where) if "show_if" in allowed else None

    if item_type == "matrix":
        return _read_matrix(check, table, where, item_id, text, help_text)

    # Free text is optional unless stated, everything else required unless stated: a survey
    # designer makes the closed questions the core and leaves comments voluntary.
    required = check.flag(table, "required", where, default=item_type != "text")

    dimension: str | None = None
    reverse = overall = primary = satisfaction_rate = False
    if item_type in SCORED_TYPES:
        dimension = check.text(table, "dimension", where, required=True, max_length=_MAX_ID_LENGTH)
        reverse = check.flag(table, "reverse", where, default=False)
        overall = check.flag(table, "overall", where, default=False)
        primary = check.flag(table, "primary", where, default=False)
        if primary and reverse:
            # The primary indicator is the share in the top two boxes as asked: on a reversed
            # statement that share would mean the opposite of "satisfied".
            check.add(where, "反向计分题不能作为主要指标", "primary")
        # Only non-reversed five-point items count towards the 满意率 by default: for a negatively
        # worded statement "disagree" is not the same as "satisfied", and the overall item has
        # its own rate.
        satisfaction_rate = check.flag(
            table,
            "satisfaction_rate",
            where,
            default=item_type == "likert5" and not reverse and not overall,
        )

    scale: Scale | None = None
    if item_type == "likert5":
        scale = _read_likert(check, table, where)
    elif item_type == "rating":
        scale = _read_rating(check, table, where)
    elif item_type == "nps":
        scale = _read_nps(check, table, where)

    if primary and scale is not None and scale.maximum - scale.minimum < 2:
        check.add(where, "主要指标是最高两档的占比，量表至少要有三档", "primary")

    choices: tuple[Choice, ...] = ()
    min_picks = max_picks = 0
    if item_type in CHOICE_TYPES:
        choices = _read_choices(check, table, where)
        if item_type == "multiple":
            min_picks, max_picks = _read_picks(check, table, where, len(choices))

    max_length = 0
    placeholder: str | None = None
    if item_type == "text":
        max_length = _read_max_length(check, table, where)
        placeholder = check.text(table, "placeholder", where, required=False, max_length=_MAX_HELP)

    if item_id is None or text is None:
        return None
    return Item(
        id=item_id,
        type=item_type,
        text=text,
        help=help_text,
        required=required,
        dimension=dimension,
        reverse=reverse,
        overall=overall,
        primary=primary,
        satisfaction_rate=satisfaction_rate,
        show_if=show_if,
        scale=scale,
        choices=choices,
        min_picks=min_picks,
        max_picks=max_picks,
        max_length=max_length,
        placeholder=placeholder,
    )


def _read_matrix(
    check: _Checker,
    table: Mapping[str, Any],
    where: str,
    item_id: str | None,
    text: str | None,
    help_text: str | None,
) -> Item | None:
    if item_id is not None and "." in item_id:
        check.add(where, "矩阵题的 id 不能含点号（字段名为 <矩阵>.<课程>.<子题>）", "id")
        item_id = None
    skippable = check.flag(table, "skippable", where, default=False)
    courses_per_page = check.integer(table, "courses_per_page", where)
    if courses_per_page is not None and courses_per_page < 1:
        check.add(where, "必须至少为 1", "courses_per_page")
        courses_per_page = None
    sub_items: list[Item] = []
    if "items" not in table:
        check.add(where, "缺失：矩阵至少要有一道子题", "items")
    else:
        tables = check.table_list(table["items"], where, "items")
        if table["items"] == []:
            check.add(where, "为空：矩阵至少要有一道子题", "items")
        for position, sub_table in enumerate(tables, start=1):
            sub = _read_item(
                check, sub_table, f"{where} 的第 {position} 个子题", item_id or "（矩阵）"
            )
            if sub is None:
                continue
            if any(other.id == sub.id for other in sub_items):
                check.add(f"题目 {item_id}.{sub.id}", "在矩阵中重复", "id")
                continue
            sub_items.append(sub)
    if item_id is None or text is None:
        return None
    return Item(
        id=item_id,
        type="matrix",
        text=text,
        help=help_text,
        required=False,
        items=tuple(sub_items),
        skippable=skippable,
        courses_per_page=courses_per_page,
    )


def _read_likert(check: _Checker, table: Mapping[str, Any], where: str) -> Scale | None:
    raw = table.get("labels", "satisfaction")
    if isinstance(raw, str):
        if raw not in LIKERT_PRESETS:
            check.add(
                where,
                f"无法识别：{raw!r}（可选：{'、'.join(LIKERT_PRESETS)}，或五个标签的列表）",
                "labels",
            )
            return None
        labels = LIKERT_PRESETS[raw]
        return Scale(1, 5, tuple(enumerate(labels, start=1)), preset=raw)
    if not isinstance(raw, list):
        check.add(where, f"应为预设名称或五个标签的列表，实际为{_kind(raw)}", "labels")
        return None
    entries = cast(list[object], raw)
    if len(entries) != 5 or not all(isinstance(x, str) and x.strip() for x in entries):
        check.add(where, "必须恰好包含五个非空标签（从低到高）", "labels")
        return None
    custom = [cast(str, x).strip() for x in entries]
    if len(set(custom)) != 5:
        check.add(where, "中的标签不能重复", "labels")
        return None
    if any(len(x) > _MAX_LABEL for x in custom):
        check.add(where, f"中的标签过长：最多 {_MAX_LABEL} 字", "labels")
        return None
    return Scale(1, 5, tuple(enumerate(custom, start=1)))


def _read_rating(check: _Checker, table: Mapping[str, Any], where: str) -> Scale | None:
    low = check.integer(table, "scale_min", where)
    high = check.integer(table, "scale_max", where)
    for name in ("scale_min", "scale_max"):
        if name not in table:
            check.add(where, "缺失（评分题必须给出刻度范围）", name)
    min_label = check.text(table, "min_label", where, required=True, max_length=_MAX_LABEL)
    max_label = check.text(table, "max_label", where, required=True, max_length=_MAX_LABEL)
    if low is None or high is None:
        return None
    if low < 0:
        check.add(where, "不能小于 0", "scale_min")
        return None
    if high <= low:
        check.add(where, "必须大于 scale_min", "scale_max")
        return None
    if high - low + 1 > _MAX_SCALE_POINTS:
        check.add(
            where, f"刻度最多 {_MAX_SCALE_POINTS} 个点（scale_max − scale_min ≤ 10）", "scale_max"
        )
        return None
    if min_label is None or max_label is None:
        return None
    return Scale(low, high, ((low, min_label), (high, max_label)))


def _read_nps(check: _Checker, table: Mapping[str, Any], where: str) -> Scale:
    min_label = check.text(table, "min_label", where, required=False, max_length=_MAX_LABEL)
    max_label = check.text(table, "max_label", where, required=False, max_length=_MAX_LABEL)
    return Scale(
        0,
        10,
        ((0, min_label or NPS_DEFAULT_LABELS[0]), (10, max_label or NPS_DEFAULT_LABELS[1])),
    )


def _read_choices(check: _Checker, table: Mapping[str, Any], where: str) -> tuple[Choice, ...]:
    if "choices" not in table:
        check.add(where, "缺失（选择题必须列出选项）", "choices")
        return ()
    choices: list[Choice] = []
    for position, entry in enumerate(check.table_list(table["choices"], where, "choices"), 1):
        entry_where = f"{where}: 第 {position} 个选项"
        check.keys(entry, _CHOICE_FIELDS, entry_where)
        value = check.text(entry, "value", entry_where, required=True, max_length=_MAX_ID_LENGTH)
        if value is not None and not _CHOICE_VALUE.fullmatch(value):
            check.add(entry_where, "只能由小写英文字母、数字、下划线和连字符组成", "value")
            value = None
        label = check.text(entry, "label", entry_where, required=True, max_length=_MAX_ITEM_TEXT)
        if value is None or label is None:
            continue
        if any(c.value == value for c in choices):
            check.add(where, f"的选项值 {value} 重复", "choices")
            continue
        if any(c.label == label for c in choices):
            check.add(where, f"的选项“{label}”重复", "choices")
            continue
        choices.append(Choice(value=value, label=label))
    if isinstance(table["choices"], list) and len(table["choices"]) < 2:
        check.add(where, "至少要有两个选项", "choices")
    if len(choices) > _MAX_CHOICES:
        check.add(where, f"最多 {_MAX_CHOICES} 个选项", "choices")
    return tuple(choices)


def _read_picks(
    check: _Checker, table: Mapping[str, Any], where: str, count: int
) -> tuple[int, int]:
    low = check.integer(table, "min_picks", where)
    high = check.integer(table, "max_picks", where)
    low = 1 if low is None else low
    high = count if high is None else high
    if low < 1:
        check.add(where, "必须至少为 1（不选即视为未作答）", "min_picks")
    if count and high > count:
        check.add(where, f"不能超过选项数 {count}", "max_picks")
    if high < low:
        check.add(where, "不能小于 min_picks", "max_picks")
    return low, high


def _read_max_length(check: _Checker, table: Mapping[str, Any], where: str) -> int:
    value = check.integer(table, "max_length", where)
    if value is None:
        return _DEFAULT_TEXT_LENGTH
    if not 1 <= value <= _MAX_TEXT_LENGTH:
        check.add(where, f"必须在 1 到 {_MAX_TEXT_LENGTH} 之间", "max_length")
        return _DEFAULT_TEXT_LENGTH
    return value


def _read_condition(check: _Checker, table: Mapping[str, Any], where: str) -> Condition | None:
    if "show_if" not in table:
        return None
    raw = table["show_if"]
    if not isinstance(raw, dict):
        check.add(
            where,
            f'应为表，如 {{ item = "overall", in = ["1", "2"] }}，实际为{_kind(raw)}',
            "show_if",
        )
        return None
    condition = cast(Mapping[str, Any], raw)
    field_where = f"{where}: show_if"
    check.keys(condition, _CONDITION_FIELDS, field_where)
    source = check.text(condition, "item", field_where, required=True, max_length=_MAX_ID_LENGTH)
    at_least = check.integer(condition, "at_least", field_where)
    at_most = check.integer(condition, "at_most", field_where)
    values: tuple[str, ...] | None = None
    if "in" in condition:
        if "at_least" in condition or "at_most" in condition:
            check.add(where, "只能使用 in，或 at_least/at_most 之一种写法", "show_if")
            return None
        raw_values = condition["in"]
        if not isinstance(raw_values, list) or not raw_values:
            check.add(field_where, "应为非空列表", "in")
            return None
        parsed: list[str] = []
        for value in cast(list[object], raw_values):
            if isinstance(value, str) and value:
                parsed.append(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                parsed.append(str(value))
            else:
                check.add(field_where, f"中的值应为文字或整数，实际为{_kind(value)}", "in")
                return None
        values = tuple(dict.fromkeys(parsed))
    elif at_least is None and at_most is None:
        if "at_least" not in condition and "at_most" not in condition:
            check.add(where, "需要 in，或 at_least/at_most", "show_if")
        return None
    elif at_least is not None and at_most is not None and at_least > at_most:
        check.add(field_where, "不能大于 at_most", "at_least")
        return None
    if source is None:
        return None
    return Condition(item=source, values=values, at_least=at_least, at_most=at_most)


def _cross_check(check: _Checker, dimensions: list[DimensionDef], pages: list[PageDef]) -> None:
    """Checks that need the whole definition: ids, references, dimensions, order."""
    declared = {d.id for d in dimensions}
    used: set[str] = set()
    position: dict[str, int] = {}
    items_by_id: dict[str, Item] = {}
    matrices: list[Item] = []
    overall: list[str] = []
    primary: list[str] = []
    nps: list[str] = []

    order = 0
    for page_number, page in enumerate(pages, start=1):
        for item in page.items:
            where = f"题目 {item.id}"
            if item.id in items_by_id:
                check.add(where, "重复：题目 id 在整份问卷中必须唯一", "id")
                continue
            items_by_id[item.id] = item
            position[item.id] = order
            order += 1
            if item.type == "matrix":
                matrices.append(item)
                if item.courses_per_page is not None and len(page.items) > 1:
                    check.add(
                        where,
                        "设置了按课程分页，矩阵题必须单独占一页"
                        f"（第 {page_number} 页还有其他题目）",
                        "courses_per_page",
                    )
            if item.overall:
                overall.append(item.id)
            if item.primary:
                primary.append(item.id)
            if item.type == "nps":
                nps.append(item.id)
            for scored in (item, *item.items):
                if scored.dimension is None:
                    continue
                scored_where = where if scored is item else f"题目 {item.id}.{scored.id}"
                if scored.dimension in declared:
                    used.add(scored.dimension)
                else:
                    known = "、".join(sorted(declared)) or "无"
                    check.add(
                        scored_where,
                        f"引用了未声明的维度 {scored.dimension}（已声明：{known}）",
                        "dimension",
                    )

    for dimension in dimensions:
        if dimension.id not in used:
            check.add(f"维度 {dimension.id}", "没有任何题目属于该维度")
    if len(overall) > 1:
        check.add(f"题目 {overall[1]}", f"只能有一道题设为 true（已有 {overall[0]}）", "overall")
    if len(primary) > 1:
        check.add(f"题目 {primary[1]}", f"只能有一道题设为 true（已有 {primary[0]}）", "primary")
    if len(nps) > 1:
        check.add(f"题目 {nps[1]}", f"一份问卷只能有一道 NPS 题（已有 {nps[0]}）", "type")

    # A matrix owns every field name that starts with its id ("teaching.c03.delivery").
    for matrix in matrices:
        for other in items_by_id.values():
            if other is not matrix and other.id.startswith(matrix.id + "."):
                check.add(
                    f"题目 {other.id}",
                    f"与矩阵题 {matrix.id} 的字段名冲突（{matrix.id}.<课程>.<子题>）",
                    "id",
                )

    for item in items_by_id.values():
        if item.show_if is not None:
            _check_condition_source(check, item, items_by_id, position)


def _check_condition_source(
    check: _Checker, item: Item, items_by_id: Mapping[str, Item], position: Mapping[str, int]
) -> None:
    assert item.show_if is not None
    condition = item.show_if
    where = f"题目 {item.id}"
    source = items_by_id.get(condition.item)
    if source is None:
        check.add(where, f"引用的题目 {condition.item} 不存在", "show_if")
        return
    # Only earlier items: a page is validated with what has been answered so far, and this
    # rules out cycles.
    if position[source.id] >= position[item.id]:
        check.add(where, f"引用的题目 {source.id} 必须出现在本题之前", "show_if")
        return
    if source.type in SCALE_TYPES:
        if source.scale is None:  # its own problem is already reported
            return
        low, high = source.scale.minimum, source.scale.maximum
        if condition.values is not None:
            for value in condition.values:
                # Canonical integers only: answers are compared as "1", never as "01".
                if not _CANONICAL_INT.fullmatch(value) or not low <= int(value) <= high:
                    check.add(
                        where,
                        f"中的 {value} 不是题目 {source.id} 的有效答案（{low}–{high}）",
                        "show_if",
                    )
        for name, bound in (("at_least", condition.at_least), ("at_most", condition.at_most)):
            if bound is not None and not low <= bound <= high:
                check.add(where, f"的 {name} 超出题目 {source.id} 的范围 {low}–{high}", "show_if")
    elif source.type in CHOICE_TYPES:
        if condition.values is None:
            check.add(where, f"引用选择题 {source.id} 时只能用 in 列出选项值", "show_if")
            return
        valid = {choice.value for choice in source.choices}
        for value in condition.values:
            if value not in valid:
                check.add(where, f"中的 {value} 不是题目 {source.id} 的选项值", "show_if")
    else:
        check.add(where, f"只能引用量表题或选择题，{source.id} 是 {source.type} 题", "show_if")
