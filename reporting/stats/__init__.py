"""Statistics for the reports: each module holds one family, each function is checked in
``tests/reporting`` against an independent reference value."""

from reporting.stats.descriptive import (
    MeanEstimate,
    Moments,
    bounded_interval,
    distribution,
    mean_ci,
    t_interval,
)
from reporting.stats.funnel import (
    Funnel,
    FunnelLimits,
    FunnelPoint,
    control_limit,
    control_limits,
    funnel,
    funnel_limits,
)
from reporting.stats.nonparametric import KruskalWallis, holm, kruskal_wallis
from reporting.stats.overdispersion import (
    Heterogeneity,
    Overdispersion,
    dersimonian_laird,
    overdispersion,
)
from reporting.stats.proportions import (
    Bounds,
    NetPromoter,
    Proportion,
    RatePair,
    net_promoter,
    nonresponse_bounds,
    nps_counts,
    rate_pairs,
    wilson,
)
from reporting.stats.reliability import (
    CrossProducts,
    Reliability,
    alpha_from_cross_products,
    cronbach_alpha,
)
from reporting.stats.shrinkage import (
    BetaBinomialFit,
    PosteriorRank,
    ShrunkenRate,
    fit_beta_binomial,
    posterior_rank_intervals,
    shrink,
)

__all__ = [
    "BetaBinomialFit",
    "Bounds",
    "CrossProducts",
    "Funnel",
    "FunnelLimits",
    "FunnelPoint",
    "Heterogeneity",
    "KruskalWallis",
    "MeanEstimate",
    "Moments",
    "NetPromoter",
    "Overdispersion",
    "PosteriorRank",
    "Proportion",
    "RatePair",
    "Reliability",
    "ShrunkenRate",
    "alpha_from_cross_products",
    "bounded_interval",
    "control_limit",
    "control_limits",
    "cronbach_alpha",
    "dersimonian_laird",
    "distribution",
    "fit_beta_binomial",
    "funnel",
    "funnel_limits",
    "holm",
    "kruskal_wallis",
    "mean_ci",
    "net_promoter",
    "nonresponse_bounds",
    "nps_counts",
    "overdispersion",
    "posterior_rank_intervals",
    "rate_pairs",
    "shrink",
    "t_interval",
    "wilson",
]
