"""Every unlawful path of issue 11, one row each: the path is refused with the message a user reads, and the
refusal writes nothing (same version, same events). Dates are worked out by hand in each row's comment.

Reference days: START is Mon 2025-03-03 (tests.factories); the 2025 holiday table has Qingming 04-04..06 and
Labour Day 05-01..05.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from core.platform.errors import IllegalTransition, PetitionDeskError, ValidationError
from models import Case, CaseEvent, CaseStatus, Role, Route, Setting, Unit, User
from tests.factories import START, act, case_in_status, inputs, make_unit, make_user, register

D = timedelta


class World:
    """The people and units of one row, and short ways to bring a case to a state."""

    def __init__(self, session: Session):
        self.session = session
        self.admin: User = make_user(session, Role.ADMIN)
        self.unit: Unit = make_unit(session)
        self.handler: User = make_user(session, Role.HANDLER, unit=self.unit)

    def act(self, case: Case, action: str, *, actor: str = "admin", **kwargs):
        return act(self.session, getattr(self, actor), case, action, **kwargs)

    def registered(self, **overrides) -> Case:
        return register(self.session, self.admin, **overrides)

    def assigned(self, on: date = START + D(1), **overrides) -> Case:
        """Received START, assigned on `on`: the unit's 15 days to decide run from `on`."""
        case = self.registered(**overrides)
        return self.act(case, "assign", lead_unit_id=self.unit.id, on=on)

    def handling(self, accepted: date = START + D(2)) -> Case:
        """Accepted on `accepted` (START + 2 = Wed 03-05: 60 days end Sun 05-04 in Labour Day, due Tue 05-06)."""
        return self.act(self.assigned(), "accept", notice_date=accepted)

    def paused(self, since: date, until: date | None = None) -> Case:
        """Handling, paused from `since` (and resumed on `until`)."""
        case = self.act(self.handling(), "pause", kind="hearing", on=since, reason="组织听证")
        return self.act(case, "resume", on=until) if until else case

    def extended(self, approved: date) -> Case:
        """Handling, extended by 15 days approved (and told to the petitioner) on `approved`."""
        return self.act(self.handling(), "extend", **inputs("extend", approved))

    def replied(self, on: date, delivered: date | None = None, accepted: date = START + D(2)) -> Case:
        """Handling from `accepted`, replied on `on`, the reply delivered on `delivered` (None: not yet)."""
        reply = {"replied_on": on, "outcome": "support", "summary": "支持", "delivered_on": delivered}
        return self.act(self.handling(accepted), "reply", **reply)

    def terminated(self) -> Case:
        """A matter ended by 复核: re-examination decided on START + 13 = Sun 03-16 (tests.factories.PATHS)."""
        return case_in_status(self.session, CaseStatus.TERMINATED, actor=self.admin, unit=self.unit)

    def repeat_of(self, earlier: Case, received: date = START + D(20)) -> Case:
        """A petition on `earlier`'s matter registered with the link (no new facts)."""
        return self.registered(repeat_of_id=earlier.id, received_on=received)

    def flagged(self) -> Case:
        """A registered case flagged 不再受理 by an older version, still waiting for triage."""
        case = self.registered()
        case.not_accepted_again = True
        self.session.add(case)
        self.session.commit()
        return case

    def setting(self, key: str, value) -> None:
        self.session.get(Setting, key).value = json.dumps(value)
        self.session.commit()


@dataclass(frozen=True)
class Row:
    """One unlawful path: how to get there, what is tried, and the refusal the user reads."""

    name: str
    item: int  # the item of issue 11
    setup: Callable[[World], Case]
    action: str
    inputs: Callable[[World, Case], dict]
    error: type[PetitionDeskError]
    expected: str | dict[str, str]  # the message, or the field errors
    actor: str = "admin"  # who tries it: "admin" or "handler" (of the lead unit)


