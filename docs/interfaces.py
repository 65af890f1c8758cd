"""Write docs/interfaces.md from the code: the contracts between the packages, never copied by hand.

    .venv/bin/python docs/interfaces.py          # rewrite docs/interfaces.md
    .venv/bin/python docs/interfaces.py --check  # exit 1 if it is out of date (tests do this)

Each section names the objects it shows; a dataclass shows its fields as its source declares
them (with their comments), a function or method its signature and the first line of its
docstring. The prose between the listings lives here, next to the names it explains.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "interfaces.md"

# (heading, prose before the listing, the objects listed as "module:qualified.name", prose after)
SECTIONS: list[tuple[str, str, list[str], str]] = [
    (
        "questionnaires (pure)",
        "",
        [
            "questionnaires.plan:Course",
            "questionnaires.plan:TrainingPlan",
            "questionnaires.scoring:ScoredItem",
            "questionnaires.scoring:Dimension",
            "questionnaires.scoring:ScoringRules",
            "questionnaires.scoring:scoring_rules",
        ],
        "",
    ),
    (
        "Answers",
        "A validated answer set is `dict[str, int | str | list[str]]` keyed by field name: `int` "
        "for\nLikert/rating/NPS, `str` for single choice and free text, `list[str]` for multiple "
        "choice.\nReleased responses carry exactly this dict (free text is split off into "
        "reviewed comments).",
        [],
        "",
    ),
    (
        "anonymity (the web app and CLI call these)",
        "",
        [
            "anonymity.issuing:issue_tokens",
            "anonymity.issuing:issue_tokens_in",
            "anonymity.issuing:open_token",
            "anonymity.drafts:save_draft",
            "anonymity.submission:submit",
            "anonymity.batching:GroupCommit.submit",
            "anonymity.release:release_class",
        ],
        "`sheets` is a list of `(questionnaire_version, answers)`, one per questionnaire the "
        "trainee\nanswered (满意度调查 and 评教). Each sheet becomes its own sealed pool row and, "
        "at release, its\nown `response` row, so one person's two sheets are no more linkable "
        "than any two responses.\n\nReleased tables: `response(id uuid, class_id, "
        "questionnaire_version, released_on, answers JSON)`\nand `comment(id uuid, class_id, "
        "questionnaire_version, field, text, status, redacted)`, both\nshuffled independently; "
        "on SQLite both are `WITHOUT ROWID`.",
    ),
    (
        "survey → reporting",
        "",
        ["survey.results:class_inputs", "reporting.report:build_report"],
        "`build_report` first applies the small-cell rule to each class\n"
        "(`reporting.suppression.eligible_inputs`), so every statistic, including any added later,"
        "\nsees only whole cells of at least k; a class's figures then depend on that class alone"
        "\nand never change once published.",
    ),
    (
        "survey.services (the web handlers and the CLI call these)",
        "Each service takes the database and an actor (a staff `Principal`, or `cli_actor()`, "
        'that is\n"命令行（system user）"), checks what the actor may do and writes its audit '
        "entry in the same\ntransaction as the action.",
        [
            "survey.services.credentials:export_links",
            "survey.services.credentials:replace_link",
            "survey.services.credentials:request_reminder",
            "survey.services.credentials:set_base_slips",
            "survey.services.credentials:issue_links",
            "survey.services.windows:open_classes",
            "survey.services.windows:close_classes",
            "survey.services.rosters:import_audited",
        ],
        "",
    ),
    (
        "survey.intake (every spreadsheet a person hands over)",
        "",
        [
            "survey.intake.tables:open_tables",
            "survey.intake.tables:Table",
            "survey.intake.tables:find_header",
            "survey.intake.cells:cell_text",
            "survey.intake.findings:Finding",
        ],
        "",
    ),
]


class _Shown(str):
    """An annotation kept as its source text, shown without quotes."""

    def __repr__(self) -> str:
        return str(self)


def _signature(function: Callable[..., Any]) -> str:
    signature = inspect.signature(function)

    def shown(annotation: object) -> object:
        return _Shown(annotation) if isinstance(annotation, str) else annotation

    parameters = [
        parameter.replace(annotation=shown(parameter.annotation))
        for parameter in signature.parameters.values()
    ]
    return str(
        signature.replace(
            parameters=parameters, return_annotation=shown(signature.return_annotation)
        )
    )


def _summary(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.split("\n\n")[0].replace("\n", " ")


def _function(name: str, function: Callable[..., Any], indent: str = "") -> list[str]:
    prefix = "async def" if inspect.iscoroutinefunction(function) else "def"
    return [f"{indent}# {_summary(function)}", f"{indent}{prefix} {name}{_signature(function)}"]


def _class(cls: type) -> list[str]:
    lines = [f"class {cls.__name__}:", f"    # {_summary(cls)}"]
    if dataclasses.is_dataclass(cls):
        declared = {field.name for field in dataclasses.fields(cls)}
        for line in inspect.getsource(cls).splitlines():
            text = line[4:] if line.startswith("    ") and not line.startswith("     ") else ""
            if text.split(":", 1)[0] in declared:
                lines.append("    " + text.rstrip())
        lines[0] = "@dataclass\n" + lines[0]
    for method_name, method in vars(cls).items():
        if method_name.startswith("_") or not callable(method):
            continue
        lines.extend(_function(method_name, method, "    "))
    for method_name, member in vars(cls).items():
        if isinstance(member, property) and not method_name.startswith("_"):
            lines.append(f"    {method_name}: property  # {_summary(member)}")
    return lines


def _listing(path: str) -> list[str]:
    module_name, qualified = path.split(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualified.split("."):
        obj = getattr(obj, part)
    header = f"# {module_name}"
    if inspect.isclass(obj):
        return [header, *_class(obj)]
    if "." in qualified:
        owner, method = qualified.rsplit(".", 1)
        return [header, *_function(f"{owner}.{method}", obj)]
    return [header, *_function(qualified, obj)]


def render() -> str:
    """The text of docs/interfaces.md as the code stands."""
    parts = [
        "# Interfaces between the packages (developer notes)\n\n"
        "Generated from the code by `docs/interfaces.py`: do not edit by hand, run\n"
        "`.venv/bin/python docs/interfaces.py` (`make lint` and `tests/test_docs.py` check it is "
        "current).\nChange these contracts only together; the layering they serve is in "
        "`docs/design.md`.\n"
    ]
    for heading, before, paths, after in SECTIONS:
        parts.append(f"## {heading}\n")
        if before:
            parts.append(before + "\n")
        if paths:
            blocks = ["\n".join(_listing(path)) for path in paths]
            parts.append("```python\n" + "\n\n".join(blocks) + "\n```\n")
        if after:
            parts.append(after + "\n")
    return "\n".join(parts)


def main() -> None:
    """Rewrite docs/interfaces.md, or with --check report whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, exit 1 if stale")
    options = parser.parse_args()
    text = render()
    if options.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            sys.exit("docs/interfaces.md is out of date: run .venv/bin/python docs/interfaces.py")
        return
    TARGET.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
