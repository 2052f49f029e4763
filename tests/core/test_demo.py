"""Demo data: a deterministic, realistic Jiangbei district whose every row obeys the domain rules."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from core import demo
from core.bootstrap import prepare_database
from core.calendar import clock
from core.cases import workflow
from core.cases.workflow import is_ended
from core.demo import logins, steps
from core.desk import todo
from core.platform import search, timeutil
from core.platform.db import create_db_engine
from models import Case, CaseStatus, NoticeMethod, Role, Stage, User, metadata

TODAY = date(2026, 9, 25)  # a Friday before the suite's pinned today (tests/conftest.py)
SMALL = 500
T = metadata.tables
OPEN = [s.value for s in CaseStatus if not is_ended(s)]


def step(on: date, action: str) -> steps.Step:
    """A planned step with nothing but its day and action."""
    return steps.Step(on, action)


def rows(engine: sa.Engine, table: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(T[table]).order_by(T[table].c.id))]


def titles(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return conn.execute(sa.select(T["case"].c.title).order_by(T["case"].c.id)).scalars().all()


def check_char(first17: str) -> str:
    """GB 11643-1999: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 written X."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    remainder = sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11
    return "10X98765432"[remainder]


@pytest.fixture()
def loaded(engine) -> sa.Engine:
    demo.load_demo(engine, seed=7, today=TODAY, cases=SMALL)
    return engine


def test_check_char_worked_example():
    # 1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5 + 0·8 + 0·4 + 2·2
    # = 7 + 9 + 0 + 5 + 0 + 20 + 2 + 9 + 24 + 27 + 7 + 18 + 30 + 5 + 0 + 0 + 4 = 167; 167 mod 11 = 2 -> "X"
    assert check_char("11010519491231002") == "X"
    assert check_char("11010519491231003") == "8"  # one more in the last digit: 169 mod 11 = 4 -> "8"


def test_same_seed_and_date_give_identical_rows(engine, tmp_path):
    other = create_db_engine(f"sqlite:///{tmp_path / 'second.db'}")
    prepare_database(other)
    first = demo.load_demo(engine, seed=7, today=TODAY, cases=SMALL)
    second = demo.load_demo(other, seed=7, today=TODAY, cases=SMALL)
    assert first == second
    for table in ("case", "person", "case_event", "mediation_case", "supervision_letter", "spot_check_item"):
        assert rows(engine, table) == rows(other, table), table
    other.dispose()


def test_another_seed_gives_other_cases(loaded, tmp_path):
    other = create_db_engine(f"sqlite:///{tmp_path / 'other.db'}")
    prepare_database(other)
    demo.load_demo(other, seed=8, today=TODAY, cases=SMALL)
    assert titles(loaded) != titles(other)
    assert rows(loaded, "street") == rows(other, "street")  # geography does not depend on the seed
    other.dispose()


def test_demo_has_every_role_but_admin_and_no_passwords(loaded):
    summary = demo.demo_summary(loaded)
    assert summary["case"] == SMALL
    assert summary["street"] == 12
    assert summary["mediator"] == 300
    with loaded.connect() as conn:
        roles = dict(
            conn.execute(sa.select(T["user"].c.role, sa.func.count()).group_by(T["user"].c.role)).all()
        )
    assert set(roles) == {"registrar", "handler", "leader", "supervisor", "mediator", "display"}  # no admin
    assert roles["display"] == 1  # demo.display, the meeting room's big screen
    with loaded.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).where(T["user"].c.password_hash.is_not(None))).scalar()
            == 0
        )


def test_streets_carry_the_official_division_codes(loaded):
    with loaded.connect() as conn:
        streets = conn.execute(sa.select(T["street"].c.code, T["street"].c.name).order_by("code")).all()
    assert [tuple(s) for s in streets] == [
        ("500105001", "华新街街道"), ("500105002", "江北城街道"), ("500105003", "石马河街道"),
        ("500105004", "大石坝街道"), ("500105005", "寸滩街道"), ("500105006", "观音桥街道"),
        ("500105007", "五里店街道"), ("500105008", "郭家沱街道"), ("500105009", "铁山坪街道"),
        ("500105100", "鱼嘴镇"), ("500105101", "复盛镇"), ("500105102", "五宝镇"),
    ]  # fmt: skip


