"""Round policy (issue 15): the process versions a ticket runs, kept for all its rounds

Revision ID: 8d81031196b0
Revises: 01b1a76acafd
Create Date: 2026-12-04 18:25:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d81031196b0'
down_revision = '01b1a76acafd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket') as batch_op:
        batch_op.add_column(sa.Column('process_pins', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('ticket') as batch_op:
        batch_op.drop_column('process_pins')
