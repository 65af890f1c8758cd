"""Versions are content hashes: layout and comments do not count, content does."""

from __future__ import annotations

import re

from questionnaires import Definition, content_version, is_same_version, parse_definition
from questionnaires.version import canonical_form

BASE = """
[questionnaire]
key = "v"
title = "版本测试"

[[dimensions]]
id = "d"
label = "维度"

[[pages]]
title = "第一页"

[[pages.items]]
id = "a"
type = "likert5"
text = "第一题"
dimension = "d"

[[pages.items]]
id = "b"
type = "single"
text = "第二题"
choices = [{ value = "x", label = "甲" }, { value = "y", label = "乙" }]
"""

REFORMATTED = """
# 同一份问卷：加了注释，改了缩进和空行，表内字段换了顺序
[questionnaire]
title   = "版本测试"   # 标题
key     = "v"

[[dimensions]]
label = "维度"
id = "d"
[[pages]]
title = "第一页"
    [[pages.items]]
    type = "likert5"
    id = "a"
    dimension = "d"
    text = "第一题"
    [[pages.items]]
    id = "b"
    type = "single"
    text = \"\"\"第二题\"\"\"
    choices = [
        { label = "甲", value = "x" },
        { label = "乙", value = "y" },
    ]
"""


def version_of(text: str) -> str:
    return parse_definition(text).version


def test_version_is_a_sha256_hex_digest() -> None:
    version = version_of(BASE)
    assert re.fullmatch(r"[0-9a-f]{64}", version)
    assert parse_definition(BASE).short_version == version[:12]


def test_layout_comments_and_key_order_do_not_change_the_version() -> None:
    assert version_of(REFORMATTED) == version_of(BASE)


def test_content_changes_change_the_version() -> None:
    base = version_of(BASE)
    changes = [
        BASE.replace("第一题", "第一道题"),  # wording
        BASE.replace('label = "乙"', 'label = "丙"'),  # an option label
        BASE.replace('dimension = "d"', 'dimension = "d"\nrequired = false'),  # a flag
        BASE.replace('dimension = "d"', 'dimension = "d"\nrequired = true'),  # explicit default
        BASE.replace(
            '{ value = "x", label = "甲" }, { value = "y", label = "乙" }',
            '{ value = "y", label = "乙" }, { value = "x", label = "甲" }',
        ),  # choice order
    ]
    versions = {version_of(text) for text in changes}
    assert base not in versions
    assert len(versions) == len(changes)


def test_item_order_changes_the_version() -> None:
    swapped = (
        BASE.replace(
            '[[pages.items]]\nid = "a"\ntype = "likert5"\ntext = "第一题"\ndimension = "d"\n\n', ""
        )
        + '\n[[pages.items]]\nid = "a"\ntype = "likert5"\ntext = "第一题"\ndimension = "d"\n'
    )
    assert [item.id for item in parse_definition(swapped).items()] == ["b", "a"]
    assert version_of(swapped) != version_of(BASE)


def test_content_version_is_independent_of_dict_order() -> None:
    assert content_version({"a": 1, "b": [1, 2]}) == content_version({"b": [1, 2], "a": 1})
    assert content_version({"a": [1, 2]}) != content_version({"a": [2, 1]})
    assert canonical_form({"标题": "中文"}) == (
        '{"definition":{"标题":"中文"},"format":"zjgp-questionnaire/1"}'
    )


def test_is_same_version(satisfaction: Definition, teaching: Definition) -> None:
    assert is_same_version(satisfaction, satisfaction.version)
    assert is_same_version(satisfaction, satisfaction.version.upper())
    assert not is_same_version(satisfaction, teaching.version)
    assert not is_same_version(satisfaction, satisfaction.short_version)  # no prefixes
    assert not is_same_version(satisfaction, "")


def test_builtin_versions_are_stable(satisfaction: Definition) -> None:
    # The same file always gives the same version (nothing random or time-dependent).
    from questionnaires import builtin_text

    again = parse_definition(builtin_text("satisfaction"), "copy.toml")
    assert again.version == satisfaction.version
    assert again.source == "copy.toml"