def test_communities_grids_and_units_nest_under_their_parents(loaded):
    s, c, g, u = T["street"], T["community"], T["grid"], T["unit"]
    with loaded.connect() as conn:
        communities = conn.execute(sa.select(c.c.code, c.c.kind, s.c.code).join(s)).all()
        grids = conn.execute(sa.select(g.c.code, g.c.name, c.c.code, c.c.name).join(c)).all()
        units = conn.execute(sa.select(u.c.code, u.c.kind, u.c.parent_id, u.c.street_id)).all()
    assert sum(kind == "community" for _, kind, _ in communities) == 113
    assert sum(kind == "village" for _, kind, _ in communities) == 13
    assert all(len(code) == 12 and code.startswith(street) for code, _, street in communities)
    assert 650 <= len(grids) <= 800
    assert all(len(code) == 15 and code.startswith(community) for code, _, community, _ in grids)
    assert all(name.endswith("网格") and community_name in name for _, name, _, community_name in grids)
    assert "观音桥街道建新北路社区第3网格" in {name for _, name, _, _ in grids}
    kinds = {kind for _, kind, _, _ in units}
    assert kinds >= {
        "petition_office",
        "department",
        "street_office",
        "discipline",
        "judicial",
        "mediation_centre",
    }
    assert 55 <= len(units) <= 70
    assert sum(kind == "street_office" and street is not None for _, kind, _, street in units) == 12


def test_every_id_number_is_valid_and_from_jiangbei(loaded):
    with loaded.connect() as conn:
        numbers = (
            conn.execute(sa.select(T["person"].c.id_number).where(T["person"].c.id_number.is_not(None)))
            .scalars()
            .all()
        )
    assert len(numbers) > SMALL * 0.8
    for number in numbers:
        assert re.fullmatch(r"500105\d{11}[\dX]", number), number
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))  # a real birth date
        assert number[17] == check_char(number[:17]), number
    assert len(set(numbers)) == len(numbers)


def test_phones_are_mainland_mobiles(loaded):
    with loaded.connect() as conn:
        phones = (
            conn.execute(sa.select(T["person"].c.phone).where(T["person"].c.phone.is_not(None)))
            .scalars()
            .all()
        )
        phones += conn.execute(sa.select(T["mediator"].c.phone)).scalars().all()
    assert len(phones) > SMALL
    assert all(re.fullmatch(r"1[3-9]\d{9}", p) for p in phones)


def test_addresses_are_in_jiangbei(loaded):
    with loaded.connect() as conn:
        addresses = (
            conn.execute(sa.select(T["person"].c.address).where(T["person"].c.address.is_not(None)))
            .scalars()
            .all()
        )
    assert all(a.startswith("江北区") for a in addresses)
    assert any(re.fullmatch(r"江北区\w+街道\w+\d+号\d+栋\d单元\d+", a) for a in addresses)


def test_case_dates_follow_the_workflow(loaded):
    c = T["case"].c
    chain = [c.received_on, c.triaged_on, c.unit_received_on, c.accepted_on, c.replied_on, c.reply_received_on,
             c.rated_on, c.closed_on]  # fmt: skip
    review = [c.replied_on, c.review_requested_on, c.review_decided_on, c.review_decision_received_on,
              c.reexam_requested_on, c.reexam_decided_on]  # fmt: skip
    dispute = [c.triaged_on, c.objected_on, c.dispute_settled_on, c.accepted_on]
    with loaded.connect() as conn:
        cases = conn.execute(sa.select(c.number, c.status, *chain, *review, *dispute)).all()
    assert len(cases) == SMALL
    for number, status, *dates in cases:
        for part in (dates[:8], dates[8:14], dates[14:]):
            present = [d for d in part if d is not None]
            assert present == sorted(present), (number, status, part)
        assert all(d <= TODAY for d in dates if d is not None), number
        if status in ("closed", "terminated", "routed_out"):
            assert dates[7] is not None, number


