"""A unit's 不予受理 decision and why a case left the petition track

case.declined_on is the day of the 不予受理 notice (it counts as the unit's decision for on-time acceptance,
DOMAIN.md §8); case.end_reason says why a case left the track (不予受理, later 不再受理).

Revision ID: 0004
Revises: 0003
Create Date: 2026-09-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("declined_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("end_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.drop_column("end_reason")
        batch.drop_column("declined_on")
