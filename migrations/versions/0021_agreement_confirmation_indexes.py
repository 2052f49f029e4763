"""agreement_confirmation_indexes: the agreements awaiting judicial confirmation (a mediator's day) are read
through indexes on the window's end and the application date, not by scanning every agreement

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_agreement_confirmation_due"), "agreement", ["confirmation_due"])
    op.create_index(op.f("ix_agreement_confirmation_applied_on"), "agreement", ["confirmation_applied_on"])


def downgrade() -> None:
    op.drop_index(op.f("ix_agreement_confirmation_applied_on"), table_name="agreement")
    op.drop_index(op.f("ix_agreement_confirmation_due"), table_name="agreement")
