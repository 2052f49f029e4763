"""mediator_roster: a mediator's organisation kind, community and certificate dates; a mentor's sign-off;
indexes for each mediator's load and results

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mediator") as batch:
        batch.add_column(sa.Column("organisation_kind", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("community_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("certified_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("certificate_expires_on", sa.Date(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_mediator_community_id_community"), "community", ["community_id"], ["id"]
        )
        batch.create_index(op.f("ix_mediator_community_id"), ["community_id"])
        batch.create_index(op.f("ix_mediator_user_id"), ["user_id"])
    with op.batch_alter_table("mentorship") as batch:
        batch.add_column(sa.Column("signed_off_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("signed_off_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.create_foreign_key(
            op.f("fk_mentorship_signed_off_by_id_user"), "user", ["signed_off_by_id"], ["id"]
        )
    with op.batch_alter_table("mentorship") as batch:
        batch.alter_column("version", server_default=None)
    # a mediator's load and results (suggestions, the roster) read indexes, never the wide case rows
    op.create_index("ix_mediation_case_result", "mediation_case", ["id", "status"])
    op.create_index("ix_mediation_mediator_cases", "mediation_mediator", ["mediator_id", "mediation_id"])


def downgrade() -> None:
    op.drop_index("ix_mediation_mediator_cases", table_name="mediation_mediator")
    op.drop_index("ix_mediation_case_result", table_name="mediation_case")
    with op.batch_alter_table("mentorship") as batch:
        batch.drop_constraint(op.f("fk_mentorship_signed_off_by_id_user"), type_="foreignkey")
        batch.drop_column("version")
        batch.drop_column("signed_off_by_id")
        batch.drop_column("signed_off_on")
    with op.batch_alter_table("mediator") as batch:
        batch.drop_index(op.f("ix_mediator_user_id"))
        batch.drop_index(op.f("ix_mediator_community_id"))
        batch.drop_constraint(op.f("fk_mediator_community_id_community"), type_="foreignkey")
        batch.drop_column("certificate_expires_on")
        batch.drop_column("certified_on")
        batch.drop_column("community_id")
        batch.drop_column("organisation_kind")
