"""What a figure was taken to mean: the claim's frame, and the frame slots each result's metric was chosen on.

- claims gain frame (JSON, nullable): Claim.frame as read from the clause that holds the figure (its slots: counted,
  measure, subject, place, restriction, time, attribution); empty for claims recorded before this revision, which
  had none read.
- check_results gain matched_on (JSON, nullable): CheckResult.matched_on ("measure=killed", "place=Gaza"); empty
  for results from before it, so their result_sha256 (computed without it) still names them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("claims", sa.Column("frame", sa.JSON))
    op.add_column("check_results", sa.Column("matched_on", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("check_results") as batch:
        batch.drop_column("matched_on")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("frame")
