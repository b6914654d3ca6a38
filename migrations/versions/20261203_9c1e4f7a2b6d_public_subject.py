"""public subject: a moderator may edit the subject the public reads

`submissions.public_subject` holds the subject as published when a moderator changed it (None:
the subject as received is public), like `public_body` for the text. Plain ALTER TABLE ADD
COLUMN (no batch rebuild), so the status-count triggers on `submissions` stay in place on SQLite.

Revision ID: 9c1e4f7a2b6d
Revises: 46c10f26d912
Create Date: 2026-11-30 15:20:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '9c1e4f7a2b6d'
down_revision: Union[str, Sequence[str], None] = '46c10f26d912'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('submissions', sa.Column('public_subject', sa.String(length=300),
                                           nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('submissions', 'public_subject')
