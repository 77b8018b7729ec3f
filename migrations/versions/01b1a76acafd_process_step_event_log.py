"""Event log of the processes (issue 16): one row per completed task, for process mining

Revision ID: 01b1a76acafd
Revises: 13e6d08126c1
Create Date: 2026-12-04 18:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '01b1a76acafd'
down_revision = '13e6d08126c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('process_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('process_version_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.String(length=80), nullable=False),
    sa.Column('activity', sa.String(length=200), nullable=False),
    sa.Column('element_type', sa.String(length=40), nullable=False),
    sa.Column('lane', sa.String(length=80), nullable=True),
    sa.Column('resource_id', sa.Integer(), nullable=True),
    sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['process_version_id'], ['process_version.id'], ),
    sa.ForeignKeyConstraint(['resource_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_process_step_completed', 'process_step', ['completed_at'], unique=False)
    op.create_index('ix_process_step_version_completed', 'process_step', ['process_version_id', 'completed_at'],
                    unique=False)
    op.create_index('ix_process_step_instance_id', 'process_step', ['instance_id'], unique=False)
    op.create_index('ix_process_step_ticket_id', 'process_step', ['ticket_id'], unique=False)


def downgrade():
    op.drop_index('ix_process_step_ticket_id', table_name='process_step')
    op.drop_index('ix_process_step_instance_id', table_name='process_step')
    op.drop_index('ix_process_step_version_completed', table_name='process_step')
    op.drop_index('ix_process_step_completed', table_name='process_step')
    op.drop_table('process_step')
