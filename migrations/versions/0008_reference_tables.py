"""Reference tables for the low-code admin: subjects and the responsibility list; version and active on places

Subjects were a constant (core/places/reference.py SUBJECTS); they become a table seeded with the same keys,
because cases store the key. Streets, communities, grids and holidays get the `version` every edited table
carries, and the places an `active` flag (a redrawn grid stays for the cases that name it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# key, name, English name, legal category; the order is the constant's (the pickers' order until edited)
SUBJECTS = [
    ("old_housing_renovation", "老旧小区改造", "Old housing renovation", "complaint"),
    ("guaranteed_delivery", "保交楼", "Guaranteed home delivery", "complaint"),
    ("resettlement_title", "安置房产权证办理", "Resettlement housing title", "complaint"),
    ("property_management", "物业纠纷", "Property management", "complaint"),
    ("land_requisition", "征地拆迁", "Land requisition and demolition", "complaint"),
    ("labour_wages", "劳动社保/欠薪", "Labour, wages and social insurance", "complaint"),
    ("urban_management", "城乡建设管理", "Urban construction and management", "complaint"),
    ("environment", "生态环境", "Environment", "complaint"),
    ("transport", "交通运输", "Transport", "complaint"),
    ("education", "教育", "Education", "complaint"),
    ("health", "卫生健康", "Health", "complaint"),
    ("social_security", "民政/社会保障", "Civil affairs and social security", "complaint"),
    ("public_security", "政法/公安", "Public security and justice", "complaint"),
    ("market_regulation", "市场监管/消费", "Market regulation and consumers", "complaint"),
    ("neighbour_dispute", "邻里纠纷", "Neighbour dispute", "complaint"),
    ("family_dispute", "婚姻家庭", "Marriage and family", "complaint"),
    ("discipline", "干部作风/纪检监察", "Conduct of officials", "accusation"),
    ("other", "其他", "Other", "complaint"),
]

CATEGORY = sa.Enum("suggestion", "accusation", "complaint", name="category", native_enum=False, length=32)
ROUTE = sa.Enum(
    "litigation",
    "arbitration",
    "party_appeal",
    "administrative",
    "duty_request",
    "petition",
    name="route",
    native_enum=False,
    length=32,
)
PLACES = ("street", "community", "grid")


def upgrade() -> None:
    for table in PLACES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("holiday") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))

    subject = op.create_table(
        "subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("category", CATEGORY, nullable=False),
        sa.Column("route", ROUTE, nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject")),
        sa.UniqueConstraint("key", name=op.f("uq_subject_key")),
    )
    op.bulk_insert(
        subject,
        [
            {
                "key": key,
                "name": name,
                "name_en": name_en,
                "category": category,
                "route": "petition",
                "sort_order": (i + 1) * 10,
                "active": True,
                "version": 1,
            }
            for i, (key, name, name_en, category) in enumerate(SUBJECTS)
        ],
    )
    op.create_table(
        "responsibility",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("lead_unit_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_responsibility_subject_id_subject")
        ),
        sa.ForeignKeyConstraint(["street_id"], ["street.id"], name=op.f("fk_responsibility_street_id_street")),
        sa.ForeignKeyConstraint(
            ["lead_unit_id"], ["unit.id"], name=op.f("fk_responsibility_lead_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responsibility")),
    )
    op.create_index("ix_responsibility_subject_street", "responsibility", ["subject_id", "street_id"])
    op.create_index(op.f("ix_responsibility_lead_unit_id"), "responsibility", ["lead_unit_id"])
    op.create_table(
        "responsibility_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("responsibility_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["responsibility_id"],
            ["responsibility.id"],
            name=op.f("fk_responsibility_unit_responsibility_id_responsibility"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_responsibility_unit_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responsibility_unit")),
        sa.UniqueConstraint("responsibility_id", "unit_id", name="uq_responsibility_unit_pair"),
    )
    op.create_index(
        op.f("ix_responsibility_unit_responsibility_id"), "responsibility_unit", ["responsibility_id"]
    )
    op.create_index(op.f("ix_responsibility_unit_unit_id"), "responsibility_unit", ["unit_id"])


def downgrade() -> None:
    op.drop_table("responsibility_unit")
    op.drop_table("responsibility")
    op.drop_table("subject")
    with op.batch_alter_table("holiday") as batch:
        batch.drop_column("version")
    for table in reversed(PLACES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
            batch.drop_column("active")
