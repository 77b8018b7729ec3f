"""Process versions keep their forms and who published them

Revision ID: da029ec9fba2
Revises: e5a1c0d7b2f4
Create Date: 2026-12-04 17:37:19.183623

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'da029ec9fba2'
down_revision = 'e5a1c0d7b2f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forms', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('deployed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_process_version_deployed_by_id_user'), 'user',
                                    ['deployed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_process_version_deployed_by_id_user'), type_='foreignkey')
        batch_op.drop_column('reason')
        batch_op.drop_column('deployed_by_id')
        batch_op.drop_column('forms')
