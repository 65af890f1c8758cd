"""State shared by the CLI commands: settings and the database, opened on first use."""

from __future__ import annotations

from functools import cached_property

import click

from survey.db.engine import Database
from survey.db.migrate import current_revision, head_revision
from survey.deadlines import due_classes
from survey.errors import UserError
from survey.settings import Settings, SettingsError
from survey.timezone import now, today_local


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
        if current_revision(database) != head_revision():
            raise UserError("数据库尚未迁移到最新版本，请先运行 `survey db upgrade`")
        self._close_expired(database)
        return database

    def _close_expired(self, database: Database) -> None:
        # A class whose deadline has passed closes at the next CLI call too, not only at the
        # next web request. Releasing needs the secret; without one there is nothing to do.
        try:
            secret = self.settings.secret_key()
        except SettingsError:
            return
        with database.read() as session:
            if not due_classes(session, now()):
                return
        # Imported only when a class is due: closing loads the release machinery.
        from survey.windows import close_expired

        k = self.settings.report_k
        for closed in close_expired(database, secret, now(), today_local(), k=k):
            click.echo(f"{closed.name} 已到截止时间，已自动关闭：{closed.summary(k)}")
