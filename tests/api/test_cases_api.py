"""/api/v1 acts as the token's user: cases by number, units and places by code, every status code of the
contract (issue 16), and every reply validated against /api/v1/openapi.json (tests.api.contract)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from openapi_spec_validator import validate
from sqlmodel import func, select

from api import ratelimit
from core.accounts import tokens
from core.cases import workflow
from models import Case, CaseStatus, Category, Role, Unit, UnitKind
from tests import factories as f
from tests.api.contract import ContractClient, case_body


@pytest.fixture()
def client() -> ContractClient:
    return ContractClient()


def _token(session, user) -> dict[str, str]:
    admin = f.make_user(session, Role.ADMIN)
    _, plain = tokens.create_token(session, admin, user.id, "test")
    return {"Authorization": f"Bearer {plain}"}


def _act(client, case, headers, action, **inputs):
    body = {"action": action, "version": inputs.pop("version", case.version)} | inputs
    return client.post(f"/api/v1/cases/{case.number}/actions", json=body, headers=headers)


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(Case)).one()


def test_requests_without_a_valid_token_get_401(engine, client):
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post("/api/v1/cases", json=case_body()).status_code == 401


def test_a_handler_of_unit_a_cannot_see_or_change_a_case_of_unit_b(session, client):
    unit_a, unit_b = f.make_unit(session), f.make_unit(session)
    case_b = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit_b)
    headers = _token(session, f.make_user(session, Role.HANDLER, unit=unit_a))
    assert client.get(f"/api/v1/cases/{case_b.number}", headers=headers).status_code == 404
    listed = client.get("/api/v1/cases", params={"q": case_b.number}, headers=headers).json()
    assert listed["total"] == 0 and listed["items"] == []
    response = _act(client, case_b, headers, "accept", notice_date=(f.START + timedelta(days=2)).isoformat())
    assert response.status_code == 404
    session.refresh(case_b)
    assert case_b.status == CaseStatus.ASSIGNED


def test_an_unknown_number_is_404(session, client):
    headers = _token(session, f.make_user(session, Role.ADMIN))
    assert client.get("/api/v1/cases/JB-2025-999999", headers=headers).status_code == 404
    assert client.get("/api/v1/cases/no%20such", headers=headers).status_code == 404


def test_the_responsible_handler_accepts_by_number(session, client):
    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit)
    headers = _token(session, f.make_user(session, Role.HANDLER, unit=unit))
    shown = client.get(f"/api/v1/cases/{case.number}", headers=headers).json()
    assert "accept" in shown["actions"] and shown["lead_unit_code"] == unit.code
    # accepted 2025-03-05: 60 days later is 2025-05-04 (26 days to 03-31, 30 in April, 4 in May), inside the
    # Labour Day holiday 05-01..05-05 (the make-up day was Sunday 04-27), so the deadline moves to Tue 05-06
    response = _act(client, case, headers, "accept", version=shown["version"], notice_date="2025-03-05")
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["status"] == "handling"
    assert after["due"]["handling"] == {"date": "2025-05-06", "provisional": False}
    assert after["version"] == shown["version"] + 1
    assert [e["action"] for e in after["timeline"]][-1] == "accept"


def test_a_stale_version_is_409(session, client):
    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit)
    headers = _token(session, f.make_user(session, Role.HANDLER, unit=unit))
    response = _act(client, case, headers, "accept", version=case.version - 1, notice_date="2025-03-05")
    assert response.status_code == 409
    assert response.json()["error"] == "stale"


def test_an_action_not_allowed_now_is_422_and_changes_nothing(session, client):
    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit)
    headers = _token(session, f.make_user(session, Role.HANDLER, unit=unit))
    response = _act(client, case, headers, "close", closed_on="2025-03-05")
    assert response.status_code == 422
    assert response.json()["error"] == "illegal_transition"
    assert "交办" in response.json()["message"] or "已交办" in response.json()["message"], response.text
    unknown = _act(client, case, headers, "approve", on="2025-03-05")
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "action"
    session.refresh(case)
    assert case.status == CaseStatus.ASSIGNED


def test_bad_inputs_get_field_messages_and_nothing_changes(session, client):
    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit)
    headers = _token(session, f.make_user(session, Role.HANDLER, unit=unit))
    response = _act(client, case, headers, "accept", notice_date="05/03/2025")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "notice_date", "message": "受理告知日期应为 YYYY-MM-DD 格式的日期。"}
    ]
    missing = client.post(
        f"/api/v1/cases/{case.number}/actions",
        json={"action": "accept", "notice_date": "2025-03-05"},
        headers=headers,
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "version"
    no_date = _act(client, case, headers, "accept")
    assert no_date.json()["errors"] == [{"field": "notice_date", "message": "请填写受理告知日期。"}]
    session.refresh(case)
    assert case.status == CaseStatus.ASSIGNED


def test_a_role_that_may_not_register_gets_403_and_nothing_is_stored(session, client):
    handler = f.make_user(session, Role.HANDLER, unit=f.make_unit(session))
    response = client.post("/api/v1/cases", json=case_body(), headers=_token(session, handler))
    assert response.status_code == 403
    assert _count(session) == 0


def test_the_accused_unit_sees_an_accusation_without_the_accusers_identity(session, client):
    discipline = f.make_unit(session, kind=UnitKind.DISCIPLINE)
    accused = f.make_unit(session)
    admin = f.make_user(session, Role.ADMIN)
    case = f.register(
        session, admin, category=Category.ACCUSATION, title="举报某局干部收受好处",
        petitioners=[f.person_in(name="赵举报")],
    )  # fmt: skip
    f.act(
        session, admin, case, "assign", lead_unit_id=discipline.id, on=f.START + timedelta(days=1),
        assisting_unit_ids=[accused.id],
    )  # fmt: skip
    accused_handler = f.make_user(session, Role.HANDLER, unit=session.get(Unit, accused.id))
    shown = client.get(f"/api/v1/cases/{case.number}", headers=_token(session, accused_handler)).json()
    assert "赵举报" not in str(shown)
    assert shown["content"] is None and shown["petitioners"][0]["hidden"] is True
    investigator = f.make_user(session, Role.HANDLER, unit=session.get(Unit, discipline.id))
    seen = client.get(f"/api/v1/cases/{case.number}", headers=_token(session, investigator)).json()
    assert seen["petitioners"][0]["name"] == "赵举报"
    # a handler sees the ID number masked: the first 6 and the last 4 digits stay (core.accounts.pii)
    assert seen["petitioners"][0]["masked"] is True and "*" in seen["petitioners"][0]["id_number"]


def test_register_with_codes_and_the_same_external_id_again_stores_nothing_new(session, client):
    street, community, grid = f.make_place(session)
    unit = f.make_unit(session)
    headers = _token(session, f.make_user(session, Role.REGISTRAR))
    body = case_body(
        external_id="12345-2025-0001", street_code=street.code, community_code=community.code,
        grid_code=grid.code, lead_unit_code=unit.code,
    )  # fmt: skip
    first = client.post("/api/v1/cases", json=body, headers=headers)
    assert first.status_code == 201, first.text
    created = first.json()
    assert created["number"] == "JB-2025-000001" and len(created["query_code"]) == 8
    assert created["status"] == "assigned" and created["lead_unit_code"] == unit.code
    assert created["street_code"] == street.code and created["external_id"] == "12345-2025-0001"
    # assigned on 2025-03-03: 15 days to accept run to Tuesday 03-18, no holiday in between
    assert created["due"]["acceptance"] == {"date": "2025-03-18", "provisional": False}
    again = client.post("/api/v1/cases", json=body | {"title": "另一个标题"}, headers=headers)
    assert again.status_code == 200
    assert again.json()["number"] == created["number"] and again.json()["query_code"] is None
    assert again.json()["title"] == "小区物业不履行维修义务"
    assert _count(session) == 1


def test_an_unknown_code_is_422_naming_it_and_nothing_is_stored(session, client):
    headers = _token(session, f.make_user(session, Role.REGISTRAR))
    response = client.post("/api/v1/cases", json=case_body(street_code="999999999999"), headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "street_code", "message": "没有启用中的编码“999999999999”。"}
    ]
    bad = client.post("/api/v1/cases", json=case_body(title=""), headers=headers)
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "title", "message": "请填写标题。"}]
    extra = client.post("/api/v1/cases", json=case_body(street_id=1), headers=headers)
    assert extra.status_code == 422 and extra.json()["errors"][0]["field"] == "street_id"
    assert _count(session) == 0


def test_assign_by_unit_code_through_the_actions_route(session, client):
    admin = f.make_user(session, Role.ADMIN)
    case = f.register(session, admin)
    lead, helper = f.make_unit(session), f.make_unit(session)
    headers = _token(session, admin)
    unknown = _act(client, case, headers, "assign", unit_code="NOPE", on="2025-03-04")
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "unit_code", "message": "没有启用中的编码“NOPE”。"}]
    same = _act(client, case, headers, "assign", unit_code=lead.code, on="2025-03-04",
                assisting_unit_codes=[lead.code])  # fmt: skip
    assert same.status_code == 422 and same.json()["errors"][0]["field"] == "assisting_unit_codes"
    done = _act(client, case, headers, "assign", unit_code=lead.code, on="2025-03-04",
                assisting_unit_codes=[helper.code])  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "assigned" and done.json()["lead_unit_code"] == lead.code


def test_a_body_over_one_megabyte_is_413_and_nothing_is_stored(session, client):
    headers = _token(session, f.make_user(session, Role.REGISTRAR))
    body = case_body(content="长" * (10 * 1024 * 1024 // 3))
    response = client.post("/api/v1/cases", json=body, headers=headers)
    assert response.status_code == 413
    assert _count(session) == 0


def test_past_the_rate_limit_a_token_gets_429_with_retry_after(session, client, monkeypatch):
    monkeypatch.setenv(ratelimit.RATE_ENV, "2")  # two a minute: the third waits 30 s for its turn
    headers = _token(session, f.make_user(session, Role.ADMIN))
    assert [client.get("/api/v1/cases", headers=headers).status_code for _ in range(2)] == [200, 200]
    limited = client.get("/api/v1/cases", headers=headers)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "30"
    other = _token(session, f.make_user(session, Role.ADMIN))
    assert client.get("/api/v1/cases", headers=other).status_code == 200  # per token


def test_the_list_filters_by_status_and_update_day_with_a_total(session, client):
    admin = f.make_user(session, Role.ADMIN)
    cases = [f.register(session, admin) for _ in range(3)]
    f.act(session, admin, cases[0], "assign", lead_unit_id=f.make_unit(session).id, on=f.START)
    headers = _token(session, admin)
    page = client.get("/api/v1/cases", params={"page_size": 2}, headers=headers).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    registered = client.get("/api/v1/cases", params={"status": "registered"}, headers=headers).json()
    assert registered["total"] == 2 and {i["number"] for i in registered["items"]} == {
        c.number for c in cases[1:]
    }
    # the suite's today is 2026-09-28: every case here was written today
    assert (
        client.get("/api/v1/cases", params={"updated_since": "2026-09-28"}, headers=headers).json()["total"]
        == 3
    )
    assert (
        client.get("/api/v1/cases", params={"updated_since": "2026-09-29"}, headers=headers).json()["total"]
        == 0
    )
    bad = client.get("/api/v1/cases", params={"page": "two"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "page"


def test_a_case_from_a_higher_level_keeps_its_number_deadline_and_body(session, client):
    headers = _token(session, f.make_user(session, Role.REGISTRAR))
    body = case_body(higher_number="CQ-2025-0456", higher_due_on="2025-04-02", higher_body="重庆市信访办")
    created = client.post("/api/v1/cases", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["higher_level"] == {
        "number": "CQ-2025-0456", "due_on": "2025-04-02", "body": "重庆市信访办"
    }  # fmt: skip
    no_body = client.post("/api/v1/cases", json=case_body(higher_number="CQ-2025-0457"), headers=headers)
    assert no_body.status_code == 422
    assert no_body.json()["errors"] == [{"field": "higher_body", "message": "请填写交办机关。"}]


def test_mediation_through_the_api_keeps_a_record_and_an_agreement_before_the_reply(session, client):
    from models import Agreement, MediationCase, MediationStatus

    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.HANDLING, unit=unit)
    headers = _token(session, f.make_user(session, Role.HANDLER, unit=unit))
    response = _act(client, case, headers, "refer_mediation", on="2025-03-10", parties="张三、李四")
    assert response.status_code == 200, response.text
    assert {"pause", "extend", "return_from_mediation"} <= set(response.json()["actions"])
    body = {
        "version": response.json()["version"],
        "on": "2025-03-20",
        "result": "agreed",
        "terms": "赔偿3000元",
    }
    no_consent = _act(client, case, headers, "return_from_mediation", **body)
    assert no_consent.status_code == 422, no_consent.text  # an agreement needs every party's consent (第17条)
    response = _act(client, case, headers, "return_from_mediation", **body, consented=True)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "handling" and "reply" in response.json()["actions"]
    mediation = session.exec(select(MediationCase).where(MediationCase.case_id == case.id)).one()
    assert mediation.status == MediationStatus.AGREED
    agreement = session.exec(select(Agreement).where(Agreement.mediation_id == mediation.id)).one()
    assert agreement.terms == "赔偿3000元"


def test_the_document_is_valid_openapi_and_holds_every_action_with_its_inputs(client):
    doc = client.get("/api/v1/openapi.json").json()
    validate(doc)
    body = doc["paths"]["/api/v1/cases/{number}/actions"]["post"]["requestBody"]
    mapping = body["content"]["application/json"]["schema"]["discriminator"]["mapping"]
    assert set(mapping) == set(workflow.TRANSITIONS)
    assign = doc["components"]["schemas"]["action_assign"]
    assert assign["required"] == ["action", "version", "unit_code", "on"]
    assert "lead_unit_id" not in assign["properties"]
    assert doc["components"]["schemas"]["action_rate"]["properties"]["satisfaction"] == {
        "$ref": "#/components/schemas/Satisfaction"
    }


def test_the_docs_page_lists_the_routes_and_loads_nothing_from_elsewhere(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/api/v1/cases/{number}/actions" in page.text and 'id="action_accept"' in page.text
    assert "src=" not in page.text and "<link" not in page.text


def test_a_closed_case_from_a_higher_level_has_its_report_and_the_list_puts_open_ones_first(session, client):
    unit = f.make_unit(session)
    closed = f.case_in_status(session, CaseStatus.CLOSED, unit=unit)
    running = f.case_in_status(session, CaseStatus.HANDLING, unit=unit)
    for case, number in ((closed, "CQ-2025-0001"), (running, "CQ-2025-0002")):
        case.higher_number, case.higher_body = number, "重庆市信访办"
        case.higher_due_on = closed.closed_on  # the closed one made it on the very day
        session.add(case)
    session.commit()
    headers = _token(session, f.make_user(session, Role.ADMIN))
    report = client.get(f"/api/v1/cases/{closed.number}/report", headers=headers)
    assert report.status_code == 200, report.text
    body = report.json()
    assert (body["higher_number"], body["lead_unit_code"], body["on_time"]) == ("CQ-2025-0001", unit.code, True)
    assert body["closed_on"] == closed.closed_on.isoformat()
    not_yet = client.get(f"/api/v1/cases/{running.number}/report", headers=headers)
    assert not_yet.status_code == 422
    assert not_yet.json()["message"] == "案件尚未办结，还不能生成办结报告。"
    listed = client.get("/api/v1/higher-level-cases", headers=headers).json()
    assert [(i["number"], i["report_ready"]) for i in listed["items"]] == [
        (running.number, False), (closed.number, True)
    ]  # fmt: skip
    other_unit = _token(session, f.make_user(session, Role.HANDLER, unit=f.make_unit(session)))
    assert client.get("/api/v1/higher-level-cases", headers=other_unit).json()["total"] == 0
    assert client.get(f"/api/v1/cases/{closed.number}/report", headers=other_unit).status_code == 404
