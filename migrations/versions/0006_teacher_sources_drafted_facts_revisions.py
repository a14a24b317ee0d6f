"""teacher sources, drafted facts, revisions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 21:53:13.339921

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


OLD_KINDS = "kind IN ('date', 'clause', 'quote', 'entity', 'definition', 'event')"
NEW_KINDS = (
    "kind IN ('date', 'clause', 'quote', 'entity', 'definition', 'event', 'number', 'list')"
)
STATUSES = "status IN ('proposed', 'accepted', 'rejected', 'stale')"


def upgrade():
    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('facts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_facts_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_facts_kind'), NEW_KINDS)
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='accepted', nullable=False))
        batch_op.add_column(sa.Column('tags', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('difficulty', sa.String(length=10), server_default='medium', nullable=False))
        batch_op.create_check_constraint(op.f('ck_facts_status'), STATUSES)

    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('previous_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('lineage', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_sources_lineage_revision'), ['lineage', 'revision'])
        batch_op.create_index(batch_op.f('ix_sources_owner_id'), ['owner_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sources_previous_id_sources'), 'sources', ['previous_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_sources_owner_id_users'), 'users', ['owner_id'], ['id'], ondelete='RESTRICT')



def downgrade():
    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.drop_column('published')

    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sources_owner_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_sources_previous_id_sources'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sources_owner_id'))
        batch_op.drop_constraint(batch_op.f('uq_sources_lineage_revision'), type_='unique')
        batch_op.drop_column('lineage')
        batch_op.drop_column('revision')
        batch_op.drop_column('previous_id')
        batch_op.drop_column('owner_id')

    with op.batch_alter_table('facts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_facts_status'), type_='check')
        batch_op.drop_constraint(op.f('ck_facts_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_facts_kind'), OLD_KINDS)
        batch_op.drop_column('difficulty')
        batch_op.drop_column('tags')
        batch_op.drop_column('status')

