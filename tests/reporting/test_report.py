"""The report's figures, recomputed in the test straight from the answer dicts."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pytest
from scipy import stats as sps

from questionnaires.loader import builtin_text, parse_definition
from questionnaires.scoring import ScoringRules, scoring_rules
from reporting.inputs import Answer, ClassInput, ReportSettings
from reporting.report import build_report
from reporting.stats import cronbach_alpha, kruskal_wallis, wilson
from reporting.suppression import eligible_input
from tests.reporting.builders import PLAN, satisfaction_answers, teaching_answers

MakeClass = Callable[..., ClassInput]


def _ints(answers: Sequence[Mapping[str, Answer]], field: str) -> list[int]:
    """The integer answers to ``field`` (every response answered it)."""
    values = [a[field] for a in answers]
    assert all(isinstance(v, int) for v in values)
    return [v for v in values if isinstance(v, int)]


def _scored(rules: ScoringRules, answers: dict[str, object], field: str) -> float:
    item = rules.item(field)
    assert item is not None
    raw = answers.get(field)
    if raw is None:
        return math.nan
    assert isinstance(raw, int)
    return float(6 - raw if item.reverse else raw)


def _logit_interval(values: Sequence[float], low: float, high: float) -> tuple[float, float]:
    """The logit-transformed t interval of a mean on the scale low–high, written out."""
    n = len(values)
    u = (statistics.fmean(values) - low) / (high - low)
    se = statistics.stdev(values) / (high - low) / math.sqrt(n) / (u * (1 - u))
    t = float(sps.t.ppf(0.975, n - 1))
    centre = math.log(u / (1 - u))
    return (
        low + (high - low) / (1 + math.exp(-(centre - t * se))),
        low + (high - low) / (1 + math.exp(-(centre + t * se))),
    )


def test_class_figures_match_a_direct_computation(
    make_class: MakeClass, satisfaction_rules: ScoringRules
) -> None:
    raw = make_class("A", "甲基地", 37, seed=3, invited=45)
    report = build_report([raw])
    # The figures are computed from what the small-cell rule keeps (see test_suppression).
    data = eligible_input(raw, report.k)
    group = report.training_class("A")
    assert group is not None
    assert group.suppression is None
    assert (group.participation.invited, group.participation.responded) == (45, 37)
    assert group.participation.rate == pytest.approx(37 / 45)
    assert group.participation.interval == wilson(37, 45)
    assert group.n == 37
    assert group.versions == (satisfaction_rules.version,)

    # Item: raw mean, SD and distribution.
    values = _ints(data.answers, "content.overlap")
    item = group.item("content.overlap")
    assert item is not None
    assert item.mean == pytest.approx(statistics.fmean(values))
    assert item.sd == pytest.approx(statistics.stdev(values))
    assert item.distribution == {v: values.count(v) for v in range(1, 6)}
    # Top two after reverse scoring: raw 1 or 2 on a reversed item.
    assert item.top_two is not None
    assert item.top_two.successes == sum(v <= 2 for v in values)

    # Dimension score: per response mean of answered, reverse-scored items.
    content = [i.field for i in satisfaction_rules.dimensions[0].items]
    per_response = [
        statistics.fmean(
            s
            for s in (_scored(satisfaction_rules, dict(a), f) for f in content)
            if not math.isnan(s)
        )
        for a in data.answers
    ]
    dimension = group.dimension("content")
    assert dimension is not None
    assert dimension.score is not None
    low, high = _logit_interval(per_response, 1, 5)
    assert dimension.score.mean == pytest.approx(statistics.fmean(per_response))
    assert dimension.score.low == pytest.approx(low)
    assert dimension.score.high == pytest.approx(high)
    # Alpha on reverse-scored items, listwise, at programme level only.
    assert dimension.reliability is None
    assert dimension.reliability_note is not None
    assert "全项目" in dimension.reliability_note
    programme_dimension = report.programme.dimension("content")
    assert programme_dimension is not None
    matrix = [[_scored(satisfaction_rules, dict(a), f) for f in content] for a in data.answers]
    alpha = cronbach_alpha(matrix)
    assert alpha is not None
    assert programme_dimension.reliability is not None
    assert programme_dimension.reliability.alpha == pytest.approx(alpha.alpha)
    assert programme_dimension.item_rest == pytest.approx(
        dict(zip(content, alpha.item_rest, strict=True))
    )

    # Logistics has optional items: listwise deletion over the items the rule kept.
    logistics = report.programme.dimension("logistics")
    assert logistics is not None
    assert logistics.reliability is not None
    optional = {"logistics.accommodation", "logistics.catering"}
    kept = {f for a in data.answers for f in a} & optional
    assert kept  # with 37 responses one optional item survives the rule
    complete = sum(all(f in a for f in kept) for a in data.answers)
    assert logistics.reliability.n == complete < 37
    assert logistics.reliability.items == 2 + len(kept)

    # 满意率 on the overall item, with Wilson; averaged share; NPS.
    overall = _ints(data.answers, "overall")
    rate = group.satisfaction.overall
    satisfied = sum(v >= 4 for v in overall)
    assert rate == wilson(satisfied, 37)
    # The primary indicator is the same 满意率, with Manski's bounds over the 45 invited.
    assert group.primary is not None
    assert group.primary.item == "overall"
    assert group.primary.rate == wilson(satisfied, 37)
    assert group.primary.bounds is not None
    assert group.primary.bounds.low == pytest.approx(satisfied / 45)
    assert group.primary.bounds.high == pytest.approx((satisfied + 8) / 45)
    shares = []
    for a in data.answers:
        tops = [
            _scored(satisfaction_rules, dict(a), f) >= 4
            for f in satisfaction_rules.satisfaction_items
            if f in a
        ]
        shares.append(sum(tops) / len(tops))
    assert group.satisfaction.averaged is not None
    assert group.satisfaction.averaged.mean == pytest.approx(statistics.fmean(shares))
    recommend = _ints(data.answers, "recommend")
    assert group.nps is not None
    assert group.nps.nps is not None
    promoters = sum(v >= 9 for v in recommend)
    detractors = sum(v <= 6 for v in recommend)
    assert group.nps.nps.score == pytest.approx(100 * (promoters - detractors) / 37)

    # Overall score: the mean of the six agreement-scale dimension scores (reverse-scored), never
    # the overall item (satisfaction scale) nor a mean over items.
    assert report.score_dimensions == (
        "content",
        "method",
        "faculty",
        "management",
        "logistics",
        "effect",
    )
    overall_scores = []
    for a in data.answers:
        dimension_means = []
        for dimension_rules in satisfaction_rules.dimensions[:6]:
            scores = [_scored(satisfaction_rules, dict(a), i.field) for i in dimension_rules.items]
            dimension_means.append(statistics.fmean(s for s in scores if not math.isnan(s)))
        overall_scores.append(statistics.fmean(dimension_means))
    assert group.overall is not None
    assert group.overall.mean == pytest.approx(statistics.fmean(overall_scores))
    low, high = _logit_interval(overall_scores, 1, 5)
    assert (group.overall.low, group.overall.high) == pytest.approx((low, high))

    # The follow-up choice: answered only after a low overall rating.
    choice = group.choices[0]
    answered = [a["dissatisfied"] for a in data.answers if "dissatisfied" in a]
    picks = [p for answer in answered if isinstance(answer, list) for p in answer]
    if len(answered) >= 5:
        assert choice.respondents == len(answered)
        assert choice.counts == {p: picks.count(p) for p in sorted(set(picks))}
    else:
        # Fewer than k answered the follow-up: neither the counts nor how many answered show.
        assert choice.respondents is None
        assert choice.counts is None
        assert choice.suppression is not None


def test_choice_counts_follow_the_answers(make_class: MakeClass) -> None:
    data = make_class("A", "甲基地", 40, seed=12, shift=-1.8)
    answered = [a["dissatisfied"] for a in data.answers if "dissatisfied" in a]
    assert len(answered) >= 5
    report = build_report([data, make_class("B", "乙基地", 30, seed=13)])
    group = report.training_class("A")
    assert group is not None
    (choice,) = group.choices
    picks = [p for answer in answered if isinstance(answer, list) for p in answer]
    assert choice.key == "dissatisfied"
    assert choice.respondents == len(answered)
    assert choice.counts == {p: picks.count(p) for p in sorted(set(picks))}


def test_base_and_programme_figures_equal_those_of_the_pooled_responses(
    make_class: MakeClass, satisfaction_rules: ScoringRules
) -> None:
    classes = [
        make_class("A1", "甲基地", 30, seed=1),
        make_class("A2", "甲基地", 25, seed=2, shift=-0.3),
        make_class("B1", "乙基地", 40, seed=3, project=2),
    ]
    report = build_report(classes)
    base = report.base("甲基地")
    assert base is not None
    pooled = ClassInput(
        "pooled",
        1,
        "x",
        100,
        55,
        satisfaction_rules.version,
        # A base pools what the small-cell rule keeps of each class.
        [*eligible_input(classes[0]).answers, *eligible_input(classes[1]).answers],
        satisfaction_rules,
    )
    direct = build_report([pooled]).training_class("pooled")
    assert direct is not None
    for key in ("content.needs", "logistics.venue", "overall"):
        a, b = base.item(key), direct.item(key)
        assert a is not None
        assert b is not None
        assert (a.n, a.distribution) == (b.n, b.distribution)
        assert a.mean == pytest.approx(b.mean)
        assert a.sd == pytest.approx(b.sd)
    programmes = (build_report(classes[:2]).programme, build_report([pooled]).programme)
    for dimension_id in ("content", "logistics", "effect"):
        a_dim, b_dim = base.dimension(dimension_id), direct.dimension(dimension_id)
        assert a_dim is not None
        assert b_dim is not None
        assert a_dim.score is not None
        assert b_dim.score is not None
        assert a_dim.score.mean == pytest.approx(b_dim.score.mean)
        assert a_dim.score.high == pytest.approx(b_dim.score.high)
        # Alpha is reported for the programme only: the base's two classes pooled give the
        # alpha of their responses taken together.
        assert a_dim.reliability is None
        if dimension_id == "logistics":
            continue  # the rule kept different optional items per class: alpha not pooled
        pooled_alpha, direct_alpha = (
            getattr(programme.dimension(dimension_id), "reliability", None)
            for programme in programmes
        )
        assert pooled_alpha is not None
        assert direct_alpha is not None
        assert (pooled_alpha.alpha, pooled_alpha.low) == pytest.approx(
            (direct_alpha.alpha, direct_alpha.low)
        )
    assert base.overall is not None
    assert direct.overall is not None
    assert base.overall.n == direct.overall.n
    assert base.overall.mean == pytest.approx(direct.overall.mean)
    assert base.overall.low == pytest.approx(direct.overall.low)
    assert base.satisfaction.overall == direct.satisfaction.overall
    assert base.nps is not None
    assert direct.nps is not None
    assert base.nps.nps == direct.nps.nps
    assert report.programme.n == 95
    assert report.programme.participation.invited == 150
    assert [b.id for b in report.programme.children] == ["甲基地", "乙基地"]
    assert base.projects == (1,)


def test_small_class_is_hidden_with_a_sibling_and_every_figure_says_why(
    make_class: MakeClass,
) -> None:
    classes = [
        make_class("S", "甲基地", 3, seed=1, comments=("很好",)),
        make_class("M", "甲基地", 20, seed=2, comments=("实训时间偏少",)),
        make_class("L", "甲基地", 41, seed=3),
        make_class("B1", "乙基地", 45, seed=4, project=2),
    ]
    report = build_report(classes)
    small, medium, large = (report.training_class(c) for c in ("S", "M", "L"))
    assert small is not None
    assert medium is not None
    assert large is not None
    assert small.suppression is not None
    assert small.suppression.reason == "回答人数少于 5，不予显示"
    # No complementary suppression: the small class's answers are in no figure, so nothing
    # else needs hiding.
    assert medium.suppression is None
    assert large.suppression is None
    assert medium.comments == ("实训时间偏少",)
    hidden = small
    assert hidden.overall is None
    assert hidden.comments == ()
    assert all(i.mean is None and i.suppression is not None for i in hidden.items)
    assert all(d.score is None and d.suppression is not None for d in hidden.dimensions)
    assert hidden.satisfaction.overall is None
    assert hidden.satisfaction.overall_suppression is not None
    assert hidden.nps is not None
    assert hidden.nps.nps is None
    assert hidden.participation.responded == 3  # participation always shown
    base = report.base("甲基地")
    assert base is not None
    assert base.suppression is None
    assert base.overall is not None
    # The base is exactly its shown classes: subtracting them leaves nothing of S.
    assert base.n == medium.n + large.n == 61
    assert base.overall.n == medium.n + large.n
    assert report.programme.n == 61 + 45


def test_an_optional_item_few_answered_is_hidden_even_in_a_shown_class(
    make_class: MakeClass,
) -> None:
    data = make_class("A", "甲基地", 30, seed=5)
    trimmed = [dict(a) for a in data.answers]
    for answers in trimmed[3:]:
        answers.pop("logistics.catering", None)
    answers_with = sum("logistics.catering" in a for a in trimmed)
    assert 0 < answers_with < 5
    other = make_class("B", "甲基地", 30, seed=6)
    report = build_report(
        [
            ClassInput("A", 1, "甲基地", 50, 30, data.version, trimmed, data.rules),
            other,
        ]
    )
    group = report.training_class("A")
    assert group is not None
    assert group.suppression is None
    item = group.item("logistics.catering")
    assert item is not None
    assert item.mean is None
    assert item.suppression is not None
    assert item.suppression.code == "no_responses"  # blanked before computing: none left
    assert item.respondents is None
    # A's few answers are in no figure: the base's figure for the item is exactly B's, so
    # base − B reveals nothing and B need not be hidden.
    sibling = report.training_class("B")
    assert sibling is not None
    sibling_item = sibling.item("logistics.catering")
    base_group = report.base("甲基地")
    assert base_group is not None
    shown = base_group.item("logistics.catering")
    assert sibling_item is not None
    assert shown is not None
    assert sibling_item.mean is not None
    assert (shown.n, shown.distribution) == (sibling_item.n, sibling_item.distribution)
    assert shown.mean == pytest.approx(sibling_item.mean)
    assert group.item("content.needs") is not None


def _overall_score(rules: ScoringRules, answers: Mapping[str, Answer]) -> float:
    """The overall score of one response written out: the mean of its dimension means over the
    six agreement-scale dimensions (the overall item's dimension left out)."""
    means = []
    for dimension in rules.dimensions:
        if dimension.id == "overall":
            continue
        scores = [_scored(rules, dict(answers), item.field) for item in dimension.items]
        answered = [score for score in scores if not math.isnan(score)]
        if answered:
            means.append(statistics.fmean(answered))
    return statistics.fmean(means)


def test_comparison_of_bases(make_class: MakeClass) -> None:
    classes = [
        make_class(f"c{i}", f"基地{i:02d}", 45 + i, project=i + 1, seed=i, shift=0.08 * (i - 3))
        for i in range(6)
    ]
    classes.append(make_class("tiny", "小基地", 2, project=9, seed=99, invited=40))
    report = build_report(classes)
    comparison = report.comparison
    # Every base is listed; those whose figures are withheld say "回答不足" and show only their
    # participation, which is always public.
    assert [row.base for row in comparison.rows] == [*(f"基地{i:02d}" for i in range(6)), "小基地"]
    tiny = comparison.row("小基地")
    assert tiny is not None
    assert tiny.note == "回答不足"
    assert (tiny.primary, tiny.shrunken, tiny.rank, tiny.bounds, tiny.zone) == (None,) * 5
    assert tiny.participation.responded == 2
    # No complementary suppression: 小基地's answers are in no figure, so every other base shows.
    shown_ids = list(range(6))
    shown = {f"基地{i:02d}" for i in shown_ids}
    assert {row.base for row in comparison.rows if row.note is None} == shown

    # Unique measure ids: the overall score and the dimension called "overall" differ.
    measures = [t.measure for t in comparison.tests]
    assert measures == ["overall_score", *(f"dimension.{d.id}" for d in report.dimensions)]
    assert len(set(measures)) == len(measures)
    overall = comparison.tests[0]
    assert set(overall.bases) == shown

    # Kruskal–Wallis on the overall scores of the responses, recomputed by hand; no pairs.
    by_base = {
        f"基地{i:02d}": [
            _overall_score(classes[i].rules, a) for a in eligible_input(classes[i]).answers
        ]
        for i in shown_ids
    }
    reference = kruskal_wallis(list(by_base.values()))
    assert overall.kruskal is not None
    # Scores computed here and in the report differ by ~1e-16, which splits a few ties in one
    # and not the other (the report ranks unrounded floats): hence 1e-3, not 1e-6.
    assert overall.kruskal.statistic == pytest.approx(reference.statistic, rel=1e-3)
    assert not hasattr(overall, "pairs")

    # Pairwise tests on the primary indicator only, Holm over all of the pairs.
    counts = {
        f"基地{i:02d}": (
            sum(v >= 4 for v in _ints(classes[i].answers, "overall")),
            len(classes[i].answers),
        )
        for i in shown_ids
    }
    assert len(comparison.pairs) == len(shown) * (len(shown) - 1) // 2
    raw = [pair.pvalue for pair in comparison.pairs]
    for pair in comparison.pairs:
        (s1, n1), (s2, n2) = counts[pair.first], counts[pair.second]
        assert pair.pvalue == pytest.approx(sps.fisher_exact([[s1, n1 - s1], [s2, n2 - s2]]).pvalue)
        # Holm by hand: no adjusted p is below its raw p times the number of pairs not smaller.
        larger_or_equal = sum(p >= pair.pvalue for p in raw)
        assert pair.p_holm >= min(1.0, pair.pvalue * larger_or_equal) - 1e-12

    # Funnel around the programme's rate (all responses), with the shown bases as points and
    # the overdispersion estimate.
    assert comparison.funnel is not None
    programme_rate = report.programme.satisfaction.overall
    assert programme_rate is not None
    assert comparison.funnel.target == pytest.approx(programme_rate.rate)
    assert {p.label for p in comparison.funnel.points} == shown
    assert comparison.funnel.dispersion is not None
    # The response-rate funnel has every base with invitations, the withheld ones too.
    assert comparison.response_funnel is not None
    assert {p.label for p in comparison.response_funnel.points} == {r.base for r in comparison.rows}

    # Shrunken estimates: the conjugate posterior under the fitted prior, by hand.
    prior = comparison.prior
    assert prior is not None
    for name, (satisfied, answered) in counts.items():
        row = comparison.row(name)
        assert row is not None
        assert row.primary == wilson(satisfied, answered)
        assert row.shrunken is not None
        assert row.shrunken.estimate == pytest.approx(
            (prior.alpha + satisfied) / (prior.alpha + prior.beta + answered)
        )
        assert row.rank is not None
        assert 1 <= row.rank.low <= row.rank.rank <= row.rank.high <= len(shown)
    # Rank intervals: deterministic.
    again = build_report(classes)
    assert [r.rank for r in again.comparison.rows] == [r.rank for r in comparison.rows]


def test_a_base_below_the_minimum_gets_no_rank(make_class: MakeClass) -> None:
    classes = [
        make_class(f"c{i}", f"基地{i}", 40, project=i + 1, seed=i, shift=0.1 * i) for i in range(4)
    ]
    classes.append(make_class("small", "小基地", 12, project=9, seed=50))
    comparison = build_report(classes).comparison
    small = comparison.row("小基地")
    assert small is not None
    assert small.primary is not None
    assert small.shrunken is not None
    assert small.rank is None
    assert small.rank_note == f"答题人数少于 {comparison.min_ranked}，不排名"
    ranked = [row.rank for row in comparison.rows if row.rank is not None]
    assert sorted(rank.rank for rank in ranked) == [1, 2, 3, 4]


def test_funnel_names_a_base_far_below_the_programme(make_class: MakeClass) -> None:
    classes = [make_class(f"c{i}", f"基地{i}", 50, seed=i, project=i) for i in range(8)]
    low = make_class("low", "问题基地", 50, seed=100, shift=-1.6, project=20)
    report = build_report([*classes, low])
    funnel = report.comparison.funnel
    assert funnel is not None
    assert "问题基地" in [p.label for p in funnel.outside(998)]


def test_low_response_rate_is_marked(make_class: MakeClass) -> None:
    report = build_report(
        [make_class("A", "甲", 20, invited=50), make_class("B", "乙", 30, invited=50)],
        ReportSettings(low_response_rate=0.5),
    )
    a, b = report.training_class("A"), report.training_class("B")
    assert a is not None
    assert b is not None
    assert a.participation.low is True
    assert b.participation.low is False
    assert report.training_class("A") is not None
    no_roster = build_report([make_class("C", "丙", 10, invited=0)])
    group = no_roster.training_class("C")
    assert group is not None
    assert group.participation.rate is None
    assert group.participation.low is False


def test_teaching_matrix_per_course_and_teacher(teaching_rules: ScoringRules) -> None:
    rng = np.random.default_rng(8)
    answers = teaching_answers(teaching_rules, 30, rng, skip={"c04": 27})
    data = ClassInput(
        "T", 1, "甲基地", 32, 30, teaching_rules.version, answers, teaching_rules, PLAN
    )
    report = build_report([data])
    group = report.training_class("T")
    assert group is not None
    assert group.teaching is not None
    courses = {c.course: c for c in group.teaching.courses}
    assert list(courses) == ["c01", "c02", "c03", "c04"]
    c02 = courses["c02"]
    assert (c02.name, c02.teacher, c02.kind, c02.hours) == (
        "数控编程实训",
        "李老师",
        "practice",
        16.0,
    )
    subs = ("content", "delivery", "practicality", "overall")
    expected = statistics.fmean(
        statistics.fmean(_ints([a], f"teaching.c02.{s}")[0] for s in subs) for a in answers
    )
    assert c02.score is not None
    assert c02.score.mean == pytest.approx(expected)
    assert [i.key for i in c02.items] == [
        "teaching.c02.content",
        "teaching.c02.delivery",
        "teaching.c02.practicality",
        "teaching.c02.overall",
    ]
    # c04 was rated by only 3 trainees: hidden, and its teacher's only course, so the teacher
    # 赵老师 too (teacher = course); the other teachers stay shown.
    assert sum("teaching.c04.overall" in a for a in answers) == 3
    assert courses["c04"].respondents is None  # a count below k is not shown either
    assert courses["c04"].suppression is not None
    assert courses["c04"].score is None
    assert all(i.suppression is not None for i in courses["c04"].items)
    teachers = {t.teacher: t for t in group.teaching.teachers}
    assert teachers["赵老师"].suppression is not None
    assert teachers["李老师"].courses == ("c02", "c03")
    li = teachers["李老师"].score
    assert li is not None
    assert li.mean == pytest.approx(
        statistics.fmean(
            statistics.fmean(
                _ints([a], f"teaching.{c}.{s}")[0] for c in ("c02", "c03") for s in subs
            )
            for a in answers
        )
    )
    # c04's three ratings are in no figure: the class's pooled "delivery" item is exactly the
    # shown courses, so subtracting them leaves nothing.
    delivery_fields = [
        i for c in group.teaching.courses for i in c.items if i.key.endswith("delivery")
    ]
    assert [i.suppression is not None for i in delivery_fields] == [False, False, False, True]
    pooled = group.item("teaching.*.delivery")
    assert pooled is not None
    assert pooled.n == sum(i.n or 0 for i in delivery_fields) == 90
    # Practical hours: (16 + 12) / 42 against the notice's 50 %.
    assert group.practical is not None
    assert group.practical.share == pytest.approx(28 / 42)
    assert group.practical.required == 0.5
    assert group.practical.meets is True
    # The 评教 has no overall satisfaction item: no funnel, and the report says why.
    assert report.comparison.funnel is None
    assert report.comparison.funnel_note is not None
    assert "主要指标" in report.comparison.funnel_note
    # Without a primary indicator a shown base is not "回答不足": it just has no 满意率.
    assert [row.note for row in report.comparison.rows] == [None]
    assert report.comparison.pairs == ()
    assert report.comparison.prior is None
    # Pooled matrix items at class level: ratings over courses, no Wilson interval.
    pooled = group.item("teaching.*.overall")
    assert pooled is not None
    assert pooled.n == 30 * 3  # c04's 3 ratings are withheld
    assert pooled.top_two is None
    info = {i.key: i for i in report.items}["teaching.*.overall"]
    assert info.label == "总体评价"
    assert info.matrix is True
    # Alpha over the courses (programme level only, here one class), listwise: only the 3 who
    # rated all four courses answered every item, but c04 is withheld, so alpha is over the
    # three courses all 30 rated.
    assert group.dimension("content") is not None
    content = report.programme.dimension("content")
    assert content is not None
    assert content.score is not None
    assert content.reliability is not None
    assert (content.reliability.n, content.reliability.items) == (30, 3)
    full = build_report(
        [
            ClassInput(
                "U",
                1,
                "乙",
                30,
                30,
                teaching_rules.version,
                teaching_answers(teaching_rules, 30, rng),
                teaching_rules,
                PLAN,
            )
        ]
    )
    full_content = full.programme.dimension("content")
    assert full_content is not None
    assert full_content.reliability is not None
    assert full_content.reliability.n == 30
    assert set(full_content.item_rest or {}) == {f"teaching.c0{i}.content" for i in range(1, 5)}


def test_alpha_of_matrix_dimensions_is_not_pooled_across_classes(
    teaching_rules: ScoringRules,
) -> None:
    rng = np.random.default_rng(9)
    classes = [
        ClassInput(
            cid, 1, "甲基地", 30, 30, teaching_rules.version,
            teaching_answers(teaching_rules, 30, rng), teaching_rules, PLAN,
        )
        for cid in ("T1", "T2")
    ]  # fmt: skip
    report = build_report(classes)
    base = report.base("甲基地")
    assert base is not None
    content = report.programme.dimension("content")
    assert content is not None
    assert content.score is not None
    assert content.reliability is None
    assert content.reliability_note == "各班的题目（课程）不同，无法合并计算信度"
    assert base.practical is not None
    assert base.practical.classes_with_plan == 2


def test_invalid_input_is_rejected(
    make_class: MakeClass, satisfaction_rules: ScoringRules, teaching_rules: ScoringRules
) -> None:
    with pytest.raises(ValueError, match="at least one class"):
        build_report([])
    with pytest.raises(ValueError, match="duplicate"):
        build_report([make_class("A", "甲", 5), make_class("A", "乙", 5)])
    teaching = ClassInput("T", 1, "甲", 1, 0, teaching_rules.version, [], teaching_rules, PLAN)
    with pytest.raises(ValueError, match="different questionnaires"):
        build_report([make_class("A", "甲", 5), teaching])
    with pytest.raises(ValueError, match="version"):
        ClassInput("X", 1, "甲", 1, 1, "0" * 64, [], satisfaction_rules)
    bad = [dict(a) for a in satisfaction_answers(satisfaction_rules, 5, np.random.default_rng(1))]
    bad[2]["content.needs"] = 7
    with pytest.raises(ValueError, match="outside"):
        build_report(
            [ClassInput("B", 1, "甲", 5, 5, satisfaction_rules.version, bad, satisfaction_rules)]
        )


def test_classes_without_responses_and_groups_of_exactly_k(make_class: MakeClass) -> None:
    report = build_report(
        [make_class("empty", "甲", 0), make_class("five", "甲", 5), make_class("big", "乙", 40)]
    )
    empty, five = report.training_class("empty"), report.training_class("five")
    assert empty is not None
    assert five is not None
    assert empty.suppression is not None
    assert empty.suppression.code == "no_responses"
    assert five.suppression is None
    assert five.overall is not None
    base = report.base("甲")
    assert base is not None
    assert base.suppression is None


def test_two_questionnaire_versions_are_matched_by_field(
    make_class: MakeClass, satisfaction_rules: ScoringRules
) -> None:
    # Version 2 drops the item content.frontier; everything else is unchanged.
    text = builtin_text("satisfaction")
    block = text[text.index('id = "content.frontier"') - len("[[pages.items]]\n") :]
    block = block[: block.index("[[pages.items]]", 1)]
    rules2 = scoring_rules(parse_definition(text.replace(block, ""), "v2.toml"), None)
    assert rules2.version != satisfaction_rules.version
    assert rules2.item("content.frontier") is None
    old = make_class("A", "甲基地", 30, seed=1)
    answers = [
        {k: v for k, v in a.items() if k != "content.frontier"}
        for a in satisfaction_answers(rules2, 30, np.random.default_rng(2))
    ]
    new = ClassInput("B", 1, "甲基地", 30, 30, rules2.version, answers, rules2)
    report = build_report([old, new])
    base = report.base("甲基地")
    assert base is not None
    assert set(base.versions) == {satisfaction_rules.version, rules2.version}
    frontier = base.item("content.frontier")
    assert frontier is not None
    assert frontier.n == 30  # only version 1 asked it
    needs = base.item("content.needs")
    assert needs is not None
    assert needs.n == 60
    content = report.programme.dimension("content")
    assert content is not None
    assert content.score is not None
    assert content.score.n == 60
    assert content.reliability is None  # different item sets: no pooled alpha
    management = report.programme.dimension("management")
    assert management is not None
    assert management.reliability is not None
    assert management.reliability.n == 60


def _independent_content(rules: ScoringRules, n: int) -> list[dict[str, Answer]]:
    """Answers whose content items are drawn independently of each other: alpha near zero."""
    rng = np.random.default_rng(4)
    answers = satisfaction_answers(rules, n, rng)
    for answer in answers:
        for item in rules.dimensions[0].items:
            answer[item.field] = int(rng.integers(1, 6))
    return answers


@pytest.mark.parametrize(
    ("make_answers", "note"),
    [
        # Items that share nothing: alpha below 0.5.
        (lambda rules: _independent_content(rules, 40), "α 低于 0.5"),
        # Six responses: alpha above 0.5, but its Feldt interval reaches below 0.
        (
            lambda rules: satisfaction_answers(rules, 6, np.random.default_rng(5)),
            "α 的置信区间下限为负",
        ),
    ],
)
def test_a_doubtful_alpha_carries_a_chinese_note(
    satisfaction_rules: ScoringRules,
    make_answers: Callable[[ScoringRules], list[dict[str, Answer]]],
    note: str,
) -> None:
    answers = make_answers(satisfaction_rules)
    n = len(answers)
    data = ClassInput("R", 1, "甲", n, n, satisfaction_rules.version, answers, satisfaction_rules)
    content = build_report([data]).programme.dimension("content")
    assert content is not None
    assert content.reliability is not None
    items = satisfaction_rules.dimensions[0].items
    reference = cronbach_alpha(
        [[_scored(satisfaction_rules, dict(a), i.field) for i in items] for a in answers]
    )
    assert reference is not None
    assert content.reliability.alpha == pytest.approx(reference.alpha)
    assert content.reliability.low == pytest.approx(reference.low)
    assert (reference.alpha < 0.5) == (note == "α 低于 0.5")
    assert reference.low < 0
    assert content.reliability_note is not None
    assert content.reliability_note.startswith(note)
