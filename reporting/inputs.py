"""What the report is built from: one :class:`ClassInput` per training class.

The application (``survey``) reads released anonymous responses from the database and hands them
over as plain data; ``reporting`` never touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from questionnaires.plan import TrainingPlan
from questionnaires.scoring import ScoringRules

__all__ = ["Answer", "ClassInput", "ReportSettings"]

#: One answer as validated by ``questionnaires``: int for scales, str for single choice and free
#: text, list of str for multiple choice.
Answer = int | str | list[str]


@dataclass(frozen=True)
class ClassInput:
    """The released responses of one training class, with what is needed to score them.

    ``answers`` holds one dict per released response (in any order; the report never depends on
    it). ``rules`` are the class's scoring rules (for the 评教 matrix they depend on the class's
    ``plan``) and their ``version`` must equal ``version``. ``comments`` are free-text answers a
    reviewer has published; they are shown only where the class's figures are shown.
    """

    class_id: str
    project: int
    base: str
    invited: int
    responded: int
    version: str
    answers: Sequence[Mapping[str, Answer]]
    rules: ScoringRules
    plan: TrainingPlan | None = None
    name: str | None = None
    comments: tuple[str, ...] = ()
    #: Trainees who said their link was used by someone else ("不是我提交的"): a count only.
    contested: int = 0

    def __post_init__(self) -> None:
        if self.invited < 0 or self.responded < 0:
            raise ValueError(f"{self.class_id}: invited and responded cannot be negative")
        if self.rules.version != self.version:
            raise ValueError(
                f"{self.class_id}: scoring rules are for version {self.rules.version[:12]}, "
                f"the responses for {self.version[:12]}"
            )


@dataclass(frozen=True)
class ReportSettings:
    """Choices that change figures, recorded in every export so figures can be recomputed.

    ``k``: smallest group whose figures are shown. ``level``: confidence level of every interval.
    ``low_response_rate``: a group whose response rate is below it is marked — below one half,
    the non-respondents could change any conclusion (the Ministry reads such figures as weak).
    ``seed`` and ``bootstrap_reps``: the posterior draws behind the rank intervals (the name is
    older than the method), deterministic given the seed.
    """

    k: int = 5
    level: float = 0.95
    low_response_rate: float = 0.5
    seed: int = 20240416
    bootstrap_reps: int = 1000

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError("k must be at least 1")
        if not 0.0 < self.level < 1.0:
            raise ValueError("level must lie in (0, 1)")
        if not 0.0 <= self.low_response_rate <= 1.0:
            raise ValueError("low_response_rate must lie in [0, 1]")
        if self.bootstrap_reps < 1:
            raise ValueError("bootstrap_reps must be at least 1")
