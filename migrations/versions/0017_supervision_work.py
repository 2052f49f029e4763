"""supervision_work: 催办/督办/挂牌督办 actions, the cases a letter is about, the number counters, and the
spot check's draw method, checklist answers and rectification notice

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_counter",
        sa.Column("series", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_number_counter")),
    )
    op.create_table(
        "supervision_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("urge", "supervise", "listed", name="actionkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("open", "answered", "closed", name="actionstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_supervision_action_case_id_case")),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["user.id"], name=op.f("fk_supervision_action_issued_by_id_user")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_supervision_action_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_action")),
    )
    with op.batch_alter_table("supervision_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_action_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_supervision_action_unit_status", ["unit_id", "status", "due_on"], unique=False
        )

    op.create_table(
        "supervision_letter_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_supervision_letter_case_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["letter_id"],
            ["supervision_letter.id"],
            name=op.f("fk_supervision_letter_case_letter_id_supervision_letter"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_letter_case")),
        sa.UniqueConstraint("letter_id", "case_id", name="uq_supervision_letter_case_pair"),
    )
    with op.batch_alter_table("supervision_letter_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_letter_case_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supervision_letter_case_letter_id"), ["letter_id"], unique=False)

    with op.batch_alter_table("spot_check", schema=None) as batch_op:
        batch_op.add_column(sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column("population", sa.Integer(), nullable=True))

    with op.batch_alter_table("spot_check_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stratum", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("answers", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("checked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("checked_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("notice_number", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True)
        )
        batch_op.add_column(sa.Column("notified_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("rectification_report", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_spot_check_item_checked_by_id_user"), "user", ["checked_by_id"], ["id"]
        )

    with op.batch_alter_table("supervision_letter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("policy_area", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("replied_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_supervision_letter_replied_by_id_user"), "user", ["replied_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("supervision_letter", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_supervision_letter_replied_by_id_user"), type_="foreignkey")
        batch_op.drop_column("closed_on")
        batch_op.drop_column("replied_by_id")
        batch_op.drop_column("policy_area")

    with op.batch_alter_table("spot_check_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_spot_check_item_checked_by_id_user"), type_="foreignkey")
        batch_op.drop_column("rectification_report")
        batch_op.drop_column("notified_on")
        batch_op.drop_column("notice_number")
        batch_op.drop_column("checked_by_id")
        batch_op.drop_column("checked_on")
        batch_op.drop_column("answers")
        batch_op.drop_column("stratum")

    with op.batch_alter_table("spot_check", schema=None) as batch_op:
        batch_op.drop_column("population")
        batch_op.drop_column("method")

    with op.batch_alter_table("supervision_letter_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_letter_case_letter_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_letter_case_case_id"))

    op.drop_table("supervision_letter_case")
    with op.batch_alter_table("supervision_action", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_action_unit_status")
        batch_op.drop_index(batch_op.f("ix_supervision_action_case_id"))

    op.drop_table("supervision_action")
    op.drop_table("number_counter")
