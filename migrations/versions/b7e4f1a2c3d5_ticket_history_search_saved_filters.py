"""Ticket history (issue 13): accent- and case-blind search kept by triggers, saved filters per user

SQLite: an FTS5 table ``ticket_fts`` (tokenizer unicode61 with remove_diacritics) whose rowid is the ticket's id.
PostgreSQL: the ``unaccent`` extension and a table ``ticket_fts`` holding each ticket's tsvector (configuration
'simple' over the unaccented text, with - @ . _ read as spaces as FTS5's tokenizer does, GIN-indexed). On both, triggers on ``ticket`` and ``customer`` keep the
document (number, customer number/name/phone/e-mail, contact phone/e-mail, description) in step.

Revision ID: b7e4f1a2c3d5
Revises: c1a1e5000012
Create Date: 2026-12-04 15:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e4f1a2c3d5'
down_revision = 'c1a1e5000012'
branch_labels = None
depends_on = None

_SQLITE_DOCUMENT = ("coalesce(t.number, '') || ' ' || c.number || ' ' || c.name || ' ' || coalesce(c.phone, '') "
                    "|| ' ' || coalesce(c.email, '') || ' ' || coalesce(t.contact_phone, '') || ' ' "
                    "|| coalesce(t.contact_email, '') || ' ' || t.description")

SQLITE = [
    "CREATE VIRTUAL TABLE ticket_fts USING fts5(document, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER ticket_fts_insert AFTER INSERT ON ticket BEGIN "
    f"INSERT INTO ticket_fts(rowid, document) SELECT t.id, {_SQLITE_DOCUMENT} "
    "FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE t.id = new.id; END",
    "CREATE TRIGGER ticket_fts_update AFTER UPDATE OF number, customer_id, description, contact_phone, "
    "contact_email ON ticket BEGIN DELETE FROM ticket_fts WHERE rowid = old.id; "
    f"INSERT INTO ticket_fts(rowid, document) SELECT t.id, {_SQLITE_DOCUMENT} "
    "FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE t.id = new.id; END",
    "CREATE TRIGGER ticket_fts_delete AFTER DELETE ON ticket BEGIN DELETE FROM ticket_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER ticket_fts_customer AFTER UPDATE OF number, name, phone, email ON customer BEGIN "
    "DELETE FROM ticket_fts WHERE rowid IN (SELECT id FROM ticket WHERE customer_id = new.id); "
    f"INSERT INTO ticket_fts(rowid, document) SELECT t.id, {_SQLITE_DOCUMENT} "
    "FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE t.customer_id = new.id; END",
    f"INSERT INTO ticket_fts(rowid, document) SELECT t.id, {_SQLITE_DOCUMENT} "
    "FROM ticket t JOIN customer c ON c.id = t.customer_id",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TABLE ticket_fts (ticket_id integer PRIMARY KEY REFERENCES ticket(id) ON DELETE CASCADE, "
    "document tsvector NOT NULL)",
    "CREATE INDEX ix_ticket_fts_document ON ticket_fts USING gin (document)",
    """CREATE FUNCTION ticket_fts_document(integer) RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT to_tsvector('simple', translate(unaccent(concat_ws(' ', t.number, c.number, c.name, c.phone, c.email,
                                                                  t.contact_phone, t.contact_email, t.description)),
                                               '-@._', '    '))
        FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE t.id = $1 $$""",
    """CREATE FUNCTION ticket_fts_from_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO ticket_fts(ticket_id, document) VALUES (NEW.id, ticket_fts_document(NEW.id))
          ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document;
          RETURN NULL;
        END $$""",
    """CREATE FUNCTION ticket_fts_from_customer() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE ticket_fts f SET document = ticket_fts_document(f.ticket_id)
          FROM ticket t WHERE t.id = f.ticket_id AND t.customer_id = NEW.id;
          RETURN NULL;
        END $$""",
    "CREATE TRIGGER ticket_fts_ticket AFTER INSERT OR UPDATE OF number, customer_id, description, contact_phone, "
    "contact_email ON ticket FOR EACH ROW EXECUTE FUNCTION ticket_fts_from_ticket()",
    "CREATE TRIGGER ticket_fts_customer AFTER UPDATE OF number, name, phone, email ON customer "
    "FOR EACH ROW EXECUTE FUNCTION ticket_fts_from_customer()",
    "INSERT INTO ticket_fts(ticket_id, document) SELECT id, ticket_fts_document(id) FROM ticket",
]


def upgrade():
    op.create_table('saved_ticket_filter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'name', name='uq_saved_ticket_filter_user_name')
    )
    with op.batch_alter_table('saved_ticket_filter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_ticket_filter_user_id'), ['user_id'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in SQLITE if dialect == "sqlite" else POSTGRES if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("ticket_fts_insert", "ticket_fts_update", "ticket_fts_delete", "ticket_fts_customer"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS ticket_fts")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ticket_fts_ticket ON ticket")
        op.execute("DROP TRIGGER IF EXISTS ticket_fts_customer ON customer")
        op.execute("DROP TABLE IF EXISTS ticket_fts")
        for name in ("ticket_fts_from_ticket()", "ticket_fts_from_customer()", "ticket_fts_document(integer)"):
            op.execute(f"DROP FUNCTION IF EXISTS {name}")
        # unaccent stays: other objects of the database may use it.
    with op.batch_alter_table('saved_ticket_filter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_ticket_filter_user_id'))
    op.drop_table('saved_ticket_filter')
