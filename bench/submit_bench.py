"""Benchmark of the submit path: submits/s and latency percentiles at 64 concurrent clients.

Target (issue 5): at least 400 submits/s on SQLite with p99 under 200 ms at 64 concurrent
clients, on this 2-core machine with the load generator beside the server.

    .venv/bin/python bench/submit_bench.py                          # SQLite
    .venv/bin/python bench/submit_bench.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/submit_bench.py --submits 4000 --clients 64 --workers 1

Every submit is a real ``POST /s/submit`` of a distinct token with a complete saved draft: the
server reads the cookie, checks the token, opens the draft, validates all answers and spends the
token in one durable transaction.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from anonymity.models import PoolEntry, Token
from bench.submit_load import (
    SECRET,
    free_port,
    percentile,
    prepare,
    run_load,
    start_server,
    stop_server,
)
from survey.db.engine import Database


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submits", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--postgres", help="URL of a PostgreSQL maintenance database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        admin = None
        name = f"survey_bench_{secrets.token_hex(4)}"
        if args.postgres:
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        try:
            db = Database(url)
            cookies = prepare(db, SECRET.encode(), args.submits)
            db.dispose()
            port = free_port()
            server = start_server(url, Path(folder), port, args.workers)
            try:
                result = run_load(port, cookies, args.clients)
            finally:
                stop_server(server)
            db = Database(url)
            with db.read() as session:
                pooled = session.scalar(select(func.count()).select_from(PoolEntry)) or 0
                spent = session.scalar(select(func.count()).where(Token.spent.is_(True))) or 0
            db.dispose()
        finally:
            if admin is not None:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    backend = "PostgreSQL" if args.postgres else "SQLite"
    rate = len(result.acknowledged) / result.seconds
    print(f"backend: {backend}, workers: {args.workers}, clients: {args.clients}")
    acknowledged = len(result.acknowledged)
    print(f"submits acknowledged: {acknowledged} of {len(cookies)} in {result.seconds:.2f} s")
    print(f"throughput: {rate:.0f} submits/s")
    print(
        "latency ms: "
        + ", ".join(
            f"p{int(q * 100)} {percentile(result.latencies, q) * 1000:.0f}"
            for q in (0.5, 0.95, 0.99)
        )
        + f", max {max(result.latencies, default=0) * 1000:.0f}"
    )
    print(f"failures: {result.failures or 'none'}")
    print(f"database: {spent} spent, {pooled} sealed sheets pooled")


if __name__ == "__main__":
    main()
