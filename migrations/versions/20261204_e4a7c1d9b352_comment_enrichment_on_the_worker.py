"""comment enrichment on the worker

`submissions.enriched_at`: when the worker added what the receipt does not need (detected
language, sanitized HTML, suggested themes, the repeated-text flag). Comments stored before this
revision were enriched in their request, so they take their arrival time. A partial index keeps
the worker's sweep of the comments still waiting small. ALTER TABLE ADD COLUMN on both engines:
no table rebuild, so the count triggers on SQLite stay.

Revision ID: e4a7c1d9b352
Revises: c4e8a1f07b52
Create Date: 2026-11-30 18:00:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.models.types

# revision identifiers, used by Alembic.
revision: str = 'e4a7c1d9b352'
down_revision: str | Sequence[str] | None = 'c4e8a1f07b52'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('submissions', sa.Column('enriched_at', portal.models.types.UTCDateTime(),
                                           nullable=True))
    op.execute("UPDATE submissions SET enriched_at = received_at")
    op.create_index('ix_submissions_unenriched', 'submissions', ['id'], unique=False,
                    sqlite_where=sa.text('enriched_at IS NULL'),
                    postgresql_where=sa.text('enriched_at IS NULL'))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_submissions_unenriched', table_name='submissions',
                  sqlite_where=sa.text('enriched_at IS NULL'),
                  postgresql_where=sa.text('enriched_at IS NULL'))
    # Comments the worker had not reached get what the older code made in the request: their
    # sanitized rendering, and an undetermined language where none was declared.
    from portal.sanitize import render_text

    conn = op.get_bind()
    waiting = conn.execute(sa.text(
        "SELECT id, body FROM submissions WHERE enriched_at IS NULL")).all()
    for sid, body in waiting:
        conn.execute(sa.text("UPDATE submissions SET body_html = :html WHERE id = :id"),
                     {"html": render_text(body), "id": sid})
        for aid, text in conn.execute(sa.text(
                "SELECT id, text FROM answers WHERE submission_id = :id"), {"id": sid}).all():
            conn.execute(sa.text("UPDATE answers SET text_html = :html WHERE id = :id"),
                         {"html": render_text(text), "id": aid})
    op.execute("UPDATE submissions SET language_source = 'undetermined' "
               "WHERE language_source = 'pending'")
    op.drop_column('submissions', 'enriched_at')
