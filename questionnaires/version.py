"""Content versions of definitions.

A definition's version is the SHA-256 of a canonical serialisation of the *parsed* TOML
document, not of the file's bytes. Why: responses are grouped and frozen by version, and a
version split halves the number of responses per group (and so pushes groups under the
small-cell threshold). Re-indenting the file, editing a comment, or writing the keys of a table
in another order does not change what a trainee is asked, so it must not make a new version.
Everything that can change what is asked does change the hash: every text, label, option and
flag, and the order of pages, items and choices (arrays keep their order).

The hash covers what the author wrote, not the model with defaults filled in. Otherwise adding
an optional field to the code would silently change the version of every frozen definition.
The price is that defaults are part of the format: the label presets and defaults documented
in `questionnaires/README.md` must not change without bumping `FORMAT`, which is hashed too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from questionnaires.model import Definition

#: The definition format. Bump it when the meaning of a field or default changes.
FORMAT = "zjgp-questionnaire/1"


def canonical_form(document: Mapping[str, Any]) -> str:
    """The canonical JSON text of a parsed definition document (sorted keys, no spaces)."""
    return json.dumps(
        {"format": FORMAT, "definition": document},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    )


def content_version(document: Mapping[str, Any]) -> str:
    """The version of a parsed definition document: 64 lowercase hex digits of SHA-256."""
    return hashlib.sha256(canonical_form(document).encode("utf-8")).hexdigest()


def is_same_version(definition: Definition, version: str) -> bool:
    """Whether `definition` is exactly the frozen `version` (e.g. one stored with responses).

    Only the full 64-digit hash is accepted: a prefix could match two definitions.
    """
    return len(version) == 64 and version.lower() == definition.version
