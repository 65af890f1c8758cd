"""Chinese wording shared by the exports, the charts and the result pages, so that a funnel zone
or an overdispersion test reads the same everywhere."""

from __future__ import annotations

from reporting.stats.funnel import Funnel, Zone

__all__ = ["ZONE_LABELS", "dispersion_sentence"]

ZONE_LABELS: dict[Zone, str] = {
    "above_998": "高于 99.8% 上限（标出）",
    "above_95": "高于 95% 上限",
    "within": "在控制限内",
    "below_95": "低于 95% 下限",
    "below_998": "低于 99.8% 下限（标出）",
}


def dispersion_sentence(funnel: Funnel) -> str:
    """φ, the χ² test and τ of ``funnel`` in one sentence, and which limits are in force."""
    dispersion = funnel.dispersion
    if dispersion is None:
        return "基地不足两个或全项目比例为 0 或 100%，不估计过度离散；控制限为精确二项限"
    test = (
        f"过度离散 φ = {dispersion.phi:.2f}（z 分数 10% 缩尾），χ² = {dispersion.chi2:.1f}"
        f"（自由度 {dispersion.df}，p = {dispersion.pvalue:.3g}）"
    )
    if dispersion.overdispersed:
        return f"{test}；控制限已按 DerSimonian–Laird 基地间标准差 τ = {dispersion.tau:.3f} 加宽"
    return f"{test}；未见过度离散（τ = 0），控制限为精确二项限"
