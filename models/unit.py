"""Responsible units (责任单位): departments, street offices and bodies that handle petitions."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from models.base import StrEnum, enum_field, version_field


class UnitKind(StrEnum):
    PETITION_OFFICE = "petition_office"  # 信访办
    DEPARTMENT = "department"  # 区级部门
    STREET_OFFICE = "street_office"  # 街道办事处 / 镇政府
    DISCIPLINE = "discipline"  # 纪检监察
    JUDICIAL = "judicial"  # 法院 / 检察院 / 公安 / 司法局
    MEDIATION_CENTRE = "mediation_centre"  # 矛盾纠纷多元化解中心
    ENTERPRISE = "enterprise"  # 国有企业 / 公用事业
    OTHER = "other"


class Unit(SQLModel, table=True):
    """A unit that receives, handles, reviews or supervises petitions."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=80)
    short_name: str | None = Field(default=None, max_length=40)
    kind: UnitKind = enum_field(UnitKind, UnitKind.DEPARTMENT)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    street_id: int | None = Field(default=None, foreign_key="street.id")
    active: bool = Field(default=True)
    version: int = version_field()
