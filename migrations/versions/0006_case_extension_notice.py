"""The extension's approval and how the petitioner was told its reason (第34条)

Revision ID: 0006
Revises: 0005
Create Date: 2026-09-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("extension_approved_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("extension_notified_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("extension_notice", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.drop_column("extension_notice")
        batch.drop_column("extension_notified_on")
        batch.drop_column("extension_approved_on")
