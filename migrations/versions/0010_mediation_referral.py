"""mediation_referral: who referred a petition case to mediation, and each party's consent (第17条)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mediation_case") as batch:
        batch.add_column(sa.Column("referred_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_mediation_case_referred_by_id_user"), "user", ["referred_by_id"], ["id"]
        )
    op.create_table(
        "mediation_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediation_id", sa.Integer(), nullable=False),
        sa.Column("party", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("consented", sa.Boolean(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mediation_id"],
            ["mediation_case.id"],
            name=op.f("fk_mediation_consent_mediation_id_mediation_case"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_mediation_consent_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_consent")),
        sa.UniqueConstraint("mediation_id", "party", name="uq_mediation_consent_party"),
    )
    op.create_index(op.f("ix_mediation_consent_mediation_id"), "mediation_consent", ["mediation_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mediation_consent_mediation_id"), table_name="mediation_consent")
    op.drop_table("mediation_consent")
    with op.batch_alter_table("mediation_case") as batch:
        batch.drop_constraint(op.f("fk_mediation_case_referred_by_id_user"), type_="foreignkey")
        batch.drop_column("referred_by_id")
