"""Index case.merged_into_id and case.review_of_id: every delete or merge check of a case looked them up by scan

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_case_merged_into_id"), "case", ["merged_into_id"])
    op.create_index(op.f("ix_case_review_of_id"), "case", ["review_of_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_review_of_id"), table_name="case")
    op.drop_index(op.f("ix_case_merged_into_id"), table_name="case")