def test_recent_cases_are_open_and_old_ones_closed(loaded):
    c = T["case"].c
    with loaded.connect() as conn:
        by_year = dict(
            conn.execute(
                sa.select(
                    sa.extract("year", c.received_on),
                    sa.func.avg(sa.case((c.status.in_(OPEN), 1.0), else_=0.0)),
                ).group_by(sa.extract("year", c.received_on))
            ).all()
        )
    assert by_year[TODAY.year] > by_year[TODAY.year - 2]
    assert by_year[TODAY.year - 2] < 0.05


def test_every_open_case_with_a_running_clock_has_the_clocks_due_date(loaded):
    """As core.workflow keeps them: replied, rated and reviewed cases wait for the petitioner (no stage);
    a paused case keeps its stage but no due date while the clock stands still; ended cases have neither."""
    c = T["case"].c
    columns = (c.number, c.status, c.stage, c.stage_started_on, c.paused_days, c.extension_days, c.due_on)
    with loaded.connect() as conn:
        cases = conn.execute(sa.select(*columns)).all()
    with Session(loaded) as session:
        cal, limits = clock.load_calendar(session), clock.load_limits(session)
    running = 0
    for number, status, stage, start, paused, extension, due in cases:
        if status not in OPEN or status in ("replied", "rated", "reviewed"):
            assert (stage, start, due) == (None, None, None), number
        elif status == "paused":
            assert stage == "handling" and due is None, number
        else:
            expected = clock.stage_due(
                cal, limits, stage, start, paused_days=paused, extension_days=extension
            )
            assert due == expected.on, number
            running += 1
    assert running > 0


def test_case_numbers_run_per_year(loaded):
    c = T["case"].c
    with loaded.connect() as conn:
        cases = conn.execute(sa.select(c.number, c.received_on).order_by(c.id)).all()
    seen: dict[int, list[int]] = {}
    for number, received in cases:
        m = re.fullmatch(r"JB-(\d{4})-(\d{6})", number)
        assert m and int(m[1]) == received.year, number
        seen.setdefault(received.year, []).append(int(m[2]))
    assert all(seq == list(range(1, len(seq) + 1)) for seq in seen.values())


def test_groups_repeats_and_parties(loaded):
    c, p = T["case"].c, T["case_party"].c
    with loaded.connect() as conn:
        reps = conn.execute(
            sa.select(p.case_id, sa.func.count()).where(p.role == "representative").group_by(p.case_id)
        ).all()
        groups = conn.execute(sa.select(c.id).where(c.group_size > 1)).scalars().all()
        repeats = conn.execute(
            sa.select(c.id, c.received_on, c.repeat_of_id, c.is_first).where(c.repeat_of_id.is_not(None))
        ).all()
        received = dict(conn.execute(sa.select(c.id, c.received_on)).all())
        petitioners = conn.execute(sa.select(p.case_id, p.person_id).where(p.role == "petitioner")).all()
    assert groups and {case for case, _ in reps} == set(groups)
    assert all(1 <= n <= 5 for _, n in reps)
    assert repeats
    by_case = {}
    for case, person in petitioners:
        by_case.setdefault(case, set()).add(person)
    for case, day, parent, is_first in repeats:
        assert received[parent] <= day and not is_first
        assert by_case.get(case) == by_case.get(parent)  # the same petitioner comes back


