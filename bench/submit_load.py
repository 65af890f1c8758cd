"""Load on the submit path: many distinct tokens, each submitting its saved draft once.

Used by ``bench/submit_bench.py`` (figures) and by the crash test (kill -9 mid-load). The
service runs as a real ``survey serve`` process; the load generator speaks plain HTTP/1.1 over
asyncio streams, so that it costs the shared two cores as little as possible.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from anonymity.drafts import new_device_secret, save_draft
from anonymity.issuing import issue_tokens
from anonymity.keys import derive_keys
from anonymity.tokens import sign_cookie
from questionnaires.expand import Question
from survey.db.engine import Database
from survey.db.migrate import upgrade
from survey.flow import Flow
from survey.instruments.store import class_definitions, class_plan
from survey.programme.loader import bundled_source, load_programme
from survey.programme.models import Programme, Province, TrainingClass
from survey.roster.models import Trainee
from survey.timezone import now
from survey.web.trainee import COOKIE, DEVICE_COOKIE
from survey.windows import open_class

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-" + "0123456789abcdef" * 3
#: The device all drafts were written on (one phone per trainee would change nothing here).
DEVICE = new_device_secret()
#: Delay between the arrivals of two clients (64 clients: all connected after 0.3 s).
RAMP_UP_SECONDS = 0.005


def answer(question: Question, i: int) -> int | str | list[str]:
    """A valid answer that varies with ``i`` (scales stay high so no follow-up is needed)."""
    options = question.options
    if question.type == "text":
        return f"第{i}份意见"
    if question.type in ("likert5", "rating", "nps"):
        return int(options[-1 - i % 2][0])
    if question.type == "multiple":
        return [options[i % len(options)][0]]
    return options[i % len(options)][0]


def prepare(db: Database, secret: bytes, count: int) -> list[str]:
    """Migrate an empty database, then :func:`prepare_database`."""
    upgrade(db)
    return prepare_database(db, secret, count)


def prepare_database(db: Database, secret: bytes, count: int) -> list[str]:
    """``count`` trainees holding complete drafts in open classes; their session cookies."""
    load_programme(db, bundled_source(2024))
    with db.write() as session:
        programme = session.scalars(select(Programme)).one()
        classes = list(session.scalars(select(TrainingClass).order_by(TrainingClass.id)))
        province = session.scalars(select(Province)).first()
        assert province is not None
        for i in range(count):
            session.add(
                Trainee(
                    programme_id=programme.id,
                    class_id=classes[i % len(classes)].id,
                    province_id=province.id,
                    name=f"压测{i}",
                    mobile=f"1990{i:07d}",
                )
            )
    for training_class in classes:
        open_class(db, training_class.id, None, now())
    with db.read() as session:
        flows = {
            c.id: Flow(class_definitions(session, c.id), class_plan(session, c.id)) for c in classes
        }
        trainees = [
            (row[0], row[1]) for row in session.execute(select(Trainee.id, Trainee.class_id))
        ]
    tokens = issue_tokens(db, secret, [t for t, _ in trainees])
    keys = derive_keys(secret)
    cookies = []
    for i, (trainee_id, class_id) in enumerate(trainees):
        flow = flows[class_id]
        answers = {
            q.field: answer(q, i)
            for page in flow.pages
            for q in page.page.questions
            if q.show_if is None
        }
        save_draft(db, secret, tokens[trainee_id], DEVICE, answers)
        cookies.append(sign_cookie(keys.cookie_signing, tokens[trainee_id]))
    return cookies


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    database_url: str, data_dir: Path, port: int, workers: int, new_session: bool = False
) -> subprocess.Popen[bytes]:
    """``survey serve`` in a child process, returned once it answers.

    ``new_session`` puts it in a process group of its own, so a test can kill -9 the server
    and its workers together.
    """
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_DATA_DIR": str(data_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "survey", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=new_session,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("survey serve did not start")


def stop_server(process: subprocess.Popen[bytes], hard: bool = False) -> None:
    """End the server: SIGKILL when ``hard`` (a crash), else SIGTERM and wait."""
    process.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
    process.wait(30)


@dataclass
class LoadResult:
    """What the load generator saw."""

    acknowledged: list[int] = field(default_factory=list)  # indices of cookies told 303 /s/done
    latencies: list[float] = field(default_factory=list)  # seconds, acknowledged submits only
    failures: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _Connection:
    """One keep-alive HTTP/1.1 connection, as a phone's browser keeps one open."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def submit(self, cookie: str) -> tuple[int, str]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        try:
            self.writer.write(
                (
                    "POST /s/submit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Cookie: {COOKIE}={cookie}; {DEVICE_COOKIE}={DEVICE}\r\n"
                    "Content-Length: 0\r\n\r\n"
                ).encode()
            )
            await self.writer.drain()
            head = await self.reader.readuntil(b"\r\n\r\n")
        except BaseException:
            self.close()
            raise
        status = int(head.split(b" ", 2)[1])
        location = ""
        length = 0
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.lower() == b"location":
                location = value.strip().decode()
            elif name.lower() == b"content-length":
                length = int(value)
        if length:
            await self.reader.readexactly(length)
        return status, location

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _run(port: int, cookies: list[str], clients: int, result: LoadResult) -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(cookies)):
        queue.put_nowait(index)

    async def client(number: int) -> None:
        # Phones arrive over time, not in one instant: with a burst of connections at once, the
        # kernel hands them to whichever worker process is awake first, and a worker that got
        # too many stays slower for the whole run (keep-alive connections never move).
        await asyncio.sleep(number * RAMP_UP_SECONDS)
        connection = _Connection(port)
        while not queue.empty():
            index = queue.get_nowait()
            started = time.perf_counter()
            try:
                status, location = await connection.submit(cookies[index])
            except (OSError, asyncio.IncompleteReadError) as error:
                key = type(error).__name__
                result.failures[key] = result.failures.get(key, 0) + 1
                continue
            if status == 303 and location == "/s/done":
                result.acknowledged.append(index)
                result.latencies.append(time.perf_counter() - started)
            else:
                key = f"HTTP {status} {location}"
                result.failures[key] = result.failures.get(key, 0) + 1
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(number) for number in range(clients)))
    result.seconds = time.perf_counter() - started


def run_load(
    port: int, cookies: list[str], clients: int, result: LoadResult | None = None
) -> LoadResult:
    """Submit every cookie once with ``clients`` concurrent connections."""
    result = result or LoadResult()
    asyncio.run(_run(port, cookies, clients, result))
    return result


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
