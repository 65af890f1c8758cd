"""The definition schema: valid files load, every kind of mistake is named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaires import (
    Definition,
    DefinitionError,
    load_builtin,
    load_definition,
    parse_definition,
)

HEADER = """
[questionnaire]
key = "t"
title = "测试问卷"

[[dimensions]]
id = "d"
label = "维度"

[[pages]]
title = "第一页"

[[pages.items]]
id = "anchor"
type = "likert5"
text = "锚题"
dimension = "d"
"""

CHOICES = 'choices = [{ value = "a", label = "甲" }, { value = "b", label = "乙" }]'


def problems_of(text: str, source: str = "t.toml") -> tuple[str, ...]:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(text, source)
    return caught.value.problems


def test_sample_definition_parses_every_item_type(sample: Definition) -> None:
    types = {item.type for item in sample.items()}
    assert types == {"likert5", "rating", "nps", "single", "multiple", "text", "matrix"}
    assert sample.key == "sample"
    assert sample.source == "sample.toml"
    assert [page.title for page in sample.pages] == ["第一页", "第二页", "课程"]
    assert sample.has_matrix


def test_defaults_are_applied(sample: Definition) -> None:
    likert = sample.item("q.likert")
    assert likert is not None
    assert likert.required
    assert likert.scale is not None
    assert likert.scale.preset == "satisfaction"
    assert likert.scale.labels[0] == (1, "非常不满意")
    assert likert.scale.labels[-1] == (5, "非常满意")
    assert likert.satisfaction_rate  # a non-reversed Likert item counts by default

    agree = sample.item("q.agree")
    assert agree is not None
    assert agree.scale is not None
    assert [label for _, label in agree.scale.labels] == [
        "非常不同意",
        "不同意",
        "中立",
        "同意",
        "非常同意",
    ]
    assert agree.reverse
    assert not agree.satisfaction_rate  # reversed items do not count by default

    nps = sample.item("q.nps")
    assert nps is not None
    assert nps.scale is not None
    assert (nps.scale.minimum, nps.scale.maximum) == (0, 10)
    assert nps.scale.label(0) == "完全不可能"

    note = sample.item("q.note")
    assert note is not None
    assert not note.required  # free text is optional unless stated

    multi = sample.item("q.multi")
    assert multi is not None
    assert (multi.min_picks, multi.max_picks) == (2, 3)


def test_rating_scale_has_own_bounds_and_end_labels(sample: Definition) -> None:
    rating = sample.item("q.rating")
    assert rating is not None
    assert rating.scale is not None
    assert rating.scale.points() == (1, 2, 3, 4, 5, 6, 7)
    assert rating.scale.label(1) == "很差"
    assert rating.scale.label(7) == "很好"
    assert rating.scale.label(4) is None


def test_conditions_are_parsed(sample: Definition) -> None:
    why = sample.item("q.why")
    low = sample.item("q.low")
    assert why is not None
    assert low is not None
    assert why.show_if is not None
    assert why.show_if.item == "q.single"
    assert why.show_if.values == ("c",)
    assert low.show_if is not None
    assert low.show_if.at_most == 2
    assert low.show_if.values is None


def test_integer_condition_values_are_accepted_as_strings() -> None:
    text = (
        HEADER
        + """
[[pages.items]]
id = "why"
type = "text"
text = "原因"
show_if = { item = "anchor", in = [1, "2"] }
"""
    )
    item = parse_definition(text).item("why")
    assert item is not None
    assert item.show_if is not None
    assert item.show_if.values == ("1", "2")


def test_custom_likert_labels() -> None:
    text = HEADER.replace(
        'dimension = "d"',
        'dimension = "d"\nlabels = ["从不", "很少", "有时", "经常", "总是"]',
    )
    item = parse_definition(text).item("anchor")
    assert item is not None
    assert item.scale is not None
    assert item.scale.preset is None
    assert item.scale.label(3) == "有时"


MALFORMED = [
    pytest.param(
        """
[[pages.items]]
id = "x.rate"
type = "rating"
text = "评分"
dimension = "d"
scale_min = 5
scale_max = 3
min_label = "低"
max_label = "高"
""",
        ["t.toml: 题目 x.rate: 字段 scale_max 必须大于 scale_min"],
        id="scale-max-not-above-min",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x.rate"
type = "rating"
text = "评分"
dimension = "d"
scale_min = 0
scale_max = 20
min_label = "低"
max_label = "高"
""",
        ["题目 x.rate: 字段 scale_max 刻度最多 11 个点"],
        id="scale-too-long",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x.rate"