def test_mediation_supervision_and_spot_checks_are_consistent(loaded):
    m, a, ms, mm = T["mediation_case"].c, T["agreement"].c, T["mediation_session"].c, T["mediator"].c
    with loaded.connect() as conn:
        statuses = dict(conn.execute(sa.select(m.status, sa.func.count()).group_by(m.status)).all())
        agreements = conn.execute(sa.select(sa.func.count()).select_from(T["agreement"])).scalar()
        orphans = conn.execute(
            sa.select(sa.func.count())
            .select_from(T["agreement"].join(T["mediation_case"]))
            .where(m.status != "agreed")
        ).scalar()
        late_sessions = conn.execute(
            sa.select(sa.func.count())
            .select_from(T["mediation_session"].join(T["mediation_case"]))
            .where(sa.func.date(ms.held_at) < m.accepted_on)
        ).scalar()
        levels = dict(conn.execute(sa.select(mm.level, sa.func.count()).group_by(mm.level)).all())
        kinds = set(conn.execute(sa.select(T["supervision_letter"].c.kind).distinct()).scalars())
        items = conn.execute(sa.select(sa.func.count()).select_from(T["spot_check_item"])).scalar()
        unsigned = conn.execute(sa.select(sa.func.count()).where(a.signed_on > a.effective_on)).scalar()
    assert statuses["agreed"] == agreements > 0 and orphans == 0
    assert statuses["agreed"] / sum(n for s, n in statuses.items() if s not in ("applied", "accepted")) > 0.8
    assert late_sessions == 0 and unsigned == 0
    assert levels == {"veteran": 75, "junior": 225}
    assert kinds == {"supervision", "risk_alert", "improvement"}
    assert items > 0


def test_demo_mediations_record_each_party_s_consent_as_the_referral_write_path_does(loaded):
    from core.mediation.referral import split_parties

    m, c = T["mediation_case"].c, T["mediation_consent"].c
    with loaded.connect() as conn:
        answers: dict[int, dict[str, bool]] = {}
        for mid, party, consented in conn.execute(sa.select(c.mediation_id, c.party, c.consented)).all():
            answers.setdefault(mid, {})[party] = consented
        rows = conn.execute(sa.select(m.id, m.status, m.parties)).all()
    seen = set()
    for mid, status, parties in rows:
        got, names = answers.get(mid, {}), split_parties(parties)
        if status == "applied":
            assert got == {}
        elif status == "refused":  # one refusal: no mediation (第17条)
            assert set(got) == set(names) and list(got.values()).count(False) == 1
        else:
            assert got == dict.fromkeys(names, True)
        seen.add(status)
    assert {"refused", "agreed"} <= seen


def test_demo_cases_are_found_by_search(loaded):
    c = T["case"].c
    with loaded.connect() as conn:
        case_id, title = conn.execute(sa.select(c.id, c.title).order_by(c.id).limit(1)).one()
        found = conn.execute(search.match_case_ids(loaded.dialect.name, title[2:8])).scalars().all()
    assert case_id in found


def test_the_workflow_carries_demo_cases_on(loaded):
    c, u = T["case"].c, T["user"].c
    with loaded.connect() as conn:
        case_id, version, handler_id = conn.execute(
            sa.select(c.id, c.version, u.id)
            .join(T["user"], sa.and_(u.unit_id == c.lead_unit_id, u.role == "handler"))
            .where(c.status == "handling")
            .order_by(c.id)
            .limit(1)
        ).one()
    with Session(loaded, expire_on_commit=False) as session:
        handler = session.get(User, handler_id)
        assert "reply" in workflow.available_actions(session, handler, session.get(Case, case_id))
        replied = workflow.reply(
            session, handler, case_id, version, replied_on=TODAY, outcome="explain", summary="答复"
        )
    assert replied.status == CaseStatus.REPLIED and replied.due_on is None and replied.version == version + 1


def test_mediation_referrals_carry_the_date_the_workflow_reads_back(loaded):
    e = T["case_event"].c
    with loaded.connect() as conn:
        events = conn.execute(
            sa.select(e.case_id, e.action, e.after, e.at)
            .where(e.action.in_(["refer_mediation", "return_from_mediation"]))
            .order_by(e.case_id, e.at)
        ).all()
    referred = {
        case: date.fromisoformat(after["referred_on"])
        for case, action, after, _ in events
        if action == "refer_mediation"
    }
    assert referred
    for case, action, after, at in events:
        if action == "return_from_mediation":
            assert referred[case] <= at.date() and isinstance(after["agreed"], bool)


