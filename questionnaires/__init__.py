"""What is asked: questionnaire definitions, training plans, answer validation and scoring.

Pure Python: no database and no web code. The contracts with the other packages are in
docs/interfaces.md; the definition format and the decisions behind it in questionnaires/README.md.
"""

from questionnaires.describe import describe
from questionnaires.expand import Form, Page, Question, expand, is_shown
from questionnaires.loader import (
    BUILTIN_NAMES,
    builtin_text,
    load_builtin,
    load_definition,
    parse_definition,
)
from questionnaires.model import (
    Answer,
    Answers,
    Choice,
    Condition,
    Definition,
    DimensionDef,
    Item,
    ItemType,
    PageDef,
    Scale,
)
from questionnaires.plan import Course, TrainingPlan
from questionnaires.schema import DefinitionError
from questionnaires.scoring import Dimension, ScoredItem, ScoringRules, scoring_rules
from questionnaires.validation import (
    FORM_ERROR,
    ValidationResult,
    answers_to_raw,
    validate,
    validate_form,
    validate_form_page,
    validate_page,
)
from questionnaires.version import content_version, is_same_version

__all__ = [
    "BUILTIN_NAMES",
    "FORM_ERROR",
    "Answer",
    "Answers",
    "Choice",
    "Condition",
    "Course",
    "Definition",
    "DefinitionError",
    "Dimension",
    "DimensionDef",
    "Form",
    "Item",
    "ItemType",
    "Page",
    "PageDef",
    "Question",
    "Scale",
    "ScoredItem",
    "ScoringRules",
    "TrainingPlan",
    "ValidationResult",
    "answers_to_raw",
    "builtin_text",
    "content_version",
    "describe",
    "expand",
    "is_same_version",
    "is_shown",
    "load_builtin",
    "load_definition",
    "parse_definition",
    "scoring_rules",
    "validate",
    "validate_form",
    "validate_form_page",
    "validate_page",
]
