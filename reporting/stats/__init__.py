"""Statistics for the reports: each module holds one family, each function is checked in
``tests/reporting`` against an independent reference value."""

from reporting.stats.descriptive import MeanEstimate, Moments, distribution, mean_ci, t_interval
from reporting.stats.funnel import (
    Funnel,
    FunnelLimits,
    FunnelPoint,
    control_limit,
    control_limits,
    funnel,
    funnel_limits,
)
from reporting.stats.nonparametric import (
    DunnPair,
    KruskalWallis,
    cliffs_delta,
    cliffs_delta_matrix,
    delta_magnitude,
    dunn_test,
    holm,
    kruskal_wallis,
)
from reporting.stats.proportions import NetPromoter, Proportion, net_promoter, nps_counts, wilson
from reporting.stats.ranking import RankInterval, bootstrap_rank_intervals
from reporting.stats.reliability import (
    CrossProducts,
    Reliability,
    alpha_from_cross_products,
    cronbach_alpha,
)

__all__ = [
    "CrossProducts",
    "DunnPair",
    "Funnel",
    "FunnelLimits",
    "FunnelPoint",
    "KruskalWallis",
    "MeanEstimate",
    "Moments",
    "NetPromoter",
    "Proportion",
    "RankInterval",
    "Reliability",
    "alpha_from_cross_products",
    "bootstrap_rank_intervals",
    "cliffs_delta",
    "cliffs_delta_matrix",
    "control_limit",
    "control_limits",
    "cronbach_alpha",
    "delta_magnitude",
    "distribution",
    "dunn_test",
    "funnel",
    "funnel_limits",
    "holm",
    "kruskal_wallis",
    "mean_ci",
    "net_promoter",
    "nps_counts",
    "t_interval",
    "wilson",
]
