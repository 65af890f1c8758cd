"""Settings: the secret key rule, development mode, and SURVEY_REPORT_K."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from survey.settings import Settings, SettingsError


def test_production_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match="SURVEY_SECRET_KEY"):
        settings.secret_key()
    assert not (tmp_path / "secret.key").exists()


def test_development_generates_a_private_secret_once(tmp_path: Path) -> None:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"})
    first = settings.secret_key()
    assert len(first) == 64
    mode = stat.S_IMODE((tmp_path / "secret.key").stat().st_mode)
    assert mode == 0o600
    assert (
        Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_DEV": "1"}).secret_key()
        == first
    )


def test_explicit_secret_wins_and_must_be_long(tmp_path: Path) -> None:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path), "SURVEY_SECRET_KEY": "x" * 40})
    assert settings.secret_key() == b"x" * 40
    short = Settings.from_env({"SURVEY_SECRET_KEY": "short"})
    with pytest.raises(SettingsError, match="太短"):
        short.secret_key()


def test_defaults_and_report_k(tmp_path: Path) -> None:
    settings = Settings.from_env({"SURVEY_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'survey.sqlite3'}"
    assert settings.report_k == 5
    assert Settings.from_env({"SURVEY_REPORT_K": "8"}).report_k == 8
    for bad in ("0", "-1", "five"):
        with pytest.raises(SettingsError, match="SURVEY_REPORT_K"):
            Settings.from_env({"SURVEY_REPORT_K": bad})
