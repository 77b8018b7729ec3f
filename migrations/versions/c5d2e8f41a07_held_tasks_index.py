"""Task list (issue 14): one person's ready tasks in the "due" order from a partial index of held tasks

Revision ID: c5d2e8f41a07
Revises: a7d3e5c1f092
Create Date: 2026-12-04 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5d2e8f41a07'
down_revision = 'a7d3e5c1f092'
branch_labels = None
depends_on = None


def upgrade():
    held = sa.text('assignee_id IS NOT NULL')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_held', ['assignee_id', 'status', 'due_at', 'created_at', 'id'],
                              unique=False, sqlite_where=held, postgresql_where=held)


def downgrade():
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_held')