type = "rating"
text = "评分"
dimension = "d"
scale_min = -1
scale_max = 3
min_label = "低"
max_label = "高"
""",
        ["题目 x.rate: 字段 scale_min 不能小于 0"],
        id="scale-negative",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x.rate"
type = "rating"
text = "评分"
dimension = "d"
scale_min = true
scale_max = 5
""",
        [
            "题目 x.rate: 字段 scale_min 应为整数，实际为布尔值",
            "题目 x.rate: 字段 min_label 缺失",
            "题目 x.rate: 字段 max_label 缺失",
        ],
        id="scale-bool-and-missing-labels",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x.rate"
type = "rating"
text = "评分"
dimension = "d"
scle_max = 5
""",
        ["题目 x.rate: 字段 scle_max 无法识别，是否想写 scale_max？", "字段 scale_max 缺失"],
        id="typo-suggests-field",
    ),
    pytest.param(
        f"""
[[pages.items]]
id = "x"
type = "likert5"
text = "题"
dimension = "d"
{CHOICES}
""",
        ["题目 x: 字段 choices 不适用于 likert5"],
        id="field-of-other-type",
    ),
    pytest.param(
        """
[[pages.items]]
id = "Content.Rel"
type = "likert5"
text = "题"
dimension = "d"
""",
        ["题目 Content.Rel: 字段 id 只能由小写英文字母、数字和下划线组成"],
        id="bad-id",
    ),
    pytest.param(
        """