def test_the_demo_plans_every_action_of_the_transition_table_and_no_other():
    # A new action in core.cases.workflow fails here until the demo knows which status it leads to.
    assert set(steps.LEADS_TO) == set(workflow.TRANSITIONS) | {"register"}
    sources = set().union(*(t.sources for t in workflow.TRANSITIONS.values()))
    for action, target in steps.LEADS_TO.items():
        if target not in (None, steps.BACK):
            assert is_ended(target) or target in sources, (action, target)  # the case can go on from there


def test_a_planned_life_the_workflow_refuses_is_stopped_at_plan_time():
    on = TODAY
    good = [step(on, "register"), step(on, "assign"), step(on, "accept")]
    steps.settle("JB-2026-000001", good)
    assert [s.status for s in good] == ["registered", "assigned", "handling"]
    paused = [step(on, "register"), step(on, "assign"), step(on, "accept")]
    paused += [step(on, "pause"), step(on, "resume")]
    steps.settle("JB-2026-000002", paused)
    assert paused[-1].status == "handling"  # resume returns to the status the pause interrupted
    with pytest.raises(steps.PlanError, match="accept .* registered"):
        steps.settle("JB-2026-000003", [step(on, "register"), step(on, "accept")])
    with pytest.raises(steps.PlanError, match="extend .* paused"):
        steps.settle("JB-2026-000004", paused[:4] + [step(on, "extend")])


def test_every_demo_event_is_an_action_the_workflow_allows_from_the_status_before_it(loaded):
    e = T["case_event"].c
    with loaded.connect() as conn:
        events = conn.execute(
            sa.select(e.case_id, e.action, e.before, e.after).order_by(e.case_id, e.at, e.id)
        ).all()
    status, case, checked = None, None, 0
    for case_id, action, before, after in events:
        if case_id != case:
            case, status = case_id, None
            assert action == "register", case_id
        else:
            assert status in workflow.TRANSITIONS[action].sources, (case_id, action, status)
            assert (before or {}).get("status", status) == status, (case_id, action)
            checked += 1
        status = (after or {}).get("status", status)
    assert checked > SMALL * 3


def test_some_cases_are_declined_by_the_unit_within_its_acceptance_limit(loaded):
    c = T["case"].c
    columns = (
        c.number,
        c.unit_received_on,
        c.declined_on,
        c.closed_on,
        c.accepted_on,
        c.end_reason,
        c.routed_to,
    )
    with loaded.connect() as conn:
        declined = conn.execute(sa.select(*columns).where(c.status == "declined")).all()
    with Session(loaded) as session:
        cal, limits = clock.load_calendar(session), clock.load_limits(session)
    assert 0 < len(declined) < SMALL * 0.03  # a few: 1.2 % of the cases that reach a unit
    for number, received, declined_on, closed_on, accepted_on, reason, routed_to in declined:
        limit = clock.stage_due(cal, limits, Stage.ACCEPTANCE, received).on
        assert received <= declined_on <= limit and closed_on == declined_on, number
        assert accepted_on is None and reason and routed_to.startswith("已告知信访人"), number


def test_some_complaints_are_routed_out_by_the_unit_during_handling(loaded):
    c, e = T["case"].c, T["case_event"].c
    with loaded.connect() as conn:
        routed = conn.execute(
            sa.select(c.number, c.category, c.route, c.accepted_on, c.closed_on, e.after)
            .join(T["case_event"], e.case_id == c.id)
            .where(e.action == "route_out", c.accepted_on.is_not(None))
        ).all()
    assert routed
    for number, category, route, accepted_on, closed_on, after in routed:
        assert category == "complaint" and route != "petition", number  # only complaints have legal routes
        assert accepted_on < closed_on and after["status"] == "routed_out" and after["route"] == route, number


