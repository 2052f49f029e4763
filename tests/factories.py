"""Tiny helpers that make users, units, places, people and cases for tests (committed, ready to use)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlmodel import Session

from core.cases import workflow
from core.cases.registration import CaseCreate, PersonIn, register_case
from core.platform.validation import id_check_char
from models import (
    Case,
    CaseStatus,
    Channel,
    Community,
    Grid,
    Outcome,
    PauseKind,
    Role,
    Route,
    Satisfaction,
    Street,
    Unit,
    UnitKind,
    User,
)

_counter = itertools.count(1)
START = date(2025, 3, 3)  # a Monday well away from public holidays


def unique(prefix: str = "x") -> str:
    """Return a string no other call returns in this test process."""
    return f"{prefix}{next(_counter)}"


def make_unit(
    session: Session, *, name: str | None = None, kind: UnitKind = UnitKind.DEPARTMENT, active=True
) -> Unit:
    """Make a responsible unit."""
    code = unique("U")
    unit = Unit(code=code, name=name or f"单位{code}", kind=kind, active=active)
    session.add(unit)
    session.commit()
    return unit


def make_user(
    session: Session, role: Role = Role.REGISTRAR, *, unit: Unit | None = None, name: str | None = None
) -> User:
    """Make an active user with the given role (a handler gets a unit of his own unless one is given)."""
    if role == Role.HANDLER and unit is None:
        unit = make_unit(session)
    username = unique(role.value)
    user = User(
        username=username, display_name=name or username, role=role, unit_id=unit.id if unit else None
    )
    session.add(user)
    session.commit()
    return user


def make_place(session: Session) -> tuple[Street, Community, Grid]:
    """Make a street, a community in it and a grid in that."""
    street = Street(code=unique("S")[:12], name=unique("街道"))
    session.add(street)
    session.flush()
    community = Community(code=unique("C")[:12], name=unique("社区"), street_id=street.id)
    session.add(community)
    session.flush()
    grid = Grid(code=unique("G")[:16], name=unique("网格"), community_id=community.id)
    session.add(grid)
    session.commit()
    return street, community, grid


def id_number(born: date = date(1980, 1, 1), *, area: str = "500105", seq: int | None = None) -> str:
    """Return a valid 18-character resident ID number (a fresh one per call unless `seq` is given)."""
    seq = next(_counter) % 1000 if seq is None else seq
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def mobile() -> str:
    """Return a fresh valid mobile number."""
    return f"139{next(_counter):08d}"


def person_in(**overrides) -> PersonIn:
    """Return a valid petitioner as typed at intake."""
    values = {
        "name": "张三",
        "id_number": id_number(),
        "phone": mobile(),
        "address": "重庆市江北区建新北路1号",
    }
    return PersonIn(**(values | overrides))


def case_data(**overrides) -> CaseCreate:
    """Return valid registration data: a visit about property management received on START."""
    values = {
        "channel": Channel.VISIT,
        "received_on": START,
        "subject": "property_management",
        "title": "小区物业不履行维修义务",
        "content": "电梯长期故障，物业公司拒不维修。",
        "request": "督促物业公司维修电梯",
        "petitioners": [person_in()],
    }
    return CaseCreate(**(values | overrides))


def register(session: Session, actor: User | None = None, **overrides) -> Case:
    """Register a case (as a new registrar unless `actor` is given) and return it."""
    actor = actor or make_user(session, Role.REGISTRAR)
    return register_case(session, actor, case_data(**overrides)).case


def inputs(action: str, on: date, *, unit_id: int | None = None, other_case_id: int | None = None) -> dict:
    """Return valid keyword inputs of a workflow action dated `on`."""
    return {
        "forward": {"lead_unit_id": unit_id, "on": on},
        "assign": {"lead_unit_id": unit_id, "on": on},
        "accept": {"notice_date": on},
        "decline": {"on": on, "reason": "属于民事纠纷，不属信访事项", "routed_to": "向江北区人民法院起诉"},
        "raise_objection": {"on": on, "reason": "不属于本单位职责"},
        "settle_dispute": {"decision": "uphold", "on": on, "note": "属于该单位职责"},
        "pause": {"kind": PauseKind.HEARING, "on": on, "reason": "组织听证"},
        "resume": {"on": on},
        "extend": {
            "days": 15,
            "reason": "情况复杂",
            "approved_on": on,
            "notified_on": on,
            "notified_by": "phone",
            # the suite's today (2026-09-28) lies after every 2025 limit: an administrator's late entry
            "late_reason": "纸质审批单于期限内签批，事后补录",
        },
        "refer_mediation": {"on": on},
        "return_from_mediation": {"on": on, "agreed": True, "note": "达成调解协议"},
        "record_meeting": {
            "kind": "investigation",
            "held_on": on,
            "place": "社区会议室",
            "people": "张三、承办人",
        },
        "reply": {
            "replied_on": on,
            "outcome": Outcome.SUPPORT,
            "summary": "责成物业维修",
            "delivered_on": on,
        },
        "record_delivery": {"delivered_on": on},
        "rate": {"satisfaction": Satisfaction.SATISFIED, "rated_on": on},
        "close": {"closed_on": on},
        "request_review": {"requested_on": on},
        "decide_review": {
            "decided_on": on,
            "outcome": Outcome.SUPPORT,
            "summary": "维持",
            "delivered_on": on,
        },
        "request_reexam": {"requested_on": on},
        "decide_reexam": {"decided_on": on, "outcome": Outcome.SUPPORT, "summary": "维持"},
        "route_out": {"route": Route.LITIGATION, "routed_to": "江北区人民法院", "on": on},
        "merge": {"into_case_id": other_case_id, "on": on},
        "withdraw": {"on": on, "reason": "信访人撤回"},
        "invalidate": {"on": on, "reason": "重复录入"},
        "take_charge": {},
        "link_repeat": {"repeat_of_id": other_case_id},
    }[action]


# The steps that lead to each status, each with its day after START.
_HANDLING = [("assign", 1), ("accept", 2)]
_CLOSED = [*_HANDLING, ("reply", 7), ("rate", 8), ("close", 9)]
_REVIEWED = [*_CLOSED, ("request_review", 10), ("decide_review", 11)]
PATHS: dict[CaseStatus, list[tuple[str, int]]] = {
    CaseStatus.REGISTERED: [],
    CaseStatus.FORWARDED: [("forward", 1)],
    CaseStatus.ASSIGNED: [("assign", 1)],
    CaseStatus.OBJECTED: [("assign", 1), ("raise_objection", 2)],
    CaseStatus.HANDLING: _HANDLING,
    CaseStatus.PAUSED: [*_HANDLING, ("pause", 3)],
    CaseStatus.MEDIATING: [*_HANDLING, ("refer_mediation", 3)],
    CaseStatus.REPLIED: [*_HANDLING, ("reply", 7)],
    CaseStatus.RATED: [*_HANDLING, ("reply", 7), ("rate", 8)],
    CaseStatus.CLOSED: _CLOSED,
    CaseStatus.REVIEW_REQUESTED: [*_CLOSED, ("request_review", 10)],
    CaseStatus.REVIEWED: _REVIEWED,
    CaseStatus.REEXAM_REQUESTED: [*_REVIEWED, ("request_reexam", 12)],
    CaseStatus.TERMINATED: [*_REVIEWED, ("request_reexam", 12), ("decide_reexam", 13)],
    CaseStatus.ROUTED_OUT: [("route_out", 1)],
    CaseStatus.DECLINED: [("assign", 1), ("decline", 2)],
    CaseStatus.MERGED: [("merge", 1)],
    CaseStatus.BARRED: [("link_repeat", 1)],  # a repeat of a matter ended by 复核 (第36条第3款)
    CaseStatus.JOINED: [("link_repeat", 1)],  # a repeat of a matter still being handled (第19条第3款)
    CaseStatus.WITHDRAWN: [("withdraw", 1)],
    CaseStatus.INVALID: [("invalidate", 1)],
}


def act(session: Session, actor: User, case: Case, action: str, **kwargs):
    """Take a workflow action on the case at its current version."""
    return workflow.TRANSITIONS[action].func(session, actor, case.id, case.version, **kwargs)


def case_in_status(
    session: Session, status: CaseStatus, *, actor: User | None = None, unit: Unit | None = None, **overrides
) -> Case:
    """Register a case received on START and drive it through the workflow to `status` (as an admin)."""
    actor = actor or make_user(session, Role.ADMIN)
    unit = unit or make_unit(session)
    case = register(session, actor, **overrides)
    for action, day in PATHS[status]:
        other = register(session, actor).id if action == "merge" else None
        if action == "link_repeat":
            earlier = CaseStatus.TERMINATED if status == CaseStatus.BARRED else CaseStatus.REGISTERED
            other = case_in_status(session, earlier, actor=actor, unit=unit).id
        on = START + timedelta(days=day)
        act(session, actor, case, action, **inputs(action, on, unit_id=unit.id, other_case_id=other))
    assert case.status == status
    return case


def concurrently(engine, attempt, times: int = 30) -> list:
    """Run attempt(session, i) in `times` threads at once, each with its own session; return the answers."""
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int):
        with Session(engine, expire_on_commit=False) as own:
            return attempt(own, i)

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(one, range(times)))


def first_admin(session: Session, password: str, username: str = "wang.admin") -> User:
    """Create the first administrator as the setup screen does, with the setup code the server would print."""
    from core.accounts import first_run, users

    code = first_run.issue_setup_code(session)
    return users.create_first_admin(
        session, username=username, display_name="王管理", password=password, setup_code=code
    )
