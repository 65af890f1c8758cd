"""A human-readable listing of a definition, for `survey questionnaire check FILE`."""

from __future__ import annotations

from collections.abc import Callable

from questionnaires.model import Definition, Item

_PRESET_NAMES = {"satisfaction": "满意度", "agreement": "同意度"}


def describe(definition: Definition) -> str:
    """The definition as text: header with version, dimensions, pages with items, summary.

    Matrix sub-items are listed once with `<课程>` in place of the course id, since the
    courses come from each class's training plan.
    """
    items = list(definition.items())
    sub_count = sum(len(item.items) for item in items if item.type == "matrix")
    plain_count = sum(1 for item in items if item.type != "matrix")
    count = f"{plain_count} 道题"
    if sub_count:
        count += f"，另有评教矩阵每门课程 {sub_count} 道题"

    lines = [
        f"问卷：{definition.title}",
        f"标识：{definition.key}",
        f"来源：{definition.source}",
        f"版本：{definition.version}",
        f"共 {len(definition.pages)} 页，{count}",
        "",
        f"维度（{len(definition.dimensions)} 个）：",
    ]
    for dimension in definition.dimensions:
        members = [
            _field_name(item, sub) + ("（反向）" if sub.reverse else "")
            for item, sub in _leaves(items)
            if sub.dimension == dimension.id
        ]
        lines.append(f"  {dimension.id} {dimension.label}：{'、'.join(members)}")

    for number, page in enumerate(definition.pages, start=1):
        lines.append("")
        lines.append(f"第 {number} 页：{page.title}")
        for item in page.items:
            lines.extend(_item_lines(item, None, "  "))

    lines.append("")
    lines.extend(_summary(items))
    return "\n".join(lines) + "\n"


def _field_name(item: Item, sub: Item) -> str:
    return f"{item.id}.<课程>.{sub.id}" if sub is not item else item.id


def _kind(item: Item) -> str:
    scale = item.scale
    if item.type == "likert5" and scale is not None:
        return f"五级量表·{_PRESET_NAMES.get(scale.preset or '', '自定义标签')}"
    if item.type == "rating" and scale is not None:
        return f"评分 {scale.minimum}–{scale.maximum}"
    if item.type == "nps":
        return "NPS 0–10"
    if item.type == "single":
        return f"单选（{len(item.choices)} 个选项）"
    if item.type == "multiple":
        picks = (
            f"{item.min_picks}"
            if item.min_picks == item.max_picks
            else f"{item.min_picks}–{item.max_picks}"
        )
        return f"多选（{len(item.choices)} 个选项，选 {picks} 项）"
    if item.type == "text":
        return f"填空（最多 {item.max_length} 字）"
    return "评教矩阵"


def _item_lines(item: Item, matrix: Item | None, indent: str) -> list[str]:
    if item.type == "matrix":
        tags = [f"评教矩阵，每门课程 {len(item.items)} 道题"]
        if item.courses_per_page:
            tags.append(f"每页 {item.courses_per_page} 门课程")
        if item.skippable:
            tags.append("可整门课程留空")
        lines = [f"{indent}{item.id} ［{'｜'.join(tags)}］{item.text}"]
        if item.help:
            lines.append(f"{indent}    说明：{item.help}")
        for sub in item.items:
            lines.extend(_item_lines(sub, item, indent + "  "))
        return lines

    tags = [_kind(item), "必答" if item.required else "选答"]
    if item.dimension is not None:
        tags.append(f"维度 {item.dimension}")
    if item.reverse:
        tags.append("反向计分")
    if item.overall:
        tags.append("总体满意度")
    if item.satisfaction_rate:
        tags.append("计入满意率")
    name = _field_name(matrix, item) if matrix is not None else item.id
    lines = [f"{indent}{name} ［{'｜'.join(tags)}］{item.text}"]
    if item.help:
        lines.append(f"{indent}    说明：{item.help}")
    if item.show_if is not None:
        lines.append(f"{indent}    条件：{item.show_if.describe()}")
    if item.scale is not None:
        labels = "，".join(f"{point}={label}" for point, label in item.scale.labels)
        lines.append(f"{indent}    刻度：{labels}")
    if item.choices:
        options = "；".join(f"{c.value}={c.label}" for c in item.choices)
        lines.append(f"{indent}    选项：{options}")
    return lines


def _summary(items: list[Item]) -> list[str]:
    leaves = _leaves(items)

    def names(test: Callable[[Item], bool]) -> str:
        return "、".join(_field_name(item, sub) for item, sub in leaves if test(sub)) or "无"

    return [
        f"总体满意度题：{names(lambda i: i.overall)}",
        f"计入满意率（前两档占比）的题：{names(lambda i: i.satisfaction_rate)}",
        f"NPS 题：{names(lambda i: i.type == 'nps')}",
        f"反向计分题：{names(lambda i: i.reverse)}",
        f"开放题（公开前须审核）：{names(lambda i: i.type == 'text')}",
    ]


def _leaves(items: list[Item]) -> list[tuple[Item, Item]]:
    """(item, question item) pairs: matrix sub-items with their matrix, others with themselves."""
    return [
        (item, sub) for item in items for sub in (item.items if item.type == "matrix" else (item,))
    ]
