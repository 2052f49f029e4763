"""Eight workers take 500 mixed actions each on the same 50 cases, half through core and half through the HTTP
API: every action is committed with its audit event or refused as stale, no update is lost, no "database is
locked" reaches a user, and each case's final state is the replay of its event log (issue 17, item 2)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import routes
from core.accounts import audit, tokens
from core.cases import workflow
from core.cases.registration import REGISTER_FIELDS, get_case, register_case
from core.platform import db
from core.platform.errors import StaleVersion
from models import Case, CaseEvent, CaseMeeting, CaseStatus, Role, User
from tests import factories as f

pytestmark = pytest.mark.slow

WORKERS = 8
ACTIONS = 500
CASES = 50
REGISTER_SHARE = 0.05  # of the actions register a new petition
OLD_VERSION_SHARE = 0.2  # of the actions reuse a version this worker read earlier: a page left open
S = CaseStatus
ON = {
    name: f.START + timedelta(days=d)
    for name, d in {"forward": 1, "accept": 2, "meeting": 3, "reply": 5}.items()
}
ON["rate"] = f.START + timedelta(days=6)
# what a worker may do on a case in each status, with weights; every path leaves the case open
NEXT = {
    S.REGISTERED: {"forward": 1},
    S.FORWARDED: {"accept": 1},
    S.HANDLING: {"record_meeting": 3, "urge": 2, "reply": 1},
    S.REPLIED: {"rate": 2, "record_meeting": 1, "urge": 1},
    S.RATED: {"record_meeting": 1, "urge": 1},
}
ACTOR = {"forward": "registrar", "accept": "handler", "record_meeting": "handler", "reply": "handler"}
ACTOR |= {"rate": "handler", "urge": "supervisor", "register": "registrar"}


@dataclass
class Crew:
    unit_id: int
    unit_code: str
    users: dict[str, int]  # role name -> user id
    headers: dict[str, dict[str, str]]  # role name -> the API's Authorization header
    numbers: dict[int, str] = field(default_factory=dict)  # case id -> case number


@dataclass
class Tally:
    """What one worker saw: committed actions (case id, action, new version), refusals, surprises."""

    committed: list[tuple[int, str, int]] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)  # case numbers
    stale: int = 0
    unexpected: list[str] = field(default_factory=list)


def _inputs(action: str, unit_id: int, rng: random.Random) -> dict:
    return {
        "forward": {"lead_unit_id": unit_id, "on": ON["forward"]},
        "accept": {"notice_date": ON["accept"]},
        "record_meeting": {
            "kind": rng.choice(["acceptance", "investigation", "reply"]),
            "held_on": ON["meeting"],
            "place": "社区会议室",
            "people": "张三、承办人",
        },
        "reply": {
            "replied_on": ON["reply"],
            "outcome": "support",
            "summary": "责成物业维修",
            "delivered_on": ON["reply"],
        },
        "rate": {"satisfaction": "satisfied", "rated_on": ON["rate"]},
        "urge": {"note": "请加快办理"},
    }[action]


def _as_json(inputs: dict) -> dict:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in inputs.items()}


class CoreDoer:
    """Acts through core, one short session per read and per action, as a page does."""

    def __init__(self, crew: Crew):
        self.crew = crew

    def read(self, case_id: int) -> tuple[str, int]:
        with db.session_scope() as s:
            case = get_case(s, s.get(User, self.crew.users["registrar"]), case_id)
            return case.status, case.version

    def act(self, tally: Tally, case_id: int, action: str, version: int, inputs: dict) -> None:
        with db.session_scope() as s:
            actor = s.get(User, self.crew.users[ACTOR[action]])
            try:
                case = workflow.TRANSITIONS[action].func(s, actor, case_id, version, **inputs)
            except StaleVersion:
                tally.stale += 1
                return
            except Exception as exc:  # anything else reached the user: what the test forbids
                tally.unexpected.append(f"core {action} on {case_id}: {exc!r}")
                return
            tally.committed.append((case_id, action, case.version))

    def register(self, tally: Tally) -> None:
        with db.session_scope() as s:
            try:
                done = register_case(s, s.get(User, self.crew.users["registrar"]), f.case_data())
            except Exception as exc:
                tally.unexpected.append(f"core register: {exc!r}")
                return
            tally.registered.append(done.case.number)


class ApiDoer:
    """Acts through /api/v1 with each role's token, as another system does (cases by number, units by code)."""

    def __init__(self, crew: Crew, client: TestClient):
        self.crew, self.client = crew, client

    def read(self, case_id: int) -> tuple[str, int]:
        number = self.crew.numbers[case_id]
        response = self.client.get(f"/api/v1/cases/{number}", headers=self.crew.headers["registrar"])
        assert response.status_code == 200, response.text
        body = response.json()
        return body["status"], body["version"]

    def act(self, tally: Tally, case_id: int, action: str, version: int, inputs: dict) -> None:
        body = {"action": action, "version": version, **_as_json(inputs)}
        if "lead_unit_id" in body:
            body["unit_code"] = self.crew.unit_code
            del body["lead_unit_id"]
        number = self.crew.numbers[case_id]
        response = self.client.post(
            f"/api/v1/cases/{number}/actions", json=body, headers=self.crew.headers[ACTOR[action]]
        )
        if response.status_code in (409, 422) and response.json().get("error") == "stale":
            tally.stale += 1
        elif response.status_code == 200:
            tally.committed.append((case_id, action, response.json()["version"]))
        else:
            tally.unexpected.append(
                f"api {action} on {case_id}: {response.status_code} {response.text[:300]}"
            )

    def register(self, tally: Tally) -> None:
        body = f.case_data().model_dump(mode="json", exclude_defaults=True)
        response = self.client.post("/api/v1/cases", json=body, headers=self.crew.headers["registrar"])
        if response.status_code == 201:
            tally.registered.append(response.json()["number"])
        else:
            tally.unexpected.append(f"api register: {response.status_code} {response.text[:300]}")


