"""The lock files pin every dependency that pyproject.toml names, at a version it allows."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RELOCK = "run `make lock` after changing the dependencies in pyproject.toml"


def pins(lock: str) -> dict[str, list[str]]:
    """Each locked package with its pinned versions (one per Python version it differs for)."""
    found: dict[str, list[str]] = {}
    text = (ROOT / lock).read_text(encoding="utf-8")
    for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==([^ ;\\\n]+)", text, re.MULTILINE):
        found.setdefault(canonicalize_name(name), []).append(version)
    return found


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.lock", PROJECT["dependencies"]),
        (
            "requirements-dev.lock",
            PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"],
        ),
    ],
)
def test_every_dependency_is_locked_at_an_allowed_version(
    lock: str, requirements: list[str]
) -> None:
    locked = pins(lock)
    wrong = []
    for line in requirements:
        requirement = Requirement(line)
        versions = locked.get(canonicalize_name(requirement.name), [])
        if not versions:
            wrong.append(f"{requirement.name} is not in {lock}")
        wrong.extend(
            f"{requirement.name}=={version} in {lock} does not satisfy {requirement.specifier}"
            for version in versions
            if not requirement.specifier.contains(version, prereleases=True)
        )
    assert not wrong, "\n".join(wrong) + f"\n{RELOCK}"
