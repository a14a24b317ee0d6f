"""xapi outbox: statements waiting for the LRS

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-30 03:21:31.369058

down_revision is 0007 while migration 0008 (interchange) is not in this tree; if it lands,
set down_revision to 0008's revision id so that the history stays one line.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('statement', sa.JSON(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_try_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tries', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_outbox')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_outbox_statement_id'))
    )
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_outbox_due', ['next_try_at'], unique=False, sqlite_where=sa.text('sent_at IS NULL'), postgresql_where=sa.text('sent_at IS NULL'))


def downgrade():
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_outbox_due', sqlite_where=sa.text('sent_at IS NULL'), postgresql_where=sa.text('sent_at IS NULL'))

    op.drop_table('xapi_outbox')
