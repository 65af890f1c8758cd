"""kill -9 of the server in the middle of a load loses no acknowledged submission.

The server is a real ``survey serve`` process (two workers, group commit on); the load is real
HTTP. After the kill, every submit the server acknowledged must have its token spent and its
sheets pooled, and no token may be spent without pooled sheets.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from anonymity.keys import derive_keys
from anonymity.models import PoolEntry, Token
from anonymity.tokens import digest, unsign_cookie
from bench.submit_load import (
    SECRET,
    LoadResult,
    free_port,
    prepare_database,
    run_load,
    start_server,
)
from tests.databases import fresh_database

# Two server workers under load and a deadline for acknowledgements: alone on the cores.
pytestmark = pytest.mark.serial

SHEETS_PER_SUBMIT = 2  # 满意度调查 and 评教


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_loses_no_acknowledged_submit(
    backend: str, tmp_path: Path, template_root: Path
) -> None:
    with fresh_database(backend, tmp_path, template_root) as db:
        cookies = prepare_database(db, SECRET.encode(), 600)
        url = db.engine.url.render_as_string(hide_password=False)
        db.dispose()
        port = free_port()
        server = start_server(url, tmp_path, port, workers=2, new_session=True)
        result = LoadResult()
        load = threading.Thread(target=run_load, args=(port, cookies, 32, result))
        load.start()
        # Kill once some submits are acknowledged, while many are in flight.
        deadline = time.monotonic() + 30
        while len(result.acknowledged) < 60 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
        load.join(60)
        assert 60 <= len(result.acknowledged) < len(cookies), "the kill came too late to test"

        keys = derive_keys(SECRET.encode())
        with db.read() as session:
            spent = set(session.scalars(select(Token.digest).where(Token.spent.is_(True))))
            pooled = session.scalar(select(func.count()).select_from(PoolEntry)) or 0
        for index in result.acknowledged:
            token = unsign_cookie(keys.cookie_signing, cookies[index])
            assert digest(keys.token_digest, token) in spent
        # Spent and pooled go together: no token spent without its sheets, nor the reverse.
        assert pooled == SHEETS_PER_SUBMIT * len(spent)
        db.dispose()
