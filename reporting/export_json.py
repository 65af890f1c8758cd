"""The report as one JSON object (for the API and for anyone who wants to recompute a figure).

Items and dimensions are keyed by the questionnaire's field and dimension ids; each dimension
lists its items and which are reversed; ``definitions`` states in words how every score is
formed. A figure withheld by the small-cell rules is ``null`` and its object carries
``"suppressed": {"code": …, "reason": …}``; a shown figure has ``"suppressed": null``.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from reporting.model import (
    BaseComparison,
    ComparisonTest,
    DimensionFigures,
    GroupReport,
    ItemFigures,
    Report,
    TeachingFigures,
)
from reporting.stats.descriptive import MeanEstimate
from reporting.stats.funnel import Funnel, FunnelLimits
from reporting.stats.proportions import NetPromoter, Proportion
from reporting.stats.reliability import Reliability
from reporting.suppression import Suppression

__all__ = ["FORMAT", "report_json", "report_to_dict", "write_report_json"]

#: Identifies the layout of the object; bumped when a key changes meaning.
FORMAT = "zjgp-survey-report/1"

DEFINITIONS = {
    "item_score": "原始答案；反向计分题为 最小值 + 最大值 − 原始答案",
    "dimension_score": "每份答卷在该维度已作答题目的计分平均值（未答题不计入）",
    "overall_score": "每份答卷在全部维度已作答题目的计分平均值",
    "top_two": "计分后落在最高两档（5 点量表为 4、5）",
    "satisfaction_overall": "总体满意度题的前两档占比，Wilson 区间",
    "satisfaction_averaged": "每份答卷在满意率题目中前两档所占比例的平均值，t 区间",
    "nps": "推荐者（9–10）比例减贬损者（0–6）比例 × 100，区间为 Rocks (2016) 调整 Wald 法",
    "mean_interval": "均值的 Student t 区间",
    "alpha": "Cronbach α（整行删除缺失），Feldt 区间，题目–其余题目总分相关",
    "pooled_matrix_item": "评教矩阵子题在各课程合并，键中课程编号写作 *",
    "funnel": "Spiegelhalter (2005) 漏斗图，精确二项控制限（附录 A.1.1 插值），95% 与 99.8%",
    "comparison": "Kruskal–Wallis 检验与 ε²；Dunn 两两比较（结校正，Holm 校正）；Cliff δ",
    "ranks": "各基地内有放回自助抽样的排名区间（固定随机种子，可复现）",
    "suppression": "回答人数少于 k 的组不显示任何数字；为防止由合计推算，另行隐藏必要的组",
}


def _number(value: float | None) -> float | None:
    # JSON has no NaN or infinity; a figure that is not a number is absent.
    if value is None or not math.isfinite(value):
        return None
    return value


def _suppressed(suppression: Suppression | None) -> dict[str, str] | None:
    if suppression is None:
        return None
    return {"code": suppression.code, "reason": suppression.reason}


def _mean(estimate: MeanEstimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {
        "n": estimate.n,
        "mean": _number(estimate.mean),
        "sd": _number(estimate.sd),
        "low": _number(estimate.low),
        "high": _number(estimate.high),
    }


def _proportion(proportion: Proportion | None) -> dict[str, Any] | None:
    if proportion is None:
        return None
    return {
        "successes": proportion.successes,
        "n": proportion.n,
        "rate": _number(proportion.rate),
        "low": _number(proportion.low),
        "high": _number(proportion.high),
    }


def _nps(nps: NetPromoter | None) -> dict[str, Any] | None:
    if nps is None:
        return None
    return {
        "n": nps.n,
        "promoters": nps.promoters,
        "passives": nps.passives,
        "detractors": nps.detractors,
        "score": _number(nps.score),
        "low": _number(nps.low),
        "high": _number(nps.high),
    }


def _reliability(reliability: Reliability | None) -> dict[str, Any] | None:
    if reliability is None:
        return None
    return {
        "alpha": _number(reliability.alpha),
        "low": _number(reliability.low),
        "high": _number(reliability.high),
        "n": reliability.n,
        "items": reliability.items,
    }


def _item(item: ItemFigures) -> dict[str, Any]:
    return {
        "suppressed": _suppressed(item.suppression),
        "respondents": item.respondents,
        "n": item.n,
        "mean": _number(item.mean),
        "sd": _number(item.sd),
        "distribution": (
            None if item.distribution is None else {str(k): v for k, v in item.distribution.items()}
        ),
        "top_two": _proportion(item.top_two),
        "top_two_rate": _number(item.top_two_rate),
    }


def _dimension(dimension: DimensionFigures) -> dict[str, Any]:
    return {
        "suppressed": _suppressed(dimension.suppression),
        "respondents": dimension.respondents,
        "score": _mean(dimension.score),
        "alpha": _reliability(dimension.reliability),
        "item_rest": (
            None
            if dimension.item_rest is None
            else {key: _number(value) for key, value in dimension.item_rest.items()}
        ),
        "alpha_note": dimension.reliability_note,
    }


def _teaching(teaching: TeachingFigures | None) -> dict[str, Any] | None:
    if teaching is None:
        return None
    return {
        "courses": [
            {
                "course": course.course,
                "name": course.name,
                "teacher": course.teacher,
                "kind": course.kind,
                "hours": course.hours,
                "respondents": course.respondents,
                "suppressed": _suppressed(course.suppression),
                "score": _mean(course.score),
                "items": {item.key: _item(item) for item in course.items},
            }
            for course in teaching.courses
        ],
        "teachers": [
            {
                "teacher": teacher.teacher,
                "courses": list(teacher.courses),
                "respondents": teacher.respondents,
                "suppressed": _suppressed(teacher.suppression),
                "score": _mean(teacher.score),
            }
            for teacher in teaching.teachers
        ],
    }


def _group(group: GroupReport) -> dict[str, Any]:
    participation = group.participation
    satisfaction = group.satisfaction
    out: dict[str, Any] = {
        "level": group.level,
        "id": group.id,
        "name": group.name,
        "projects": list(group.projects),
        "versions": list(group.versions),
        "participation": {
            "invited": participation.invited,
            "responded": participation.responded,
            "rate": _number(participation.rate),
            "low": participation.low,
        },
        "n": group.n,
        "suppressed": _suppressed(group.suppression),
        "overall_score": {
            "suppressed": _suppressed(group.overall_suppression),
            "value": _mean(group.overall),
        },
        "items": {item.key: _item(item) for item in group.items},
        "dimensions": {d.id: _dimension(d) for d in group.dimensions},
        "choices": {
            c.key: {
                "suppressed": _suppressed(c.suppression),
                "respondents": c.respondents,
                "counts": c.counts,
            }
            for c in group.choices
        },
        "satisfaction": {
            "overall_item": satisfaction.overall_item,
            "overall": {
                "suppressed": _suppressed(satisfaction.overall_suppression),
                "value": _proportion(satisfaction.overall),
            },
            "items": list(satisfaction.items),
            "averaged": {
                "suppressed": _suppressed(satisfaction.averaged_suppression),
                "value": _mean(satisfaction.averaged),
            },
        },
        "nps": (
            None
            if group.nps is None
            else {
                "item": group.nps.item,
                "respondents": group.nps.respondents,
                "suppressed": _suppressed(group.nps.suppression),
                "value": _nps(group.nps.nps),
            }
        ),
        "practical": (
            None
            if group.practical is None
            else {
                "practical_hours": group.practical.practical_hours,
                "total_hours": group.practical.total_hours,
                "share": _number(group.practical.share),
                "required": group.practical.required,
                "meets": group.practical.meets,
                "classes_with_plan": group.practical.classes_with_plan,
            }
        ),
        "teaching": _teaching(group.teaching),
        "comments": list(group.comments),
    }
    if group.level == "programme":
        out["bases"] = [_group(child) for child in group.children]
    elif group.level == "base":
        out["classes"] = [_group(child) for child in group.children]
    return out


def _test(test: ComparisonTest) -> dict[str, Any]:
    kruskal = test.kruskal
    return {
        "measure": test.measure,
        "label": test.label,
        "bases": list(test.bases),
        "kruskal_wallis": (
            None
            if kruskal is None
            else {
                "h": _number(kruskal.statistic),
                "df": kruskal.df,
                "p": _number(kruskal.pvalue),
                "epsilon_squared": _number(kruskal.epsilon_squared),
                "n": kruskal.n,
            }
        ),
        "pairs": [
            {
                "first": pair.first,
                "second": pair.second,
                "z": _number(pair.z),
                "p": _number(pair.pvalue),
                "p_holm": _number(pair.p_holm),
                "cliffs_delta": _number(pair.delta),
                "magnitude": pair.magnitude,
            }
            for pair in test.pairs
        ],
    }


def _limits(limits: FunnelLimits) -> dict[str, Any]:
    return {
        "n": limits.n,
        "lower95": limits.lower95,
        "upper95": limits.upper95,
        "lower998": limits.lower998,
        "upper998": limits.upper998,
    }


def _funnel(funnel: Funnel | None) -> dict[str, Any] | None:
    if funnel is None:
        return None
    return {
        "target": funnel.target,
        "method": funnel.method,
        "points": [
            {
                "base": point.label,
                "successes": point.successes,
                "n": point.n,
                "rate": point.rate,
                "zone": point.zone,
                "limits": _limits(point.limits),
            }
            for point in funnel.points
        ],
        "outside95": [point.label for point in funnel.outside(95)],
        "outside998": [point.label for point in funnel.outside(998)],
    }


def _comparison(comparison: BaseComparison) -> dict[str, Any]:
    return {
        "excluded": [{"base": base, "reason": reason} for base, reason in comparison.excluded],
        "tests": [_test(test) for test in comparison.tests],
        "funnel": _funnel(comparison.funnel),
        "funnel_note": comparison.funnel_note,
        "ranks": [
            {
                "base": rank.label,
                "n": rank.n,
                "mean": rank.estimate,
                "rank": rank.rank,
                "low": rank.low,
                "high": rank.high,
            }
            for rank in comparison.ranks
        ],
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data (dicts, lists, str, int, float, bool, None)."""
    return {
        "format": FORMAT,
        "questionnaire": report.questionnaire,
        "k": report.k,
        "level": report.level,
        "low_response_rate": report.low_response_rate,
        "bootstrap": {"seed": report.seed, "reps": report.bootstrap_reps},
        "definitions": DEFINITIONS,
        "items": {
            info.key: {
                "label": info.label,
                "dimension": info.dimension,
                "minimum": info.minimum,
                "maximum": info.maximum,
                "reverse": info.reverse,
                "matrix": info.matrix,
                "satisfaction": info.satisfaction,
            }
            for info in report.items
        },
        "dimensions": {
            info.id: {
                "label": info.label,
                "items": list(info.items),
                "reversed": list(info.reversed_items),
                "matrix": info.matrix,
            }
            for info in report.dimensions
        },
        "programme": _group(report.programme),
        "comparison": _comparison(report.comparison),
    }


def report_json(report: Report, *, indent: int | None = None) -> str:
    """The report as a JSON text (UTF-8 characters kept as they are, no NaN)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=indent, allow_nan=False)


def write_report_json(report: Report, path: str | os.PathLike[str]) -> None:
    """Write :func:`report_json` (indented) to ``path`` as UTF-8."""
    Path(path).write_text(report_json(report, indent=2) + "\n", encoding="utf-8")
