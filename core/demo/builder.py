"""Demo and benchmark data: a realistic Jiangbei district (DOMAIN.md §9) generated from a seed and a date.

Everything is drawn from `random.Random(seed)` (geography from a fixed seed of its own), never from the
global generator or the wall clock, so the same (seed, today, cases) gives identical rows. Rows are built
as plain dicts with explicit ids, converted by the columns' SQLAlchemy types and bulk-inserted (executemany
on SQLite, COPY on PostgreSQL) in one transaction; `generate` streams the same rows in committed chunks for
the large benchmark database (bench/generate.py).

Each case is planned as a list of dated steps named and shaped like the actions of core.cases and
core.workflow (register, forward/assign, accept, reply, record_delivery, rate, close, request_review …),
and the steps up to `today` are applied: recent cases are still open, older ones mostly closed, every date
column follows the order of the workflow, and every event carries the before/after of what it changed.
Stages follow core.workflow (a reply ends the clock, a pause clears the due date); due dates come from
core.clock.
"""

from __future__ import annotations

import bisect
import heapq
import logging
import random
import time as _time
from array import array
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

import sqlalchemy as sa
from sqlmodel import Session

from core.calendar import clock
from core.cases.registration import REGISTER_FIELDS
from core.cases.workflow import is_ended
from core.demo import names
from core.places import reference
from core.platform import search, timeutil
from core.platform.config import get_settings
from core.platform.errors import PetitionDeskError
from models import metadata
from models.base import CST

log = logging.getLogger(__name__)

DEFAULT_SEED = 20231
DEFAULT_CASES = 20000
INSERT_BATCH = 5000
SQLITE_CACHE_KIB = 262144  # page cache of the loading connection: the case tables carry many indexes
GEOGRAPHY_SEED = "jiangbei-500105"  # geography and units are the same whatever the seed
# Tables that must be empty before loading: the demo owns their content.
OWNED_TABLES = ("case", "person", "mediator", "mediation_case", "supervision_letter", "spot_check")


class DatabaseNotEmpty(PetitionDeskError):
    """The demo is loaded only into a database without cases (and the other rows it owns)."""

    code = "not_empty"
    http_status = 409


# --- public API ----------------------------------------------------------------------------------


def load_demo(
    engine: sa.Engine, *, seed: int = DEFAULT_SEED, today: date | None = None, cases: int = DEFAULT_CASES
) -> dict[str, int]:
    """Fill an empty database with a realistic Jiangbei district in one transaction; return rows per table."""
    return generate(engine, seed=seed, today=today, cases=cases)


