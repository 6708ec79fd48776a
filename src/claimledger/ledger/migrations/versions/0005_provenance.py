"""What decided each result: the check's parameters on the result, and on the run what it was decided with.

- check_results gain parameters (JSON, nullable): the metric's check parameters the result was decided with
  (source, field, window_days, label, ...), so a chart or an explanation of an old result reads what held then,
  not today's metrics.toml; empty for results from before this revision.
- runs gain basis (JSON, nullable): the package version and the sha256 of the vocabulary (metrics.toml and the
  lexicons) and of the expectation suites the run used; empty for runs from before it.
Both are in the fingerprint of every result written from this revision on.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("check_results", sa.Column("parameters", sa.JSON))
    op.add_column("runs", sa.Column("basis", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("basis")
    with op.batch_alter_table("check_results") as batch:
        batch.drop_column("parameters")
