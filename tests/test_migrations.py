"""The schema comes only from Alembic: head equals the models, every revision goes up and down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

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


BEFORE_ENRICHMENT = "c4e8a1f07b52"
ENRICHMENT = "e4a7c1d9b352"
_COMMENT = (
    "INSERT INTO submissions (id, tracking_number, period_id, submitter_type, name, email, "
    "country, region, subject, body, body_html, language, language_source, consent_publish, "
    "ui_language, received_at, digest, status, version) VALUES (:id, :tracking, 1, 'individual', "
    "'Ana', 'a@example.org', 'MX', '', 'S', :body, :html, :lang, :source, true, 'es', "
    "'2026-01-10 12:00:00+00:00', :digest, 'pending', 1)")


def test_enrichment_revision_marks_old_comments_and_renders_waiting_ones_going_down(
        scratch_url: str) -> None:
    config = alembic_config(scratch_url)
    command.upgrade(config, BEFORE_ENRICHMENT)
    engine = make_engine(scratch_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO pillars (id, number, slug, name_en, name_es, description_en, "
                "description_es) VALUES (1, 1, 'p', 'P', 'P', 'd', 'd')"))
            conn.execute(text(
                "INSERT INTO comment_periods (id, pillar_id, docket_id, slug, title_en, "
                "title_es, summary_en, summary_es, description_en, description_es, opens_at, "
                "closes_at, timezone) VALUES (1, 1, 'HLED-2026-0001', 's', 'T', 'T', 's', 's', "
                "'d', 'd', '2026-01-01 00:00:00+00:00', '2026-02-01 00:00:00+00:00', "
                "'America/New_York')"))
            conn.execute(text("INSERT INTO questions (id, period_id, position, text_en, text_es) "
                              "VALUES (1, 1, 1, 'Q?', '¿P?')"))
            conn.execute(text(_COMMENT), {"id": 1, "tracking": "HLED-AAAA-AAAA-AAAA",
                                          "body": "Old", "html": "<p>Old</p>", "lang": "en",
                                          "source": "detected:lingua", "digest": "0" * 64})
        command.upgrade(config, ENRICHMENT)
        with engine.begin() as conn:
            old = conn.execute(text(
                "SELECT enriched_at IS NOT NULL FROM submissions WHERE id = 1")).scalar_one()
            assert old, "a comment enriched in its request counts as enriched"
            # One the worker has not reached when the schema goes back down.
            conn.execute(text(_COMMENT), {"id": 2, "tracking": "HLED-BBBB-BBBB-BBBB",
                                          "body": "<b>Hola</b> https://example.org",
                                          "html": "", "lang": "und", "source": "pending",
                                          "digest": "1" * 64})
            conn.execute(text("INSERT INTO answers (submission_id, question_id, text, text_html) "
                              "VALUES (2, 1, 'Sí <i>y</i> no', '')"))
        command.downgrade(config, BEFORE_ENRICHMENT)
        with engine.connect() as conn:
            html, source = conn.execute(text(
                "SELECT body_html, language_source FROM submissions WHERE id = 2")).one()
            assert "&lt;b&gt;Hola&lt;/b&gt;" in html and 'rel="nofollow ugc"' in html
            assert source == "undetermined"
            answer = conn.execute(text("SELECT text_html FROM answers")).scalar_one()
            assert answer == "<p>Sí &lt;i&gt;y&lt;/i&gt; no</p>"
            assert conn.execute(text(
                "SELECT body_html FROM submissions WHERE id = 1")).scalar_one() == "<p>Old</p>"
    finally:
        engine.dispose()