def generate(
    engine: sa.Engine,
    *,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    cases: int = DEFAULT_CASES,
    chunk: int = 20000,
    commit_chunks: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Generate `cases` cases and everything around them, flushing every `chunk` cases.

    With `commit_chunks` each chunk is committed (the benchmark generator: bounded memory and journal);
    otherwise the whole load is one transaction. `progress(done, total)` is called after each chunk.
    """
    if cases < 0:
        raise ValueError("cases must not be negative")
    if today is None:
        today = timeutil.today()
    # Nothing in the demo happens after "now": on the reference day itself events end at the current time.
    now = timeutil.now() if today == timeutil.today() else datetime.combine(today, time(18, 0), tzinfo=CST)
    with Session(engine) as session:
        _refuse_if_not_empty(session.connection())
        builder = _Builder(
            session, seed=seed, today=today, n_cases=cases, chunk=chunk, commit_chunks=commit_chunks
        )
        builder.now = now
        builder.progress = progress
        try:
            counts = builder.run()
            session.commit()
        finally:
            builder.restore_connection()
    return counts


def demo_summary(engine: sa.Engine) -> dict[str, int]:
    """Return the number of rows of every table."""
    with engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def _refuse_if_not_empty(conn: sa.Connection) -> None:
    for name in OWNED_TABLES:
        table = metadata.tables[name]
        n = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        if n:
            raise DatabaseNotEmpty(
                f"The database already holds {n} rows in table {name!r}: demo data is loaded only into an "
                "empty database. Use a new database file (or drop this one) and try again."
            )


# --- small helpers ---------------------------------------------------------------------------------


class _Weighted:
    """A fixed weighted choice, drawn with precomputed cumulative weights."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = list(pairs.items() if isinstance(pairs, dict) else pairs)
        self.items = [p[0] for p in pairs]
        self.cum = list(accumulate(p[1] for p in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[_bisect(self.cum, rng.random() * self.total)]


def _bisect(cum: list[float], x: float) -> int:
    """Return the first index whose cumulative weight exceeds x."""
    return min(bisect.bisect_right(cum, x), len(cum) - 1)


def _int(rng: random.Random, a: int, b: int) -> int:
    """Return a random integer in [a, b]: randint's distribution at a fraction of its cost."""
    return a + int(rng.random() * (b - a + 1))


def _choice(rng: random.Random, seq):
    return seq[int(rng.random() * len(seq))]


def _at(d: date, hour: int, minute: int) -> datetime:
    return datetime.combine(d, time(hour, minute), tzinfo=CST)


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


class _Writer:
    """Buffer rows per table and bulk-insert them in foreign-key order.

    Values are converted by the columns' own SQLAlchemy bind processors (exactly what an ORM or Core insert
    would store), then sent without per-row statement machinery: executemany on SQLite, COPY on PostgreSQL.
    """

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        dialect = conn.dialect
        self.tables = list(metadata.sorted_tables)
        self.rows: dict[str, list[dict]] = {t.name: [] for t in self.tables}
        self.defaults = {t.name: self._defaults(t) for t in self.tables}
        self.columns = {t.name: [c.name for c in t.c] for t in self.tables}
        self.known = {t.name: frozenset(t.c.keys()) for t in self.tables}
        # (column index, processor, memo): dates, times, flags and enum values repeat, so conversions are memoized
        self.processors = {
            t.name: [
                (i, p, None if isinstance(c.type, sa.JSON) else {})
                for i, c in enumerate(t.c)
                if (p := c.type.dialect_impl(dialect).bind_processor(dialect))
            ]
            for t in self.tables
        }
        self.counts: Counter[str] = Counter()
        self.next_ids: dict[str, int] = {}
        for t in self.tables:
            if "id" in t.c and t.c.id.primary_key:
                self.next_ids[t.name] = (conn.execute(sa.select(sa.func.max(t.c.id))).scalar() or 0) + 1

    @staticmethod
    def _defaults(table: sa.Table) -> dict:
        out = {}
        for col in table.c:
            default = col.default
            out[col.name] = default.arg if default is not None and default.is_scalar else None
        return out

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, **values) -> None:
        self.rows[table].append(values)  # missing columns take their defaults in _values

    def flush(self) -> None:
        for table in self.tables:
            rows = self.rows[table.name]
            if not rows:
                continue
            names = self.columns[table.name]
            for i in range(0, len(rows), INSERT_BATCH):
                self._insert(table, names, self._values(table.name, names, rows[i : i + INSERT_BATCH]))
            self.counts[table.name] += len(rows)
            rows.clear()

    def _values(self, table: str, names: list[str], rows: list[dict]) -> list[tuple]:
        processors, known = self.processors[table], self.known[table]
        pairs = list(self.defaults[table].items())
        out = []
        for row in rows:
            if not row.keys() <= known:
                raise ValueError(f"unknown columns for {table}: {sorted(row.keys() - known)}")
            values = [row.get(n, default) for n, default in pairs]
            for i, process, memo in processors:
                value = values[i]
                if value is None:
                    continue
                if memo is None:
                    values[i] = process(value)
                elif (done := memo.get(value)) is not None:
                    values[i] = done
                else:
                    values[i] = memo[value] = process(value)
            out.append(tuple(values))
        return out

    def _insert(self, table: sa.Table, names: list[str], values: list[tuple]) -> None:
        quote = self.conn.dialect.identifier_preparer.quote
        columns = ", ".join(quote(n) for n in names)
        if self.conn.dialect.name == "postgresql":
            raw = self.conn.connection.driver_connection  # psycopg 3, inside this transaction
            with raw.cursor() as cur, cur.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        marks = ", ".join("?" if self.conn.dialect.paramstyle == "qmark" else "%s" for _ in names)
        self.conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", values)

    def reset_sequences(self) -> None:
        """Move PostgreSQL id sequences past the explicit ids we inserted."""
        if self.conn.dialect.name != "postgresql":
            return
        quote = self.conn.dialect.identifier_preparer.quote
        for name in self.next_ids:
            table = quote(name)
            sql = f"SELECT setval(pg_get_serial_sequence(:t, 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            self.conn.execute(sa.text(sql), {"t": table})


# --- reference material for cases ------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


def _table(text: str) -> dict[str, float]:
    """Parse 'key=weight key=weight …'."""
    return {k: float(v) for k, v in (item.split("=") for item in text.split())}


CHANNELS = _Weighted(
    _table(
        "online=29 hotline_12345=17 visit=16 letter=8 phone=5 leader_mailbox=4 leader_reception=6 onsite_office=5 "
        "grassroots_visit=4 grid_report=6"
    )
)
CATEGORIES = _Weighted(_table("complaint=84 suggestion=9 accusation=7"))
SUBJECTS_BY_CATEGORY = {
    "complaint": _Weighted(
        _table(
            "old_housing_renovation=13 guaranteed_delivery=11 resettlement_title=9 property_management=15 "
            "land_requisition=5 labour_wages=9 urban_management=7 environment=4 transport=2 education=3 health=3 "
            "social_security=5 public_security=3 market_regulation=5 neighbour_dispute=4 family_dispute=2 discipline=1 other=2"
        )
    ),
    "suggestion": _Weighted(
        _table(
            "old_housing_renovation=25 urban_management=25 transport=20 education=12 environment=10 other=8"
        )
    ),
    "accusation": _Weighted(
        _table("discipline=70 land_requisition=8 market_regulation=8 environment=6 public_security=8")
    ),
}
# Share (of 100) of complaints sent out of the petition track (诉访分离, 第28条), by subject and route.
ROUTES_OUT = {
    "labour_wages": _table("arbitration=12 litigation=3"),
    "neighbour_dispute": _table("litigation=5"),
    "family_dispute": _table("litigation=6"),
    "public_security": _table("litigation=15"),
    "land_requisition": _table("administrative=8 litigation=4"),
    "market_regulation": _table("duty_request=10"),
    "guaranteed_delivery": _table("litigation=4"),
    "discipline": _table("party_appeal=60"),
}
ROUTES_OUT_DEFAULT = _table("litigation=2 administrative=2 duty_request=1")
# route -> bodies named in routed_to
ROUTED_TO = {
    "litigation": ["区法院（引导诉讼）", "区检察院（法律监督）", "区公安分局（依法受理）"],
    "arbitration": ["区劳动人事争议仲裁院（劳动仲裁）"],
    "party_appeal": ["区纪委监委（党员申诉）"],
    "administrative": ["区司法局（行政复议）", "区规划自然资源局（行政裁决）"],
    "duty_request": ["区市场监管局（投诉举报）", "区城市管理局（依法查处）"],
}
# Lead units by subject ("JD" = the street office of the case's street) and candidate assisting units.
LEAD_UNITS = {
    "old_housing_renovation": ("CSGX=40 ZJW=30 JD=30", "ZJW JD CGJ"),
    "guaranteed_delivery": ("ZJW=70 JD=30", "GHZY RSJ JD SCJG"),
    "resettlement_title": ("BDCDJ=35 GHZY=25 FWZS=20 JD=20", "ZJW JD"),
    "property_management": ("JD=60 WYGL=25 ZJW=15", "WYGL SCJG"),
    "land_requisition": ("ZDFW=40 GHZY=25 JD=35", "RSJ NYW"),
    "labour_wages": ("LDJC=50 RSJ=40 JD=10", "ZJW ZGH"),
    "urban_management": ("CGJ=60 JD=30 SWJT=4 RQ=3 GD=3", "ZJW GAFJ"),
    "environment": ("STHJ=75 JD=25", "CGJ"),
    "transport": ("JTJ=85 JD=15", "GAFJ"),
    "education": ("JW=90 JD=10", ""),
    "health": ("WJW=90 YBJ=10", ""),
    "social_security": ("MZJ=50 RSJ=20 YBJ=10 CL=5 JD=15", "JD"),
    "public_security": ("GAFJ=90 JD=10", ""),
    "market_regulation": ("SCJG=85 SWW=5 JD=10", ""),
    "neighbour_dispute": ("JD=75 MDZX=25", "MDZX"),
    "family_dispute": ("JD=60 MDZX=20 FL=20", "FL MDZX"),
    "discipline": ("JWJW=100", ""),
    "other": ("JD=60 FGW=10 SWJ=10 GD=5 SWJT=5 RQ=5 DX=5", ""),
}
LEAD_UNITS_W = {k: _Weighted(_table(lead)) for k, (lead, _) in LEAD_UNITS.items()}
ASSIST_UNITS = {k: _words(assist) for k, (_, assist) in LEAD_UNITS.items()}
ACCUSATION_UNITS = {
    "discipline": "JWJW",
    "land_requisition": "JWJW",
    "market_regulation": "SCJG",
    "environment": "STHJ",
}
ACCUSATION_UNITS["public_security"] = "GAFJ"

# Street weights by the last three digits of the street code: population, and where each subject arises.
STREET_WEIGHTS = _table("001=10 002=5 003=11 004=10 005=8 006=18 007=10 008=6 009=3 100=8 101=4 102=2")
SUBJECT_STREET_WEIGHTS = {
    "guaranteed_delivery": _table("005=20 100=20 008=12 007=12 003=12 006=8 002=6 004=6 001=2 101=2"),
    "old_housing_renovation": _table(
        "001=18 006=20 004=16 003=12 007=12 002=6 005=6 008=6 009=2 100=1 101=1"
    ),
    "land_requisition": _table("100=30 101=20 102=15 009=15 005=10 008=10"),
    "resettlement_title": _table("005=15 100=20 008=12 007=12 101=10 102=6 009=8 003=8 004=5 006=4"),
}
# Probability that a complaint on the subject is a group petition (集体访).
GROUP_SUBJECTS = _table(
    "guaranteed_delivery=0.16 resettlement_title=0.12 old_housing_renovation=0.06 labour_wages=0.08 "
    "land_requisition=0.10 property_management=0.03"
)
# Probability (in the middle of the three years) that a case on the subject is referred to mediation.
MEDIATION_SUBJECTS = _table(
    "neighbour_dispute=0.5 family_dispute=0.55 property_management=0.18 labour_wages=0.12 market_regulation=0.08 "
    "old_housing_renovation=0.05 land_requisition=0.05"
)
DISPUTE_TYPES = _Weighted(
    _table(
        "邻里纠纷=22 物业纠纷=16 婚姻家庭纠纷=12 劳动争议=9 损害赔偿纠纷=8 房屋租赁纠纷=6 消费纠纷=6 道路交通事故纠纷=6 "
        "合同纠纷=5 医疗纠纷=3 征地拆迁纠纷=3 其他纠纷=4"
    )
)
SUBJECT_DISPUTE = {
    "neighbour_dispute": "邻里纠纷",
    "family_dispute": "婚姻家庭纠纷",
    "property_management": "物业纠纷",
    "labour_wages": "劳动争议",
    "market_regulation": "消费纠纷",
    "land_requisition": "征地拆迁纠纷",
}
DISPUTE_SUBJECT = {v: k for k, v in SUBJECT_DISPUTE.items()}
SUBJECT_DISPUTE["old_housing_renovation"] = "邻里纠纷"
MEDIATION_KINDS = _Weighted(
    _table("people=74 industry=8 lawyer=5 administrative=5 judicial=4 labour_arbitration=2 legal_aid=2")
)
SPECIALTIES = _words(
    "neighbour_dispute family_dispute property_management labour_wages land_requisition old_housing_renovation "
    "market_regulation guaranteed_delivery resettlement_title"
)

# subject | title | facts | request. Slots such as {estate} are filled per case (see _Builder._slot_maker).
_SUBJECT_TEXT = """
old_housing_renovation | 反映{old_estate}老旧小区改造施工扰民问题 | {old_estate}正在实施老旧小区改造，施工单位早上六点即开始作业、晚上十点后仍在切割，严重影响居民休息 | 要求规范施工时间，减少噪音扰民
old_housing_renovation | 反映{old_estate}改造后外墙渗水问题 | {old_estate}去年完成老旧小区改造，外墙保温层施工质量差，雨天多户家中墙面渗水发霉 | 要求施工单位返修并赔偿损失
old_housing_renovation | 建议将{old_estate}纳入老旧小区改造计划 | {old_estate}建成于上世纪八十年代，管网老化、无物业管理、道路破损，居民多次向社区反映 | 希望将小区纳入明年老旧小区改造计划
old_housing_renovation | 反映{old_estate}加装电梯意见分歧问题 | {old_estate}{building}栋拟加装电梯，低层住户以采光和噪音为由反对，工程无法推进 | 请求社区和街道协调加装电梯事宜
old_housing_renovation | 反映{old_estate}改造工程进度缓慢 | {old_estate}改造工程开工已{months}个月，道路开挖后长期未恢复，老人出行困难 | 要求加快施工进度，尽快恢复道路
old_housing_renovation | 反映{old_estate}雨污分流改造后下水道堵塞 | {old_estate}雨污分流改造完工后，{building}栋下水道多次堵塞反溢 | 要求彻底整改排水管网
guaranteed_delivery | 反映{project}项目停工逾期交房问题 | 信访人于{year_buy}年购买{project}项目商品房，合同约定{year_due}年交房，项目已停工{months}个月 | 要求尽快复工并按期交房
guaranteed_delivery | 要求{project}项目尽快复工交房 | {project}项目因开发商资金链断裂停工，购房人已交首付并按月偿还房贷 | 请求政府协调保交楼，明确复工时间
guaranteed_delivery | 反映{project}交房后房屋质量问题 | {project}项目已交房，但房屋存在墙体开裂、门窗渗水等质量问题，开发商推诿不予维修 | 要求开发商履行保修义务
guaranteed_delivery | 反映{project}开发商逾期交房未支付违约金 | {project}项目逾期交房{months}个月，开发商拒绝按合同支付逾期交房违约金 | 要求开发商按合同支付违约金
guaranteed_delivery | 反映{project}项目无法办理不动产权证 | {project}项目已交房两年，因开发商欠缴土地出让金无法办理产权证 | 要求尽快办理不动产权证书
resettlement_title | 反映{estate}安置房多年未办理产权证 | 信访人系拆迁安置户，{year_buy}年入住{estate}安置房至今未办理产权证，影响子女入学和房屋交易 | 要求尽快办理安置房不动产权证书
resettlement_title | 要求办理{estate}安置房不动产权证书 | {estate}共{households}户安置房因规划验收手续不全，长期无法办证 | 请求相关部门协调完善手续，集中办证
resettlement_title | 反映安置房产权证办理收费问题 | 信访人办理{estate}安置房产权证时被要求补缴面积差价款，认为收费标准不合理 | 要求公开收费依据，核实面积差价
resettlement_title | 反映{estate}安置房超面积部分价格问题 | {estate}安置房超出安置面积部分按市场价计算，信访人认为应按优惠价 | 要求按安置政策核定价格
property_management | 反映{estate}物业公司服务质量差 | {estate}物业公司收费后不履行服务义务，垃圾清运不及时，公共区域无人保洁 | 要求物业公司整改或依法更换物业
property_management | 反映{estate}物业费上涨问题 | {estate}物业公司未经业主大会同意将物业费由每平方米{fee_old}元上调至{fee_new}元 | 要求撤销涨价决定
property_management | 反映{estate}物业公司占用公共收益 | {estate}电梯广告、停车等公共收益多年未向业主公示 | 要求公开公共收益收支情况并归还业主
property_management | 反映{estate}电梯长期故障无人维修 | {estate}{building}栋电梯频繁故障停运，物业公司以维修资金不足为由拖延 | 要求尽快维修电梯，保障出行安全
property_management | 反映{estate}业主委员会选举问题 | {estate}业主委员会换届选举程序不规范，部分业主未收到投票通知 | 要求街道指导重新组织选举
property_management | 反映{estate}停车管理收费问题 | {estate}物业公司对小区内临时停车收费标准过高，且未经业主同意 | 要求规范停车收费
land_requisition | 反映{village}征地补偿款发放问题 | {village}土地于{year_buy}年被征收，信访人认为地上附着物补偿不足，部分补偿款至今未发放 | 要求足额发放征地补偿款
land_requisition | 反映{road}片区房屋征收补偿标准问题 | {road}片区房屋征收，信访人认为评估价格明显低于周边市场价 | 要求重新评估并提高补偿标准
land_requisition | 要求落实{village}被征地农转非人员养老保险 | 信访人系{village}被征地农转非人员，养老保险参保补贴未落实 | 要求按政策办理养老保险
land_requisition | 反映{village}集体经济组织成员资格认定问题 | 信访人户籍在{village}，因外嫁被认定不具备集体经济组织成员资格，未分得征地补偿 | 要求重新认定成员资格
labour_wages | 反映{company}拖欠工资问题 | 信访人在{company}工作，公司拖欠{months}个月工资共计{amount}元 | 要求公司支付拖欠工资
labour_wages | 反映{project}项目农民工工资拖欠 | 信访人等在{project}项目务工，劳务分包单位拖欠劳务费{amount}元 | 要求尽快支付农民工工资
labour_wages | 反映{company}未依法缴纳社会保险 | {company}未为信访人缴纳社会保险，离职后无法申领失业保险金 | 要求公司补缴社会保险
labour_wages | 反映{company}违法解除劳动合同 | {company}以经营困难为由单方解除劳动合同，未支付经济补偿 | 要求支付经济补偿金
urban_management | 反映{road}占道经营问题 | {road}每天傍晚大量摊贩占道经营，堵塞人行道，油烟和垃圾问题突出 | 要求城管部门加强管理
urban_management | 反映{road}夜间施工噪音扰民 | {road}附近工地夜间施工至凌晨，噪音严重影响周边居民休息 | 要求查处夜间违规施工
urban_management | 反映{estate}违章搭建问题 | {estate}{building}栋顶楼住户在屋顶违规搭建阳光房，存在安全隐患 | 要求依法拆除违章建筑
urban_management | 建议{road}增设公共停车位 | {road}周边停车位严重不足，车辆乱停放影响通行 | 建议利用闲置地块增设公共停车场
urban_management | 反映{road}路灯损坏长期未修 | {road}多盏路灯损坏，夜间行人出行不便 | 要求尽快修复路灯
environment | 反映{road}餐饮油烟扰民 | {road}临街餐馆油烟直排，附近居民无法开窗 | 要求督促安装油烟净化设施
environment | 反映{company}排放异味问题 | {company}生产时排放刺鼻气味，周边居民身体不适 | 要求依法查处并整改
environment | 反映{road}附近工地扬尘污染 | {road}附近建筑工地未采取降尘措施，扬尘严重 | 要求落实扬尘治理措施
environment | 反映{village}溪沟污染问题 | {village}附近溪沟有生活污水直排，水体发黑发臭 | 要求治理水体污染
transport | 建议{road}增设公交站点 | {road}片区居民出行需步行二十分钟才能到达公交站 | 建议增设公交站点或调整线路
transport | 反映{road}路段交通拥堵问题 | {road}早晚高峰拥堵严重，信号灯配时不合理 | 建议优化信号灯配时
transport | 反映出租车拒载绕路问题 | 信访人在{road}乘坐出租车遭遇拒载和绕路 | 要求查处并加强出租车管理
education | 反映{estate}适龄儿童入学划片问题 | {estate}被划入较远学校学区，孩子上学需跨越主干道 | 要求调整学区划分
education | 反映校外培训机构退费难 | 信访人在{company}预交培训费{amount}元，机构停业后拒不退费 | 要求协调退还培训费
education | 建议增加{street}学位供给 | {street}近年新建小区较多，幼儿园和小学学位紧张 | 建议新建或扩建学校
health | 反映医院医疗服务态度问题 | 信访人在区内某医院就诊时医生态度生硬，检查项目过多 | 要求调查处理并改进服务
health | 反映医疗纠纷赔偿问题 | 信访人家属在医院手术后出现并发症，认为医院存在过错 | 要求医院赔偿并追责
health | 反映{estate}周边诊所无证行医 | {estate}附近有诊所疑似无证行医 | 要求卫生健康部门依法查处
social_security | 申请城乡低保救助 | 信访人家庭成员患重病，家庭收入低于低保标准，申请低保未获批准 | 要求重新审核低保申请
social_security | 反映高龄津贴未按时发放 | 信访人年满八十周岁，高龄津贴已停发{months}个月 | 要求补发高龄津贴
social_security | 反映养老保险待遇核定问题 | 信访人认为社保部门核定的视同缴费年限有误 | 要求重新核定养老保险待遇
social_security | 反映残疾人两项补贴问题 | 信访人为二级残疾，残疾人护理补贴未能申领 | 要求落实残疾人补贴
public_security | 反映{road}深夜噪音扰民报警处理问题 | {road}某娱乐场所深夜噪音扰民，多次报警后仍未解决 | 要求依法处理噪音扰民
public_security | 反映被诈骗案件办理进度问题 | 信访人被电信诈骗{amount}元，已报案{months}个月未有进展 | 要求加快侦办并追回损失
public_security | 反映户籍迁移办理问题 | 信访人办理户口迁入{street}时被告知材料不全，多次往返未办成 | 要求一次性告知并办理户籍迁移
market_regulation | 反映{company}预付卡退费难 | 信访人在{company}办理预付卡{amount}元，商家闭店后拒不退款 | 要求商家退还余额
market_regulation | 反映{road}商户销售过期食品 | 信访人在{road}一超市购买到过期食品，商家拒绝赔偿 | 要求依法查处并赔偿
market_regulation | 反映{company}装修合同纠纷 | 信访人与{company}签订装修合同，公司收款后延期施工且质量差 | 要求公司退款或整改
neighbour_dispute | 反映{estate}楼上住户漏水纠纷 | {estate}{building}栋楼上住户卫生间漏水导致信访人家中天花板损坏，协商未果 | 请求调解并赔偿维修费用
neighbour_dispute | 反映邻居占用公共通道问题 | {estate}邻居长期在楼道堆放杂物，占用消防通道 | 要求清理楼道杂物
neighbour_dispute | 反映邻居饲养犬只扰民问题 | {estate}邻居饲养大型犬，夜间吠叫且不拴绳 | 要求规范文明养犬
family_dispute | 反映赡养老人纠纷 | 信访人年迈多病，子女互相推诿不履行赡养义务 | 请求调解落实赡养费
family_dispute | 反映婚姻家庭纠纷请求调解 | 信访人与配偶因家庭财产分割发生纠纷 | 请求调解家庭矛盾
family_dispute | 反映遗产继承纠纷 | 信访人与兄弟姐妹因父母遗留房产继承问题发生纠纷 | 请求调解遗产分割
discipline | 反映{street}工作人员工作作风问题 | 信访人到{street}便民服务中心办事，工作人员推诿扯皮、态度恶劣 | 要求调查处理
discipline | 检举{community}干部优亲厚友问题 | {community}干部在低保评定中优亲厚友，违规为亲属办理低保 | 要求调查核实并依规依纪依法处理
discipline | 检举{community}工作人员违规收取费用 | {community}工作人员在出具证明时收取费用 | 要求查处违规收费行为
discipline | 反映干部违规插手工程项目问题 | 信访人反映某干部违规插手{project}项目工程分包 | 要求纪检监察机关调查
other | 咨询住房公积金提取政策 | 信访人咨询住房公积金提取及相关政策 | 请求解答政策
other | 反映{road}公共设施损坏问题 | {road}人行道护栏损坏，存在安全隐患 | 要求修复公共设施
"""
SUBJECT_TEXT: dict[str, list[tuple[str, str, str]]] = {}
for _line in _SUBJECT_TEXT.strip().splitlines():
    _subject, _title, _fact, _request = (part.strip() for part in _line.split("|"))
    SUBJECT_TEXT.setdefault(_subject, []).append((_title, _fact, _request))
assert set(SUBJECT_TEXT) == set(reference.SUBJECTS), "every subject needs text templates"

# A party member's appeal (党员申诉) goes to discipline inspection whatever the subject (route 3).
PARTY_APPEAL_TEXT = (
    "不服党纪处分决定提出申诉",
    "信访人系中共党员，对所受党纪处分决定不服，认为认定事实有误",
    "请求重新审查处分决定",
)
REPLY_TEXT = {
    "support": "经调查核实，信访人反映的问题基本属实，已督促责任单位落实整改措施，信访人诉求予以支持。",
    "explain": "经调查核实，已向信访人说明相关政策规定和办理情况，并告知后续工作安排。",
    "reject": "经调查核实，信访人诉求缺乏事实和政策依据，不予支持。",
}
REVIEW_NOTICE = "如对本处理意见不服，可自收到本意见书之日起30日内向上一级行政机关请求复查。"
OUTCOMES = _Weighted(_table("support=40 explain=51 reject=9"))
OUTCOMES_REPEAT = _Weighted(_table("support=15 explain=65 reject=20"))
_SATISFACTION = {
    "support": _table("satisfied=92 basically_satisfied=7.2 dissatisfied=0.3 not_rated=0.5"),
    "explain": _table("satisfied=74 basically_satisfied=22.7 dissatisfied=1.8 not_rated=1.5"),
    "reject": _table("satisfied=40 basically_satisfied=40 dissatisfied=12 not_rated=8"),
}
SATISFACTION = {k: _Weighted(v) for k, v in _SATISFACTION.items()}
# Repeat petitioners are three times as often dissatisfied.
SATISFACTION_REPEAT = {
    k: _Weighted({s: w * (3 if s == "dissatisfied" else 1) for s, w in v.items()})
    for k, v in _SATISFACTION.items()
}
SATISFACTION_AGREED = _Weighted(_table("satisfied=95 basically_satisfied=5"))
TRIGGERS = _Weighted(_table("overdue=70 no_feedback=15 passing_the_buck=10 wrong_procedure=5"))
OLD_ESTATE_UNITS = _words(
    "长安厂 江北机械厂 重庆玻璃厂 嘉陵厂 建设厂 造纸厂 纺织厂 油漆厂 港务局 运输公司 电池厂 缝纫机厂"
)
ESTATE_SUFFIXES = _words("花园 新村 雅苑 家园 华庭 名都 佳园 丽景 公寓 新城 嘉园 苑 小区")
ESTATE_WORDS = _words("嘉陵 北城 江北 港城 鸿恩 阳光 金色 滨江 锦绣 望江 翠湖 东方 盛世 和悦 龙溪 玉带")
PROJECT_NAMES = _words(
    "悦江府 御景湾 江山樾 云玺台 璟园 天著 滨江壹号 观澜府 锦绣城 未来城 星河湾 翡翠公馆 江屿 澜岸 溪山院 长滩"
)
FINDINGS = [
    "登记要素不全，缺少信访人联系方式",
    "事项分类错误，应为申诉求决类",
    "未在规定期限内转送交办",
    "信访诉求摘要与来信内容不符",
    "未录入信访人身份证号码",
    "重复信访未关联原事项",
    "受理告知书未按期送达",
]
EXTENSION_REASONS = [
    "情况复杂，需多部门联合调查",
    "涉及历史遗留问题，需调阅档案核实",
    "需组织听证核实相关事实",
    "需等待第三方评估结论",
]
SESSION_NOTES = {
    "accepted": "听取双方陈述，释法说理，引导双方互谅互让",
    "agreed": "双方就争议事项达成一致意见，签订调解协议",
    "failed": "双方分歧较大，调解未能达成协议",
    "withdrawn": "申请人表示撤回调解申请",
}
PAUSE_REASONS = {"hearing": "组织听证，听证期间不计入办理期限", "suspension": "信访人住院治疗，申请中止办理"}
MEETING_NOTES = {
    "acceptance": "告知受理情况及办理期限，听取信访人诉求",
    "investigation": "实地查看并了解情况，与信访人沟通办理进展",
    "reply": "当面送达信访处理意见书，解释处理依据，告知复查权利",
}
LETTER_TOPICS = [
    "进一步规范信访事项受理告知工作",
    "落实初信初访“三见面”制度",
    "提高信访事项按期答复率",
    "加强信访处理意见书说理",
    "做好群众满意度回访评价工作",
]


LEADER_CHANNELS = ("leader_reception", "onsite_office", "grassroots_visit")
ONSITE_CHANNELS = ("leader_reception", "onsite_office")
# Case fields that a timeline event shows in `after` (besides the status).
EVENT_FIELDS = frozenset(
    _words(
        "triaged_on lead_unit_id unit_received_on objected_on dispute_settled_on accepted_on extension_days paused_since "
        "paused_days replied_on outcome rated_on satisfaction closed_on onsite_resolved routed_to merged_into_id "
        "review_requested_on review_decided_on review_outcome reexam_requested_on reexam_decided_on reexam_outcome"
    )
)
MEETING_KINDS = ("acceptance", "investigation", "reply")
EVENT_MINUTES = (0, 10, 15, 20, 30, 40, 45, 50)
ONSITE_NOTES = {
    "support": "领导现场接待，当场协调责任单位解决，信访人表示认可。",
    "explain": "领导现场接待，当场解释相关政策规定，信访人表示理解。",
}
OBJECTION_NOTE = "该事项不属于本单位职责范围，申请退回重新交办"
BARRED_NOTE = "同一事实和理由已经复核终结，不再受理（《信访工作条例》第36条第3款）"
TERMINATED_NOTE = "复核终结，同一事实和理由不再受理"
REVIEW_NOTE = {
    "support": "经复查，原处理意见不当，予以纠正。",
    "explain": "经复查，原处理意见正确，已向信访人进一步解释说明。",
    "reject": "经复查，原处理意见认定事实清楚、适用依据正确，予以维持。",
}
RESULT_NOTES = {
    "agreed": "经调解，双方自愿达成调解协议",
    "failed": "调解不成，已告知当事人可通过仲裁、行政、司法等途径解决",
    "refused": "一方当事人拒绝调解，不予调解",
    "withdrawn": "申请人撤回调解申请",
}
# Numeric template slots: inclusive ranges (amount in hundreds of yuan, years before today, fees in tenths).
SLOT_RANGES = {
    "building": (1, 12),
    "months": (2, 18),
    "amount": (3, 400),
    "households": (30, 600),
    "year_buy": (2, 6),
    "year_due": (0, 4),
    "fee_old": (12, 20),
    "fee_new": (22, 30),
}
LETTER_MARKS = {"supervision": "督", "risk_alert": "险", "improvement": "建"}

# --- the builder ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Place:
    street: int  # indexes into _Builder.streets / communities / grids
    community: int
    grid: int


@dataclass(slots=True)
class _Ref:
    """What later cases need to know of an earlier one (repeat petitions, merges)."""

    id: int
    number: str
    received: date
    subject: str
    category: str
    place: _Place
    persons: list[int]
    name: str  # the (first) petitioner's name
    group_size: int
    title: str
    unhappy_on: date | None  # when the petitioner was last seen dissatisfied
    terminated_on: date | None  # re-examination ended the matter (不再受理 afterwards)
    unit_id: int | None


@dataclass(slots=True)
class _Step:
    """One dated step of a case's life, as a core.workflow action would record it.

    `changes` are case fields, `extra` goes into the event only, `meeting` is (kind, day) of a 三见面 record.
    """

    on: date
    action: str | None  # None: the step updates fields without a timeline event
    status: str | None  # the new status, or None to keep the current one
    changes: dict = field(default_factory=dict)
    actor: str = "handler"  # "registrar" | "handler" | "leader" | "in_charge"
    note: str | None = None
    extra: dict | None = None
    meeting: tuple[str, date] | None = None


@dataclass(slots=True)
class _Draft:
    """A case being generated: its facts, its planned life, and what its rows need."""

    id: int
    number: str
    received: date
    years: float  # since the start of the data
    channel: str
    category: str
    subject: str
    route: str
    place: _Place
    group_size: int = 1
    anonymous: bool = False
    parent: _Ref | None = None
    is_first: bool = False
    barred: bool = False  # a repeat of a matter ended by re-examination (不再受理)
    petitioner: str = "匿名"
    persons: list[int] = field(default_factory=list)
    parties: list[tuple[int, str]] = field(default_factory=list)
    lead: int | None = None
    assists: list[int] = field(default_factory=list)
    in_charge: int | None = None  # the leader who takes personal charge (包案)
    steps: list[_Step] = field(default_factory=list)
    meetings: bool = False  # whether the 三见面 are recorded
    late: tuple[date, date] | None = None  # (missed due date, day the step was done)
    unhappy_on: date | None = None
    terminated_on: date | None = None
    mediation: dict | None = None
    pause: tuple[str, date, int] | None = None


class _Clocked:
    """The attributes core.clock.refresh_case reads and writes."""

    __slots__ = (
        "due_on",
        "due_provisional",
        "extension_days",
        "paused_days",
        "paused_since",
        "stage",
        "stage_started_on",
    )

    def __init__(self, stage: str, start: date, paused_days: int, extension_days: int, paused_since):
        self.stage, self.stage_started_on = stage, start
        self.paused_days, self.extension_days, self.paused_since = paused_days, extension_days, paused_since
        self.due_on, self.due_provisional = None, False


class _Slots(dict):
    """Template values made on first use, so a text only draws the values it mentions."""

    def __init__(self, make: Callable[[str], str]):
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> str:
        value = self[key] = self.make(key)
        return value


class _Builder:
    def __init__(
        self, session: Session, *, seed: int, today: date, n_cases: int, chunk: int, commit_chunks: bool
    ):
        self.session = session
        self.w = _Writer(session.connection())
        self.sqlite_cache = None
        self._tune_connection()
        self.rng = random.Random(seed)
        self.geo = random.Random(GEOGRAPHY_SEED)
        self.today = today
        self.now = datetime.combine(today, time(18, 0), tzinfo=CST)  # generate() sets the real one
        self.start = _years_before(today, 3) + timedelta(days=1)
        self.n_cases = n_cases
        self.chunk = max(1, chunk)
        self.commit_chunks = commit_chunks
        self.progress: Callable[[int, int], None] | None = None
        self.cal = clock.load_calendar(session)
        self.limits = clock.load_limits(session)
        self.prefix = get_settings().case_prefix
        self.case_seq: Counter[int] = Counter()
        self.mediation_seq: Counter[int] = Counter()
        self.recent: deque[_Ref] = deque(maxlen=4000)
        self.unhappy: deque[_Ref] = deque(maxlen=1500)
        # petitioners who may come back with another matter
        self.people: deque[tuple[int, str]] = deque(maxlen=3000)
        self.id_numbers: set[str] = set()
        self.pending_mediations: list[tuple[date, int, dict]] = []  # heap of referrals by application date
        self.late: list[tuple] = []  # (case id, number, unit id, missed due date, done on or None)
        self.risky: list[tuple] = []  # (case id, number, unit id, triaged on): group and repeat petitions
        self.case_lead = array("l")  # lead unit id (0: none) by case id - first case id
        self.first_case_id = 0
        self.month_ids: dict[tuple[int, int], list[int]] = {}  # (year, month) -> [first, last] case id
        self.cases_done = 0
        self._last_meeting: dict = {}
        self.started = _time.perf_counter()

    def _at(self, d: date, hour: int, minute: int) -> datetime:
        """Return a time on day `d`, never after the demo's "now"."""
        return min(_at(d, hour, minute), self.now)

    # -- orchestration --------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self._geography()
        self._units()
        self._users()
        self._mediators()
        self.w.flush()
        self.first_case_id = self.w.next_ids["case"]
        self._cases_and_mediations()
        self._supervision_letters()
        self._spot_checks()
        self.w.flush()
        self.w.reset_sequences()
        counts = {t.name: self.w.counts[t.name] for t in metadata.sorted_tables if self.w.counts[t.name]}
        counts.update({f"user.{role}": n for role, n in sorted(self.user_roles.items())})
        elapsed = _time.perf_counter() - self.started
        log.info(
            "demo data: %d cases, %d rows in %.1f s", self.cases_done, sum(self.w.counts.values()), elapsed
        )
        return counts

    def _tune_connection(self) -> None:
        """Give the loading SQLite connection a large page cache (restored by restore_connection)."""
        conn = self.w.conn
        if conn.dialect.name == "sqlite":
            if self.sqlite_cache is None:
                self.sqlite_cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
            conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")

    def restore_connection(self) -> None:
        if self.sqlite_cache is not None:
            self.session.connection().exec_driver_sql(f"PRAGMA cache_size={int(self.sqlite_cache)}")

    def _flush_chunk(self) -> None:
        texts = [(row["id"], row["title"], row["content"], row["request"]) for row in self.w.rows["case"]]
        self.w.flush()
        search.index_rows(self.session, texts)  # the search index is kept by the services, not by triggers
        if self.commit_chunks:
            self.session.commit()
            self.w.conn = self.session.connection()
            self._tune_connection()
        log.info(
            "demo data: %d/%d cases (%.1f s)",
            self.cases_done,
            self.n_cases,
            _time.perf_counter() - self.started,
        )
        if self.progress:
            self.progress(self.cases_done, self.n_cases)

    # -- geography, units, users, mediators -------------------------------------------------------

    def _existing(self, table: str, key: str = "code") -> dict[str, int]:
        t = metadata.tables[table]
        return dict(self.w.conn.execute(sa.select(t.c[key], t.c.id)).all())

    def _geography(self) -> None:
        """Streets, communities and grids (rows already present are reused by code), with address material."""
        geo = self.geo
        have_s, have_c, have_g = self._existing("street"), self._existing("community"), self._existing("grid")
        self.streets: list[dict] = []
        self.communities: list[dict] = []
        self.grids: list[dict] = []
        for code, name, kind in reference.STREETS:
            sid = have_s.get(code) or self._add_row("street", code=code, name=name, kind=kind)
            si = len(self.streets)
            s = {"id": sid, "code": code, "name": name, "roads": reference.STREET_ROADS[code]}
            s.update(communities=[], villages=[], mediators=[], projects=[])
            self.streets.append(s)
            numbers = Counter()
            for cname in reference.COMMUNITIES[code]:
                village = cname.endswith("村")
                numbers[village] += 1
                ccode = f"{code}{numbers[village] + (200 if village else 0):03d}"
                kind_c = "village" if village else "community"
                cid = have_c.get(ccode) or self._add_row(
                    "community", code=ccode, name=cname, kind=kind_c, street_id=sid
                )
                base = cname.removesuffix("社区")
                own_road = base[-1] in "路街村"
                roads = list(dict.fromkeys(([base] if own_road else []) + geo.sample(s["roads"], 2)))
                first = _choice(geo, ESTATE_WORDS) if own_road else base
                estates = [
                    f"{first if i == 0 else _choice(geo, ESTATE_WORDS)}{_choice(geo, ESTATE_SUFFIXES)}"
                    for i in range(4)
                ]
                old = [
                    f"{_choice(geo, roads)}{_int(geo, 1, 200)}号院",
                    f"{_choice(geo, OLD_ESTATE_UNITS)}宿舍",
                ]
                ci = len(self.communities)
                c = dict(
                    id=cid, name=cname, street=si, village=village, roads=roads, estates=estates, old=old
                )
                c["grids"] = []
                self.communities.append(c)
                s["villages" if village else "communities"].append(ci)
                for g in range(1, (_int(geo, 2, 4) if village else _int(geo, 4, 8)) + 1):
                    gcode = f"{ccode}{g:03d}"
                    gid = have_g.get(gcode) or self._add_row(
                        "grid", code=gcode, name=f"{name}{cname}第{g}网格", community_id=cid
                    )
                    c["grids"].append(len(self.grids))
                    self.grids.append({"id": gid, "community": ci})
        self.villages = [i for i, c in enumerate(self.communities) if c["village"]]
        developing = ["005", "100", "008", "007", "003", "006", "002", "004"]  # where the 保交楼 projects are
        for i, word in enumerate(PROJECT_NAMES + PROJECT_NAMES[:8]):
            s = self.streets[self._street_index(developing[i % len(developing)])]
            s["projects"].append(f"{_choice(geo, s['roads']).removesuffix('大道').removesuffix('路')}·{word}")
        for s in self.streets:
            s["projects"] = s["projects"] or [f"{s['name'][:2]}·{_choice(geo, PROJECT_NAMES)}"]
        self.companies = [names.company_name(geo) for _ in range(160)]
        self.street_w = _Weighted((i, STREET_WEIGHTS[s["code"][-3:]]) for i, s in enumerate(self.streets))
        self.subject_street_w = {
            subject: _Weighted((self._street_index(k), v) for k, v in weights.items())
            for subject, weights in SUBJECT_STREET_WEIGHTS.items()
        }

    def _add_row(self, table: str, **values) -> int:
        row_id = self.w.new_id(table)
        self.w.add(table, id=row_id, **values)
        return row_id

    def _street_index(self, suffix: str) -> int:
        return next(i for i, s in enumerate(self.streets) if s["code"].endswith(suffix))

    def _units(self) -> None:
        have = self._existing("unit")
        self.units: dict[str, int] = {}
        street_ids = {s["code"]: s["id"] for s in self.streets}
        for code, name, short, kind, parent, street in reference.UNITS:
            self.units[code] = have.get(code) or self._add_row(
                "unit",
                code=code,
                name=name,
                short_name=short,
                kind=kind,
                parent_id=self.units[parent] if parent else None,
                street_id=street_ids.get(street),
            )
        self.street_office = [self.units["JD" + s["code"][-3:]] for s in self.streets]

    def _users(self) -> None:
        """Demo accounts of every role but admin; without a password they cannot sign in until an admin sets one."""
        have = self._existing("user", "username")
        rng = self.geo
        self.user_roles: Counter[str] = Counter()
        self.user_names: dict[int, str] = {}

        def add(username: str, role: str, unit: str | None) -> int:
            display = names.full_name(rng, birth_year=_int(rng, 1965, 1995))
            uid = have.get(username)
            if uid is None:
                unit_id = self.units[unit] if unit else None
                uid = self._add_row(
                    "user",
                    username=username,
                    display_name=display,
                    role=role,
                    unit_id=unit_id,
                    password_hash=None,
                    created_at=self._at(self.start, 9, 0),
                )
                self.user_roles[role] += 1
            self.user_names[uid] = display
            return uid

        self.registrars = [add(f"demo.registrar{i}", "registrar", "XFB") for i in range(1, 7)]
        self.leaders = [add(f"demo.leader{i}", "leader", None) for i in range(1, 9)]
        self.supervisors = [add(f"demo.supervisor{i}", "supervisor", "XFB") for i in range(1, 5)]
        busy = set(_words("ZJW CSGX GHZY BDCDJ RSJ LDJC CGJ SCJG MZJ JD001 JD003 JD004 JD006 JD007"))
        self.handlers: dict[int, list[int]] = {}
        for code, *_ in reference.UNITS:
            if code != "XFB":
                n = 2 if code in busy else 1
                handlers = [add(f"demo.handler.{code.lower()}{i}", "handler", code) for i in range(1, n + 1)]
                self.handlers[self.units[code]] = handlers
        self.mediator_users = [add(f"demo.mediator{i}", "mediator", "MDZX") for i in range(1, 13)]

    def _mediators(self) -> None:
        """About 300 mediators, a quarter veterans (老马); each junior (小马) has a veteran mentor in his street."""
        rng = self.geo
        total, veterans = 300, 75
        per_street = [2] * len(self.streets)  # at least two veterans in every street and town
        for _ in range(veterans - sum(per_street)):
            per_street[self.street_w.pick(rng)] += 1
        levels = [(si, True) for si, n in enumerate(per_street) for _ in range(n)]
        levels += [(self.street_w.pick(rng), False) for _ in range(total - veterans)]
        users = list(self.mediator_users)
        self.mediators: dict[int, dict] = {}
        for si, veteran in levels:
            s = self.streets[si]
            c = self.communities[_choice(rng, s["communities"] + s["villages"])]
            birth = _int(rng, 1950, 1972) if veteran else _int(rng, 1978, 2000)
            name = names.full_name(rng, rng.random() < (0.6 if veteran else 0.45), birth)
            if veteran:
                org = "江北区矛盾纠纷多元化解中心" if rng.random() < 0.2 else f"{s['name']}人民调解委员会"
            else:
                org = f"{s['name']}{c['name']}小马工作站"
            trained = _years_before(self.start, _int(rng, 1, 8 if veteran else 3)) - timedelta(
                days=rng.randrange(300)
            )
            user_id = users.pop(0) if veteran and users and rng.random() < 0.5 else None
            mid = self._add_row(
                "mediator",
                name=name,
                phone=names.mobile(rng),
                level="veteran" if veteran else "junior",
                specialties=",".join(rng.sample(SPECIALTIES, _int(rng, 1, 3))),
                organisation=org,
                street_id=s["id"],
                grid_id=self.grids[_choice(rng, c["grids"])]["id"],
                user_id=user_id,
                trained_on=trained,
                active=rng.random() < 0.97,
            )
            self.mediators[mid] = {"name": name, "veteran": veteran, "user": user_id, "trained": trained}
            self.mediators[mid].update(mentor=None, mentees=[])
            s["mediators"].append(mid)
        for s in self.streets:
            vets = [m for m in s["mediators"] if self.mediators[m]["veteran"]]
            for m in s["mediators"]:
                junior = self.mediators[m]
                if junior["veteran"]:
                    continue
                mentor = min(vets, key=lambda v: (len(self.mediators[v]["mentees"]), rng.random()))
                junior["mentor"] = mentor
                self.mediators[mentor]["mentees"].append(m)
                began = junior["trained"] + timedelta(days=_int(rng, 0, 60))
                ended = began + timedelta(days=_int(rng, 400, 900)) if rng.random() < 0.06 else None
                ended = ended if ended and ended <= self.today else None
                self._add_row("mentorship", mentor_id=mentor, mentee_id=m, started_on=began, ended_on=ended)

    # -- cases --------------------------------------------------------------------------------------

    def _day_counts(self, n: int, growth: float) -> list[int]:
        """Spread n events over the days, fewer on rest days, the rate multiplied by `growth` per year."""
        days = (self.today - self.start).days + 1
        weights = []
        for i in range(days):
            d = self.start + timedelta(days=i)
            w = 1.0 if self.cal.is_workday(d) else (0.4 if d.weekday() >= 5 else 0.3)
            weights.append(w * growth ** (i / 365.25))
        counts = [0] * days
        cum = list(accumulate(weights))
        for _ in range(n):
            counts[_bisect(cum, self.rng.random() * cum[-1])] += 1
        return counts

    def _cases_and_mediations(self) -> None:
        """Walk the days in order: that day's cases, then the mediations applied for that day."""
        case_counts = self._day_counts(self.n_cases, 0.96)  # intake falls slowly
        standalone = self._day_counts(round(self.n_cases * 0.17), 1.38)  # mediation grows ~37.5 % a year
        since_flush = 0
        for i, (n_cases, n_mediations) in enumerate(zip(case_counts, standalone, strict=True)):
            d = self.start + timedelta(days=i)
            for _ in range(n_cases):
                self._case(d)
                since_flush += 1
            referred = []
            while self.pending_mediations and self.pending_mediations[0][0] <= d:
                referred.append(heapq.heappop(self.pending_mediations)[2])
            for spec in referred + [None] * n_mediations:
                self._mediation(d, spec)
            if since_flush >= self.chunk:
                self._flush_chunk()
                since_flush = 0
        if since_flush:
            self._flush_chunk()

    def _place(self, subject: str, village: bool = False) -> _Place:
        rng = self.rng
        si = self.subject_street_w.get(subject, self.street_w).pick(rng)
        s = self.streets[si]
        if village and s["villages"]:
            pool = s["villages"]
        else:
            pool = s["communities"] + (s["villages"] if rng.random() < 0.15 else [])
        ci = _choice(rng, pool)
        return _Place(si, ci, _choice(rng, self.communities[ci]["grids"]))

    def _slot(self, key: str, place: _Place) -> str:
        """Return a value for a text template slot such as {estate}, drawn for `place`."""
        rng, s, c = self.rng, self.streets[place.street], self.communities[place.community]
        if key in ("estate", "old_estate", "road"):
            return _choice(rng, c[{"estate": "estates", "old_estate": "old", "road": "roads"}[key]])
        if key == "project":
            return _choice(rng, s["projects"])
        if key == "company":
            return _choice(rng, self.companies)
        if key == "street":
            return s["name"]
        if key == "community":
            return s["name"] + c["name"]
        if key == "village":
            pool = [c["name"]] if c["village"] else [self.communities[v]["name"] for v in s["villages"]]
            return _choice(rng, pool or [self.communities[v]["name"] for v in self.villages])
        low, high = SLOT_RANGES[key]
        if key == "amount":
            return str(_int(rng, low, high) * 100)
        if key.startswith("year_"):
            return str(self.today.year - _int(rng, low, high))
        if key.startswith("fee_"):
            return f"{_int(rng, low, high) / 10:.1f}"
        return str(_int(rng, low, high))

    def _person(self, place: _Place, received: date) -> tuple[int, str]:
        """Add a petitioner living in `place`: valid ID number (mostly), mobile phone, Jiangbei address."""
        rng = self.rng
        birth = names.birth_date(rng, received)
        male = rng.random() < 0.52
        name = names.full_name(rng, male, birth.year)
        id_number = None
        if rng.random() < 0.93:
            while id_number is None or id_number in self.id_numbers:
                id_number = names.id_number(rng, birth, male)
            self.id_numbers.add(id_number)
        s, c = self.streets[place.street], self.communities[place.community]
        address = names.street_address(
            rng, s["name"], _choice(rng, c["roads"]), c["name"] if c["village"] else None
        )
        phone = names.mobile(rng) if rng.random() < 0.96 else None
        pid = self._add_row(
            "person",
            name=name,
            id_number=id_number,
            phone=phone,
            gender="male" if male else "female",
            address=address,
            grid_id=self.grids[place.grid]["id"],
            created_at=self._at(received, 9, 0),
        )
        return pid, name

    def _respondent(self, received: date) -> int:
        """Add a person complained about or accused: a name only."""
        male = self.rng.random() < 0.7
        name = names.full_name(self.rng, male, _int(self.rng, 1960, 1990))
        return self._add_row(
            "person", name=name, gender="male" if male else "female", created_at=self._at(received, 9, 0)
        )

    def _pick_parent(self, received: date) -> _Ref | None:
        """Pick the earlier case a repeat petition comes back to, preferring dissatisfied petitioners."""
        rng = self.rng
        if self.unhappy and rng.random() < 0.7:
            for _ in range(4):
                ref = self.unhappy[rng.randrange(len(self.unhappy))]
                if ref.unhappy_on and ref.unhappy_on < received:
                    return ref
        if self.recent:
            ref = self.recent[-1 - rng.randrange(min(len(self.recent), 1200))]
            if ref.received < received:
                return ref
        return None

    def _merge_target(self, draft: _Draft) -> _Ref | None:
        for k in range(1, min(len(self.recent), 300) + 1):
            ref = self.recent[-k]
            if (
                ref.subject == draft.subject
                and ref.place.street == draft.place.street
                and ref.received < draft.received
            ):
                return ref
        return None

    def _handler(self, unit_id: int | None) -> int:
        handlers = self.handlers.get(unit_id) if unit_id else None
        return _choice(self.rng, handlers) if handlers else _choice(self.rng, self.registrars)

    def _case(self, received: date) -> None:
        draft = self._draft(received)
        fields = self._describe(draft)
        self._plan(draft)
        self._write_case(draft, fields)

    def _draft(self, received: date) -> _Draft:
        """Draw the facts of a new case: channel, category, subject, route, place and petitioners."""
        rng = self.rng
        cid = self.w.new_id("case")
        self.case_seq[received.year] += 1
        number = f"{self.prefix}-{received.year}-{self.case_seq[received.year]:06d}"
        self.month_ids.setdefault((received.year, received.month), [cid, cid])[1] = cid
        years = (received - self.start).days / 365.25
        channel = CHANNELS.pick(rng)
        parent = self._pick_parent(received) if rng.random() < 0.07 else None
        if parent is not None:
            ref = parent
            draft = _Draft(
                cid, number, received, years, channel, ref.category, ref.subject, "petition", ref.place
            )
            draft.group_size, draft.parent = parent.group_size, parent
            draft.barred = parent.terminated_on is not None and parent.terminated_on < received
            draft.petitioner, draft.persons = parent.name, list(parent.persons)
            if parent.persons:
                draft.parties = [(parent.persons[0], "petitioner")]
                if parent.group_size > 1:
                    draft.parties += [(p, "representative") for p in parent.persons]
            return draft
        category = CATEGORIES.pick(rng)
        subject = SUBJECTS_BY_CATEGORY[category].pick(rng)
        route = "petition"
        if category == "complaint":
            r = rng.random() * 100
            for key, share in ROUTES_OUT.get(subject, ROUTES_OUT_DEFAULT).items():
                if r < share:
                    route = key
                    break
                r -= share
        place = self._place(subject, village=subject == "land_requisition" and rng.random() < 0.7)
        group = category == "complaint" and rng.random() < GROUP_SUBJECTS.get(subject, 0.01)
        group_size = (_int(rng, 5, 30) if rng.random() < 0.8 else _int(rng, 31, 120)) if group else 1
        anon_p = (
            0.35
            if category == "accusation"
            else (0.03 if channel in ("letter", "online", "leader_mailbox") else 0.0)
        )
        anonymous = group_size == 1 and rng.random() < anon_p
        draft = _Draft(cid, number, received, years, channel, category, subject, route, place)
        draft.group_size, draft.anonymous = group_size, anonymous
        if anonymous:
            return draft
        if group_size > 1:  # at most five representatives (第20条)
            reps = [self._person(place, received) for _ in range(_int(rng, 2, 5))]
            draft.persons = [p for p, _ in reps]
            draft.petitioner = reps[0][1]
            draft.parties = [(draft.persons[0], "petitioner")] + [
                (p, "representative") for p in draft.persons
            ]
        else:
            if self.people and rng.random() < 0.03:
                pid, draft.petitioner = self.people[rng.randrange(len(self.people))]
            else:
                pid, draft.petitioner = self._person(place, received)
                self.people.append((pid, draft.petitioner))
            draft.persons, draft.parties = [pid], [(pid, "petitioner")]
        return draft

    def _describe(self, draft: _Draft) -> dict:
        """Write the case's text, pick its units and people in charge; return the case's static columns."""
        rng, place, subject = self.rng, draft.place, draft.subject
        if draft.category == "accusation" or (
            subject in ("neighbour_dispute", "family_dispute") and rng.random() < 0.6
        ):
            draft.parties.append((self._respondent(draft.received), "respondent"))
        slots = _Slots(lambda key: self._slot(key, place))
        parent = draft.parent
        if parent is not None:
            title = parent.title
            if not title.startswith("再次"):
                title = "再次" + (
                    title
                    if title.startswith(("反映", "要求", "检举", "建议", "申请", "咨询"))
                    else "反映" + title
                )
            fact = "此前反映的问题至今未得到解决，" + _choice(rng, SUBJECT_TEXT[subject])[1].format_map(slots)
            request = "要求尽快解决"
        elif draft.route == "party_appeal":
            title, fact, request = PARTY_APPEAL_TEXT
        else:
            title, fact, request = (x.format_map(slots) for x in _choice(rng, SUBJECT_TEXT[subject]))
        if draft.anonymous:
            who = "匿名反映"
        elif draft.group_size > 1:
            who = f"{draft.petitioner}等{draft.group_size}人反映"
        else:
            who = f"信访人{draft.petitioner}反映"

        def unit_for(code: str) -> int:
            return self.street_office[place.street] if code == "JD" else self.units[code]

        if draft.category == "accusation":
            draft.lead = self.units[ACCUSATION_UNITS[subject]]
        else:
            draft.lead = unit_for(LEAD_UNITS_W[subject].pick(rng))
        pool = [unit_for(c) for c in ASSIST_UNITS[subject]]
        if pool and rng.random() < 0.2:
            draft.assists = [
                u for u in dict.fromkeys(rng.sample(pool, min(len(pool), _int(rng, 1, 2)))) if u != draft.lead
            ]
        leader = _choice(rng, self.leaders)
        if (draft.group_size > 1 or parent) and rng.random() < 0.25:
            draft.in_charge = leader
        draft.is_first = parent is None and rng.random() > 0.07
        draft.meetings = draft.is_first and bool(draft.persons) and rng.random() < 0.92
        s, c = self.streets[place.street], self.communities[place.community]
        return {
            "channel": draft.channel,
            "received_on": draft.received,
            "category": draft.category,
            "route": draft.route,
            "subject": subject,
            "title": title[:200],
            "content": f"{who}：{fact}。{request}。",
            "request": request,
            "street_id": s["id"],
            "community_id": c["id"],
            "grid_id": self.grids[place.grid]["id"],
            "location": f"江北区{s['name']}{c['name']}",
            "is_first": draft.is_first,
            "repeat_of_id": parent.id if parent else None,
            "not_accepted_again": draft.barred,
            "group_size": draft.group_size,
            "anonymous": draft.anonymous,
            "confidential": draft.category == "accusation",
            "received_by_leader_id": leader if draft.channel in LEADER_CHANNELS else None,
            "registrar_id": _choice(rng, self.registrars),
        }

    def _plan(self, draft: _Draft) -> None:
        """Plan the case's whole life as the dated workflow steps of core.workflow; some may lie after today."""
        rng, r = self.rng, draft.received
        if self._onsite(draft):
            return
        draft.steps.append(_Step(r, "register", "registered", {}, "registrar"))
        late_triage = rng.random() < 0.01
        delay = int(rng.triangular(0, 7 if draft.channel == "letter" else 4, 1))
        d = r + timedelta(days=_int(rng, 16, 24) if late_triage else delay)
        if late_triage:
            draft.late = (r + timedelta(days=15), d)
        if self._triage_ends(draft, d):
            return
        status = "assigned" if rng.random() < 0.3 or draft.group_size > 1 or draft.parent else "forwarded"
        changes = {"triaged_on": d, "unit_received_on": d, "lead_unit_id": draft.lead}
        extra = {"assisting_unit_ids": draft.assists}
        draft.steps.append(_Step(d, status.removesuffix("ed"), status, changes, "registrar", extra=extra))
        if draft.in_charge:
            draft.steps.append(
                _Step(d, "take_charge", None, {"leader_in_charge_id": draft.in_charge}, "in_charge")
            )
        if rng.random() < 0.05:
            d = self._plan_dispute(draft, d)
        late_accept = rng.random() < 0.02
        accepted = d + timedelta(days=_int(rng, 16, 26) if late_accept else int(rng.triangular(1, 12, 3)))
        if late_accept and draft.late is None:
            draft.late = (d + timedelta(days=15), accepted)
        draft.steps.append(_Step(accepted, "accept", "handling", {"accepted_on": accepted}))
        if draft.meetings:
            draft.steps.append(_Step(accepted, "record_meeting", None, meeting=("acceptance", accepted)))
        if rng.random() < 0.008:
            on = accepted + timedelta(days=_int(rng, 3, 20))
            draft.steps.append(
                _Step(on, "withdraw", "withdrawn", {}, "registrar", "信访人主动撤回信访事项", {"on": on})
            )
            return
        reply_on = self._plan_handling(draft, accepted)
        self._plan_reply(draft, accepted, reply_on)

    def _onsite(self, draft: _Draft) -> bool:
        """Leader reception or 马路办公 settles many simple complaints on the spot: closed at registration."""
        rng, r = self.rng, draft.received
        if not (
            draft.channel in ONSITE_CHANNELS and draft.category == "complaint" and draft.route == "petition"
        ):
            return False
        if draft.group_size > 1 or draft.parent or rng.random() >= 0.8:
            return False
        outcome = "support" if rng.random() < 0.7 else "explain"
        changes = {"onsite_resolved": True, "outcome": outcome, "reply_summary": ONSITE_NOTES[outcome]}
        changes.update(replied_on=r, reply_received_on=r, closed_on=r)
        draft.steps.append(_Step(r, "register", "closed", changes, "leader"))
        return True

    def _triage_ends(self, draft: _Draft, d: date) -> bool:
        """Route the case out of the petition track, or end it as invalid or merged: its life ends at triage."""
        rng, steps = self.rng, draft.steps
        if draft.barred:  # the same matter was ended by re-examination: not accepted again (第36条第3款)
            draft.lead = None
            steps.append(_Step(d, "invalidate", "invalid", {}, "registrar", BARRED_NOTE, {"on": d}))
            return True
        if draft.route != "petition":
            to = _choice(rng, ROUTED_TO[draft.route])
            draft.lead = None
            steps.append(_Step(d, "route_out", "routed_out", {"routed_to": to, "closed_on": d}, "registrar"))
            return True
        u = rng.random()
        if u < 0.004:
            draft.lead = None
            steps.append(
                _Step(
                    d, "invalidate", "invalid", {}, "registrar", "信访人身份无法核实，且无具体诉求", {"on": d}
                )
            )
            return True
        if u < 0.014 and draft.parent is None and not draft.anonymous:
            target = self._merge_target(draft)
            if target is not None:
                draft.lead = None
                note = "与同一事项的在办信访事项合并办理"
                extra = {"merged_into": target.number}
                steps.append(
                    _Step(d, "merge", "merged", {"merged_into_id": target.id}, "registrar", note, extra)
                )
                return True
        return False

    def _plan_dispute(self, draft: _Draft, d: date) -> date:
        """The unit objects that it is not responsible (受理争议); the office upholds or reassigns in 5 days."""
        rng, steps = self.rng, draft.steps
        d += timedelta(days=_int(rng, 1, 5))  # within the 5 working days of the objection window
        steps.append(_Step(d, "raise_objection", "objected", {"objected_on": d}, note=OBJECTION_NOTE))
        d += timedelta(days=_int(rng, 1, 5))
        changes = {"dispute_settled_on": d, "unit_received_on": d}
        if rng.random() < 0.7:
            candidates = [self.street_office[draft.place.street], self.units["ZJW"], self.units["CGJ"]]
            draft.lead = _choice(rng, [u for u in candidates if u != draft.lead])
            draft.assists = [u for u in draft.assists if u != draft.lead]
            changes.update(lead_unit_id=draft.lead, objected_on=None)  # the new unit has its own window
            extra, note = {"decision": "reassign"}, "经协调，明确责任单位，重新交办"
        else:
            extra, note = {"decision": "uphold"}, "经审核，该事项属于该单位职责范围，应予受理"
        steps.append(_Step(d, "settle_dispute", "assigned", changes, "registrar", note, extra))
        return d

    def _plan_handling(self, draft: _Draft, accepted: date) -> date:
        """Plan extension, pause, mediation and the investigation meeting; return the reply date.

        Handling gets shorter every year (the seed's "4 days shorter than the same period last year").
        """
        rng, steps = self.rng, draft.steps
        duration = max(2, round(rng.triangular(3, 55, 15) * (1.15 - 0.17 * draft.years)))
        r = rng.random()
        if r < 0.04:  # extension approved before the 60 days run out (第34条)
            on = accepted + timedelta(days=_int(rng, 45, 58))
            changes = {"extension_days": 30, "extension_reason": _choice(rng, EXTENSION_REASONS)}
            steps.append(_Step(on, "extend", None, changes, note=changes["extension_reason"]))
            duration = _int(rng, 62, 88)
        elif r < 0.065:  # replied late; a few drag on for months
            duration = _int(rng, 61, 110) if rng.random() < 0.85 else _int(rng, 111, 240)
            draft.late = (accepted + timedelta(days=60), accepted + timedelta(days=duration))
        if rng.random() < 0.03:
            kind = "hearing" if rng.random() < 0.4 else "suspension"
            since = accepted + timedelta(days=_int(rng, 3, max(3, min(duration - 1, 25))))
            length = _int(rng, 10, 40)
            reason = PAUSE_REASONS[kind]
            steps.append(
                _Step(
                    since, "pause", "paused", {"paused_since": since}, note=reason, extra={"pause_kind": kind}
                )
            )
            changes = {"paused_since": None, "paused_days": length}
            steps.append(
                _Step(
                    since + timedelta(days=length),
                    "resume",
                    "handling",
                    changes,
                    extra={"paused_days_added": length},
                )
            )
            draft.pause = (kind, since, length)
            duration = max(duration, (since - accepted).days + length + _int(rng, 3, 20))
        reply_on = accepted + timedelta(days=duration)
        p_mediation = MEDIATION_SUBJECTS.get(draft.subject, 0.0) * 1.4 ** (draft.years - 1.5)
        if not draft.anonymous and draft.pause is None and rng.random() < p_mediation:
            m = draft.mediation = self._plan_mediation(accepted + timedelta(days=_int(rng, 1, 5)))
            extra = {"referred_on": m["applied"].isoformat()}
            steps.append(
                _Step(
                    m["applied"],
                    "refer_mediation",
                    "mediating",
                    {},
                    note="转区矛盾纠纷多元化解中心调解",
                    extra=extra,
                )
            )
            back = m["closed"] + timedelta(days=_int(rng, 0, 2))
            agreed = m["result"] == "agreed"
            note = "调解达成协议" if agreed else "调解未成，继续办理"
            steps.append(
                _Step(back, "return_from_mediation", "handling", {}, note=note, extra={"agreed": agreed})
            )
            reply_on = max(reply_on, back + timedelta(days=_int(rng, 1, 7)))
        if draft.meetings and (reply_on - accepted).days >= 2:
            on = accepted + timedelta(days=_int(rng, 1, (reply_on - accepted).days - 1))
            steps.append(_Step(on, "record_meeting", None, meeting=("investigation", on)))
        return reply_on

    def _plan_reply(self, draft: _Draft, accepted: date, reply_on: date) -> None:
        """Plan the reply, its delivery, the rating and the close, or a review (复查) and a re-examination (复核)."""
        rng, steps, repeat = self.rng, draft.steps, draft.parent is not None
        agreed = draft.mediation is not None and draft.mediation["result"] == "agreed"
        outcome = "support" if agreed else (OUTCOMES_REPEAT if repeat else OUTCOMES).pick(rng)
        delivered = reply_on if rng.random() < 0.6 else reply_on + timedelta(days=_int(rng, 1, 6))
        changes = {
            "replied_on": reply_on,
            "outcome": outcome,
            "reply_summary": REPLY_TEXT[outcome] + REVIEW_NOTICE,
        }
        changes["paused_days"] = 0
        if delivered == reply_on:  # handed over in person
            changes["reply_received_on"] = delivered
        steps.append(_Step(reply_on, "reply", "replied", changes))
        if draft.meetings:
            steps.append(_Step(reply_on, "record_meeting", None, meeting=("reply", reply_on)))
        if delivered != reply_on:
            steps.append(_Step(delivered, "record_delivery", None, {"reply_received_on": delivered}))
        if agreed:
            satisfaction = SATISFACTION_AGREED.pick(rng)
        else:
            satisfaction = (SATISFACTION_REPEAT if repeat else SATISFACTION)[outcome].pick(rng)
        rated = delivered + timedelta(
            days=_int(rng, 0, 7) if satisfaction != "not_rated" else _int(rng, 10, 15)
        )
        steps.append(
            _Step(rated, "rate", "rated", {"rated_on": rated, "satisfaction": satisfaction}, "registrar")
        )
        if satisfaction == "dissatisfied":
            draft.unhappy_on = rated
        if rng.random() >= (0.4 if satisfaction == "dissatisfied" else 0.002):
            close = rated + timedelta(days=_int(rng, 0, 3))
            steps.append(
                _Step(
                    close,
                    "close",
                    "closed",
                    {"closed_on": close},
                    extra=self._close_extra(draft, accepted, reply_on),
                )
            )
            return
        asked = max(rated, delivered + timedelta(days=_int(rng, 5, 28)))  # within the 30-day window (第35条)
        draft.unhappy_on = draft.unhappy_on or asked
        steps.append(
            _Step(asked, "request_review", "review_requested", {"review_requested_on": asked}, "registrar")
        )
        decided = asked + timedelta(days=_int(rng, 12, 30))
        review_outcome = "reject" if rng.random() < 0.7 else ("explain" if rng.random() < 0.7 else "support")
        served = decided + timedelta(days=_int(rng, 0, 4))
        changes = {"review_decided_on": decided, "review_outcome": review_outcome}
        if served == decided:
            changes["review_decision_received_on"] = served
        steps.append(
            _Step(decided, "decide_review", "reviewed", changes, "registrar", REVIEW_NOTE[review_outcome])
        )
        if served != decided:
            steps.append(
                _Step(served, "record_delivery", None, {"review_decision_received_on": served}, "registrar")
            )
        if review_outcome == "support" or rng.random() >= 0.3:
            close = served + timedelta(days=31)  # the re-examination window passed
            steps.append(
                _Step(
                    close,
                    "close",
                    "closed",
                    {"closed_on": close},
                    "registrar",
                    extra=self._close_extra(draft, accepted, reply_on),
                )
            )
            return
        asked = served + timedelta(days=_int(rng, 5, 28))
        steps.append(
            _Step(asked, "request_reexam", "reexam_requested", {"reexam_requested_on": asked}, "registrar")
        )
        decided = asked + timedelta(days=_int(rng, 15, 30))
        reexam_outcome = "reject" if rng.random() < 0.8 else "explain"
        changes = {"reexam_decided_on": decided, "reexam_outcome": reexam_outcome, "not_accepted_again": True}
        changes["closed_on"] = decided
        steps.append(_Step(decided, "decide_reexam", "terminated", changes, "registrar", TERMINATED_NOTE))
        draft.terminated_on = decided

    def _close_extra(self, draft: _Draft, accepted: date, replied: date) -> dict | None:
        """What core.workflow.close adds for a first petition closed without all three meetings."""
        if not draft.is_first:
            return None
        held = {"acceptance", "reply"} | ({"investigation"} if (replied - accepted).days >= 2 else set())
        missing = [kind for kind in MEETING_KINDS if not draft.meetings or kind not in held]
        return {"meetings_incomplete": True, "missing_meetings": missing} if missing else None

    def _stage(self, status: str, f: dict) -> tuple[str | None, date | None]:
        """Return the clock stage of the case and the day it started, as core.workflow sets them."""
        if status == "registered":
            return "triage", f["received_on"]
        if status in ("forwarded", "assigned"):
            return "acceptance", f["unit_received_on"]
        if status == "objected":
            return "dispute", f["objected_on"]
        if status in ("handling", "paused", "mediating"):
            return "handling", f["accepted_on"]
        if status == "review_requested":
            return "review", f["review_requested_on"]
        if status == "reexam_requested":
            return "reexam", f["reexam_requested_on"]
        return None, None  # replied, rated and reviewed wait for the petitioner; ended cases have no clock

    def _write_case(self, draft: _Draft, fields: dict) -> None:
        """Apply the steps up to today; write the case with its events, parties, units, meetings and pauses."""
        T, cid = self.today, draft.id
        f = fields
        f.update(stage=None, stage_started_on=None, due_on=None, due_provisional=False)
        actors = {"registrar": f["registrar_id"], "handler": self._handler(draft.lead)}
        actors.update(leader=f["received_by_leader_id"] or self.leaders[0], in_charge=draft.in_charge)
        state = {
            "status": None,
            "last_at": None,
            "last_actor": actors["registrar"],
            "events": 0,
            "lead_on": None,
        }
        draft.steps.sort(key=lambda step: step.on)  # stable: same-day steps keep their planned order
        for step in draft.steps:
            if step.on > T:
                break
            new_lead = step.changes.get("lead_unit_id")
            if new_lead and new_lead != f.get("lead_unit_id"):
                actors["handler"], state["lead_on"] = self._handler(new_lead), step.on
            self._apply(draft, f, step, state, actors)
        status = state["status"]
        if f["stage"]:  # refresh_case gives a paused case (paused_since set) no deadline
            c = _Clocked(
                f["stage"],
                f["stage_started_on"],
                f.get("paused_days") or 0,
                f.get("extension_days") or 0,
                f.get("paused_since"),
            )
            clock.refresh_case(c, self.cal, self.limits)
            f.update(due_on=c.due_on, due_provisional=c.due_provisional)
        self.w.add(
            "case",
            id=cid,
            number=draft.number,
            updated_at=state["last_at"],
            updated_by_id=state["last_actor"],
            version=state["events"],
            **f,
        )
        self._write_case_rows(draft, f, state["lead_on"])
        m = draft.mediation
        if m is not None and m["applied"] <= T:
            spec = {
                "plan": m,
                "case_id": cid,
                "place": draft.place,
                "subject": draft.subject,
                "title": f["title"],
            }
            spec["petitioner"] = draft.petitioner
            heapq.heappush(self.pending_mediations, (m["applied"], cid, spec))
        self._remember(draft, f, status)

    def _apply(self, draft: _Draft, f: dict, step: _Step, state: dict, actors: dict) -> None:
        """Apply one step to the case fields and append its event, with before/after of what changed."""
        old_status = state["status"]
        status = step.status or old_status
        changes = step.changes
        before = {k: f.get(k) for k in changes}
        f.update(changes)
        if status != old_status:
            before["status"] = old_status
            f["status"] = status
            stage, start = (None, None) if is_ended(status) else self._stage(status, f)
            if stage != f["stage"] or start != f["stage_started_on"]:
                before["stage"], before["stage_started_on"] = f["stage"], f["stage_started_on"]
                f["stage"], f["stage_started_on"] = stage, start
                if "paused_days" not in changes:
                    f["paused_days"] = 0  # pauses belong to one stage
        state["status"] = status
        if step.action is None:
            return
        slot = int(self.rng.random() * 72)  # 08:00 … 16:50, in ten-minute steps
        at = datetime.combine(step.on, time(8 + slot // 8, EVENT_MINUTES[slot % 8]), tzinfo=CST)
        if step.on == self.today:  # today's work happened between 08:00 and now, not later
            opened = datetime.combine(step.on, time(8, 0), tzinfo=CST)
            at = min(self.now, opened + (self.now - opened) * (slot / 72)) if self.now > opened else self.now
        if state["last_at"] is not None and at <= state["last_at"]:
            at = state["last_at"] + timedelta(minutes=_int(self.rng, 5, 60))
        at = min(at, self.now) if step.on >= self.today else at
        actor = actors[step.actor]
        state.update(last_at=at, last_actor=actor, events=state["events"] + 1)
        object_type, object_id = "case", draft.id
        if step.action == "register":
            f["registered_at"] = at
            before, after = None, self._registration(draft, f, status)
        elif step.meeting:
            object_type, object_id = "case_meeting", self._meeting(draft, f, step.meeting, actor)
            before, after = None, self._last_meeting
        else:
            after = {k: f[k] for k in before if f[k] != before[k]}  # only what changed, as audit.diff keeps
            before = {k: before[k] for k in after}
            if step.extra:
                after.update(step.extra)
            for d in (before, after):
                for k, v in d.items():
                    if type(v) is date:
                        d[k] = v.isoformat()
        self.w.add(
            "case_event",
            id=self.w.new_id("case_event"),
            at=at,
            actor_id=actor,
            actor_name=self.user_names[actor],
            action=step.action,
            object_type=object_type,
            object_id=object_id,
            case_id=draft.id,
            before=before,
            after=after,
            note=step.note,
        )

    def _registration(self, draft: _Draft, f: dict, status: str) -> dict:
        """The register event's `after`, as core.cases.register_case writes it (REGISTER_FIELDS and parties)."""
        due = None
        if f["stage"]:
            due = clock.stage_due(self.cal, self.limits, f["stage"], f["stage_started_on"]).on.isoformat()
        defaults = self.w.defaults["case"]
        after = {k: f.get(k, defaults[k]) for k in REGISTER_FIELDS}
        after.update(number=draft.number, status=status, due_on=due)
        for k, v in after.items():
            if type(v) is date:
                after[k] = v.isoformat()
        after["parties"] = [{"person_id": p, "role": role} for p, role in dict.fromkeys(draft.parties)]
        return after

    def _meeting(self, draft: _Draft, f: dict, meeting: tuple[str, date], handler: int) -> int:
        """Write one of the three meetings (三见面) and return its id."""
        kind, on = meeting
        s, c = self.streets[draft.place.street], self.communities[draft.place.community]
        place = _choice(
            self.rng, [f"{s['name']}信访接待室", f"{c['name']}居委会", "信访人家中", "区群众工作中心接待室"]
        )
        people = f"承办人{self.user_names[handler]}、信访人{draft.petitioner}"
        meeting_id = self._add_row(
            "case_meeting",
            case_id=draft.id,
            kind=kind,
            held_on=on,
            place=place,
            people=people,
            notes=MEETING_NOTES[kind],
            recorded_by_id=handler,
            created_at=self._at(on, 17, 30),
        )
        self._last_meeting = {"kind": kind, "held_on": on.isoformat(), "place": place, "people": people}
        return meeting_id

    def _write_case_rows(self, draft: _Draft, f: dict, lead_on: date | None) -> None:
        """Parties, the lead and assisting units, and pauses of a written case."""
        w, cid = self.w, draft.id
        lead = f.get("lead_unit_id")
        self.case_lead.append(lead or 0)
        for pid, role in dict.fromkeys(draft.parties):
            w.add("case_party", id=w.new_id("case_party"), case_id=cid, person_id=pid, role=role)
        units = [(lead, "lead"), *((u, "assist") for u in draft.assists)] if lead else []
        for unit, role in units:
            w.add(
                "case_unit",
                id=w.new_id("case_unit"),
                case_id=cid,
                unit_id=unit,
                role=role,
                assigned_on=lead_on,
            )
        if draft.pause and draft.pause[1] <= self.today:
            kind, since, length = draft.pause
            end = since + timedelta(days=length)
            w.add(
                "case_pause",
                id=w.new_id("case_pause"),
                case_id=cid,
                kind=kind,
                stage="handling",
                started_on=since,
                ended_on=end if end <= self.today else None,
                reason=PAUSE_REASONS[kind],
            )

    def _remember(self, draft: _Draft, f: dict, status: str) -> None:
        """Keep what later cases (repeats, merges) and the supervision need to know of this case."""
        T, lead = self.today, f.get("lead_unit_id")
        if draft.late and draft.late[0] < T:
            done = draft.late[1] if draft.late[1] <= T else None
            self.late.append((draft.id, draft.number, lead, draft.late[0], done))
        if (draft.group_size > 1 or draft.parent) and f.get("triaged_on") and lead:
            self.risky.append((draft.id, draft.number, lead, f["triaged_on"]))
        if draft.persons and status not in ("invalid", "merged"):
            unhappy = draft.unhappy_on if draft.unhappy_on and draft.unhappy_on <= T else None
            ended = draft.terminated_on if draft.terminated_on and draft.terminated_on <= T else None
            ref = _Ref(
                draft.id,
                draft.number,
                draft.received,
                draft.subject,
                draft.category,
                draft.place,
                draft.persons,
                draft.petitioner,
                draft.group_size,
                f["title"],
                unhappy,
                ended,
                lead,
            )
            self.recent.append(ref)
            if unhappy:
                self.unhappy.append(ref)
        self.cases_done += 1

    # -- mediation ------------------------------------------------------------------------------------

    def _plan_mediation(self, applied: date) -> dict:
        rng = self.rng
        r = rng.random()
        if r < 0.03:  # a party refuses: no mediation (第17条)
            return {
                "applied": applied,
                "accepted": None,
                "closed": applied + timedelta(days=_int(rng, 1, 3)),
                "result": "refused",
            }
        accepted = applied + timedelta(days=_int(rng, 0, 2))
        days = _int(rng, 31, 45) if rng.random() < 0.03 else max(1, int(rng.triangular(1, 30, 6)))
        result = "withdrawn" if r < 0.04 else ("agreed" if rng.random() < 0.92 else "failed")
        return {
            "applied": applied,
            "accepted": accepted,
            "closed": accepted + timedelta(days=days),
            "result": result,
        }

    def _mediation(self, d: date, spec: dict | None) -> None:
        """Write a mediation case applied for on `d`: referred from a petition (spec) or brought directly."""
        rng, T = self.rng, self.today
        if spec is None:
            dispute = DISPUTE_TYPES.pick(rng)
            place = self._place(DISPUTE_SUBJECT.get(dispute, "other"))
            plan, kind, case_id = self._plan_mediation(d), MEDIATION_KINDS.pick(rng), None
            a = names.full_name(rng, None, _int(rng, 1950, 2000))
            b = names.full_name(rng) if rng.random() < 0.7 else _choice(rng, self.companies)
            title = f"{a}与{b}{dispute}"
        else:
            plan, place, subject, case_id = spec["plan"], spec["place"], spec["subject"], spec["case_id"]
            dispute = SUBJECT_DISPUTE.get(subject, "其他纠纷")
            kind = {
                "labour_wages": "labour_arbitration" if rng.random() < 0.4 else "administrative",
                "property_management": "industry" if rng.random() < 0.4 else "people",
            }.get(subject, "people")
            a = spec["petitioner"]
            b = (
                _choice(rng, self.companies)
                if subject in ("labour_wages", "property_management", "market_regulation")
                else names.full_name(rng)
            )
            title = f"{spec['title']}（信访转调解）"[:200]
        parties = f"{a}（申请人）；{b}（被申请人）"
        self.mediation_seq[d.year] += 1
        number = f"{self.prefix}-TJ-{d.year}-{self.mediation_seq[d.year]:06d}"
        s = self.streets[place.street]
        status, accepted, closed, due = "applied", None, None, None
        if plan["accepted"] is not None and plan["accepted"] <= T:
            status, accepted = "accepted", plan["accepted"]
            due = clock.stage_due(self.cal, self.limits, "mediation", accepted).on
        if plan["closed"] <= T:
            status, closed = plan["result"], plan["closed"]
        mid = self._add_row(
            "mediation_case",
            number=number,
            case_id=case_id,
            kind=kind,
            dispute_type=dispute,
            title=title,
            parties=parties,
            summary=f"当事人因{dispute}申请调解。",
            grid_id=self.grids[place.grid]["id"],
            street_id=s["id"],
            status=status,
            applied_on=d,
            accepted_on=accepted,
            due_on=due,
            closed_on=closed,
            result_note=RESULT_NOTES.get(status),
            created_at=self._at(d, 10, 0),
            version=1 + (accepted is not None) + (closed is not None),
        )
        if accepted is None:
            return
        team = self._mediation_team(place.street)
        for i, m in enumerate(team):
            self._add_row("mediation_mediator", mediation_id=mid, mediator_id=m, is_lead=i == 0)
        present = f"{parties}；调解员" + "、".join(self.mediators[m]["name"] for m in team)
        span = ((closed or T) - accepted).days
        days = {accepted + timedelta(days=_int(rng, 0, span)) for _ in range(_int(rng, 1, 3))}
        rooms = [
            f"{s['name']}人民调解委员会调解室",
            "区矛盾纠纷多元化解中心调解室",
            f"{self.communities[place.community]['name']}小马工作站",
        ]
        for on in sorted(days | ({closed} if closed else set())):
            notes = (
                SESSION_NOTES.get(status, SESSION_NOTES["accepted"])
                if on == closed
                else SESSION_NOTES["accepted"]
            )
            self._add_row(
                "mediation_session",
                mediation_id=mid,
                held_at=self._at(on, _int(rng, 9, 16), 0),
                place=_choice(rng, rooms),
                present=present[:500],
                notes=notes,
                recorded_by_id=self.mediators[team[0]]["user"],
            )
        if status == "agreed":
            self._agreement(mid, number, dispute, closed)

    def _agreement(self, mediation_id: int, number: str, dispute: str, signed: date) -> None:
        rng, T = self.rng, self.today
        applied = signed + timedelta(days=_int(rng, 1, 20)) if rng.random() < 0.15 else None
        applied = applied if applied and applied <= T else None
        self._add_row(
            "agreement",
            mediation_id=mediation_id,
            number=number.replace("-TJ-", "-XY-"),
            facts=f"双方因{dispute}发生争议，经调解员主持调解查明事实。",
            responsibility="双方对纠纷的发生均负有一定责任。",
            terms=f"被申请人于协议生效之日起支付申请人{_int(rng, 5, 300) * 100}元，双方就本纠纷再无其他争议。",
            performance="一次性银行转账支付",
            performance_due=signed + timedelta(days=_int(rng, 7, 60)),
            signed_on=signed,
            effective_on=signed,
            confirmation_applied_on=applied,
            confirmation_due=clock.stage_due(self.cal, self.limits, "judicial_confirmation", signed).on,
            confirmed=bool(applied and applied + timedelta(days=15) <= T),
        )

    def _mediation_team(self, street: int) -> list[int]:
        """A lead mediator of the street, often with his mentor or mentee (老马带小马)."""
        rng = self.rng
        lead_id = _choice(rng, self.streets[street]["mediators"])
        lead = self.mediators[lead_id]
        if not lead["veteran"] and lead["mentor"] and rng.random() < 0.6:
            return [lead_id, lead["mentor"]]
        if lead["veteran"] and lead["mentees"] and rng.random() < 0.4:
            return [lead_id, _choice(rng, lead["mentees"])]
        return [lead_id]

    # -- supervision ----------------------------------------------------------------------------------

    def _per_year(self, per_year: float) -> int:
        """Scale a yearly figure of the seed (at 20,000 cases over three years) to this load."""
        years = ((self.today - self.start).days + 1) / 365.25
        return max(1, round(per_year * years * self.n_cases / DEFAULT_CASES))

    def _supervision_letters(self) -> None:
        """督办函 for overdue cases, 风险提示函 for group and repeat petitions, 改进工作建议函 to units (60/10/30 a year)."""
        rng, T = self.rng, self.today
        letters = []
        late = [x for x in self.late if x[3] < T]
        for cid, number, unit, due, done in rng.sample(late, min(len(late), self._per_year(60))):
            issued = min(done or T, due + timedelta(days=_int(rng, 1, 7)))
            letters.append(
                (
                    "supervision",
                    TRIGGERS.pick(rng),
                    cid,
                    unit,
                    issued,
                    f"关于督促办理{number}号信访事项的函",
                    f"{number}号信访事项已超过法定办理期限，请于收函后10个工作日内办结并书面报告办理情况。",
                )
            )
        for cid, number, unit, triaged in rng.sample(self.risky, min(len(self.risky), self._per_year(10))):
            issued = min(T, triaged + timedelta(days=_int(rng, 1, 10)))
            letters.append(
                (
                    "risk_alert",
                    "other",
                    cid,
                    unit,
                    issued,
                    f"关于{number}号信访事项的风险提示函",
                    f"{number}号信访事项涉及群体或重复信访，存在矛盾激化风险，请落实包案责任，做好稳控化解工作。",
                )
            )
        units, days = list(self.handlers), (T - self.start).days
        for _ in range(self._per_year(30)):
            topic = _choice(rng, LETTER_TOPICS)
            issued = self.start + timedelta(days=_int(rng, 0, days))
            letters.append(
                (
                    "improvement",
                    _choice(rng, ["wrong_procedure", "other", "not_carried_out"]),
                    None,
                    _choice(rng, units),
                    issued,
                    f"关于{topic}的建议函",
                    f"经分析近期信访事项办理情况，建议贵单位{topic}，并于收函后书面回复采纳情况。",
                )
            )
        letters.sort(key=lambda x: (x[4], x[0], x[2] or 0))
        seq: Counter[tuple[str, int]] = Counter()
        for kind, trigger, cid, unit, issued, subject, content in letters:
            seq[(kind, issued.year)] += 1
            replied = issued + timedelta(days=_int(rng, 3, 18))
            status, replied_on, reply = "issued", None, None
            if replied <= T:
                status, replied_on, reply = (
                    "replied",
                    replied,
                    "已收悉，已按要求组织办理，相关问题已整改落实，现将办理情况报告如下。",
                )
                if replied + timedelta(days=_int(rng, 2, 10)) <= T:
                    status = "closed"
            self._add_row(
                "supervision_letter",
                number=f"江北信{LETTER_MARKS[kind]}〔{issued.year}〕{seq[(kind, issued.year)]}号",
                kind=kind,
                trigger=trigger,
                case_id=cid,
                unit_id=unit or self.units["XFB"],
                subject=subject,
                content=content,
                issued_on=issued,
                due_on=clock.stage_due(self.cal, self.limits, "letter_reply", issued).on,
                status=status,
                replied_on=replied_on,
                reply=reply,
                issued_by_id=_choice(rng, self.supervisors),
                created_at=self._at(issued, 10, 0),
                version={"issued": 1, "replied": 2, "closed": 3}[status],
            )

    def _spot_checks(self) -> None:
        """A monthly registration spot check (登记抽查) of ~8 % of the month's cases; a few fail and are rectified."""
        rng, T = self.rng, self.today
        seq: Counter[int] = Counter()
        for (year, month), (first, last) in sorted(self.month_ids.items()):
            following = date(year + (month == 12), month % 12 + 1, 1)
            drawn = following + timedelta(days=_int(rng, 2, 8))
            if drawn > T or date(year, month, 1) < self.start:
                continue
            draw_seed = rng.randrange(1, 2**31)
            size = min(last - first + 1, max(1, min(60, round((last - first + 1) * 0.08))))
            sample = sorted(random.Random(draw_seed).sample(range(first, last + 1), size))
            seq[drawn.year] += 1
            sid = self.w.new_id("spot_check")
            checked = drawn + timedelta(days=_int(rng, 2, 6))
            done = checked <= T
            failed = rectified = 0
            for cid in sample:
                passed = rng.random() > 0.016 if done else None
                fixed = checked + timedelta(days=_int(rng, 5, 20))
                if passed is False:
                    failed += 1
                    rectified += fixed <= T
                self._add_row(
                    "spot_check_item",
                    spot_check_id=sid,
                    case_id=cid,
                    passed=passed,
                    findings=_choice(rng, FINDINGS) if passed is False else None,
                    unit_id=self.case_lead[cid - self.first_case_id] or self.units["XFB"],
                    rectification_due=checked + timedelta(days=15) if passed is False else None,
                    rectified_on=fixed if passed is False and fixed <= T else None,
                )
            if not done:
                status, summary = "drawn", None
            else:
                status = "checked" if not failed else ("rectified" if rectified == failed else "notified")
                summary = (
                    f"抽查{year}年{month}月登记信访事项{size}件，合格{size - failed}件，发现问题{failed}件"
                )
                summary += "，已通报整改。" if failed else "。"
            self.w.add(
                "spot_check",
                id=sid,
                number=f"{self.prefix}-CC-{drawn.year}-{seq[drawn.year]:02d}",
                period_from=date(year, month, 1),
                period_to=following - timedelta(days=1),
                sample_size=size,
                seed=draw_seed,
                drawn_on=drawn,
                drawn_by_id=_choice(rng, self.supervisors),
                status=status,
                summary=summary,
            )
