"""Language preference (issue 13): the pages in Spanish (default) or English, per staff user and per customer
account

Revision ID: e13a7f2b9c01
Revises: d4b1e7a90c21
Create Date: 2026-12-04 18:05:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e13a7f2b9c01'
down_revision = 'd4b1e7a90c21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))
    with op.batch_alter_table('customer_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table('customer_account', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')
