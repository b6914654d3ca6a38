"""attachments and business-confidential parts of comments

Files sent with a comment (`attachments`: content-addressed storage key, type decided from the
content, public / held / withheld state, text extraction state and text) and the confidential
part of a comment (`submissions.contains_bci`, `submissions.confidential_body`). Plain ALTER
TABLE ADD COLUMN (no batch rebuild), so the status-count triggers on `submissions` stay in place
on SQLite.

Revision ID: 7a1c3e5b9d20
Revises: 9c1e4f7a2b6d
Create Date: 2026-11-30 15:10:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import portal.models.types


# revision identifiers, used by Alembic.
revision: str = '7a1c3e5b9d20'
down_revision: Union[str, Sequence[str], None] = '9c1e4f7a2b6d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _code(length: int) -> sa.Enum:
    # Codes as plain text, as portal.models.types.code_column declares them.
    return sa.String(length=length)


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('submissions', sa.Column('contains_bci', sa.Boolean(), nullable=False,
                                           server_default=sa.false()))
    op.add_column('submissions', sa.Column('confidential_body', sa.Text(), nullable=True))
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('file_type', sa.String(length=8), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('confidential', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('held_markers', sa.String(length=200), server_default='', nullable=False),
        sa.Column('withheld_reason', sa.Text(), nullable=True),
        sa.Column('withheld_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('withheld_by_id', sa.Integer(), nullable=True),
        sa.Column('extraction', sa.String(length=16), nullable=False),
        sa.Column('extraction_note', sa.String(length=200), server_default='', nullable=False),
        sa.Column('extracted_text', sa.Text(), nullable=True),
        sa.Column('page_count', sa.Integer(), nullable=True),
        sa.Column('extracted_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'],
                                name=op.f('fk_attachments_submission_id_submissions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['withheld_by_id'], ['users.id'],
                                name=op.f('fk_attachments_withheld_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    )
    op.create_index('ix_attachments_submission_position', 'attachments',
                    ['submission_id', 'position'], unique=False)
    op.create_index('ix_attachments_extraction_id', 'attachments', ['extraction', 'id'],
                    unique=False)
    op.create_index(op.f('ix_attachments_sha256'), 'attachments', ['sha256'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_attachments_sha256'), table_name='attachments')
    op.drop_index('ix_attachments_extraction_id', table_name='attachments')
    op.drop_index('ix_attachments_submission_position', table_name='attachments')
    op.drop_table('attachments')
    op.drop_column('submissions', 'confidential_body')
    op.drop_column('submissions', 'contains_bci')
