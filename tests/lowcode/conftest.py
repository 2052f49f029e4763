"""What the low-code tests share: a small district (2 streets, 3 communities, 5 grids), people, a statement log."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from core.places import places
from models import Community, Grid, Role, Street, Unit, UnitKind
from tests.factories import make_user


@dataclass
class District:
    streets: list[Street]
    communities: list[Community]
    grids: list[Grid]
    units: dict[str, Unit]


@pytest.fixture(autouse=True)
def _fresh_lists():
    places.invalidate()
    yield
    places.invalidate()


@pytest.fixture()
def district(session) -> District:
    """观音桥街道 (2 communities, 4 grids) and 鱼嘴镇 (1 village, 1 grid); three units, one under another."""
    gyq = Street(code="500105006", name="观音桥街道")
    yz = Street(code="500105100", name="鱼嘴镇", kind="town")
    session.add_all([gyq, yz])
    session.flush()
    jx = Community(code="500105006001", name="建新北路社区", street_id=gyq.id)
    hh = Community(code="500105006007", name="花卉园社区", street_id=gyq.id)
    tx = Community(code="500105100201", name="太洪村", kind="village", street_id=yz.id)
    session.add_all([jx, hh, tx])
    session.flush()
    grids = [
        Grid(code="500105006001001", name="第1网格", community_id=jx.id),
        Grid(code="500105006001002", name="第2网格", community_id=jx.id),
        Grid(code="500105006007001", name="第1网格", community_id=hh.id),
        Grid(code="500105006007002", name="第2网格", community_id=hh.id),
        Grid(code="500105100201001", name="第1网格", community_id=tx.id),
    ]
    session.add_all(grids)
    zjw = Unit(code="ZJW", name="重庆市江北区住房和城乡建设委员会", short_name="区住房城乡建委")
    session.add(zjw)
    session.flush()
    wygl = Unit(
        code="WYGL", name="重庆市江北区物业管理服务中心", short_name="区物业管理服务中心", parent_id=zjw.id
    )
    jd = Unit(
        code="JD006",
        name="重庆市江北区观音桥街道办事处",
        short_name="观音桥街道",
        kind=UnitKind.STREET_OFFICE,
        street_id=gyq.id,
    )
    session.add_all([wygl, jd])
    session.commit()
    return District([gyq, yz], [jx, hh, tx], grids, {"ZJW": zjw, "WYGL": wygl, "JD006": jd})


@pytest.fixture()
def admin(session):
    return make_user(session, Role.ADMIN, name="王管理")


class Statements:
    """The SQL statements an engine ran while the log was open (SELECTs and writes alike)."""

    def __init__(self, engine):
        self.engine, self.sql = engine, []

    def _keep(self, conn, cursor, statement, parameters, context, executemany):
        self.sql.append(statement)

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._keep)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._keep)

    def selects(self) -> list[str]:
        return [s for s in self.sql if s.lstrip().upper().startswith("SELECT")]


@pytest.fixture()
def statements(engine):
    return lambda: Statements(engine)


def xlsx(rows: list[list]) -> bytes:
    """Return a workbook whose first sheet holds the rows, as an office's Excel file would."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
