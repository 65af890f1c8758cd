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

from reporting.comparison import OVERALL_SCORE, dimension_measure
from reporting.model import (
    BaseComparison,
    BaseRow,
    ComparisonTest,
    DimensionFigures,
    GroupReport,
    ItemFigures,
    Participation,
    PrimaryFigures,
    Report,
    TeachingFigures,
)
from reporting.stats.descriptive import MeanEstimate
from reporting.stats.funnel import Funnel, FunnelLimits
from reporting.stats.overdispersion import Overdispersion
from reporting.stats.proportions import Bounds, NetPromoter, Proportion
from reporting.stats.reliability import Reliability
from reporting.suppression import Suppression
from reporting.wording import GLOSSARY

__all__ = ["FORMAT", "report_json", "report_to_dict", "write_report_json"]

#: Identifies the layout of the object; bumped when a key changes meaning.
FORMAT = "zjgp-survey-report/2"

#: What each figure means, keyed as in the rest of the object.
DEFINITIONS = {key: text for key, _, text in GLOSSARY}


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


def _bounds(bounds: Bounds | None) -> dict[str, Any] | None:
    if bounds is None:
        return None
    return {
        "invited": bounds.invited,
        "answered": bounds.answered,
        "successes": bounds.successes,
        "low": bounds.low,
        "high": bounds.high,
    }


def _participation(participation: Participation) -> dict[str, Any]:
    return {
        "invited": participation.invited,
        "responded": participation.responded,
        "rate": _number(participation.rate),
        "interval": _proportion(participation.interval),
        "low": participation.low,
    }


def _primary(primary: PrimaryFigures | None) -> dict[str, Any] | None:
    if primary is None:
        return None
    return {
        "measure": "primary",
        "item": primary.item,
        "label": primary.label,
        "suppressed": _suppressed(primary.suppression),
        "value": _proportion(primary.rate),
        "nonresponse_bounds": _bounds(primary.bounds),
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
    # The primary indicator comes first in every group object.
    out: dict[str, Any] = {
        "level": group.level,
        "id": group.id,
        "name": group.name,
        "projects": list(group.projects),
        "versions": list(group.versions),
        "primary": _primary(group.primary),
        "participation": _participation(participation),
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
    }


def _limits(limits: FunnelLimits) -> dict[str, Any]:
    return {
        "n": limits.n,
        "lower95": limits.lower95,
        "upper95": limits.upper95,
        "lower998": limits.lower998,
        "upper998": limits.upper998,
    }


def _dispersion(dispersion: Overdispersion | None) -> dict[str, Any] | None:
    if dispersion is None:
        return None
    return {
        "groups": dispersion.groups,
        "phi": _number(dispersion.phi),
        "chi2": _number(dispersion.chi2),
        "df": dispersion.df,
        "p": _number(dispersion.pvalue),
        "overdispersed": dispersion.overdispersed,
        "tau2": _number(dispersion.tau2),
        "tau": _number(dispersion.tau),
    }


def _funnel(funnel: Funnel | None, measure: str) -> dict[str, Any] | None:
    if funnel is None:
        return None
    return {
        "measure": measure,
        "target": funnel.target,
        "method": funnel.method,
        "overdispersion": _dispersion(funnel.dispersion),
        "points": [
            {
                "base": point.label,
                "successes": point.successes,
                "n": point.n,
                "rate": point.rate,
                "z": _number(point.z),
                "zone": point.zone,
                "limits": _limits(point.limits),
            }
            for point in funnel.points
        ],
        "outside95": [point.label for point in funnel.outside(95)],
        "flagged": [point.label for point in funnel.outside(998)],
    }


def _row(row: BaseRow) -> dict[str, Any]:
    shrunken = row.shrunken
    rank = row.rank
    return {
        "base": row.base,
        "note": row.note,
        "primary": _proportion(row.primary),
        "shrunken": (
            None
            if shrunken is None
            else {"estimate": shrunken.estimate, "low": shrunken.low, "high": shrunken.high}
        ),
        "nonresponse_bounds": _bounds(row.bounds),
        "rank": (
            None
            if rank is None
            else {"rank": rank.rank, "low": rank.low, "high": rank.high, "n": rank.n}
        ),
        "rank_note": row.rank_note,
        "zone": row.zone,
        "response_rate": _participation(row.participation),
        "response_zone": row.response_zone,
    }


def _comparison(comparison: BaseComparison) -> dict[str, Any]:
    prior = comparison.prior
    return {
        "primary_item": comparison.primary_item,
        "primary_label": comparison.primary_label,
        "bases": [_row(row) for row in comparison.rows],
        "prior": (
            None
            if prior is None
            else {
                "alpha": prior.alpha,
                "beta": prior.beta,
                "mean": prior.mean,
                "size": prior.size,
            }
        ),
        "shrinkage_note": comparison.shrinkage_note,
        "min_ranked": comparison.min_ranked,
        "funnel": _funnel(comparison.funnel, "primary"),
        "funnel_note": comparison.funnel_note,
        "response_funnel": _funnel(comparison.response_funnel, "response_rate"),
        "pairs": [
            {
                "measure": "primary",
                "first": pair.first,
                "second": pair.second,
                "difference": pair.difference,
                "p": _number(pair.pvalue),
                "p_holm": _number(pair.p_holm),
            }
            for pair in comparison.pairs
        ],
        "tests": [_test(test) for test in comparison.tests],
    }


def _measures(report: Report) -> dict[str, dict[str, str]]:
    measures = {
        "primary": {"label": report.comparison.primary_label, "kind": "rate"},
        "response_rate": {"label": "回答率", "kind": "rate"},
        OVERALL_SCORE: {"label": "总体得分", "kind": "score"},
    }
    for info in report.dimensions:
        measures[dimension_measure(info.id)] = {"label": info.label, "kind": "score"}
    return measures


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data (dicts, lists, str, int, float, bool, None)."""
    return {
        "format": FORMAT,
        "questionnaire": report.questionnaire,
        "k": report.k,
        "level": report.level,
        "low_response_rate": report.low_response_rate,
        "rank_draws": {"seed": report.seed, "draws": report.bootstrap_reps},
        "definitions": DEFINITIONS,
        "measures": _measures(report),
        "score_dimensions": list(report.score_dimensions),
        "items": {
            info.key: {
                "label": info.label,
                "shown_label": info.marked_label,
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
