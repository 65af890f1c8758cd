"""Typed settings read from environment variables.

Every variable is documented in README.md (``tests/test_docs.py`` fails when one is not).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from survey.errors import UserError

#: Environment variables the service reads, with a one-line meaning each. The README documents
#: each of them; the docs test keeps the two in step.
ENVIRONMENT_VARIABLES: dict[str, str] = {
    "SURVEY_DATABASE_URL": "SQLAlchemy URL of the database",
    "SURVEY_SECRET_KEY": "server secret behind token digests, link signatures and sealing",
    "SURVEY_DATA_DIR": "folder for the SQLite file and the development secret",
    "SURVEY_DEV": "development mode (1/0)",
    "SURVEY_REPORT_K": "smallest group size whose figures are shown",
    "SURVEY_PUBLIC_URL": "the address trainees reach the service at, used in links",
    "SURVEY_SESSION_MINUTES": "minutes of inactivity after which a staff login expires",
    "SURVEY_LAGGING_RATE": "response rate in percent under which an open class counts as lagging",
    "SURVEY_LAGGING_DAYS": "days before its deadline from which a class under that rate is flagged",
    "SURVEY_TRUSTED_PROXIES": "addresses or networks of the proxies allowed to set X-Forwarded-For",
}


class SettingsError(UserError):
    """A configuration problem the operator must fix; the message says how."""


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _networks(raw: str | None) -> tuple[IPv4Network | IPv6Network, ...]:
    """``SURVEY_TRUSTED_PROXIES``: addresses or networks separated by commas or spaces."""
    networks = []
    for item in (raw or "").replace(",", " ").split():
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(
                f"SURVEY_TRUSTED_PROXIES 中的 {item!r} 不是 IP 地址或网段"
                "（例如 10.0.0.5 或 10.0.0.0/24，多个用逗号分隔）"
            ) from None
    return tuple(networks)


def _whole(env: dict[str, str], name: str, default: int, low: int, high: int, unit: str) -> int:
    """``env[name]`` as a whole number from ``low`` to ``high``, else a :class:`SettingsError`."""
    raw = env.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise SettingsError(f"{name} 必须是 {low} 到 {high} 之间的整数（{unit}），现在是 {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """The service's configuration, built once from the environment."""

    database_url: str
    data_dir: Path
    dev: bool
    report_k: int
    public_url: str
    secret_key_value: str | None
    #: Minutes of inactivity after which a staff session ends (it ends after 12 hours anyway).
    session_minutes: int = 120
    #: Proxies whose X-Forwarded-For names the client; nobody else can (empty: nobody).
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    #: The overview flags an open class under this response rate (percent)…
    lagging_rate: int = 50
    #: …once its deadline is at most this many days away.
    lagging_days: int = 3

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, dev: bool | None = None) -> Settings:
        """Read the settings from ``env`` (default: ``os.environ``)."""
        env = dict(os.environ) if env is None else env
        data_dir = Path(env.get("SURVEY_DATA_DIR") or "var")
        database_url = env.get("SURVEY_DATABASE_URL") or f"sqlite:///{data_dir / 'survey.sqlite3'}"
        raw_k = env.get("SURVEY_REPORT_K") or "5"
        try:
            report_k = int(raw_k)
        except ValueError:
            raise SettingsError(f"SURVEY_REPORT_K 必须是正整数，现在是 {raw_k!r}") from None
        if report_k < 1:
            raise SettingsError(f"SURVEY_REPORT_K 必须是正整数，现在是 {raw_k!r}")
        raw_minutes = env.get("SURVEY_SESSION_MINUTES") or "120"
        try:
            session_minutes = int(raw_minutes)
        except ValueError:
            session_minutes = 0
        if not 1 <= session_minutes <= 720:
            raise SettingsError(
                f"SURVEY_SESSION_MINUTES 必须是 1 到 720 之间的整数（分钟），现在是 {raw_minutes!r}"
            )
        return cls(
            lagging_rate=_whole(env, "SURVEY_LAGGING_RATE", 50, 0, 100, "百分数"),
            lagging_days=_whole(env, "SURVEY_LAGGING_DAYS", 3, 0, 365, "天数"),
            database_url=database_url,
            data_dir=data_dir,
            dev=_flag(env.get("SURVEY_DEV")) if dev is None else dev,
            report_k=report_k,
            public_url=(env.get("SURVEY_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
            secret_key_value=env.get("SURVEY_SECRET_KEY") or None,
            session_minutes=session_minutes,
            trusted_proxies=_networks(env.get("SURVEY_TRUSTED_PROXIES")),
        )

    def secret_key(self) -> bytes:
        """The server secret.

        In development mode a missing secret is generated once into the data folder (mode 0600)
        and reused, so demo links keep working across restarts. Outside development mode a
        missing secret is an error: generating one silently would orphan every issued token on
        the next restart.
        """
        if self.secret_key_value:
            if len(self.secret_key_value) < 32:
                raise SettingsError(
                    "SURVEY_SECRET_KEY 太短：至少需要 32 个字符"
                    "（建议用 `openssl rand -hex 32` 生成）"
                )
            return self.secret_key_value.encode()
        if not self.dev:
            raise SettingsError(
                "未设置 SURVEY_SECRET_KEY：生产环境必须设置（可用 `openssl rand -hex 32` 生成），"
                "或以开发模式（--dev 或 SURVEY_DEV=1）启动"
            )
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:
                # O_EXCL + 0600: never overwrite a key another worker just wrote, never
                # world-readable.
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(secrets.token_hex(32) + "\n")
        return path.read_text(encoding="ascii").strip().encode()
