"""State shared by the CLI commands: settings and the database, opened on first use."""

from __future__ import annotations

from functools import cached_property

from survey.db.engine import Database
from survey.db.migrate import current_revision, head_revision
from survey.errors import UserError
from survey.settings import Settings


class AppContext:
    """Settings from the environment and a lazily opened database."""

    @cached_property
    def settings(self) -> Settings:
        """The settings, read once."""
        return Settings.from_env()

    @cached_property
    def raw_db(self) -> Database:
        """The database, without checking that it is migrated."""
        return Database(self.settings.database_url)

    @cached_property
    def db(self) -> Database:
        """The database, refusing to work on one that is not at the newest migration."""
        database = self.raw_db
        if current_revision(database) != head_revision(database):
            raise UserError("数据库尚未迁移到最新版本，请先运行 `survey db upgrade`")
        return database
