"""Standard documents: revisions under one printed number, letters, spot checks, addressee, receipts; templates

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

KINDS = (
    "acceptance_notice",
    "non_acceptance_notice",
    "assignment",
    "forwarding",
    "reply_opinion",
    "review_opinion",
    "reexam_opinion",
    "extension_notice",
    "mediation_agreement",
    "supervision_letter",
    "barred_notice",
    "risk_alert",
    "improvement",
    "rectification",
    "delivery_receipt",
)


def upgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_constraint("uq_document_number", type_="unique")
        batch.alter_column("number", type_=sa.String(length=60), existing_nullable=False)
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("letter_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("spot_check_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("returned_on", sa.Date(), nullable=True))
        batch.create_foreign_key(
            "fk_document_letter_id_supervision_letter", "supervision_letter", ["letter_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_document_spot_check_id_spot_check", "spot_check", ["spot_check_id"], ["id"]
        )
        batch.create_foreign_key("fk_document_unit_id_unit", "unit", ["unit_id"], ["id"])
        batch.create_unique_constraint("uq_document_number_revision", ["number", "revision"])
        batch.create_index("ix_document_number", ["number"])
        batch.create_index("ix_document_letter_id", ["letter_id"])
        batch.create_index("ix_document_spot_check_id", ["spot_check_id"])
    op.create_table(
        "document_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="documentkind", native_enum=False, length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user.id"], name="fk_document_template_uploaded_by_id_user"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_document_template"),
    )
    op.create_index("ix_document_template_kind", "document_template", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_document_template_kind", table_name="document_template")
    op.drop_table("document_template")
    with op.batch_alter_table("document") as batch:
        batch.drop_index("ix_document_spot_check_id")
        batch.drop_index("ix_document_letter_id")
        batch.drop_index("ix_document_number")
        batch.drop_constraint("uq_document_number_revision", type_="unique")
        batch.drop_constraint("fk_document_unit_id_unit", type_="foreignkey")
        batch.drop_constraint("fk_document_spot_check_id_spot_check", type_="foreignkey")
        batch.drop_constraint("fk_document_letter_id_supervision_letter", type_="foreignkey")
        for column in ("returned_on", "confidential", "unit_id", "spot_check_id", "letter_id", "revision"):
            batch.drop_column(column)
        batch.alter_column("number", type_=sa.String(length=40), existing_nullable=False)
        batch.create_unique_constraint("uq_document_number", ["number"])
