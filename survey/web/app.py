"""The application factory."""

from __future__ import annotations

from litestar import Litestar, MediaType, get
from litestar.datastructures import State

from survey.db.engine import Database
from survey.settings import Settings


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
    settings.secret_key()
    database = db or Database(settings.database_url)
    return Litestar(
        route_handlers=[health],
        state=State({"settings": settings, "db": database}),
        on_shutdown=[database.dispose] if db is None else [],
    )
