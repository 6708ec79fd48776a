"""The ledger's Alembic migrations: env.py, the revision template, and versions/ (one file per schema change)."""
