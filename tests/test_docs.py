"""The README documents every CLI command and every environment variable (after Datasette)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docs.interfaces import TARGET, render
from survey.settings import ENVIRONMENT_VARIABLES
from tests.survey.test_cli import all_commands

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
TEST_VARIABLES = (
    "SURVEY_TEST_DATABASE",
    "SURVEY_REQUIRE_POSTGRES",
    "SURVEY_REQUIRE_BROWSER",
    "SURVEY_REQUIRE_LIBREOFFICE",
    "SURVEY_SCREENSHOTS",
)


@pytest.mark.parametrize("variable", [*ENVIRONMENT_VARIABLES, *TEST_VARIABLES])
def test_every_environment_variable_is_documented(variable: str) -> None:
    assert f"`{variable}`" in README


@pytest.mark.parametrize("path", all_commands(), ids=" ".join)
def test_every_command_is_documented(path: tuple[str, ...]) -> None:
    command = "survey " + " ".join(path)
    assert re.search(rf"`{re.escape(command)}[ `]", README), f"README does not document `{command}`"


def test_code_reads_no_undocumented_variable() -> None:
    root = Path(__file__).parent.parent
    used: set[str] = set()
    for package in ("survey", "anonymity", "questionnaires", "reporting", "tests"):
        for path in (root / package).rglob("*.py"):
            used.update(re.findall(r"\"(SURVEY_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert used <= set(ENVIRONMENT_VARIABLES) | set(TEST_VARIABLES)


def test_the_interface_listing_is_generated_from_the_current_code() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), (
        "docs/interfaces.md is out of date: run .venv/bin/python docs/interfaces.py"
    )


#: Synonyms of 邀请人数 / 回答人数 / 回答率 that once crept into what people read.
OTHER_WORDS = re.compile(r"应答|回收率|回收情况|已提交 *\d+ */")


def test_every_text_says_invited_responded_and_response_rate() -> None:
    """Pages, exports, messages, the CLI and the README's Chinese summary use one set of words."""
    root = Path(__file__).parent.parent
    found = []
    for package in ("survey", "anonymity", "questionnaires", "reporting"):
        for path in sorted((root / package).rglob("*")):
            if path.suffix in {".py", ".html", ".json", ".yaml", ".txt", ".csv"}:
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    if OTHER_WORDS.search(line):
                        found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    found += [f"README.md: {line}" for line in README.splitlines() if OTHER_WORDS.search(line)]
    assert not found, "\n".join(found)
