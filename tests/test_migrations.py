"""The schema comes only from Alembic: head equals the models, every revision goes up and down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from portal.cli import alembic_config
from portal.db import Base, include_in_autogenerate, make_engine

# `scratch_url` (tests/conftest.py): an empty database apart from the one the other tests share.


def test_head_matches_the_models(scratch_url: str) -> None:
    command.upgrade(alembic_config(scratch_url), "head")
    engine = make_engine(scratch_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_in_autogenerate}
            )
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        engine.dispose()


def test_every_revision_upgrades_and_downgrades(scratch_url: str) -> None:
    config = alembic_config(scratch_url)
    script = ScriptDirectory.from_config(config)
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions, "no migrations found"
    for revision in revisions:
        command.upgrade(config, revision.revision)
        command.downgrade(config, revision.down_revision or "base")
        command.upgrade(config, revision.revision)
    command.downgrade(config, "base")
    engine = make_engine(scratch_url)
    try:
        left = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        assert left == []
    finally:
        engine.dispose()


def test_export_jobs_come_and_go_with_their_revision(scratch_url: str) -> None:
    config = alembic_config(scratch_url)
    command.upgrade(config, "c4e8a1f07b52")
    engine = make_engine(scratch_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("export_jobs")}
        assert {"user_id", "state", "rows_written", "rows_total", "sha256", "size",
                "row_count", "stored_name", "error"} <= columns
        command.downgrade(config, "a13c5e551011")
        assert "export_jobs" not in inspect(engine).get_table_names()
        assert "users" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