def _work(doer, tally: Tally, case_ids: list[int], seed: int, start: threading.Barrier) -> None:
    rng = random.Random(seed)
    seen: dict[int, tuple[str, int]] = {}  # case id -> (status, version) this worker read last
    start.wait()
    try:
        for _ in range(ACTIONS):
            if rng.random() < REGISTER_SHARE:
                doer.register(tally)
                continue
            case_id = rng.choice(case_ids)
            if case_id in seen and rng.random() < OLD_VERSION_SHARE:
                status, version = seen[case_id]
            else:
                status, version = seen[case_id] = doer.read(case_id)
            choices = NEXT[S(status)]
            action = rng.choices(list(choices), weights=list(choices.values()))[0]
            doer.act(tally, case_id, action, version, _inputs(action, doer.crew.unit_id, rng))
    except Exception as exc:  # a read that failed: also something a user would have seen
        tally.unexpected.append(f"worker {seed}: {exc!r}")


def _crew(session: Session) -> Crew:
    unit = f.make_unit(session)
    people = {
        "registrar": f.make_user(session, Role.REGISTRAR),
        "handler": f.make_user(session, Role.HANDLER, unit=unit),
        "supervisor": f.make_user(session, Role.SUPERVISOR),
    }
    admin = f.make_user(session, Role.ADMIN)
    headers = {}
    for role, user in people.items():
        _, plain = tokens.create_token(session, admin, user.id, f"concurrency {role}")
        headers[role] = {"Authorization": f"Bearer {plain}"}
    return Crew(unit.id, unit.code, {role: user.id for role, user in people.items()}, headers)


def _replayed(events: list[CaseEvent]) -> tuple[dict, list[str]]:
    """Return the case fields the event log arrives at, and each event whose `before` was not the state then."""
    register, *later = events
    assert register.action == "register"
    state = {k: v for k, v in register.after.items() if k in REGISTER_FIELDS}
    state["version"] = 1
    misread = []
    for event in later:
        before = {k: v for k, v in (event.before or {}).items() if k in workflow.CASE_FIELDS}
        if any(k in state and state[k] != v for k, v in before.items()):
            misread.append(f"event {event.id} ({event.action}) changed {before} but the log had {state}")
        state |= {k: v for k, v in (event.after or {}).items() if k in workflow.CASE_FIELDS}
        state["version"] += 1
    return state, misread


def test_eight_workers_on_fifty_cases_lose_nothing(session, engine, monkeypatch):
    monkeypatch.setenv("PETITION_DESK_API_RATE", "1000000")  # the tokens' rate limit is not under test here
    crew = _crew(session)
    registrar = session.get(User, crew.users["registrar"])
    cases = [f.register(session, registrar) for _ in range(CASES)]
    case_ids, crew.numbers = [c.id for c in cases], {c.id: c.number for c in cases}
    tallies = [Tally() for _ in range(WORKERS)]
    start = threading.Barrier(WORKERS)
    clients = [TestClient(Starlette(routes=routes())) for _ in range(WORKERS // 2)]
    doers = [CoreDoer(crew) if i % 2 == 0 else ApiDoer(crew, clients[i // 2]) for i in range(WORKERS)]
    threads = [
        threading.Thread(target=_work, args=(doers[i], tallies[i], case_ids, 1000 + i, start))
        for i in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()

    unexpected = [line for tally in tallies for line in tally.unexpected]
    assert unexpected == [], "\n".join(unexpected[:20])
    committed = [row for tally in tallies for row in tally.committed]
    registered = [case_id for tally in tallies for case_id in tally.registered]
    stale = sum(tally.stale for tally in tallies)
    assert len(committed) + len(registered) + stale == WORKERS * ACTIONS
    assert stale > 0 and len(committed) > 0  # the race really ran: pages left open were refused

    session.expire_all()
    events = session.exec(
        select(CaseEvent).where(CaseEvent.case_id.is_not(None)).order_by(CaseEvent.id)
    ).all()
    by_case: dict[int, list[CaseEvent]] = {}
    for event in events:
        by_case.setdefault(event.case_id, []).append(event)
    # every committed action left exactly one event, and no event is without its committed action
    logged = Counter((e.case_id, e.action) for e in events if e.action != "register")
    assert logged == Counter((case_id, action) for case_id, action, _ in committed)
    for case_id in case_ids:
        case = session.get(Case, case_id)
        versions = sorted(version for cid, _, version in committed if cid == case_id)
        assert versions == list(range(2, case.version + 1)), f"case {case_id}: versions {versions}"
        state, misread = _replayed(by_case[case_id])
        assert misread == [], f"case {case_id}: " + "\n".join(misread[:3])
        assert audit.snapshot(case, [k for k in state if k != "version"]) | {"version": case.version} == state
        meetings = session.exec(select(CaseMeeting).where(CaseMeeting.case_id == case_id)).all()
        assert len(meetings) == logged[(case_id, "record_meeting")]
    # each registration is one new case with its register event and its own number
    assert len(set(registered)) == len(registered)
    new_ids = session.exec(select(Case.id).where(Case.number.in_(registered))).all()
    assert len(new_ids) == len(registered)
    assert all([e.action for e in by_case[case_id]] == ["register"] for case_id in new_ids)
    numbers = session.exec(select(Case.number)).all()
    assert len(numbers) == len(set(numbers)) == CASES + len(registered)
