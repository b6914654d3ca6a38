"""The revision that made questions rows moves the data both ways and registers the dockets."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from portal.cli import alembic_config
from portal.db import make_engine

BEFORE = "34290104e68f"  # questions were newline-separated columns
QUESTIONS = "5b7e2c9d41a3"


def test_questions_become_rows_and_come_back(scratch_url: str) -> None:
    config = alembic_config(scratch_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(scratch_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO pillars (id, number, slug, name_en, name_es, description_en, "
                "description_es) VALUES (1, 1, 'p', 'P', 'P', 'd', 'd')"))
            conn.execute(text(
                "INSERT INTO comment_periods (id, pillar_id, docket_id, slug, title_en, title_es, "
                "description_en, description_es, questions_en, questions_es, opens_at, "
                "closes_at, timezone) VALUES (1, 1, 'HLED-2026-0007', 's', 'T', 'T', "
                "'First sentence. Second *one*.', 'Primera frase. Segunda.', "
                ":en, :es, '2026-01-01 00:00:00+00:00', '2026-02-01 00:00:00+00:00', "
                "'America/New_York')"),
                {"en": "What helps?\n\nWhat hurts?\n", "es": "¿Qué ayuda?\n¿Qué estorba?"})
        command.upgrade(config, QUESTIONS)
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT position, text_en, text_es FROM questions ORDER BY position")).all()
            assert [tuple(r) for r in rows] == [(1, "What helps?", "¿Qué ayuda?"),
                                                (2, "What hurts?", "¿Qué estorba?")]
            period = conn.execute(text(
                "SELECT summary_en, summary_es, description_html_en FROM comment_periods")).one()
            assert period[0] == "First sentence." and period[1] == "Primera frase."
            assert "<em>one</em>" in period[2]
            docket = conn.execute(text("SELECT prefix, year, number FROM dockets")).one()
            assert tuple(docket) == ("HLED", 2026, 7)
        command.downgrade(config, BEFORE)
        with engine.connect() as conn:
            back = conn.execute(text(
                "SELECT questions_en, questions_es FROM comment_periods")).one()
            assert tuple(back) == ("What helps?\nWhat hurts?", "¿Qué ayuda?\n¿Qué estorba?")
    finally:
        engine.dispose()
