"""Scale (issue 14): a ticket's open tasks, a technician's load and the task list's keyset pages by index

Revision ID: b7e2c4d91f30
Revises: b7e4f1a2c3d5
Create Date: 2026-12-04 16:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e2c4d91f30'
down_revision = 'b7e4f1a2c3d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_ticket_open', ['ticket_id', 'status', 'created_at'], unique=False)
        batch_op.drop_index('ix_human_task_ticket_id')  # the composite's prefix serves it
        batch_op.create_index('ix_human_task_ready_due', ['status', 'due_at', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_human_task_ready_newest', ['status', 'created_at', 'id'], unique=False)
        batch_op.drop_index('ix_human_task_open_created')  # ix_human_task_ready_newest serves it and breaks ties
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_assignee_status', ['assignee_id', 'status'], unique=False)
        batch_op.drop_index('ix_ticket_assignee_id')


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_assignee_id', ['assignee_id'], unique=False)
        batch_op.drop_index('ix_ticket_assignee_status')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_open_created', ['status', 'created_at'], unique=False)
        batch_op.drop_index('ix_human_task_ready_newest')
        batch_op.drop_index('ix_human_task_ready_due')
        batch_op.create_index('ix_human_task_ticket_id', ['ticket_id'], unique=False)
        batch_op.drop_index('ix_human_task_ticket_open')
