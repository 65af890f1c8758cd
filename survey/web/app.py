"""The application factory."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
from litestar import Litestar, MediaType, Router, get
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.logging import LoggingConfig
from litestar.middleware.base import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from anonymity.batching import GroupCommit
from survey.db.engine import Database
from survey.results import ReportCache
from survey.settings import Settings
from survey.web import static
from survey.web.access_log import TraineeTraffic, access_log_middleware
from survey.web.headers import security_headers
from survey.web.login_first import login_first_middleware
from survey.web.staff.errors import exception_handler
from survey.web.staff.filters import register_filters
from survey.web.staff.wiring import csrf_config, openapi_config, staff_route_handlers
from survey.web.strict_text import strict_text_middleware
from survey.web.trainee import FlowCache, TraineeController
from survey.windows import ExpiryWatch

HERE = Path(__file__).parent
#: Largest request body of any route but the roster upload (README, "Request size limits"): a
#: trainee page with several long free-text answers, percent-encoded, stays far below it.
FORM_BYTES = 512 * 1024


@get("/healthz", media_type=MediaType.TEXT, sync_to_thread=False)
def health(state: State) -> str:
    """Liveness: the process answers and the database connection works."""
    database: Database = state.db
    with database.read() as session:
        session.connection().exec_driver_sql("SELECT 1")
    return "ok"


#: Threads running request handlers per worker process. Handlers are short and hold the GIL
#: for most of their time, so more threads mostly add switching; fewer let one slow request
#: (a staff export, say) hold up more of the others. Measured on the submit path (two workers,
#: two cores, 64 clients, bench/submit_bench.py), three interleaved runs each: 8 threads
#: 740–794 submits/s with p99 142–167 ms, 4 threads 841–892/s with p99 100–109 ms, 2 threads
#: 902–917/s with p99 102–107 ms. Four keeps most of the gain and three threads free.
HANDLER_THREADS = 4


def _limit_threads() -> None:
    anyio.to_thread.current_default_thread_limiter().total_tokens = HANDLER_THREADS


def _configure_templates(engine: JinjaTemplateEngine, files: static.StaticFiles) -> None:
    register_filters(engine)
    engine.engine.globals["static_url"] = files.url


def create_app(settings: Settings | None = None, db: Database | None = None) -> Litestar:
    """Build the app from ``settings`` (default: the environment) and an optional database."""
    settings = settings or Settings.from_env()
    # Fail at start-up, not at the first trainee's request, when the secret is missing.
    secret = settings.secret_key()
    database = db or Database(settings.database_url)
    traffic = TraineeTraffic()
    files = static.StaticFiles.read()
    return Litestar(
        route_handlers=[
            # Only the API belongs in the OpenAPI document.
            Router(path="/", route_handlers=[health, TraineeController], include_in_schema=False),
            *staff_route_handlers(),
            create_static_files_router(path="/static", directories=[static.DIRECTORY]),
        ],
        state=State(
            {
                "settings": settings,
                "db": database,
                "secret": secret,
                "flows": FlowCache(),
                "submits": GroupCommit(database, secret),
                "expiry": ExpiryWatch(settings.report_k),
                "reports": ReportCache(),
            }
        ),
        template_config=TemplateConfig(
            directory=HERE / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=lambda engine: _configure_templates(engine, files),
        ),
        csrf_config=csrf_config(settings, secret),
        openapi_config=openapi_config(),
        compression_config=CompressionConfig(backend="gzip", gzip_compress_level=6),
        middleware=[
            DefineMiddleware(access_log_middleware, traffic=traffic),
            login_first_middleware,
            strict_text_middleware,
        ],
        request_max_body_size=FORM_BYTES,
        before_send=[security_headers(settings, files)],
        exception_handlers={Exception: exception_handler},
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            # Litestar's own exception logging would print tracebacks with local values.
            log_exceptions="never",
        ),
        on_startup=[_limit_threads],
        on_shutdown=[traffic.flush, *([database.dispose] if db is None else [])],
    )
