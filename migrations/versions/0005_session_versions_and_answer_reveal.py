"""session versions (revocable sessions) and when quiz answers are revealed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='1', nullable=False)
        )

    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'reveal_answers',
                sa.String(length=20),
                server_default='after_last_attempt',
                nullable=False,
            )
        )
        batch_op.create_check_constraint(
            op.f('ck_quizzes_reveal_answers'),
            "reveal_answers IN ('after_last_attempt', 'after_each_attempt', 'after_close')",
        )


def downgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_quizzes_reveal_answers'), type_='check')
        batch_op.drop_column('reveal_answers')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
