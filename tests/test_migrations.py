"""The Alembic migrations build exactly the schema the models describe."""
from pathlib import Path

from flask_migrate import check

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def test_models_and_migrations_agree(app):
    # The session fixture upgraded the test database to head; alembic raises on any difference.
    check(directory=MIGRATIONS)
