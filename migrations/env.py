"""Alembic environment: always runs on the connection factbase hands it.

factbase opens the transaction itself (see ``factbase.store.database.Database.migrate``) so a
whole upgrade is one transaction on SQLite as well as on PostgreSQL.
"""

from alembic import context

from factbase.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `factbase db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table with data in place.
    render_as_batch=True,
    compare_type=True,
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
