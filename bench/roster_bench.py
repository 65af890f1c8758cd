"""Benchmark of the roster import: a full 800-trainee programme and a 100,000-entry import.

Targets (issue 3): the 800-trainee programme, one file per province, imports in under 5 s; an
import of 100,000 entries takes under a minute and under 1 GB of memory.

Each import runs in a child process of its own, so its peak RSS is the import's (plus the
interpreter and its libraries, reported as the baseline), not the workbook writer's.

    .venv/bin/python bench/roster_bench.py                       # SQLite in a temporary folder
    .venv/bin/python bench/roster_bench.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

With --postgres, a throwaway database is created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from survey.db.engine import Database  # noqa: E402
from survey.db.migrate import upgrade  # noqa: E402
from survey.programme.loader import bundled_source, load_programme  # noqa: E402
from survey.roster.synthetic import write_demo_rosters  # noqa: E402


def _peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    Linux's VmHWM belongs to the process image, where ru_maxrss survives exec and so would
    report the parent's peak (the workbook writer's) for a fresh child.
    """
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child_import(url: str, files: list[str]) -> None:
    """Import ``files`` into ``url`` twice (new, then unchanged) and print figures as JSON."""
    from survey.roster.importer import import_rosters

    database = Database(url)
    baseline = _peak_rss_mb()
    paths = [Path(f) for f in files]
    started = time.perf_counter()
    first = import_rosters(database, paths)
    first_seconds = time.perf_counter() - started
    first_rss = _peak_rss_mb()
    started = time.perf_counter()
    again = import_rosters(database, paths)
    again_seconds = time.perf_counter() - started
    database.dispose()
    print(
        json.dumps(
            {
                "rows": first.rows,
                "imported": first.imported,
                "errors": len(first.errors),
                "warnings": len(first.warnings),
                "seconds": round(first_seconds, 2),
                "peak_rss_mb": round(first_rss, 1),
                "baseline_rss_mb": round(baseline, 1),
                "again_unchanged": again.unchanged,
                "again_seconds": round(again_seconds, 2),
                "again_peak_rss_mb": round(_peak_rss_mb(), 1),
            }
        )
    )


@contextmanager
def database(postgres: str | None, folder: Path, name: str) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, or a throwaway PostgreSQL database."""
    if postgres is None:
        yield f"sqlite:///{folder / (name + '.sqlite3')}"
        return
    admin_url = make_url(postgres).set(drivername="postgresql+psycopg")
    db_name = f"roster_bench_{name}_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{db_name}"'))
    try:
        yield admin_url.set(database=db_name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


def run_case(
    label: str, total: int, postgres: str | None, folder: Path, seed: int
) -> dict[str, object]:
    """Prepare a database and the province workbooks for ``total`` trainees, then import."""
    with database(postgres, folder, label) as url:
        db = Database(url)
        upgrade(db)
        load_programme(db, bundled_source(2024))
        started = time.perf_counter()
        files = write_demo_rosters(db, folder / label, seed=seed, total=total)
        written = time.perf_counter() - started
        db.dispose()
        size = sum(f.stat().st_size for f in files)
        child = subprocess.run(
            [sys.executable, __file__, "--child", url, *map(str, files)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures: dict[str, object] = json.loads(child.stdout.strip().splitlines()[-1])
        figures.update(
            case=label,
            files=len(files),
            megabytes=round(size / 2**20, 1),
            write_seconds=round(written, 1),
        )
        return figures


def main() -> None:
    """Run both cases and print a short report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="URL of a PostgreSQL maintenance database")
    parser.add_argument("--entries", type=int, default=100_000, help="size of the large case")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(args.child[0], args.child[1:])
        return
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"roster import benchmark on {backend}, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="roster-bench-") as tmp:
        folder = Path(tmp)
        for label, total, limit in (
            ("programme", 800, 5.0),
            ("large", args.entries, 60.0),
        ):
            figures = run_case(label, total, args.postgres, folder, args.seed)
            verdict = "ok" if figures["seconds"] <= limit else f"SLOWER than {limit:.0f} s"  # type: ignore[operator]
            print(
                f"{label:>9}: {figures['rows']} rows in {figures['files']} files "
                f"({figures['megabytes']} MB, written in {figures['write_seconds']} s); "
                f"import {figures['seconds']} s ({verdict}), peak RSS {figures['peak_rss_mb']} MB "
                f"(baseline {figures['baseline_rss_mb']} MB); errors {figures['errors']}, "
                f"warnings {figures['warnings']}; same files again: "
                f"{figures['again_unchanged']} unchanged in {figures['again_seconds']} s, "
                f"peak RSS {figures['again_peak_rss_mb']} MB"
            )


if __name__ == "__main__":
    main()
