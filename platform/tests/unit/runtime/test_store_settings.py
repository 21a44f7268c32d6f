"""Choosing and migrating a store: bad URLs and bad migrations are refused by name."""

from pathlib import Path

import pytest
from homefield.runtime import ServiceSettings, SettingsError, load_settings
from homefield.runtime.db import open_database
from homefield.runtime.migrations import MigrationError, migrate
from homefield.runtime.sqlite_store import SqliteDatabase
from pydantic_settings import SettingsConfigDict


class SampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SAMPLE_", frozen=True, extra="ignore")


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///.run/data/sample.sqlite3",
        "sqlite:////data/sample.sqlite3",
        "postgresql://app@db.homefield.svc:5432/sample",
        "postgresql://app:secret@127.0.0.1/sample?sslmode=require",
    ],
)
def test_both_stores_urls_are_accepted(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMPLE_DATABASE_URL", url)
    assert load_settings(SampleSettings).database_url == url


@pytest.mark.parametrize(
    "url", ["", "sqlite:///", "/data/x.sqlite3", "mysql://a@b/c", "postgresql://host-only"]
)
def test_a_url_naming_no_store_is_refused_by_name(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMPLE_DATABASE_URL", url)
    with pytest.raises(SettingsError, match="SAMPLE_DATABASE_URL: .*expected sqlite:///"):
        load_settings(SampleSettings)


def test_open_database_picks_the_store_by_scheme(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'a.sqlite3'}", topic="t")
    assert isinstance(db, SqliteDatabase)
    with pytest.raises(ValueError, match="must start with sqlite:/// or postgresql://"):
        open_database("redis://x", topic="t")


def test_a_failing_migration_is_named_and_a_missing_directory_refused(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="no migration directory"):
        migrate(f"sqlite:///{tmp_path / 'a.sqlite3'}", [tmp_path / "nowhere"])
    broken = tmp_path / "migrations"
    broken.mkdir()
    (broken / "0001.ok.sql").write_text("CREATE TABLE ok (id TEXT);")
    (broken / "0002.broken.sql").write_text("CREATE TABLEE nope;")
    with pytest.raises(MigrationError, match="migration 0002.broken failed"):
        migrate(f"sqlite:///{tmp_path / 'a.sqlite3'}", [broken])
    (broken / "0002.broken.sql").write_text("CREATE TABLE fixed (id TEXT);")
    assert migrate(f"sqlite:///{tmp_path / 'a.sqlite3'}", [broken]) == ["0002.broken"]
