"""date changes of the public record

Comments get `updated_at` (when what the public sees of them last changed; None while never
public) with an index for the open-data feed of changes; themes get `updated_at` because their
labels are part of the published record. Plain ALTER TABLE ADD COLUMN (no batch rebuild), so the
status-count triggers on `submissions` stay in place on SQLite.

Revision ID: 0b392d021ffa
Revises: 6ec63c67c31c
Create Date: 2026-11-30 11:51:05.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import portal.models.types


# revision identifiers, used by Alembic.
revision: str = '0b392d021ffa'
down_revision: Union[str, Sequence[str], None] = '6ec63c67c31c'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('submissions', sa.Column(
        'updated_at', portal.models.types.UTCDateTime(timezone=True), nullable=True))
    op.create_index('ix_submissions_period_updated_id', 'submissions',
                    ['period_id', 'updated_at', 'id'], unique=False)
    # What is public today became public when it was decided.
    op.execute("UPDATE submissions SET updated_at = COALESCE(decided_at, received_at) "
               "WHERE status = 'published'")
    op.add_column('themes', sa.Column(
        'updated_at', portal.models.types.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE themes SET updated_at = CURRENT_TIMESTAMP")


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('themes', 'updated_at')
    op.drop_index('ix_submissions_period_updated_id', table_name='submissions')
    op.drop_column('submissions', 'updated_at')