def test_extensions_record_the_approval_and_how_the_petitioner_was_told(loaded):
    c = T["case"].c
    columns = (c.number, c.accepted_on, c.extension_days, c.extension_approved_on, c.extension_notified_on,
               c.extension_notice, c.replied_on)  # fmt: skip
    with loaded.connect() as conn:
        extended = conn.execute(sa.select(*columns).where(c.extension_days > 0)).all()
    assert extended
    for number, accepted, days, approved, told, how, replied in extended:
        assert days == 30 and accepted < approved <= told <= (replied or TODAY), number  # 第34条
        assert how in {m.value for m in NoticeMethod}, number


def test_refuses_to_load_into_a_database_with_cases(loaded):
    with pytest.raises(demo.DatabaseNotEmpty, match="empty database"):
        demo.load_demo(loaded, today=TODAY, cases=10)
    assert demo.demo_summary(loaded)["case"] == SMALL


def test_loads_next_to_the_first_admin_and_leaves_ids_free(engine):
    with Session(engine) as session:
        admin = User(username="admin", display_name="管理员", role=Role.ADMIN, password_hash="x")
        session.add(admin)
        session.commit()
        admin_id = admin.id
    counts = demo.load_demo(engine, today=TODAY, cases=50)
    assert "user.admin" not in counts
    with Session(engine) as session:
        assert session.get(User, admin_id).username == "admin"
        # the database hands out fresh ids after the explicit ones (PostgreSQL sequences were moved on)
        user = User(username="later", display_name="后来者", role=Role.REGISTRAR)
        case = Case(
            number="JB-2026-999999",
            channel="letter",
            received_on=TODAY,
            subject="other",
            title="t",
            content="c",
        )
        session.add_all([user, case])
        session.commit()
        assert user.id > admin_id and case.id > 50


@pytest.mark.slow
def test_the_full_demo_gives_each_printed_account_something_to_do(engine, reference_day):
    """The accounts load-demo opens (registrar, busiest unit's handler, leader in charge, supervisor) each
    find their to-do non-empty on the reference day, so a demo never opens on an empty desk."""
    demo.load_demo(engine)
    with Session(engine) as session:
        accounts = {a.role: a.username for a in logins.demo_logins(session)}
        for role in ("registrar", "handler", "leader", "supervisor"):
            user = session.exec(sa.select(User).where(User.username == accounts[role])).scalar_one()
            assert todo.todo_count(session, user, reference_day) > 0, (role, user.username)


@pytest.mark.slow
def test_full_demo_loads(engine):
    counts = demo.load_demo(engine, today=TODAY)
    assert counts["case"] == demo.DEFAULT_CASES
    assert counts["case_event"] > counts["case"] * 4


def test_the_demo_lives_on_the_reference_day(engine, reference_day):
    """Loaded without --today, the demo ends on the pinned "today": nothing is dated or stamped after now."""
    demo.load_demo(engine, seed=7, cases=300)
    c, e = T["case"].c, T["case_event"].c
    stage_dates = [c.received_on, c.triaged_on, c.accepted_on, c.replied_on, c.rated_on, c.closed_on]
    with engine.connect() as conn:
        first, last = conn.execute(sa.select(sa.func.min(c.received_on), sa.func.max(c.received_on))).one()
        latest = [conn.execute(sa.select(sa.func.max(col))).scalar() for col in stage_dates]
        stamps = conn.execute(sa.select(e.at)).scalars().all()
        open_due = conn.execute(sa.select(c.due_on).where(c.status.in_(OPEN), c.stage.is_not(None))).scalars()
        open_due = [d for d in open_due if d is not None]
    assert last <= reference_day and first > reference_day.replace(year=reference_day.year - 3)
    assert all(d <= reference_day for d in latest if d is not None)
    now = timeutil.now()
    assert stamps and all(timeutil.to_local(at) <= now for at in stamps)
    assert open_due, "an office always has open cases with a running deadline"
