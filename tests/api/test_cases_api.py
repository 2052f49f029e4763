"""/api/v1/cases acts as the token's user: scoped lists, masked parties, workflow actions, clear errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import routes
from core.accounts import tokens
from models import CaseStatus, Category, Role, Unit, UnitKind
from tests import factories as f


@pytest.fixture()
def client() -> TestClient:
    return TestClient(Starlette(routes=routes()))


def _token(session, user) -> dict[str, str]:
    admin = f.make_user(session, Role.ADMIN)
    _, plain = tokens.create_token(session, admin, user.id, "test")
    return {"Authorization": f"Bearer {plain}"}


def test_requests_without_a_token_are_refused(engine, client):
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_a_handler_of_unit_a_cannot_see_or_change_a_case_of_unit_b(session, client):
    unit_a, unit_b = f.make_unit(session), f.make_unit(session)
    case_b = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit_b)
    handler_a = f.make_user(session, Role.HANDLER, unit=unit_a)
    headers = _token(session, handler_a)
    assert client.get(f"/api/v1/cases/{case_b.id}", headers=headers).status_code == 404
    listed = client.get("/api/v1/cases", params={"q": case_b.number}, headers=headers).json()
    assert listed["total"] == 0
    body = {"version": case_b.version, "notice_date": (f.START + timedelta(days=2)).isoformat()}
    response = client.post(f"/api/v1/cases/{case_b.id}/actions/accept", json=body, headers=headers)
    assert response.status_code == 404
    session.refresh(case_b)
    assert case_b.status == CaseStatus.ASSIGNED


def test_the_responsible_handler_accepts_through_the_api(session, client):
    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit)
    handler = f.make_user(session, Role.HANDLER, unit=unit)
    headers = _token(session, handler)
    shown = client.get(f"/api/v1/cases/{case.id}", headers=headers).json()
    assert set(shown["actions"]) >= {"accept"}
    # accepted 2025-03-05: 60 days later is 2025-05-04 (26 days to 03-31, 30 in April, 4 in May), inside the
    # Labour Day holiday 05-01..05-05 (the make-up day was Sunday 04-27), so the deadline moves to Tue 05-06
    body = {"version": shown["version"], "notice_date": "2025-03-05"}
    response = client.post(f"/api/v1/cases/{case.id}/actions/accept", json=body, headers=headers)
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["status"] == "handling"
    assert after["due_dates"]["handling"] == {"on": "2025-05-06", "provisional": False}


def test_a_stale_version_is_refused_with_a_conflict(session, client):
    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit)
    headers = _token(session, f.make_user(session, Role.HANDLER, unit=unit))
    body = {"version": case.version - 1, "notice_date": "2025-03-05"}
    response = client.post(f"/api/v1/cases/{case.id}/actions/accept", json=body, headers=headers)
    assert response.status_code == 409
    assert response.json()["error"] == "stale"


def test_bad_inputs_get_field_messages_and_nothing_changes(session, client):
    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit)
    headers = _token(session, f.make_user(session, Role.HANDLER, unit=unit))
    response = client.post(
        f"/api/v1/cases/{case.id}/actions/accept",
        json={"version": case.version, "notice_date": "05/03/2025"},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "notice_date", "message": "受理告知日期应为 YYYY-MM-DD 格式的日期。"}
    ]
    missing = client.post(
        f"/api/v1/cases/{case.id}/actions/accept", json={"notice_date": "2025-03-05"}, headers=headers
    )
    assert missing.status_code == 422
    no_date = client.post(
        f"/api/v1/cases/{case.id}/actions/accept", json={"version": case.version}, headers=headers
    )
    assert no_date.status_code == 422
    assert no_date.json()["errors"] == [{"field": "notice_date", "message": "请填写受理告知日期。"}]


def test_the_accused_unit_sees_an_accusation_without_the_accusers_identity(session, client):
    discipline = f.make_unit(session, kind=UnitKind.DISCIPLINE)
    accused = f.make_unit(session)
    admin = f.make_user(session, Role.ADMIN)
    case = f.register(
        session,
        admin,
        category=Category.ACCUSATION,
        title="举报某局干部收受好处",
        petitioners=[f.person_in(name="赵举报")],
    )
    f.act(
        session,
        admin,
        case,
        "assign",
        lead_unit_id=discipline.id,
        on=f.START + timedelta(days=1),
        assisting_unit_ids=[accused.id],
    )
    accused_handler = f.make_user(session, Role.HANDLER, unit=session.get(Unit, accused.id))
    shown = client.get(f"/api/v1/cases/{case.id}", headers=_token(session, accused_handler)).json()
    assert "赵举报" not in str(shown)
    assert shown["content"] is None
    investigator = f.make_user(session, Role.HANDLER, unit=session.get(Unit, discipline.id))
    seen = client.get(f"/api/v1/cases/{case.id}", headers=_token(session, investigator)).json()
    assert "赵举报" in str(seen["parties"])


def test_register_through_the_api(session, client):
    registrar = f.make_user(session, Role.REGISTRAR)
    body = f.case_data().model_dump(mode="json")
    response = client.post("/api/v1/cases", json=body, headers=_token(session, registrar))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["number"].startswith("JB-2025-")
    assert len(created["query_code"]) == 8
    bad = client.post("/api/v1/cases", json=body | {"title": ""}, headers=_token(session, registrar))
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "title", "message": "请填写标题。"}]


def test_mediation_through_the_api_keeps_a_record_and_an_agreement_before_the_reply(session, client):
    from sqlmodel import select

    from models import Agreement, MediationCase, MediationStatus

    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.HANDLING, unit=unit)
    headers = _token(session, f.make_user(session, Role.HANDLER, unit=unit))
    url = f"/api/v1/cases/{case.id}/actions/"
    body = {"version": case.version, "on": "2025-03-10", "parties": "张三、李四"}
    response = client.post(url + "refer_mediation", json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert {"pause", "extend", "return_from_mediation"} <= set(response.json()["actions"])
    body = {
        "version": response.json()["version"],
        "on": "2025-03-20",
        "result": "agreed",
        "terms": "赔偿3000元",
    }
    no_consent = client.post(url + "return_from_mediation", json=body, headers=headers)
    assert no_consent.status_code == 409, no_consent.text  # an agreement needs every party's consent (第17条)
    response = client.post(url + "return_from_mediation", json=body | {"consented": True}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "handling" and "reply" in response.json()["actions"]
    mediation = session.exec(select(MediationCase).where(MediationCase.case_id == case.id)).one()
    assert mediation.status == MediationStatus.AGREED
    assert (
        session.exec(select(Agreement).where(Agreement.mediation_id == mediation.id)).one().terms
        == "赔偿3000元"
    )
