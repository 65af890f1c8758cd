"""Chinese wording shared by the exports, the charts and the result pages, so that a funnel zone,
a test or a term reads the same everywhere.

Pure functions of the report's figures: the pages and the workbook print these sentences and never
compute a statistic themselves.
"""

from __future__ import annotations

from reporting.comparison import MIN_RANKED_ANSWERS
from reporting.model import BaseComparison, ComparisonTest
from reporting.stats.funnel import Funnel, Zone
from reporting.stats.proportions import RatePair

__all__ = [
    "ALPHA",
    "CHART_CAPTIONS",
    "GLOSSARY",
    "QUESTIONNAIRE_LABELS",
    "ZONE_LABELS",
    "dispersion_sentence",
    "effect_size_word",
    "kruskal_sentence",
    "p_text",
    "pair_sentence",
    "pairs_summary",
]

#: The level below which a (Holm-adjusted) p value is called a clear difference.
ALPHA = 0.05

#: The built-in questionnaires by their Chinese names.
QUESTIONNAIRE_LABELS: dict[str, str] = {"satisfaction": "满意度调查", "teaching": "评教"}

ZONE_LABELS: dict[Zone, str] = {
    "above_998": "高于 99.8% 上限（标出）",
    "above_95": "高于 95% 上限",
    "within": "在控制限内",
    "below_95": "低于 95% 下限",
    "below_998": "低于 99.8% 下限（标出）",
}

#: (key, term, explanation): the JSON export keys the explanations by ``key``; the workbook's
#: 说明 sheet and the comparison page's 术语说明 print the Chinese ``term``.
GLOSSARY: tuple[tuple[str, str, str], ...] = (
    (
        "primary",
        "满意率（主要指标）",
        "总体满意度题回答“满意”或“非常满意”（最高两档）的人数占答题人数的比例；各处首先列出",
    ),
    (
        "response_rate",
        "回答率",
        "回答人数 ÷ 邀请人数。邀请人数是发放问卷链接的学员数，回答人数是提交了答卷的学员数；"
        "与满意率并列的指标，另作漏斗图",
    ),
    (
        "wilson",
        "95% 置信区间（Wilson 区间）",
        "比例的不确定范围：人数越少区间越宽。两个基地的区间大幅重叠时，不能说二者有差别",
    ),
    (
        "nonresponse_bounds",
        "未作答者的最坏情形（Manski 界）",
        "假设没有回答的学员全部不满意、或全部满意时，全体邀请学员中的满意率；"
        "回答率低时两端相距很远，说明结果可能受未回答者影响",
    ),
    ("item_score", "题目得分", "学员所选的档次；反向计分题按 最小值 + 最大值 − 所选档次 计分"),
    (
        "dimension_score",
        "维度得分",
        "每份答卷在该维度已作答题目的得分平均值（未答题不计入），再对答卷求平均",
    ),
    (
        "overall_score",
        "总体得分",
        "每份答卷各计分维度得分的平均值（各维度权重相同，反向题已反向计分）；"
        "不含总体满意度题所在维度，所用维度见上表",
    ),
    (
        "top_two",
        "前两档占比",
        "计分后落在最高两档（5 点量表为 4、5）的比例；反向题为原始答案“不同意”“非常不同意”的比例",
    ),
    ("satisfaction_overall", "总体满意率", "总体满意度题的前两档占比，附 Wilson 区间"),
    (
        "satisfaction_averaged",
        "平均满意率",
        "每份答卷在各满意度题目中选最高两档的比例，再对答卷求平均",
    ),
    (
        "nps",
        "净推荐值（NPS）",
        "愿意推荐（9–10 分）的比例减不愿推荐（0–6 分）的比例，乘以 100，范围 −100 到 100",
    ),
    (
        "mean_interval",
        "均值的置信区间",
        "在量表范围内构造的 95% 区间（logit 变换），不会超出量表的最低、最高档",
    ),
    (
        "alpha",
        "内部一致性（Cronbach α）",
        "同一维度各题是否测量同一件事，0–1，越高越一致；低于 0.5 时该维度得分宜谨慎解读；"
        "只在全项目层面报告",
    ),
    ("pooled_matrix_item", "评教矩阵合并题", "评教矩阵的子题在各门课程合并计算"),
    (
        "funnel",
        "漏斗图",
        "横轴为人数，纵轴为比例；中间横线为全项目水平，两侧的喇叭形曲线为控制限（虚线 95%，"
        "实线 99.8%）。人数越少，偶然波动越大，控制限越宽。落在 99.8% 控制限以外的基地才"
        "值得关注（Spiegelhalter 2005）",
    ),
    (
        "dispersion",
        "过度离散（φ 与 τ）",
        "φ 衡量各基地之间的差别是否大于偶然波动所能解释的程度（φ ≈ 1 为正常）；"
        "差别明显偏大时，控制限按基地间标准差 τ 加宽，避免把正常的基地差异当成异常",
    ),
    (
        "shrinkage",
        "经验贝叶斯估计（收缩估计）",
        "把人数少的基地的满意率向全项目水平适当拉近后的估计，减少小样本偶然高低的影响；"
        "95% 区间为后验分布的分位数",
    ),
    (
        "ranks",
        "排名区间",
        f"按收缩估计排名，并给出 95% 区间：区间重叠的基地名次不宜区分；"
        f"答题人数少于 {MIN_RANKED_ANSWERS} 的基地不排名",
    ),
    (
        "pairs",
        "两两比较（Fisher 精确检验、Holm 校正）",
        "只对满意率逐对比较两个基地；因为比较的对数多，p 值按 Holm 方法一并校正，"
        "校正后 p < 0.05 才说“明显”高于或低于",
    ),
    (
        "kruskal",
        "基地间差异检验（Kruskal–Wallis 检验、效应量 ε²）",
        "检验各基地的得分分布是否相同，只回答“各基地之间有没有差别”，不指出哪两个不同；"
        "ε² 表示差别的大小（0–1），约 0.01 为小、0.08 为中等、0.26 以上为大",
    ),
    (
        "suppression",
        "小样本规则",
        "回答人数少于 k 的班级、作答或未作答人数少于 k 的题目在计算前即剔除，不进入任何数字；"
        "已发布的班级数字不再改变；回答不足的基地在比较中列出并注明“回答不足”",
    ),
    ("p_value", "p 值", "假如各基地实际上没有差别，仍看到这么大差别的概率；越小越说明差别不是偶然"),
)


