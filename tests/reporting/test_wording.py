"""The plain-word sentences of the comparison, checked against SciPy's Fisher test with Holm's
adjustment done by hand, and the glossary's coverage."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import fisher_exact, kruskal

from reporting.comparison import BaseSample, compare_bases, compare_scores
from reporting.model import Participation
from reporting.stats.proportions import RatePair
from reporting.wording import (
    GLOSSARY,
    effect_size_word,
    kruskal_sentence,
    p_text,
    pair_sentence,
    pairs_summary,
)


def test_p_text() -> None:
    assert p_text(0.0042) == "p = 0.004"
    assert p_text(0.05) == "p = 0.050"
    assert p_text(0.00042) == "p < 0.001"


def test_pair_sentence_names_the_higher_base_first() -> None:
    pair = RatePair("北京师范大学", "陕西科技大学", 0.12, 0.001, 0.004)
    assert pair_sentence(pair, "总体满意率") == (
        "北京师范大学的总体满意率明显高于陕西科技大学（校正后 p = 0.004）"
    )
    lower = RatePair("陕西科技大学", "北京师范大学", -0.12, 0.001, 0.004)
    assert pair_sentence(lower, "总体满意率").startswith("北京师范大学的总体满意率明显高于陕西")
    unclear = RatePair("甲", "乙", 0.05, 0.03, 0.09)
    assert pair_sentence(unclear, "满意率") == "甲与乙的满意率差别不明显（校正后 p = 0.090）"


def _sample(name: str, satisfied: int, answered: int) -> BaseSample:
    return BaseSample(
        name=name,
        participation=Participation(answered, answered, 1.0, False),
        overall=np.full(answered, 4.0),
        dimensions={},
        satisfied=satisfied,
        answered=answered,
        shown=frozenset({"primary", "overall_score"}),
        hidden=False,
    )


def test_pairs_summary_names_exactly_the_pairs_scipy_and_holm_find() -> None:
    counts = {"甲基地": (48, 50), "乙基地": (30, 50), "丙基地": (45, 50), "丁基地": (33, 50)}
    comparison = compare_bases(
        [_sample(name, s, n) for name, (s, n) in counts.items()],
        (),
        primary_item="q",
        target=156 / 200,
        seed=1,
        draws=200,
        level=0.95,
    )
    # The reference: SciPy's two-sided Fisher test, Holm's step-down written out here.
    names = list(counts)
    raw = {}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            (s1, n1), (s2, n2) = counts[a], counts[b]
            raw[(a, b)] = fisher_exact([[s1, n1 - s1], [s2, n2 - s2]]).pvalue
    ordered = sorted(raw, key=raw.__getitem__)
    adjusted, running = {}, 0.0
    for rank, key in enumerate(ordered):
        running = max(running, min(1.0, (len(ordered) - rank) * raw[key]))
        adjusted[key] = running
    clear = [key for key in ordered if adjusted[key] < 0.05]
    assert clear  # the data are chosen so that some pairs differ and some do not
    assert len(clear) < len(ordered)
    sentences = pairs_summary(comparison)
    assert len(sentences) == len(clear)
    for sentence, (a, b) in zip(sentences, clear, strict=True):
        higher, lower = (a, b) if counts[a][0] > counts[b][0] else (b, a)
        assert sentence == f"{higher}的满意率明显高于{lower}（校正后 {p_text(adjusted[(a, b)])}）。"


def test_pairs_summary_when_nothing_differs_or_nothing_is_compared() -> None:
    same = [_sample("甲", 40, 50), _sample("乙", 41, 50)]
    kwargs = {"primary_item": "q", "target": 0.81, "seed": 1, "draws": 100, "level": 0.95}
    assert pairs_summary(compare_bases(same, (), **kwargs)) == (
        "在全部 1 对基地中，没有哪两个基地的满意率差别明显。",
    )
    assert pairs_summary(compare_bases(same[:1], (), **kwargs)) == (
        "可比较满意率的基地不足两个，不作两两比较。",
    )
    no_primary = {**kwargs, "primary_item": None, "target": None}
    assert pairs_summary(compare_bases(same, (), **no_primary)) == ()


def test_kruskal_sentence_against_scipy() -> None:
    rng = np.random.default_rng(3)
    groups = {
        "甲": rng.normal(4.5, 0.3, 40),
        "乙": rng.normal(3.8, 0.3, 40),
        "丙": rng.normal(4.4, 0.3, 40),
    }
    test = compare_scores("overall_score", "总体得分", groups)
    reference = kruskal(*groups.values())
    assert reference.pvalue < 0.001
    epsilon = reference.statistic / (120 - 1)  # ε² = H / (n − 1)
    assert epsilon >= 0.26
    assert kruskal_sentence(test) == (
        f"总体得分：3 个基地之间有明显差别（p < 0.001，差别大小 ε² = {epsilon:.3f}，属大）。"
    )
    same = compare_scores("overall_score", "总体得分", {"甲": groups["甲"], "乙": groups["甲"]})
    assert kruskal_sentence(same) == "总体得分：看不出 2 个基地之间有差别（p = 1.000）。"
    alone = compare_scores("overall_score", "总体得分", {"甲": groups["甲"]})
    assert kruskal_sentence(alone) == "总体得分：可比较的基地不足两个，不作检验。"


@pytest.mark.parametrize(
    ("value", "word"),
    [(0.0, "极小"), (0.0099, "极小"), (0.01, "小"), (0.079, "小"), (0.08, "中等"), (0.26, "大")],
)
def test_effect_size_word(value: float, word: str) -> None:
    assert effect_size_word(value) == word


def test_glossary_is_chinese_and_explains_each_statistic() -> None:
    keys = [key for key, _, _ in GLOSSARY]
    assert len(keys) == len(set(keys))
    terms = "".join(term for _, term, _ in GLOSSARY)
    for statistic in ("满意率", "Wilson", "经验贝叶斯", "排名区间", "漏斗图", "φ", "τ",
                      "Kruskal–Wallis", "ε²", "Holm", "Manski", "回答率"):  # fmt: skip
        assert statistic in terms, statistic
    for _, term, text in GLOSSARY:
        assert "回收率" not in term + text
        assert "应答人数" not in term + text
