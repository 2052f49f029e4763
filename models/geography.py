"""Geography of the district: street/town → community/village → grid, with official division codes."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from models.base import StrEnum, enum_field, version_field


class StreetKind(StrEnum):
    STREET = "street"  # 街道
    TOWN = "town"  # 镇


class CommunityKind(StrEnum):
    COMMUNITY = "community"  # 社区
    VILLAGE = "village"  # 村


class Street(SQLModel, table=True):
    """A street (街道) or town (镇), coded per the national statistical division list."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True)
    name: str = Field(max_length=40)
    kind: StreetKind = enum_field(StreetKind, StreetKind.STREET)
    active: bool = Field(default=True)  # a merged street stays for the cases that name it
    version: int = version_field()


class Community(SQLModel, table=True):
    """A community (社区) or village (村) inside a street or town."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True)
    name: str = Field(max_length=40)
    kind: CommunityKind = enum_field(CommunityKind, CommunityKind.COMMUNITY)
    street_id: int = Field(foreign_key="street.id", index=True)
    active: bool = Field(default=True)
    version: int = version_field()


class Grid(SQLModel, table=True):
    """A grid (网格), the smallest unit of grassroots management; each case and mediator sits in one."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=60)
    community_id: int = Field(foreign_key="community.id", index=True)
    active: bool = Field(default=True)  # a redrawn grid stays for the cases and mediators that name it
    version: int = version_field()
