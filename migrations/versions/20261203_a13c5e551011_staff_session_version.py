"""staff session version

`users.session_version` is written into each session cookie and raised to end every session of
the account (sign-out, password or role change, disabling, an admin's "end all sessions"). A
plain ALTER TABLE ADD COLUMN with a server default, so existing rows get 0.

Revision ID: a13c5e551011
Revises: 66f4e2bee20b
Create Date: 2026-11-30 15:20:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'a13c5e551011'
down_revision: Union[str, Sequence[str], None] = '66f4e2bee20b'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('users', sa.Column('session_version', sa.Integer(), server_default='0',
                                     nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('users', 'session_version')
