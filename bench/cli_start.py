"""Benchmark of how fast the ``survey`` command starts.

Target (issue 18): ``survey --help`` and ``survey class list`` each finish in under 0.5 s and
import neither SciPy nor openpyxl. Every run is a fresh process of the installed ``survey``
script, timed from spawn to exit; ``class list`` runs against a migrated SQLite database with
the 2024 programme loaded (its 16 classes), in a temporary folder, with a server secret set as
in production (so it also checks for classes past their deadline).

    .venv/bin/python bench/cli_start.py              # 10 runs of each command
    .venv/bin/python bench/cli_start.py --runs 30
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SURVEY = Path(sys.executable).with_name("survey")
HEAVY = ("scipy", "openpyxl")
COMMANDS = (("--help",), ("class", "list"))


def _run(args: tuple[str, ...], env: dict[str, str]) -> float:
    """Seconds from spawning ``survey args`` to its exit."""
    start = time.perf_counter()
    subprocess.run([str(SURVEY), *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def heavy_imports(args: tuple[str, ...], env: dict[str, str]) -> list[str]:
    """The top-level packages of ``HEAVY`` that ``survey args`` imports."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "survey", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    return [name for name in HEAVY if name in imported]


def main() -> None:
    """Time each command ``--runs`` times and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per command")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "SURVEY_DATA_DIR": folder,
            "SURVEY_DATABASE_URL": f"sqlite:///{Path(folder) / 'survey.sqlite3'}",
            "SURVEY_SECRET_KEY": secrets.token_hex(32),
        }
        for setup in (("db", "upgrade"), ("programme", "load", "2024")):
            subprocess.run([str(SURVEY), *setup], env=env, check=True, capture_output=True)
        # Other jobs on the machine slow every run: the figures go with the load they met.
        load = os.getloadavg()[0]
        print(f"survey start-up, {options.runs} runs each (seconds, wall time; load {load:.1f})")
        for args in COMMANDS:
            _run(args, env)  # warm the page cache and the bytecode
            times = sorted(_run(args, env) for _ in range(options.runs))
            heavy = heavy_imports(args, env)
            print(
                f"  survey {' '.join(args):<12} min {times[0]:.3f}  "
                f"median {statistics.median(times):.3f}  max {times[-1]:.3f}  "
                f"imports {', '.join(heavy) if heavy else 'neither SciPy nor openpyxl'}"
            )


if __name__ == "__main__":
    main()
