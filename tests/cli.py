"""Running ``survey`` inside the test process, as its console script would run it.

Starting a Python process per CLI call cost the suite minutes; each command group keeps one test
through a real process (tests/survey/test_cli.py), and the rest run here through `main()`, with
its one-line errors and exit codes, in click's isolated streams and environment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from click.testing import CliRunner

from survey.cli import main


@dataclass(frozen=True)
class CliRun:
    """What a finished ``survey`` call left: its exit status and its two streams."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(args: Sequence[str], env: Mapping[str, str], input: str | None = None) -> CliRun:
    """Run ``survey args`` with ``env`` added to the environment (restored afterwards)."""
    runner = CliRunner()
    with runner.isolation(input=input, env=dict(env)) as (stdout, stderr, _):
        try:
            code = main(list(args)) or 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
    return CliRun(int(code), stdout.getvalue().decode(), stderr.getvalue().decode())
