"""Alembic environment for the ledger. Run only through claimledger.ledger.migrate, which hands over a connection."""

from __future__ import annotations

from alembic import context

from claimledger.ledger import schema

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` on the command line, or offline (--sql) mode: there is no alembic.ini here
    raise RuntimeError("run ledger migrations through claimledger.ledger.migrate (LedgerStore upgrades on open)")

context.configure(
    connection=connection,
    target_metadata=schema.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
