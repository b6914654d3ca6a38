"""export jobs

Exports run on the worker: `export_jobs` holds who asked, what, how far it got and the file it
made (size, SHA-256, row count).

Revision ID: c4e8a1f07b52
Revises: a13c5e551011
Create Date: 2026-11-30 17:45:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'c4e8a1f07b52'
down_revision: Union[str, Sequence[str], None] = 'a13c5e551011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'export_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('scope_kind', sa.String(length=10), nullable=False),
        sa.Column('scope_key', sa.String(length=120), nullable=False),
        sa.Column('fmt', sa.String(length=8), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='exportstate',
                                   native_enum=False, create_constraint=False, length=10),
                  nullable=False),
        sa.Column('rows_written', sa.Integer(), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=True),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('row_count', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_export_jobs_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_export_jobs_stored_name')),
    )
    op.create_index('ix_export_jobs_state_finished_at', 'export_jobs',
                    ['state', 'finished_at'], unique=False)
    op.create_index('ix_export_jobs_user_id_id', 'export_jobs', ['user_id', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_export_jobs_user_id_id', table_name='export_jobs')
    op.drop_index('ix_export_jobs_state_finished_at', table_name='export_jobs')
    op.drop_table('export_jobs')
