"""The application factory."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar, MediaType, get
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.logging import LoggingConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from anonymity.batching import GroupCommit
from survey.db.engine import Database
from survey.settings import Settings
from survey.web.access_log import access_log_middleware
from survey.web.errors import http_exception_handler
from survey.web.headers import security_headers_middleware
from survey.web.trainee import FlowCache, TraineeController
from survey.windows import ExpiryWatch

HERE = Path(__file__).parent


@get("/healthz", media_type=MediaType.TEXT, sync_to_thread=False)
def health(state: State) -> str:
    """Liveness: the process answers and the database connection works."""
    database: Database = state.db
    with database.read() as session:
        session.connection().exec_driver_sql("SELECT 1")
    return "ok"


def create_app(settings: Settings | None = None, db: Database | None = None) -> Litestar:
    """Build the app from ``settings`` (default: the environment) and an optional database."""
    settings = settings or Settings.from_env()
    # Fail at start-up, not at the first trainee's request, when the secret is missing.
    secret = settings.secret_key()
    database = db or Database(settings.database_url)
    return Litestar(
        route_handlers=[
            health,
            TraineeController,
            create_static_files_router(path="/static", directories=[HERE / "static"]),
        ],
        state=State(
            {
                "settings": settings,
                "db": database,
                "secret": secret,
                "flows": FlowCache(),
                "submits": GroupCommit(database, secret),
                "expiry": ExpiryWatch(),
            }
        ),
        template_config=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine),
        compression_config=CompressionConfig(backend="gzip", gzip_compress_level=6),
        middleware=[security_headers_middleware, access_log_middleware],
        exception_handlers={Exception: http_exception_handler},
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            # Litestar's own exception logging would print tracebacks with local values.
            log_exceptions="never",
        ),
        on_shutdown=[database.dispose] if db is None else [],
    )
