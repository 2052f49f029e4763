"""Benchmark the mediation centre on a large roster: the roster page and "my mediations" script runs
(AppTest) and the suggestions for one case.

    python -m bench.bench_mediation --database-url sqlite:////tmp/bench_med.db --generate [--runs 15]
    (PostgreSQL: the same with --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_med)

--generate fills an empty database first, in bulk inserts: 12 streets of 10 communities of 6 grids,
--mediators mediators (a quarter veterans, each junior mentored by a veteran of his street) and --cases
mediation cases over three years before --today (2 % still open, one or two mediators each).

Targets (issue 14): roster page and "my mediations" <= 150 ms median script run with 3,000 mediators and
200,000 mediation cases; suggestions for one case <= 100 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from bench.bench_desk import _bench_user, _median_ms, _page_runner
from core.bootstrap import prepare_database
from core.platform import db
from models import (
    Agreement,
    Community,
    Grid,
    MediationCase,
    MediationMediator,
    MediationStatus,
    Mediator,
    Mentorship,
    Role,
    Street,
    User,
)

SPECIALTIES = [
    "neighbour_dispute",
    "family_dispute",
    "property_management",
    "labour_wages",
    "land_requisition",
    "old_housing_renovation",
    "market_regulation",
    "guaranteed_delivery",
    "resettlement_title",
]
DISPUTES = ("物业纠纷", "邻里纠纷", "婚姻家庭纠纷", "劳动争议", "消费纠纷", "征地拆迁纠纷", "合同纠纷")
ENDED = [("agreed", 85), ("failed", 8), ("refused", 4), ("withdrawn", 3)]
CHUNK = 20_000


def _insert(conn, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        conn.execute(table.__table__.insert(), rows[i : i + CHUNK])


def _places(conn) -> list[tuple[int, list[tuple[int, int]]]]:
    """Insert the streets, communities and grids; return each street's (grid, community) ids."""
    _insert(
        conn, Street, [{"code": f"BS{s:03d}", "name": f"基准街道{s}", "kind": "street"} for s in range(12)]
    )
    street_ids = (
        conn.execute(sa.select(Street.id).where(Street.code.like("BS%")).order_by(Street.code))
        .scalars()
        .all()
    )
    communities = [
        {"code": f"BC{s:03d}{c:02d}", "name": f"基准社区{s}-{c}", "kind": "community", "street_id": sid}
        for s, sid in enumerate(street_ids)
        for c in range(10)
    ]
    _insert(conn, Community, communities)
    comm = conn.execute(sa.select(Community.id, Community.street_id).where(Community.code.like("BC%"))).all()
    grids = [
        {"code": f"BG{cid:06d}{g}", "name": f"第{g + 1}网格", "community_id": cid}
        for cid, _ in comm
        for g in range(6)
    ]
    _insert(conn, Grid, grids)
    rows = conn.execute(
        sa.select(Grid.id, Grid.community_id, Community.street_id)
        .join(Community, Community.id == Grid.community_id)
        .where(Grid.code.like("BG%"))
    ).all()
    by_street: dict[int, list[tuple[int, int]]] = {}
    for gid, cid, sid in rows:
        by_street.setdefault(sid, []).append((gid, cid))
    return sorted(by_street.items())