ROWS = [
    Row(
        "a unit declines after its 15 days to decide",
        2,
        # assigned Tue 03-04: 15 days end Wed 03-19, so a 不予受理 on 03-20 is late
        lambda w: w.assigned(),
        "decline",
        lambda w, c: {"on": START + D(17), "reason": "不属于信访事项", "routed_to": "向法院起诉"},
        ValidationError,
        {"on": "不予受理须在受理期限（2025-03-19）内作出并告知信访人（第23条）；期限已过，应当受理。"},
    ),
    Row(
        "a unit declines without a reason or a route for the petitioner",
        2,
        lambda w: w.assigned(),
        "decline",
        lambda w, c: {"on": START + D(2), "reason": " ", "routed_to": ""},
        ValidationError,
        {"reason": "请填写理由。", "routed_to": "请填写导入的机关或途径。"},
    ),
    Row(
        "a case registered for litigation is assigned onto the petition clock",
        2,
        lambda w: w.registered(route=Route.LITIGATION),
        "assign",
        lambda w, c: {"lead_unit_id": w.unit.id, "on": START + D(1)},
        IllegalTransition,
        "本案登记为法定途径类事项（第1至5类），应导入法定途径（诉访分离，第31条），不进入信访办理程序。",
    ),
    Row(
        "a case registered for arbitration is forwarded onto the petition clock",
        2,
        lambda w: w.registered(route=Route.ARBITRATION),
        "forward",
        lambda w, c: {"lead_unit_id": w.unit.id, "on": START + D(1)},
        IllegalTransition,
        "本案登记为法定途径类事项（第1至5类），应导入法定途径（诉访分离，第31条），不进入信访办理程序。",
    ),
    Row(
        "a unit routes a case out to the petition route itself",
        2,
        lambda w: w.handling(),
        "route_out",
        lambda w, c: {"route": Route.PETITION, "routed_to": "本单位", "on": START + D(5)},
        ValidationError,
        {"route": "请选择诉讼、仲裁、党员申诉、行政程序或申请查处等法定途径（第1至5类）。"},
    ),
    Row(
        "a second pause starts inside the first one",
        4,
        # 03-10..03-20 and then 03-11..03-21 would stop the clock 20 days for 11 days of pause
        lambda w: w.paused(date(2025, 3, 10), until=date(2025, 3, 20)),
        "pause",
        lambda w, c: {"kind": "suspension", "on": date(2025, 3, 11), "reason": "等待鉴定"},
        ValidationError,
        {"on": "办理日期不能早于恢复计时日期（2025-03-20）。"},
    ),
    Row(
        "a second pause while the first is open",
        4,
        lambda w: w.paused(date(2025, 3, 10)),
        "pause",
        lambda w, c: {"kind": "suspension", "on": date(2025, 3, 12), "reason": "等待鉴定"},
        IllegalTransition,
        "案件当前状态为“已中止”，不能“中止计时”。",
    ),
    Row(
        "a handler records an extension weeks after the limit with an approval dated on it",
        4,
        # accepted 03-05, due Tue 05-06; the suite's today (2026-09-28) is long after it
        lambda w: w.handling(),
        "extend",
        lambda w, c: {
            "days": 30,
            "reason": "情况复杂",
            "approved_on": date(2025, 5, 6),
            "notified_on": date(2025, 5, 6),
            "notified_by": "phone",
        },
        ValidationError,
        {
            "approved_on": "办理期限已于2025-05-06届满，不能再登记延期（第34条：延期须在期限届满前批准并告知信访人）；"
            "确需补录的，由系统管理员填写补录理由。"
        },
        actor="handler",
    ),
    Row(
        "an extension of 45 days because an administrator raised the setting",
        4,
        lambda w: (w.setting("stage.extension", {"days": 45, "unit": "calendar"}), w.handling())[1],
        "extend",
        lambda w, c: inputs("extend", date(2025, 5, 1)) | {"days": 45},
        ValidationError,
        {"days": "延期天数应为1至30天（第34条）。"},
    ),
    Row(
        "a reply dated inside a pause",
        7,
        lambda w: w.paused(date(2025, 3, 10), until=date(2025, 3, 20)),
        "reply",
        lambda w, c: {"replied_on": date(2025, 3, 15), "outcome": "support", "summary": "支持"},
        ValidationError,
        {"replied_on": "答复日期不能早于恢复计时日期（2025-03-20）。"},
    ),
    Row(
        "a reply dated before the extension it relies on",
        7,
        lambda w: w.extended(date(2025, 5, 1)),
        "reply",
        lambda w, c: {"replied_on": date(2025, 4, 28), "outcome": "support", "summary": "支持"},
        ValidationError,
        {"replied_on": "答复日期不能早于延期批准日期（2025-05-01）。"},
    ),
    Row(
        "a withdrawal dated before the pause it ends",
        7,
        lambda w: w.paused(date(2025, 3, 10)),
        "withdraw",
        lambda w, c: {"on": date(2025, 3, 8), "reason": "信访人撤回"},
        ValidationError,
        {"on": "办理日期不能早于中止日期（2025-03-10）。"},
    ),
    Row(
        "an acceptance dated before the unit received the case",
        7,
        lambda w: w.assigned(),
        "accept",
        lambda w, c: {"notice_date": START},
        ValidationError,
        {"notice_date": "受理告知日期不能早于单位收到日期（2025-03-04）。"},
    ),
    Row(
        "a reply not yet delivered is rated as not rated on the day of the reply",
        5,
        lambda w: w.replied(date(2025, 3, 10)),
        "rate",
        lambda w, c: {"satisfaction": "not_rated", "rated_on": date(2025, 3, 10)},
        IllegalTransition,
        "尚未登记处理意见送达信访人的日期，请先登记送达。",
    ),
    Row(
        "a reply not yet delivered is closed",
        5,
        lambda w: w.replied(date(2025, 3, 10)),
        "close",
        lambda w, c: {"closed_on": date(2025, 3, 10)},
        IllegalTransition,
        "尚未登记处理意见送达信访人的日期，请先登记送达。",
    ),
    Row(
        "a clerk types not rated inside the petitioner's rating window",
        5,
        # delivered Fri 2026-09-25: 7 days to rate end Fri 10-02, after the suite's today (09-28)
        lambda w: w.replied(date(2026, 9, 25), date(2026, 9, 25), accepted=date(2026, 9, 1)),
        "rate",
        lambda w, c: {"satisfaction": "not_rated", "rated_on": date(2026, 9, 26)},
        ValidationError,
        {
            "satisfaction": "评价期至2026-10-02届满；期满未评价的由系统视为“未评价”，不能在评价期内登记“未评价”。"
        },
    ),
    Row(
        "an unrated case is closed inside the rating window",
        5,
        lambda w: w.replied(date(2026, 9, 25), date(2026, 9, 25), accepted=date(2026, 9, 1)),
        "close",
        lambda w, c: {"closed_on": date(2026, 9, 28)},
        IllegalTransition,
        "评价期尚未届满：信访人可在收到处理意见后评价，期满未评价的视为“未评价”后方可办结。",
    ),
    Row(
        "a repeat of a matter ended by re-examination is assigned like any other case",
        1,
        lambda w: w.repeat_of(w.terminated()),
        "assign",
        lambda w, c: {"lead_unit_id": w.unit.id, "on": START + D(21)},
        IllegalTransition,
        "案件当前状态为“不再受理”，不能“交办”。",
    ),
    Row(
        "a case flagged 不再受理 is accepted",
        1,
        lambda w: (lambda c: (setattr(c, "not_accepted_again", True), w.session.commit(), c)[2])(
            w.assigned()
        ),
        "accept",
        lambda w, c: {"notice_date": START + D(2)},
        IllegalTransition,
        "本案属不再受理的事项（第36条第3款），不能交办、转送或受理；有新的事实和理由的，应登记为新的信访事项。",
    ),
    Row(
        "a case flagged 不再受理 is forwarded",
        1,
        lambda w: w.flagged(),
        "forward",
        lambda w, c: {"lead_unit_id": w.unit.id, "on": START + D(1)},
        IllegalTransition,
        "本案属不再受理的事项（第36条第3款），不能交办、转送或受理；有新的事实和理由的，应登记为新的信访事项。",
    ),
    Row(
        "a repeat received while the first case is handled gets its own acceptance",
        3,
        lambda w: w.repeat_of(w.handling()),
        "assign",
        lambda w, c: {"lead_unit_id": w.unit.id, "on": START + D(21)},
        IllegalTransition,
        "案件当前状态为“重复信访（在办案件中办理）”，不能“交办”。",
    ),
    Row(
        "a case is linked as a repeat of a later case",
        3,
        lambda w: w.registered(),
        "link_repeat",
        lambda w, c: {"repeat_of_id": w.registered(received_on=START + D(3)).id},
        ValidationError,
        lambda w, c: {
            "repeat_of_id": f"案件{_later(w, c).number}的收到日期晚于本案，不能把本案关联为其后案件的重复信访；请在后一案件上关联本案。"
        },
    ),
]


def _later(w: World, case: Case) -> Case:
    return w.session.exec(select(Case).where(Case.id > case.id).order_by(Case.id.desc())).first()


def _events(session: Session, case: Case) -> int:
    return session.exec(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)).one()


@pytest.mark.parametrize("row", ROWS, ids=[f"item{r.item}: {r.name}" for r in ROWS])
def test_an_unlawful_path_is_refused_and_writes_nothing(session, row: Row):
    world = World(session)
    case = row.setup(world)
    version, status, events = case.version, case.status, _events(session, case)
    with pytest.raises(row.error) as err:
        world.act(case, row.action, actor=row.actor, **row.inputs(world, case))
    expected = row.expected(world, case) if callable(row.expected) else row.expected
    if isinstance(expected, dict):
        assert err.value.errors == expected
    else:
        assert err.value.message == expected
    session.expire_all()
    fresh = session.get(Case, case.id)
    assert (fresh.version, fresh.status, _events(session, fresh)) == (version, status, events)
