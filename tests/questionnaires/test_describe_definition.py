"""The listing printed by `survey questionnaire check FILE`."""

from __future__ import annotations

from questionnaires import Definition, describe


def test_describe_satisfaction(satisfaction: Definition) -> None:
    text = describe(satisfaction)
    lines = text.splitlines()
    assert lines[0] == "问卷：“职教国培”示范项目学员满意度调查"
    assert f"版本：{satisfaction.version}" in lines
    assert "来源：satisfaction.toml" in lines
    assert "共 5 页，29 道题" in lines
    assert "维度（7 个）：" in lines
    for dimension in satisfaction.dimensions:
        assert f"  {dimension.id} {dimension.label}：" in text
    for item in satisfaction.items():
        assert f"  {item.id} ［" in text
    assert "content.overlap（反向）" in text
    assert "条件：当 overall ≤ 2 时显示" in text
    assert "NPS 题：recommend" in lines
    assert "总体满意度题：overall" in lines
    assert "反向计分题：content.overlap、method.lecture、management.crowded" in lines
    assert "开放题（公开前须审核）：gains、suggestions" in lines
    assert "多选（7 个选项，选 1–3 项）" in text
    assert "刻度：1=非常不同意，2=不同意，3=中立，4=同意，5=非常同意" in text
    assert "刻度：0=完全不可能，10=非常可能" in text
    assert text.endswith("\n")


def test_describe_teaching(teaching: Definition) -> None:
    text = describe(teaching)
    assert "共 2 页，1 道题，另有评教矩阵每门课程 4 道题" in text
    assert "teaching ［评教矩阵，每门课程 4 道题｜每页 3 门课程｜可整门课程留空］" in text
    assert (
        "    teaching.<课程>.delivery ［五级量表·满意度｜必答｜维度 delivery｜计入满意率］" in text
    )
    assert "  delivery 讲授与组织：teaching.<课程>.delivery" in text
    assert "总体满意度题：无" in text


def test_describe_every_item_type(sample: Definition) -> None:
    text = describe(sample)
    for fragment in (
        "q.likert ［五级量表·满意度｜必答｜维度 quality｜计入满意率］满意度题",
        "q.agree ［五级量表·同意度｜必答｜维度 quality｜反向计分］",
        "q.rating ［评分 1–7｜选答｜维度 quality］七点评分",
        "刻度：1=很差，7=很好",
        "q.nps ［NPS 0–10｜必答］",
        "q.single ［单选（3 个选项）｜必答］",
        "选项：a=甲；b=乙；c=丙",
        "q.why ［填空（最多 20 字）｜必答］",
        "条件：当 q.single 的答案为 c 时显示",
        "q.multi ［多选（4 个选项，选 2–3 项）｜选答］",
        "条件：当 q.likert ≤ 2 时显示",
        "m ［评教矩阵，每门课程 2 道题｜每页 2 门课程］课程评价",
        "m.<课程>.tip ［填空（最多 30 字）｜选答］一句话建议",
    ):
        assert fragment in text, fragment