def _mediators(conn, rng: random.Random, streets, n: int, today: date) -> dict[int, list[int]]:
    """Insert the mediators and their mentorships; return each street's mediator ids."""
    rows = []
    for i in range(n):
        sid, grids = streets[i % len(streets)]
        gid, cid = rng.choice(grids)
        rows.append(
            {
                "name": f"调解员{i:05d}",
                "phone": f"139{i:08d}",
                "level": "veteran" if (i // len(streets)) % 4 == 0 else "junior",  # a quarter of each street
                "specialties": ",".join(rng.sample(SPECIALTIES, rng.randint(1, 3))),
                "organisation": f"基准街道{sid}人民调解委员会",
                "organisation_kind": "committee",
                "street_id": sid,
                "community_id": cid,
                "grid_id": gid,
                "trained_on": today - timedelta(days=rng.randint(200, 2000)),
                "active": rng.random() < 0.97,
                "version": 1,
            }
        )
    _insert(conn, Mediator, rows)
    found = conn.execute(
        sa.select(Mediator.id, Mediator.street_id, Mediator.level).order_by(Mediator.id)
    ).all()
    by_street: dict[int, list[int]] = {}
    vets: dict[int, list[int]] = {}
    for mid, sid, level in found:
        by_street.setdefault(sid, []).append(mid)
        if level == "veteran":
            vets.setdefault(sid, []).append(mid)
    pairs = [
        {
            "mentor_id": vets[sid][k % len(vets[sid])],
            "mentee_id": mid,
            "started_on": today - timedelta(days=rng.randint(30, 900)),
            "version": 1,
        }
        for k, (mid, sid, level) in enumerate(found)
        if level == "junior" and vets.get(sid)
    ]
    _insert(conn, Mentorship, pairs)
    return by_street


def _status(
    rng: random.Random, applied: date, today: date
) -> tuple[str, date | None, date | None, date | None]:
    if rng.random() < 0.02 or applied > today - timedelta(days=3):
        accepted = applied + timedelta(days=1)
        return ("accepted", accepted, accepted + timedelta(days=30), None)
    kinds, weights = zip(*ENDED, strict=True)
    status = rng.choices(kinds, weights)[0]
    accepted = None if status == "refused" else applied + timedelta(days=rng.randint(0, 2))
    closed = (accepted or applied) + timedelta(days=rng.randint(1, 40))
    return status, accepted, None, min(closed, today)


def _cases(conn, rng: random.Random, streets, by_street, n: int, today: date) -> None:
    grids = dict(streets)
    sids = list(grids)
    cases, team = [], []
    for i in range(n):
        sid = sids[i % len(sids)]
        gid, _ = rng.choice(grids[sid])
        applied = today - timedelta(days=rng.randint(0, 3 * 365))
        status, accepted, due, closed = _status(rng, applied, today)
        cases.append(
            {
                "number": f"TJ-B-{i:07d}",
                "kind": "people",
                "dispute_type": rng.choice(DISPUTES),
                "title": f"基准调解案件{i}",
                "parties": "甲、乙",
                "grid_id": gid,
                "street_id": sid,
                "status": status,
                "applied_on": applied,
                "accepted_on": accepted,
                "due_on": due,
                "closed_on": closed,
                "version": 1,
            }
        )
    _insert(conn, MediationCase, cases)
    first = conn.execute(
        sa.select(sa.func.min(MediationCase.id)).where(MediationCase.number.like("TJ-B-%"))
    ).scalar()
    for i, c in enumerate(cases):
        if c["status"] == "refused":
            continue
        people = rng.sample(by_street[c["street_id"]], 2 if rng.random() < 0.35 else 1)
        team += [
            {"mediation_id": first + i, "mediator_id": m, "is_lead": k == 0} for k, m in enumerate(people)
        ]
    _insert(conn, MediationMediator, team)
    _insert(
        conn,
        Agreement,
        [_agreement(rng, first + i, c, today) for i, c in enumerate(cases) if c["status"] == "agreed"],
    )


def _agreement(rng: random.Random, mediation_id: int, case: dict, today: date) -> dict:
    """An agreement as the seed district's: about half applied for judicial confirmation, nearly all confirmed."""
    signed = case["closed_on"]
    applied = signed + timedelta(days=rng.randint(1, 25)) if rng.random() < 0.5 else None
    applied = applied if applied is not None and applied <= today else None
    decided = applied + timedelta(days=rng.randint(5, 20)) if applied is not None else None
    decided = decided if decided is not None and decided <= today else None
    return {
        "mediation_id": mediation_id,
        "number": case["number"].replace("TJ-", "XY-", 1),
        "facts": "双方因纠纷申请调解。",
        "terms": "双方自愿达成协议。",
        "signed_on": signed,
        "effective_on": signed,
        "confirmation_applied_on": applied,
        "confirmation_due": signed + timedelta(days=30),
        "confirmed": decided is not None,
        "confirmation_result": "confirmed" if decided is not None else None,
        "confirmation_decided_on": decided,
        "version": 1,
    }


def generate(engine: sa.Engine, mediators: int, cases: int, today: date, seed: int = 14) -> float:
    """Fill an empty database; return the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(seed)
    with engine.begin() as conn:
        streets = _places(conn)
        by_street = _mediators(conn, rng, streets, mediators, today)
        _cases(conn, rng, streets, by_street, cases, today)
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))
    return time.perf_counter() - started


def _users(session: Session) -> tuple[User, User]:
    """The leader, and a mediator account on the veteran with the most open cases (his own and his juniors')."""
    leader = _bench_user(session, Role.LEADER)
    mediator = _bench_user(session, Role.MEDIATOR)
    open_ = MediationCase.status.in_([MediationStatus.APPLIED.value, MediationStatus.ACCEPTED.value])
    busiest = session.exec(
        select(MediationMediator.mediator_id)
        .join(MediationCase, MediationCase.id == MediationMediator.mediation_id)
        .join(Mediator, Mediator.id == MediationMediator.mediator_id)
        .where(open_, Mediator.level == "veteran")
        .group_by(MediationMediator.mediator_id)
        .order_by(sa.func.count().desc())
    ).first()
    if busiest is not None:
        session.execute(sa.update(Mediator).where(Mediator.user_id == mediator.id).values(user_id=None))
        session.execute(sa.update(Mediator).where(Mediator.id == busiest).values(user_id=mediator.id))
        session.commit()
    return leader, mediator


def _my_mediations_page() -> tuple[str, dict]:
    """The mediator's own list: the mediation centre's page where it exists, else his home page."""
    from importlib.util import find_spec

    for module in ("my_mediations", "mediations"):
        if find_spec(f"pages.{module}") is not None:
            return module, {}
    return "home", {}


def _as(user: User, run):
    """Sign `user` in for each run: every runner built replaces the one signed-in user the pages read."""
    import widgets.session

    def signed_in():
        widgets.session.current_user = lambda: user
        return run()

    return signed_in


def _cold(run):
    """Run with the figures' cache emptied first: the page as it is after any write."""
    from core import kpis

    def cold():
        kpis.clear_cache()
        return run()

    return cold


def _suggest(user: User, mediation_id: int):
    from core.mediation import suggest

    def run():
        with db.session_scope() as session:
            return suggest.suggest_mediators(session, user, mediation_id)

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--generate", action="store_true", help="fill the (empty) database first")
    parser.add_argument("--mediators", type=int, default=3000)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 9, 28))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)

    engine = db.create_db_engine(args.database_url)
    db.set_engine(engine)
    prepare_database(engine)
    if args.generate:
        seconds = generate(engine, args.mediators, args.cases, args.today)
        print(f"generated {args.mediators:,} mediators and {args.cases:,} mediation cases in {seconds:.1f} s")
    with Session(engine, expire_on_commit=False) as session:
        leader, mediator = _users(session)
        n_med = session.exec(select(sa.func.count()).select_from(Mediator)).one()
        n_cases = session.exec(select(sa.func.count()).select_from(MediationCase)).one()
        street = session.exec(select(Street.id).where(Street.code.like("BS%")).order_by(Street.code)).first()
        open_case = session.exec(
            select(MediationCase.id)
            .where(MediationCase.status == MediationStatus.ACCEPTED.value)
            .order_by(MediationCase.id.desc())
        ).first()
    print(
        f"database: {engine.dialect.name}, {n_med:,} mediators, {n_cases:,} mediation cases; runs: {args.runs}"
    )
    mine, mine_params = _my_mediations_page()
    results = {
        "page: roster, leader (first view)": _as(leader, _page_runner("roster", leader, {})),
        "page: roster, mediator (his own + juniors)": _as(mediator, _page_runner("roster", mediator, {})),
        "page: roster mentor tree, one street, cold": _cold(
            _as(leader, _page_runner("roster", leader, {"view": "mentors", "street": str(street)}))
        ),
        "page: roster mentor tree, one street, warm": _as(
            leader, _page_runner("roster", leader, {"view": "mentors", "street": str(street)})
        ),
        "page: roster load chart, one street": _as(
            leader, _page_runner("roster", leader, {"view": "load", "street": str(street)})
        ),
        "page: roster indicators (cold then cached)": _as(
            leader, _page_runner("roster", leader, {"view": "indicators"})
        ),
        f"page: my mediations ({mine})": _as(mediator, _page_runner(mine, mediator, mine_params)),
    }
    if open_case is not None:
        results["core: suggest_mediators for one case"] = _suggest(leader, open_case)
    for label, func in results.items():
        median, worst = _median_ms(func, args.runs)
        print(f"{label:45} median {median:9.1f} ms   max {worst:9.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