#: What each chart shows and how to read it, under the chart on the pages and in the workbook.
CHART_CAPTIONS: dict[str, str] = {
    "funnel_primary": (
        "每个点是一个基地：横向位置是答题人数，纵向位置是满意率，编号对应图下的基地名单。"
        "中间横线是全项目满意率；两侧的喇叭形曲线是控制限，人数越少，偶然波动越大，曲线张得越开。"
        "点落在曲线之间，说明与全项目的差别可能只是偶然；落在 99.8% 实线以外（红色）的基地"
        "才值得进一步了解。"
    ),
    "funnel_response": (
        "每个点是一个基地：横向位置是邀请人数，纵向位置是回答率，编号对应图下的基地名单。"
        "读法与满意率漏斗图相同：落在 99.8% 实线以外（红色）的基地，回答率明显偏离全项目。"
    ),
    "ranks": (
        "每一行是一个基地，圆点是它按收缩估计的名次（1 为最好），横线是名次可能落在的范围"
        "（95% 区间）。两个基地的横线重叠，就不能说谁排在前面。"
    ),
    "ranks_workbook": (
        "每一行是一个基地，横条是它按收缩估计的名次可能落在的范围（95% 区间，1 为最好），"
        "名次本身见上表。两个基地的横条重叠，就不能说谁排在前面。"
    ),
    "funnel_workbook": (
        "每个点是一个基地（名单和数值见上表）：横向位置是人数，纵向位置是比例。中间横线是"
        "全项目水平，两侧的曲线是控制限，人数越少曲线张得越开；落在 99.8% 实线以外的基地"
        "才值得进一步了解。"
    ),
    "profile_workbook": (
        "每个维度两根条形：前一根是本基地的平均得分，后一根是全项目平均；95% 置信区间见上表。"
        "两者之差落在区间以内时，差别可能只是偶然。"
    ),
    "profile": (
        "每一行是一个维度：蓝色条形是本基地的平均得分，黑色细线是它的 95% 置信区间，"
        "红色竖线是全项目平均。细线越过红线时，本基地与全项目的差别可能只是偶然。"
    ),
}


def p_text(p: float) -> str:
    """``p = 0.004``, or ``p < 0.001`` for smaller values."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def pair_sentence(pair: RatePair, measure: str) -> str:
    """One pair in plain words, by its Holm-adjusted p value: "甲的满意率明显高于乙（p = 0.004）",
    or that the difference is not clear."""
    if pair.p_holm >= ALPHA:
        return f"{pair.first}与{pair.second}的{measure}差别不明显（校正后 {p_text(pair.p_holm)}）"
    higher, lower = (pair.first, pair.second) if pair.difference > 0 else (pair.second, pair.first)
    return f"{higher}的{measure}明显高于{lower}（校正后 {p_text(pair.p_holm)}）"


def pairs_summary(comparison: BaseComparison) -> tuple[str, ...]:
    """The pairs of bases whose primary indicator differs clearly after Holm's adjustment, one
    sentence each, smallest p first; a single sentence saying so when none does."""
    if comparison.primary_item is None:
        return ()
    measure = comparison.primary_label
    clear = sorted((p for p in comparison.pairs if p.p_holm < ALPHA), key=lambda p: p.p_holm)
    if not comparison.pairs:
        return (f"可比较{measure}的基地不足两个，不作两两比较。",)
    if not clear:
        return (f"在全部 {len(comparison.pairs)} 对基地中，没有哪两个基地的{measure}差别明显。",)
    return tuple(pair_sentence(pair, measure) + "。" for pair in clear)


def effect_size_word(epsilon_squared: float) -> str:
    """The size of a Kruskal–Wallis ε² in words, by the conventional cut-offs 0.01, 0.08 and
    0.26 (Mangiafico, *Summary and Analysis of Extension Program Evaluation in R*, 2016)."""
    if epsilon_squared < 0.01:
        return "极小"
    if epsilon_squared < 0.08:
        return "小"
    if epsilon_squared < 0.26:
        return "中等"
    return "大"


def kruskal_sentence(test: ComparisonTest) -> str:
    """Whether the bases differ on ``test``'s score, in plain words with p and ε²."""
    result = test.kruskal
    if result is None:
        return f"{test.label}：可比较的基地不足两个，不作检验。"
    bases, p = len(test.bases), p_text(result.pvalue)
    if result.pvalue < ALPHA:
        size = effect_size_word(result.epsilon_squared)
        return (
            f"{test.label}：{bases} 个基地之间有明显差别（{p}，"
            f"差别大小 ε² = {result.epsilon_squared:.3f}，属{size}）。"
        )
    return f"{test.label}：看不出 {bases} 个基地之间有差别（{p}）。"


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