[[pages.items]]
id = "anchor"
type = "likert5"
text = "重复的题"
dimension = "d"
""",
        ["题目 anchor: 字段 id 重复"],
        id="duplicate-id",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "likert5"
dimension = "d"
""",
        ["题目 x: 字段 text 缺失（必填）"],
        id="missing-text",
    ),
    pytest.param(
        """
[[pages.items]]
type = "likert5"
text = "没有 id"
dimension = "d"
""",
        ["第 1 页第 2 题: 字段 id 缺失（必填）"],
        id="missing-id-located-by-position",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "likert5"
text = "  "
dimension = "d"
""",
        ["题目 x: 字段 text 不能为空"],
        id="blank-text",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "likert5"
text = "题"
dimension = "d"
required = "yes"
""",
        ["题目 x: 字段 required 应为 true 或 false，实际为文字"],
        id="required-not-bool",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "slider"
text = "题"
""",
        ["题目 x: 字段 type 无法识别：'slider'"],
        id="unknown-type",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
text = "题"
""",
        ["题目 x: 字段 type 缺失"],
        id="missing-type",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "likert5"
text = "题"
dimension = "d"
labels = "frequency"
""",
        ["题目 x: 字段 labels 无法识别：'frequency'"],
        id="unknown-label-preset",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "likert5"
text = "题"
dimension = "d"
labels = ["一", "二", "三", "四"]
""",
        ["题目 x: 字段 labels 必须恰好包含五个非空标签"],
        id="four-labels",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "likert5"
text = "题"
""",
        ["题目 x: 字段 dimension 缺失（必填）"],
        id="scored-without-dimension",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "likert5"
text = "题"
dimension = "zzz"
""",
        ["题目 x: 字段 dimension 引用了未声明的维度 zzz（已声明：d）"],
        id="undeclared-dimension",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "nps"
text = "推荐"
dimension = "d"
""",
        ["题目 x: 字段 dimension 不适用于 nps"],
        id="nps-with-dimension",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "single"
text = "题"
reverse = true
choices = [{ value = "a", label = "甲" }]
""",
        ["题目 x: 字段 reverse 不适用于 single", "题目 x: 字段 choices 至少要有两个选项"],
        id="single-reverse-one-choice",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "single"
text = "题"
choices = [{ value = "a", label = "甲" }, { value = "a", label = "乙" }]
""",
        ["题目 x: 字段 choices 的选项值 a 重复"],
        id="duplicate-choice-value",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "single"
text = "题"
choices = [{ value = "A B", label = "甲" }, { value = "b", label = "乙", score = 1 }]
""",
        [
            "题目 x: 第 1 个选项: 字段 value 只能由小写英文字母",
            "题目 x: 第 2 个选项: 字段 score 无法识别",
        ],
        id="bad-choice-value-and-key",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "single"
text = "题"
""",
        ["题目 x: 字段 choices 缺失"],
        id="choices-missing",
    ),
    pytest.param(
        f"""
[[pages.items]]
id = "x"
type = "multiple"
text = "题"
max_picks = 3
{CHOICES}
""",
        ["题目 x: 字段 max_picks 不能超过选项数 2"],
        id="too-many-picks",
    ),
    pytest.param(
        f"""
[[pages.items]]
id = "x"
type = "multiple"
text = "题"
min_picks = 0
{CHOICES}
""",
        ["题目 x: 字段 min_picks 必须至少为 1"],
        id="zero-min-picks",
    ),
    pytest.param(
        f"""
[[pages.items]]
id = "x"
type = "multiple"
text = "题"
min_picks = 2
max_picks = 1
{CHOICES}
""",
        ["题目 x: 字段 max_picks 不能小于 min_picks"],
        id="min-above-max",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"
max_length = 0
""",
        ["题目 x: 字段 max_length 必须在 1 到 5000 之间"],
        id="text-cap",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"
show_if = { item = "nowhere", in = ["1"] }
""",
        ["题目 x: 字段 show_if 引用的题目 nowhere 不存在"],
        id="condition-unknown-item",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"
show_if = { item = "y", in = ["1"] }

[[pages.items]]
id = "y"
type = "likert5"
text = "后面的题"
dimension = "d"
""",
        ["题目 x: 字段 show_if 引用的题目 y 必须出现在本题之前"],
        id="condition-forward-reference",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"

[[pages.items]]
id = "y"
type = "text"
text = "题"
show_if = { item = "x", in = ["a"] }
""",
        ["题目 y: 字段 show_if 只能引用量表题或选择题，x 是 text 题"],
        id="condition-on-text",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"
show_if = { item = "anchor", in = ["6"] }
""",
        ["题目 x: 字段 show_if 中的 6 不是题目 anchor 的有效答案（1–5）"],
        id="condition-value-out-of-scale",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"
show_if = { item = "anchor", in = ["01", " 2"] }
""",
        [
            "题目 x: 字段 show_if 中的 01 不是题目 anchor 的有效答案（1–5）",
            "题目 x: 字段 show_if 中的  2 不是题目 anchor 的有效答案（1–5）",
        ],
        id="condition-value-not-canonical",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"
show_if = { item = "anchor", at_least = 0 }
""",
        ["题目 x: 字段 show_if 的 at_least 超出题目 anchor 的范围 1–5"],
        id="condition-bound-out-of-scale",
    ),
    pytest.param(
        f"""
[[pages.items]]
id = "s"
type = "single"
text = "题"
{CHOICES}

[[pages.items]]
id = "x"
type = "text"
text = "题"
show_if = {{ item = "s", in = ["z"] }}

[[pages.items]]
id = "y"
type = "text"
text = "题"
show_if = {{ item = "s", at_most = 1 }}
""",
        [
            "题目 x: 字段 show_if 中的 z 不是题目 s 的选项值",
            "题目 y: 字段 show_if 引用选择题 s 时只能用 in 列出选项值",
        ],
        id="condition-on-choice",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"
show_if = { item = "anchor", in = ["1"], at_most = 2 }
""",
        ["题目 x: 字段 show_if 只能使用 in，或 at_least/at_most 之一种写法"],
        id="condition-two-forms",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"
show_if = { item = "anchor", at_least = 4, at_most = 2 }
""",
        ["题目 x: show_if: 字段 at_least 不能大于 at_most"],
        id="condition-empty-range",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"
show_if = { item = "anchor", equals = 2 }
""",
        [
            "题目 x: show_if: 字段 equals 无法识别",
            "题目 x: 字段 show_if 需要 in，或 at_least/at_most",
        ],
        id="condition-unknown-key",
    ),
    pytest.param(
        """
[[pages.items]]
id = "x"
type = "text"
text = "题"
show_if = "anchor == 1"
""",
        ["题目 x: 字段 show_if 应为表"],
        id="condition-not-table",
    ),
    pytest.param(
        """
[[pages.items]]
id = "o1"
type = "likert5"
text = "总体一"
dimension = "d"
overall = true

[[pages.items]]
id = "o2"
type = "likert5"
text = "总体二"
dimension = "d"
overall = true
""",
        ["题目 o2: 字段 overall 只能有一道题设为 true（已有 o1）"],
        id="two-overall-items",
    ),
    pytest.param(
        """
[[pages.items]]
id = "p1"
type = "likert5"
text = "主要一"
dimension = "d"
primary = true

[[pages.items]]
id = "p2"
type = "likert5"
text = "主要二"
dimension = "d"
primary = true
reverse = true

[[pages.items]]
id = "p3"
type = "rating"
text = "两档评分"
dimension = "d"
scale_min = 0
scale_max = 1
min_label = "否"
max_label = "是"
primary = true
""",
        [
            "题目 p2: 字段 primary 反向计分题不能作为主要指标",
            "题目 p3: 字段 primary 主要指标是最高两档的占比，量表至少要有三档",
            "题目 p2: 字段 primary 只能有一道题设为 true（已有 p1）",
        ],
        id="primary-indicator-rules",
    ),
    pytest.param(
        """
[[pages.items]]
id = "n1"
type = "nps"
text = "推荐一"

[[pages.items]]
id = "n2"
type = "nps"
text = "推荐二"
""",
        ["题目 n2: 字段 type 一份问卷只能有一道 NPS 题（已有 n1）"],
        id="two-nps-items",
    ),
    pytest.param(
        """
[[pages]]
title = "矩阵"

[[pages.items]]
id = "m"
type = "matrix"
text = "课程评价"
""",
        ["题目 m: 字段 items 缺失：矩阵至少要有一道子题"],
        id="matrix-without-items",
    ),
    pytest.param(
        """
[[pages]]
title = "矩阵"

[[pages.items]]
id = "m"
type = "matrix"
text = "课程评价"
required = true

[[pages.items.items]]
id = "a"
type = "likert5"
text = "子题"
dimension = "d"
show_if = { item = "anchor", in = ["1"] }

[[pages.items.items]]
id = "b"
type = "nps"
text = "推荐"

[[pages.items.items]]
id = "c.d"
type = "text"
text = "子题"

[[pages.items.items]]
id = "a"
type = "text"
text = "重复"
""",
        [
            "题目 m: 字段 required 不适用于 matrix",
            "题目 m.a: 字段 show_if 不适用于 likert5（五级量表）（矩阵子题）",
            "题目 m.b: 字段 type 矩阵中不能使用 nps 题型",
            "题目 m.c.d: 字段 id 只能由小写英文字母、数字和下划线组成并以字母开头"
            "（矩阵子题不能含点号）",
            "题目 m.a: 字段 id 在矩阵中重复",
        ],
        id="matrix-sub-items",
    ),
    pytest.param(
        """
[[pages]]
title = "矩阵"

[[pages.items]]
id = "m.x"
type = "matrix"
text = "课程评价"

[[pages.items.items]]
id = "a"
type = "text"
text = "子题"
""",
        ["题目 m.x: 字段 id 矩阵题的 id 不能含点号"],
        id="matrix-id-with-dot",
    ),
    pytest.param(
        """
[[pages.items]]
id = "m.c01.a"
type = "text"
text = "与矩阵冲突"

[[pages]]
title = "矩阵"

[[pages.items]]
id = "m"
type = "matrix"
text = "课程评价"

[[pages.items.items]]
id = "a"
type = "text"
text = "子题"
""",
        ["题目 m.c01.a: 字段 id 与矩阵题 m 的字段名冲突"],
        id="id-collides-with-matrix-fields",
    ),
    pytest.param(
        """
[[pages.items]]
id = "m"
type = "matrix"
text = "课程评价"
courses_per_page = 2

[[pages.items.items]]
id = "a"
type = "text"
text = "子题"
""",
        ["题目 m: 字段 courses_per_page 设置了按课程分页，矩阵题必须单独占一页"],
        id="paged-matrix-not-alone",
    ),
    pytest.param(
        """
[[pages]]
title = "矩阵"

[[pages.items]]
id = "m"
type = "matrix"
text = "课程评价"
courses_per_page = 0

[[pages.items.items]]
id = "a"
type = "text"
text = "子题"
""",
        ["题目 m: 字段 courses_per_page 必须至少为 1"],
        id="zero-courses-per-page",
    ),
    pytest.param(
        """
[[pages]]
title = "空页"
""",
        ["第 2 页: 没有题目"],
        id="page-without-items",
    ),
    pytest.param(
        """
[[pages]]
title = "坏页"
items = [1, 2]
""",
        ["第 2 页: 字段 items 的第 1 项应为表，实际为整数", "第 2 页: 字段 items 的第 2 项"],
        id="items-not-tables",
    ),
    pytest.param(
        """
[[pages]]
intro = "没有标题"

[[pages.items]]
id = "x"
type = "text"
text = "题"
""",
        ["第 2 页: 字段 title 缺失（必填）"],
        id="page-without-title",
    ),
]


@pytest.mark.parametrize(("snippet", "fragments"), MALFORMED)
def test_malformed_items_are_named(snippet: str, fragments: list[str]) -> None:
    problems = problems_of(HEADER + snippet)
    text = "\n".join(problems)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert all(problem.startswith("t.toml: ") for problem in problems)


def test_problems_are_all_reported_at_once() -> None:
    snippet = """
[[pages.items]]
id = "x"
type = "likert5"
text = "题"

[[pages.items]]
id = "y"
type = "text"
text = "题"
max_length = -1
"""
    problems = problems_of(HEADER + snippet)
    assert len(problems) == 2
    assert "题目 x: 字段 dimension 缺失" in problems[0]
    assert "题目 y: 字段 max_length" in problems[1]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param(
            HEADER.replace('key = "t"', 'key = "T-1"'),
            "[questionnaire]: 字段 key 只能由小写英文字母",
            id="bad-key",
        ),
        pytest.param(
            HEADER.replace('title = "测试问卷"\n', ""),
            "[questionnaire]: 字段 title 缺失（必填）",
            id="missing-title",
        ),
        pytest.param(
            HEADER.replace('[questionnaire]\nkey = "t"\ntitle = "测试问卷"\n', ""),
            "文件: 缺少 [questionnaire] 表",
            id="missing-header",
        ),
        pytest.param(
            'version = "1"\n' + HEADER,
            "文件: 字段 version 无法识别",
            id="unknown-top-level-key",
        ),
        pytest.param(
            HEADER + '\n[[dimensions]]\nid = "unused"\nlabel = "没用到"\n',
            "维度 unused: 没有任何题目属于该维度",
            id="unused-dimension",
        ),
        pytest.param(
            HEADER + '\n[[dimensions]]\nid = "d"\nlabel = "另一个"\n',
            "维度 d: 字段 id 重复声明",
            id="duplicate-dimension",
        ),
        pytest.param(
            HEADER + '\n[[dimensions]]\nid = "e"\nlabel = "维度"\n',
            "维度 e: 字段 label “维度”与维度 d 重复",
            id="duplicate-dimension-label",
        ),
        pytest.param(
            HEADER + '\n[[dimensions]]\nlabel = "无名"\n',
            "第 2 个维度: 字段 id 缺失（必填）",
            id="dimension-without-id",
        ),
        pytest.param(
            '[questionnaire]\nkey = "t"\ntitle = "测试"\n',
            "文件: 缺少 [[pages]]",
            id="no-pages",
        ),
        pytest.param(
            HEADER + "\n[[pages.items]]\nid = \n",
            "t.toml: TOML 语法错误",
            id="toml-syntax",
        ),
    ],
)
def test_malformed_files_are_named(text: str, fragment: str) -> None:
    assert any(fragment in problem for problem in problems_of(text))


def test_error_message_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "satisfaction.toml"
    path.write_text(
        HEADER
        + """
[[pages.items]]
id = "content.relevance"
type = "rating"
text = "相关性"
dimension = "d"
scale_min = 5
scale_max = 5
min_label = "低"
max_label = "高"
""",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    assert str(caught.value) == (
        f"{path}: 题目 content.relevance: 字段 scale_max 必须大于 scale_min"
    )


def test_load_definition_accepts_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER.encode("utf-8"))
    assert load_definition(path).key == "t"


def test_load_definition_rejects_other_encodings(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes(HEADER.encode("gb18030"))
    with pytest.raises(DefinitionError, match="不是 UTF-8 编码"):
        load_definition(path)


def test_load_definition_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="无法读取文件"):
        load_definition(tmp_path / "nowhere.toml")


def test_unknown_builtin() -> None:
    with pytest.raises(DefinitionError, match="没有名为 'survey' 的内置问卷"):
        load_builtin("survey")


def test_definition_error_is_a_value_error() -> None:
    error = DefinitionError(["a.toml: 一", "a.toml: 二"])
    assert isinstance(error, ValueError)
    assert str(error) == "a.toml: 一\na.toml: 二"
