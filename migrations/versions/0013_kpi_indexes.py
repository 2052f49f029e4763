"""Covering indexes for the indicators: each aggregate of core.kpis reads an index, never the wide case rows

On 1,000,000 cases (bench/bench_kpis.py) the figures of a year took 96 s on SQLite without them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SCOPE = ["status", "channel", "category", "subject", "street_id", "lead_unit_id"]
INDEXES = {
    "ix_case_kpi_received": ["received_on", *SCOPE, "repeat_of_id", "onsite_resolved", "closed_on"],
    "ix_case_kpi_acceptance": ["acceptance_due_on", *SCOPE, "accepted_on", "declined_on"],
    "ix_case_kpi_reply": ["reply_due_on", *SCOPE, "replied_on"],
    "ix_case_kpi_closed": [
        "closed_on",
        *SCOPE,
        "is_first",
        "received_on",
        "satisfaction",
        "rated_on",
        "onsite_resolved",
        "review_requested_on",
        "reexam_requested_on",
    ],  # fmt: skip
    "ix_case_kpi_replied": ["replied_on", *SCOPE, "satisfaction", "rated_on"],
    "ix_case_kpi_repeat": ["repeat_of_id", "received_on", "status"],
    "ix_case_kpi_review": ["review_of_id", "received_on", "status"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "case", columns)
    op.create_index("ix_mediation_case_kpi", "mediation_case", ["case_id", "status", "closed_on"])


def downgrade() -> None:
    op.drop_index("ix_mediation_case_kpi", table_name="mediation_case")
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="case")
