"""Mediation cases end to end: how a mediation came (application, grid report, referral), the routes a failed
mediation's parties were told of (第26条), the agreement's judicial confirmation result and performance follow-up

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mediation_case") as batch:
        batch.add_column(sa.Column("source", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("routes_told", sa.String(length=100), nullable=True))
    op.execute("UPDATE mediation_case SET source = 'referral' WHERE case_id IS NOT NULL")
    with op.batch_alter_table("agreement") as batch:
        batch.add_column(sa.Column("confirmation_result", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("confirmation_decided_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("performance_status", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("performance_checked_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("performance_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agreement") as batch:
        for name in (
            "performance_note",
            "performance_checked_on",
            "performance_status",
            "confirmation_decided_on",
            "confirmation_result",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("mediation_case") as batch:
        batch.drop_column("routes_told")
        batch.drop_column("source")
