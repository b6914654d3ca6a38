"""questions and answers as rows, dockets, deadline changes, documents, outcomes

Periods are run from the site: the newline-separated questions_en/questions_es columns become
rows of `questions` (paired by line; a missing translation takes the other language's text) and
are dropped; the downgrade joins them back. Existing descriptions get their Markdown rendering cached, and a summary taken
from their first sentence.

Revision ID: 5b7e2c9d41a3
Revises: 34290104e68f
Create Date: 2026-12-01 09:00:00.000000

"""
import re
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import portal.models.types  # noqa: F401 - custom column types used by autogenerate


# revision identifiers, used by Alembic.
revision: str = '5b7e2c9d41a3'
down_revision: Union[str, Sequence[str], None] = '34290104e68f'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

UTC = portal.models.types.UTCDateTime(timezone=True)
_DOCKET = re.compile(r"^(.+)-(\d{4})-(\d+)$")
_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)", re.S)


def _drop_columns(table: str, *columns: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column in place (3.35+); a batch rebuild of a table other tables
        # reference would trip their foreign keys.
        for column in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        for column in columns:
            op.drop_column(table, column)


def upgrade() -> None:
    op.create_table('dockets',
    sa.Column('docket_id', sa.String(length=32), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('issued_at', UTC, nullable=False),
    sa.PrimaryKeyConstraint('docket_id', name=op.f('pk_dockets'))
    )
    op.create_index('ix_dockets_prefix_year_number', 'dockets', ['prefix', 'year', 'number'], unique=False)
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('text_es', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['comment_periods.id'], name=op.f('fk_questions_period_id_comment_periods'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('period_id', 'position', name=op.f('uq_questions_period_id'))
    )
    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.Column('public_text', sa.Text(), nullable=True),
    sa.Column('public_text_html', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answers_question_id_questions')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_answers_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('submission_id', 'question_id', name=op.f('uq_answers_submission_id'))
    )
    op.create_index(op.f('ix_answers_question_id'), 'answers', ['question_id'], unique=False)
    op.create_table('period_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', UTC, nullable=False),
    sa.Column('old_closes_at', UTC, nullable=False),
    sa.Column('new_closes_at', UTC, nullable=False),
    sa.Column('reason_en', sa.Text(), nullable=False),
    sa.Column('reason_es', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['comment_periods.id'], name=op.f('fk_period_changes_period_id_comment_periods'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_changes'))
    )
    op.create_index(op.f('ix_period_changes_period_id'), 'period_changes', ['period_id'], unique=False)
    op.create_table('period_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('title_es', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('added_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['comment_periods.id'], name=op.f('fk_period_documents_period_id_comment_periods'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_documents'))
    )
    op.create_index(op.f('ix_period_documents_period_id'), 'period_documents', ['period_id'], unique=False)
    op.create_table('outcome_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('summary_es', sa.Text(), nullable=False),
    sa.Column('response_en', sa.Text(), nullable=False),
    sa.Column('response_es', sa.Text(), nullable=False),
    sa.Column('summary_html_en', sa.Text(), nullable=False),
    sa.Column('summary_html_es', sa.Text(), nullable=False),
    sa.Column('response_html_en', sa.Text(), nullable=False),
    sa.Column('response_html_es', sa.Text(), nullable=False),
    sa.Column('saved_at', UTC, nullable=False),
    sa.Column('saved_by', sa.String(length=320), nullable=False),
    sa.Column('published_at', UTC, nullable=True),
    sa.Column('published_by', sa.String(length=320), nullable=True),
    sa.ForeignKeyConstraint(['period_id'], ['comment_periods.id'], name=op.f('fk_outcome_revisions_period_id_comment_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_revisions'))
    )
    op.create_index(op.f('ix_outcome_revisions_period_id'), 'outcome_revisions', ['period_id'], unique=False)
    for column in ('summary_en', 'summary_es', 'description_html_en', 'description_html_es'):
        op.add_column('comment_periods', sa.Column(column, sa.Text(), nullable=False, server_default=''))
    _move_data_up()
    _drop_columns('comment_periods', 'questions_en', 'questions_es')


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    match = _SENTENCE.match(text)
    return (match.group(1) if match else text)[:300]


def _move_data_up() -> None:
    from datetime import datetime, timezone

    from portal.sanitize import render_markdown

    bind = op.get_bind()
    periods = bind.execute(sa.text(
        "SELECT id, docket_id, description_en, description_es, questions_en, questions_es "
        "FROM comment_periods ORDER BY id"
    )).all()
    now = datetime.now(timezone.utc)
    dockets = sa.table('dockets', sa.column('docket_id'), sa.column('prefix'), sa.column('year'),
                       sa.column('number'), sa.column('issued_at', UTC))
    questions = sa.table('questions', sa.column('period_id'), sa.column('position'),
                         sa.column('text_en'), sa.column('text_es'))
    for pid, docket, desc_en, desc_es, q_en, q_es in periods:
        match = _DOCKET.match(docket)
        prefix, year, number = (match.group(1), int(match.group(2)), int(match.group(3))) \
            if match else (docket[:16], 0, 0)
        bind.execute(dockets.insert().values(docket_id=docket, prefix=prefix[:16], year=year,
                                             number=number, issued_at=now))
        en, es = _lines(q_en), _lines(q_es)
        for position in range(max(len(en), len(es))):
            text_en = en[position] if position < len(en) else es[position]
            text_es = es[position] if position < len(es) else en[position]
            bind.execute(questions.insert().values(period_id=pid, position=position + 1,
                                                   text_en=text_en, text_es=text_es))
        bind.execute(
            sa.text("UPDATE comment_periods SET description_html_en = :he, "
                    "description_html_es = :hs, summary_en = :se, summary_es = :ss WHERE id = :id"),
            {"he": render_markdown(desc_en), "hs": render_markdown(desc_es),
             "se": _first_sentence(desc_en), "ss": _first_sentence(desc_es), "id": pid},
        )


def downgrade() -> None:
    for column in ('questions_en', 'questions_es'):
        op.add_column('comment_periods', sa.Column(column, sa.Text(), nullable=False, server_default=''))
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT period_id, text_en, text_es FROM questions ORDER BY period_id, position"
    )).all()
    joined: dict[int, tuple[list[str], list[str]]] = {}
    for pid, text_en, text_es in rows:
        en, es = joined.setdefault(pid, ([], []))
        en.append(" ".join(text_en.split()))
        es.append(" ".join(text_es.split()))
    for pid, (en, es) in joined.items():
        bind.execute(sa.text("UPDATE comment_periods SET questions_en = :en, questions_es = :es "
                             "WHERE id = :id"), {"en": "\n".join(en), "es": "\n".join(es), "id": pid})
    _drop_columns('comment_periods', 'summary_en', 'summary_es', 'description_html_en',
                  'description_html_es')
    op.drop_index(op.f('ix_outcome_revisions_period_id'), table_name='outcome_revisions')
    op.drop_table('outcome_revisions')
    op.drop_index(op.f('ix_period_documents_period_id'), table_name='period_documents')
    op.drop_table('period_documents')
    op.drop_index(op.f('ix_period_changes_period_id'), table_name='period_changes')
    op.drop_table('period_changes')
    op.drop_index(op.f('ix_answers_question_id'), table_name='answers')
    op.drop_table('answers')
    op.drop_table('questions')
    op.drop_index('ix_dockets_prefix_year_number', table_name='dockets')
    op.drop_table('dockets')
