"""The indicators of DOMAIN.md §8 against a small hand-built district, every figure worked out by hand.

The period is March 2026, taken on 10 April 2026; each case sits on one side of an edge the formula names.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import routes
from core import kpis
from core.accounts import tokens
from models import (
    Case,
    CaseStatus,
    Channel,
    LetterKind,
    MediationCase,
    MediationStatus,
    Role,
    Satisfaction,
    SpotCheck,
    SpotCheckItem,
    SpotCheckStatus,
    SupervisionLetter,
)
from tests import factories as f

MARCH = kpis.Period.make(date(2026, 3, 1), date(2026, 3, 31), as_of=date(2026, 4, 10))
D = date.fromisoformat
OUTSIDE = D("2026-01-05")  # received before the period: counts for intake and repeats nowhere in March
_numbers = count(1)


def _case(session, name: str, unit, **fields) -> Case:
    values = {
        "number": f"T-{next(_numbers):06d}",
        "channel": Channel.LETTER,
        "received_on": OUTSIDE,
        "subject": "property_management",
        "title": name,
        "content": "内容",
        "status": CaseStatus.HANDLING,
        "lead_unit_id": unit.id,
    }
    case = Case(**(values | fields))
    session.add(case)
    session.flush()
    return case


@pytest.fixture()
def district(session):
    """The hand-built district: cases, mediations, letters and spot checks on both sides of every edge."""
    u1, u2 = f.make_unit(session, name="区住建委"), f.make_unit(session, name="区城管局")
    c = {}

    def add(name, unit=u1, **fields):
        c[name] = _case(session, name, unit, **fields)

    # intake and repeats: received 1 and 31 March count, 28 February and 1 April do not, a merged case nowhere
    add("old", received_on=D("2025-03-10"), status=CaseStatus.CLOSED)  # last year's intake
    add("old_later", received_on=D("2025-06-01"), status=CaseStatus.CLOSED)  # after last year's as_of
    add("c1", u2, received_on=D("2026-03-01"), channel=Channel.VISIT)
    add("c2", received_on=D("2026-03-31"), repeat_of_id=c["old"].id, is_first=False)
    add("c3", received_on=D("2026-02-28"))
    add("c4", received_on=D("2026-04-01"))
    add("c5", received_on=D("2026-03-15"), status=CaseStatus.MERGED)
    # acceptance: decided on or before the deadline (accepting or declining), late, undecided
    add("a1", u2, acceptance_due_on=D("2026-03-01"), accepted_on=D("2026-03-01"))
    add("a2", acceptance_due_on=D("2026-03-31"), accepted_on=D("2026-04-01"))
    add("a3", acceptance_due_on=D("2026-03-20"), declined_on=D("2026-03-18"), status=CaseStatus.DECLINED)
    add("a4", acceptance_due_on=D("2026-03-25"), status=CaseStatus.ASSIGNED)
    add("a5", acceptance_due_on=D("2026-04-05"), status=CaseStatus.ASSIGNED)
    add("a6", acceptance_due_on=D("2026-02-28"), accepted_on=D("2026-02-27"))
    add("a7", acceptance_due_on=D("2026-03-10"), accepted_on=D("2026-03-09"), status=CaseStatus.MERGED)
    add("a8", acceptance_due_on=D("2026-03-15"), accepted_on=D("2026-03-16"))
    # reply: on the deadline day, a day late, never, and a deadline after the period
    add("r1", reply_due_on=D("2026-03-05"), accepted_on=D("2026-01-04"))
    add("r2", reply_due_on=D("2026-03-06"), accepted_on=D("2026-01-05"))
    add("r3", reply_due_on=D("2026-03-30"), accepted_on=D("2026-01-29"))
    add("r4", reply_due_on=D("2026-04-15"), accepted_on=D("2026-02-14"))
    c["r1"].replied_on, c["r2"].replied_on = D("2026-03-05"), D("2026-03-07")
    # first petitions closed in March (o9 closes in April, o6 left the track, o7 is no first petition)
    closed = {"status": CaseStatus.CLOSED, "is_first": True}
    sat, basic = Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED
    add(
        "o1",
        received_on=D("2026-02-01"),
        closed_on=D("2026-03-02"),
        satisfaction=sat,
        rated_on=D("2026-03-01"),
        **closed,
    )
    add("o2", received_on=D("2026-02-10"), closed_on=D("2026-03-12"), satisfaction=basic, rated_on=D("2026-03-10"),
        review_requested_on=D("2026-04-05"), **closed | {"status": CaseStatus.REVIEW_REQUESTED})  # fmt: skip
    add("o3", received_on=D("2026-02-20"), closed_on=D("2026-03-20"), satisfaction=Satisfaction.DISSATISFIED,
        rated_on=D("2026-03-19"), **closed)  # fmt: skip
    add(
        "o4",
        received_on=D("2026-02-25"),
        closed_on=D("2026-03-25"),
        satisfaction=sat,
        rated_on=D("2026-03-24"),
        **closed,
    )
    add("o4_repeat", received_on=D("2026-04-02"), repeat_of_id=c["o4"].id, is_first=False)
    add("o5", received_on=D("2026-03-10"), closed_on=D("2026-03-10"), channel=Channel.LEADER_RECEPTION,
        onsite_resolved=True, **closed)  # fmt: skip
    add(
        "o6",
        received_on=D("2026-02-01"),
        closed_on=D("2026-03-15"),
        **closed | {"status": CaseStatus.DECLINED},
    )
    add("o7", received_on=D("2026-02-01"), closed_on=D("2026-03-16"), satisfaction=sat, rated_on=D("2026-03-16"),
        **closed | {"is_first": False})  # fmt: skip
    add("o8", received_on=D("2026-02-01"), closed_on=D("2026-03-28"), satisfaction=Satisfaction.NOT_RATED,
        rated_on=D("2026-03-27"), **closed)  # fmt: skip
    add(
        "o9",
        received_on=D("2026-02-01"),
        closed_on=D("2026-04-02"),
        satisfaction=sat,
        rated_on=D("2026-04-01"),
        **closed,
    )
    add("o10", received_on=D("2026-02-27"), closed_on=D("2026-03-29"), satisfaction=sat, rated_on=D("2026-03-29"),
        review_requested_on=D("2026-04-20"), **closed)  # fmt: skip
    add("o11", received_on=D("2026-03-12"), closed_on=D("2026-03-13"), channel=Channel.ONSITE_OFFICE,
        onsite_resolved=True, **closed | {"is_first": False})  # fmt: skip
    # satisfaction and participation of the replies of March
    rated = {"status": CaseStatus.RATED}
    add("s1", replied_on=D("2026-03-03"), satisfaction=sat, rated_on=D("2026-03-05"), **rated)
    add(
        "s2",
        replied_on=D("2026-03-04"),
        satisfaction=Satisfaction.DISSATISFIED,
        rated_on=D("2026-03-06"),
        **rated,
    )
    add(
        "s3",
        replied_on=D("2026-03-05"),
        satisfaction=Satisfaction.NOT_RATED,
        rated_on=D("2026-03-20"),
        **rated,
    )
    add("s4", replied_on=D("2026-03-06"), status=CaseStatus.REPLIED)
    add("s5", replied_on=D("2026-03-07"), satisfaction=basic, rated_on=D("2026-04-12"), **rated)
    add("s6", replied_on=D("2026-02-27"), satisfaction=sat, rated_on=D("2026-03-01"), **rated)
    # mediation: closed in March with an agreement, failed, refused, withdrawn; one in April, one last year
    for n, (status, closed_on, case) in enumerate(
        [
            (MediationStatus.AGREED, "2026-03-18", c["o3"]),
            (MediationStatus.AGREED, "2026-03-31", None),
            (MediationStatus.FAILED, "2026-03-05", None),
            (MediationStatus.REFUSED, "2026-03-06", None),
            (MediationStatus.WITHDRAWN, "2026-03-07", None),
            (MediationStatus.AGREED, "2026-04-01", None),
            (MediationStatus.AGREED, "2025-03-15", None),
        ]
    ):
        session.add(
            MediationCase(
                number=f"M-{n}",
                case_id=case.id if case else None,
                dispute_type="邻里纠纷",
                title="纠纷",
                parties="甲；乙",
                status=status,
                applied_on=D(closed_on) - timedelta(days=10),
                closed_on=D(closed_on),
            )
        )
    # supervision: three letters of March (one of each kind), one of April; one completed spot check
    for n, (kind, issued) in enumerate(
        [
            (LetterKind.SUPERVISION, "2026-03-01"),
            (LetterKind.RISK_ALERT, "2026-03-31"),
            (LetterKind.IMPROVEMENT, "2026-03-15"),
            (LetterKind.SUPERVISION, "2026-04-01"),
        ]
    ):
        session.add(
            SupervisionLetter(
                number=f"DB-{n}",
                kind=kind,
                unit_id=u1.id,
                subject="督办",
                content="请按期办理",
                issued_on=D(issued),
            )
        )
    done = SpotCheck(
        number="CC-1", period_from=D("2026-02-01"), period_to=D("2026-02-28"), sample_size=3, seed=1,
        drawn_on=D("2026-03-10"), status=SpotCheckStatus.CHECKED,
    )  # fmt: skip
    drawn = SpotCheck(
        number="CC-2", period_from=D("2026-03-01"), period_to=D("2026-03-15"), sample_size=1, seed=2,
        drawn_on=D("2026-03-20"), status=SpotCheckStatus.DRAWN,
    )  # fmt: skip
    session.add_all([done, drawn])
    session.flush()
    for case, passed, due in (
        (c["o1"], True, None),
        (c["o2"], False, D("2026-04-30")),
        (c["o3"], None, None),
    ):
        session.add(
            SpotCheckItem(spot_check_id=done.id, case_id=case.id, passed=passed, rectification_due=due)
        )
    session.commit()
    return c, u1, u2


def _figures(session, user=None, period=MARCH, scope=kpis.Scope()):
    user = user or f.make_user(session, Role.LEADER)
    return {
        k: (v.value, v.numerator, v.denominator)
        for k, v in kpis.compute(session, user, period, scope).items()
    }


def test_every_indicator_equals_its_formula_worked_out_by_hand(session, district):
    got = _figures(session)
    assert got == {
        "intake": (4, 4, None),  # c1, c2, o5, o11 (c3 and c4 outside March, c5 merged)
        "ontime_acceptance_rate": (2 / 5, 2, 5),  # a1, a3 of a1, a2, a3, a4, a8
        "ontime_reply_rate": (1 / 3, 1, 3),  # r1 of r1, r2, r3
        "one_time_resolution_rate": (4 / 7, 4, 7),  # o1, o3, o5, o10 of o1–o5, o8, o10
        "avg_days_to_close_first": (200 / 7, 200, 7),  # 29 + 30 + 28 + 28 + 0 + 55 + 30
        "satisfaction_rate": (1 / 2, 1, 2),  # s1 of s1, s2
        "participation_rate": (2 / 7, 2, 7),  # s1, s2 of s1–s5 and the replies r1, r2
        "repeat_rate": (1 / 4, 1, 4),  # c2
        "mediation_agreements": (2, 2, None),
        "mediation_success_rate": (2 / 3, 2, 3),  # refused and withdrawn left out
        "onsite_resolutions": (1, 1, None),  # o5 (o11 closed the day after)
        "supervision_output": (3, 3, None),
    }


def test_the_breakdowns_and_last_year(session, district):
    figures = kpis.compute(session, f.make_user(session, Role.LEADER), MARCH)
    assert figures["intake"].by["channel"] == {
        "leader_reception": 1,
        "letter": 1,
        "onsite_office": 1,
        "visit": 1,
    }
    assert figures["supervision_output"].by == {
        "kind": {"supervision": 1, "risk_alert": 1, "improvement": 1},
        "spot_checks": {"completed": 1, "cases_checked": 2, "rectification_notices": 1},
    }
    assert figures["intake"].previous_year == 1  # "old", received 2025-03-10
    assert figures["repeat_rate"].previous_year == 0.0
    assert figures["mediation_agreements"].previous_year == 1
    assert figures["ontime_reply_rate"].previous_year is None  # no deadline last March: no rate, not 0 %


def test_this_year_so_far_is_compared_with_last_year_up_to_the_same_day(session, district):
    year = kpis.Period.make(D("2026-01-01"), D("2026-12-31"), as_of=D("2026-04-10"))
    figures = kpis.compute(session, f.make_user(session, Role.LEADER), year, keys=["intake"])
    assert figures["intake"].previous_year == 1  # "old" of 10 March 2025; "old_later" came after 10 April


def test_figures_taken_earlier_see_only_what_had_happened_by_then(session, district):
    got = _figures(session, period=kpis.Period.make(MARCH.start, MARCH.end, as_of=D("2026-03-20")))
    assert got["ontime_acceptance_rate"] == (2 / 3, 2, 3)  # deadlines up to 20 March: a1, a3, a8
    # o1, o2, o3, o5 closed by then, all resolved: o2's review request came on 5 April
    assert got["one_time_resolution_rate"] == (1.0, 4, 4)
    assert got["satisfaction_rate"] == (1 / 2, 1, 2)  # s5's rating of 12 April is not yet there


def test_a_handler_sees_his_own_units_figures_only(session, district):
    _, _, u2 = district
    handler = f.make_user(session, Role.HANDLER, unit=u2)
    got = _figures(session, handler, scope=kpis.Scope(unit_id=None))
    assert got["intake"] == (1, 1, None)  # c1
    assert got["ontime_acceptance_rate"] == (1.0, 1, 1)  # a1
    assert got["ontime_reply_rate"] == (None, 0, 0)


def test_a_registrar_may_not_see_the_figures(session, district):
    from core.platform.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        kpis.compute(session, f.make_user(session, Role.REGISTRAR), MARCH)


def _titles(session, condition) -> set[str]:
    return set(session.exec(select(Case.title).where(condition)).all())


def test_drilling_down_lists_exactly_the_counted_cases(session, district):
    assert _titles(session, kpis.drill("ontime_acceptance_rate", "numerator", MARCH)) == {"a1", "a3"}
    assert _titles(session, kpis.drill("ontime_acceptance_rate", "rest", MARCH)) == {"a2", "a4", "a8"}
    assert _titles(session, kpis.drill("ontime_reply_rate", "rest", MARCH)) == {"r2", "r3"}
    assert _titles(session, kpis.drill("one_time_resolution_rate", "numerator", MARCH)) == {
        "o1",
        "o3",
        "o5",
        "o10",
    }
    assert _titles(session, kpis.drill("intake", "denominator", MARCH)) == {"c1", "c2", "o5", "o11"}
    assert _titles(session, kpis.drill("participation_rate", "rest", MARCH)) == {"s3", "s4", "s5", "r1", "r2"}
    with pytest.raises(ValueError):
        kpis.drill("mediation_agreements", "numerator", MARCH)


def test_series_by_month_and_channel_add_up_to_the_figure(session, district):
    leader = f.make_user(session, Role.LEADER)
    rows = kpis.series(session, leader, "intake", MARCH, by="month", split="channel")
    assert {(r["bucket"], r["split_label"], r["value"]) for r in rows} == {
        ("2026-03", "来访", 1),
        ("2026-03", "来信", 1),
        ("2026-03", "领导接访", 1),
        ("2026-03", "马路办公", 1),
    }
    by_unit = kpis.series(session, leader, "ontime_acceptance_rate", MARCH, by="unit")
    assert {r["label"]: (r["numerator"], r["denominator"]) for r in by_unit} == {
        "区住建委": (1, 4),
        "区城管局": (1, 1),
    }


def test_a_new_case_shows_at_once_though_the_figures_are_cached(session, district):
    leader, admin = f.make_user(session, Role.LEADER), f.make_user(session, Role.ADMIN)
    assert kpis.compute(session, leader, MARCH)["intake"].value == 4
    f.register(session, admin, received_on=D("2026-03-05"))  # a write through the core: an audit event
    assert kpis.compute(session, leader, MARCH)["intake"].value == 5


def test_the_api_gives_every_key_with_value_numerator_denominator_and_last_year(session, district):
    _, u1, _ = district
    leader = f.make_user(session, Role.LEADER)
    _, plain = tokens.create_token(session, f.make_user(session, Role.ADMIN), leader.id, "test")
    client = TestClient(Starlette(routes=routes()), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {plain}"}
    got = client.get("/api/v1/kpis?from=2026-03-01&to=2026-03-31&as_of=2026-04-10", headers=headers)
    assert got.status_code == 200
    body = got.json()
    assert list(body) == list(kpis.KEYS)
    assert body["ontime_reply_rate"] == {
        "value": 1 / 3,
        "numerator": 1,
        "denominator": 3,
        "previous_year": None,
    }
    assert body["intake"]["by"]["channel"]["visit"] == 1, body["intake"]
    assert body["intake"]["previous_year"] == 1, body["intake"]
    by_unit = client.get(
        f"/api/v1/kpis?from=2026-03-01&to=2026-03-31&as_of=2026-04-10&unit_code={u1.code}", headers=headers
    )
    assert by_unit.json()["intake"]["value"] == 3  # c2, o5, o11
    bad = client.get("/api/v1/kpis?from=2026-03-31&to=2026-03-01", headers=headers)
    assert bad.status_code == 422 and bad.json()["error"] and bad.json()["message"]
    missing = client.get("/api/v1/kpis?to=2026-03-01", headers=headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "from"
    unknown = client.get("/api/v1/kpis?from=2026-03-01&to=2026-03-31&street_code=nope", headers=headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "street_code"


# --- the kept stage deadlines, through the workflow ------------------------------------------------------


def test_each_stage_keeps_its_deadline_after_it_ends(session):
    admin, unit = f.make_user(session, Role.ADMIN), f.make_unit(session)
    case = f.register(session, admin)  # received Monday 2025-03-03
    f.act(session, admin, case, "assign", lead_unit_id=unit.id, on=D("2025-03-04"))
    assert case.acceptance_due_on == D("2025-03-19")  # 15 days from 4 March
    f.act(session, admin, case, "accept", notice_date=D("2025-03-10"))
    assert (case.acceptance_due_on, case.reply_due_on) == (D("2025-03-19"), D("2025-05-09"))  # 60 days
    f.act(session, admin, case, "pause", **f.inputs("pause", D("2025-03-20")))
    assert case.reply_due_on is None  # the clock stands still: the deadline is not known
    f.act(session, admin, case, "resume", on=D("2025-03-30"))
    assert case.reply_due_on == D("2025-05-19")  # ten paused days later
    f.act(session, admin, case, "extend", **f.inputs("extend", D("2025-05-12")))
    assert case.reply_due_on == D("2025-06-03")  # 15 more days from 19 May
    f.act(session, admin, case, "reply", **f.inputs("reply", D("2025-05-20")))
    assert (case.acceptance_due_on, case.reply_due_on) == (D("2025-03-19"), D("2025-06-03"))
    assert case.handling_paused_days == 10


def test_after_a_dispute_the_deadline_of_the_unit_that_finally_decides_counts(session):
    admin, first, second = f.make_user(session, Role.ADMIN), f.make_unit(session), f.make_unit(session)
    case = f.register(session, admin)
    f.act(session, admin, case, "assign", lead_unit_id=first.id, on=D("2025-03-04"))
    f.act(session, admin, case, "raise_objection", on=D("2025-03-06"), reason="不属于本单位职责")
    f.act(session, admin, case, "settle_dispute", decision="reassign", lead_unit_id=second.id,
          on=D("2025-03-10"), note="改交")  # fmt: skip
    assert case.acceptance_due_on == D("2025-03-25")  # 15 days from the second unit's receipt on 10 March


def test_a_holiday_entered_later_moves_an_ended_stages_kept_deadline(session):
    from core.calendar import holidays

    admin, unit = f.make_user(session, Role.ADMIN), f.make_unit(session)
    case = f.register(session, admin)
    f.act(session, admin, case, "assign", lead_unit_id=unit.id, on=D("2025-03-04"))
    f.act(session, admin, case, "accept", notice_date=D("2025-03-10"))
    f.act(session, admin, case, "reply", **f.inputs("reply", D("2025-04-20")))
    assert case.reply_due_on == D("2025-05-09")
    holidays.set_day(session, admin, D("2025-05-09"), False, "补记的休息日")  # the table was wrong that day
    session.refresh(case)
    assert case.reply_due_on == D("2025-05-12")  # Friday off: the next working day, Monday
    assert case.acceptance_due_on == D("2025-03-19")
