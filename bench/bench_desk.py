"""Benchmark the case desk on a large database: page script runs (AppTest) and the pandas baseline.

    python -m bench.generate --database-url sqlite:////tmp/bench_1m.db --cases 1000000
    python -m bench.bench_desk --database-url sqlite:////tmp/bench_1m.db [--runs 15]
    (PostgreSQL: the same with --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_1m)

The intake submit registers runs + 1 cases of bench petitioners (--skip-intake leaves the database as it is).

Targets (issue 5): case list filtered+paged and search <= 150 ms, case file <= 100 ms, intake submit <= 50 ms
(median script run); PostgreSQL within 2x of SQLite. The baseline loads the case table into pandas and
filters there, as a page without database paging would.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from core.bootstrap import prepare_database
from core.platform import db
from models import Case, CaseStatus, Role, Street, User


def _median_ms(func: Callable[[], object], runs: int) -> tuple[float, float]:
    func()  # warm caches and imports once, as a user's second click would
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def _bench_user(session: Session, role: Role = Role.REGISTRAR) -> User:
    username = f"bench_{role.value}"
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        user = User(username=username, display_name=f"基准{role.value}", role=role)
        session.add(user)
        session.commit()
    session.expunge(user)
    return user


def _app(module: str, user: User):
    """Return an AppTest of one page, signed in as `user` (the benchmark stands in for him, as page tests do)."""
    from streamlit.testing.v1 import AppTest

    import widgets.session

    widgets.session.current_user = lambda: user
    return AppTest.from_string(f"from pages import {module}\n{module}.render()\n", default_timeout=60)


def _page_runner(module: str, user: User, params: dict[str, str]) -> Callable[[], object]:
    # one AppTest, run again and again: a new one spends ~300 ms scanning packages before the page runs
    at = _app(module, user)
    for key, value in params.items():
        at.query_params[key] = value

    def run():
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].message)
        return at

    return run


def _intake_submit(user: User, runs: int) -> tuple[float, float]:
    """Time the script run of the intake submit click: register_case in the callback, then the page again.

    Each run fills the form first (untimed) with a new petitioner, as a clerk would, then clicks 登记.
    """
    from core.platform.validation import id_check_char

    at = _app("intake", user).run()
    times = []
    for i in range(runs + 1):  # the first submit warms the callback's imports and is not counted
        first17 = f"50010519{80 + i % 20:02d}0{1 + i % 9}1{i % 10}0{i % 7}{i % 3}"
        fields = {
            "petitioners_0_name": f"基准{i}号",
            "petitioners_0_id_number": first17 + id_check_char(first17),
            "petitioners_0_phone": f"1381234{i:04d}",
            "petitioners_0_address": "江北区建新北路1号",
            "title": "小区电梯长期故障",
        }
        for name, value in fields.items():
            at.text_input(key=f"pd_in_{name}").input(value)
        at.text_area(key="pd_in_content").input("电梯停运三个月，物业不维修。")
        at = at.selectbox(key="pd_in_subject").select("property_management").run()
        started = time.perf_counter()
        at = at.button(key="pd_intake_submit").click().run()
        elapsed = (time.perf_counter() - started) * 1000
        if at.exception or not at.success:
            raise RuntimeError(f"intake submit failed: {at.exception or [e.value for e in at.error]}")
        if i:
            times.append(elapsed)
        at = at.button(key="pd_intake_next").click().run()
    return statistics.median(times), max(times)


def _core_list(user: User, params: dict[str, str], today: date) -> Callable[[], object]:
    from core.cases import case_list

    def run():
        with db.session_scope() as session:
            return case_list.search_cases(session, user, case_list.from_params(params), today)

    return run


def _pandas_baseline(engine: sa.Engine, street_id: int, term: str) -> Callable[[], object]:
    import pandas as pd

    def run():
        with engine.connect() as conn:
            frame = pd.read_sql(
                sa.text('SELECT id, number, status, street_id, received_on, title, content FROM "case"'), conn
            )
        hits = frame[(frame.status == "handling") & (frame.street_id == street_id)]
        hits = hits.sort_values("received_on", ascending=False).iloc[50:100]
        found = frame[
            frame.title.str.contains(term, regex=False) | frame.content.str.contains(term, regex=False)
        ]
        return len(hits), len(found)

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--term", default="物业")
    parser.add_argument("--skip-intake", action="store_true", help="do not register benchmark cases")
    args = parser.parse_args(argv)

    engine = db.create_db_engine(args.database_url)
    db.set_engine(engine)
    prepare_database(engine)
    with Session(engine, expire_on_commit=False) as session:
        user = _bench_user(session)
        leader = _bench_user(session, Role.LEADER)  # may not know accusers: his searches are shielded
        total = session.exec(select(sa.func.count()).select_from(Case)).one()
        street_id = session.exec(select(Street.id).order_by(Street.id)).first()
        case_id = session.exec(
            select(Case.id).where(Case.status == CaseStatus.HANDLING).order_by(Case.id.desc())
        ).first()
        today = session.exec(select(sa.func.max(Case.received_on))).one()
    filtered = {"status": "handling", "street": str(street_id), "page": "2"}
    searched = {"q": args.term}
    print(f"database: {engine.dialect.name}, {total:,} cases; runs: {args.runs}")
    results = {
        "core: filtered+paged list": _core_list(user, filtered, today),
        "core: search": _core_list(user, searched, today),
        "core: search, deadline near->far": _core_list(user, {**searched, "sort": "due_on"}, today),
        "core: search, deadline far->near": _core_list(user, {**searched, "sort": "-due_on"}, today),
        "core: search as a leader (accusers shielded)": _core_list(leader, searched, today),
        "core: search as a leader, deadline near->far": _core_list(
            leader, {**searched, "sort": "due_on"}, today
        ),
    }
    for module, params, label in (
        ("cases", {}, "page: case list first view (no filter)"),
        ("cases", filtered, "page: case list filtered+paged"),
        ("cases", searched, "page: case list search"),
        ("case_detail", {"id": str(case_id)}, "page: case file"),
    ):
        try:
            results[label] = _page_runner(module, user, params)
        except ImportError as exc:
            print(f"{label}: skipped ({exc})")
    if not args.skip_pandas:
        results["pandas baseline: load + filter + search"] = _pandas_baseline(engine, street_id, args.term)
    for label, func in results.items():
        runs = 3 if label.startswith("pandas") else args.runs
        median, worst = _median_ms(func, runs)
        print(f"{label:45} median {median:9.1f} ms   max {worst:9.1f} ms")
    if not args.skip_intake:  # last: it adds cases (bench petitioners) to the database
        median, worst = _intake_submit(user, args.runs)
        print(f"{'page: intake submit (registers a case)':45} median {median:9.1f} ms   max {worst:9.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
