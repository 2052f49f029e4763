"""Keep each stage's deadline after the stage ends (acceptance, reply), so the on-time rates are SQL aggregates

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("case", sa.Column("acceptance_due_on", sa.Date(), nullable=True))
    op.add_column("case", sa.Column("reply_due_on", sa.Date(), nullable=True))
    op.add_column("case", sa.Column("handling_paused_days", sa.Integer(), nullable=False, server_default="0"))
    op.create_index(op.f("ix_case_acceptance_due_on"), "case", ["acceptance_due_on"])
    op.create_index(op.f("ix_case_reply_due_on"), "case", ["reply_due_on"])
    # The pauses of a case's handling stage, from the pause log (paused_days keeps only the current stage's).
    op.execute(
        """
        UPDATE "case" SET handling_paused_days = COALESCE((
            SELECT SUM(p.ended_on - p.started_on) FROM case_pause p
            WHERE p.case_id = "case".id AND p.stage = 'handling' AND p.ended_on IS NOT NULL
              AND p.started_on >= "case".accepted_on
        ), 0)
        WHERE accepted_on IS NOT NULL AND EXISTS (SELECT 1 FROM case_pause q WHERE q.case_id = "case".id)
        """
        if op.get_bind().dialect.name == "postgresql"
        else """
        UPDATE "case" SET handling_paused_days = COALESCE((
            SELECT SUM(CAST(julianday(p.ended_on) - julianday(p.started_on) AS INTEGER)) FROM case_pause p
            WHERE p.case_id = "case".id AND p.stage = 'handling' AND p.ended_on IS NOT NULL
              AND p.started_on >= "case".accepted_on
        ), 0)
        WHERE accepted_on IS NOT NULL AND EXISTS (SELECT 1 FROM case_pause q WHERE q.case_id = "case".id)
        """
    )
    from core.calendar import clock

    with Session(bind=op.get_bind()) as session:
        clock.recompute_stage_deadlines(session)
        session.flush()


def downgrade() -> None:
    op.drop_index(op.f("ix_case_reply_due_on"), table_name="case")
    op.drop_index(op.f("ix_case_acceptance_due_on"), table_name="case")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("handling_paused_days")
        batch.drop_column("reply_due_on")
        batch.drop_column("acceptance_due_on")
