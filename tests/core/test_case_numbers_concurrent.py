"""Sixteen registrars registering at the same moment each get a case number, all different and without gaps:
numbers are max + 1, so registrations of one year take them one at a time (a race lost nine times in a row
answered 500 under the API benchmark's eight clients)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlmodel import Session, select

from core.cases.registration import register_case
from core.mediation import cases as mediation_cases
from models import Case, MediationCase, Role, User
from tests import factories as f

pytestmark = pytest.mark.slow

THREADS, EACH = 16, 6
APPLICATION = dict(
    on=date(2025, 3, 3),
    source="walk_in",
    kind="people",
    dispute_type="邻里纠纷",
    title="楼上漏水",
    parties="王五、赵六",
)


def _race(engine, work) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def run():
        start.wait()
        for _ in range(EACH):
            try:
                work()
            except BaseException as exc:  # noqa: BLE001 - every failure is the test's finding
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_registrations_take_every_number_once_in_order(session, engine):
    registrar_id = f.make_user(session, Role.REGISTRAR).id

    def register():
        with Session(engine, expire_on_commit=False) as s:
            register_case(s, s.get(User, registrar_id), f.case_data())

    assert _race(engine, register) == []
    numbers = session.exec(select(Case.number).order_by(Case.number)).all()
    year = f.case_data().received_on.year
    assert numbers == [f"JB-{year}-{n:06d}" for n in range(1, THREADS * EACH + 1)]


def test_concurrent_mediation_applications_take_every_number_once(session, engine):
    admin_id = f.make_user(session, Role.ADMIN).id

    def apply():
        with Session(engine, expire_on_commit=False) as s:
            mediation_cases.open_application(s, s.get(User, admin_id), **APPLICATION)

    assert _race(engine, apply) == []
    numbers = session.exec(select(MediationCase.number).order_by(MediationCase.number)).all()
    assert numbers == [f"TJ-2025-{n:06d}" for n in range(1, THREADS * EACH + 1)]
