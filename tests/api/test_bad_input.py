"""Bad input through /api/v1 gets a 4xx with field errors in one shape, never a 500 (issue 9, item 6)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import func, select

from core.accounts import tokens
from models import Case, CaseStatus, Role
from tests import factories as f
from tests.api.contract import ContractClient, case_body

BIG = 2**64  # one past what any 64-bit column holds


@pytest.fixture()
def client() -> ContractClient:
    return ContractClient(raise_server_exceptions=False)


def _token(session, user) -> dict[str, str]:
    admin = f.make_user(session, Role.ADMIN)
    _, plain = tokens.create_token(session, admin, user.id, "test")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture()
def assigned(session):
    """A case assigned to a unit, and the unit's handler's token headers."""
    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit)
    return case, _token(session, f.make_user(session, Role.HANDLER, unit=unit))


def _accept(client, case, headers, **body):
    payload = {"action": "accept", "version": case.version, "notice_date": "2025-03-05"} | body
    return client.post(f"/api/v1/cases/{case.number}/actions", json=payload, headers=headers)


def test_a_number_where_a_note_belongs_is_refused_naming_the_note(session, client, assigned):
    case, headers = assigned
    response = _accept(client, case, headers, note=5)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "note", "message": "说明应为文字。"}]
    session.refresh(case)
    assert case.status == CaseStatus.ASSIGNED


def test_a_number_where_a_date_belongs_is_refused_naming_the_date(session, client, assigned):
    case, headers = assigned
    response = _accept(client, case, headers, notice_date=20250305)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid"
    assert body["errors"] == [{"field": "notice_date", "message": "受理告知日期应为 YYYY-MM-DD 格式的日期。"}]


def test_an_unknown_field_is_refused_by_name(client, assigned):
    case, headers = assigned
    response = _accept(client, case, headers, notice_dat="2025-03-05")
    assert response.status_code == 422
    assert {"field": "notice_dat", "message": "未知字段：notice_dat"} in response.json()["errors"]


def test_a_reply_with_an_iso_delivery_date_is_recorded(session, client):
    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.HANDLING, unit=unit)
    headers = _token(session, f.make_user(session, Role.HANDLER, unit=unit))
    body = {
        "action": "reply",
        "version": case.version,
        "replied_on": "2025-03-10",
        "outcome": "support",
        "summary": "责成物业维修",
        "delivered_on": "2025-03-11",
    }
    response = client.post(f"/api/v1/cases/{case.number}/actions", json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "replied"
    session.refresh(case)
    assert case.reply_received_on.isoformat() == "2025-03-11"


def test_a_case_number_nobody_has_is_not_found(client, assigned):
    _, headers = assigned
    assert client.get(f"/api/v1/cases/{BIG}", headers=headers).status_code == 404
    body = {"action": "accept", "version": 1, "notice_date": "2025-03-05"}
    response = client.post(f"/api/v1/cases/{BIG}/actions", json=body, headers=headers)
    assert response.status_code == 404
    assert response.json()["errors"] == [{"field": "", "message": "没有这个案件，或您无权查看。"}]


def test_a_row_id_in_place_of_a_unit_code_is_refused(session, client):
    admin = f.make_user(session, Role.ADMIN)
    case = f.register(session, admin)
    body = {"action": "assign", "version": case.version, "lead_unit_id": BIG, "on": "2025-03-04"}
    response = client.post(f"/api/v1/cases/{case.number}/actions", json=body, headers=_token(session, admin))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"lead_unit_id", "unit_code"}  # an unknown field, and the code it lacks


@pytest.mark.parametrize("param", ["page", "page_size"])
def test_a_list_parameter_above_64_bits_is_refused_naming_it(session, client, assigned, param):
    _, headers = assigned
    response = client.get("/api/v1/cases", params={param: str(BIG)}, headers=headers)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == param


def test_a_page_number_that_is_no_number_is_refused(client, assigned):
    _, headers = assigned
    response = client.get("/api/v1/cases", params={"page": "two"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "page", "message": "page应为整数。"}]


def test_a_lone_surrogate_is_refused_naming_the_field(session, client):
    registrar = f.make_user(session, Role.REGISTRAR)
    body = case_body(subject="\ud800")
    raw = json.dumps(body)  # ensure_ascii writes the surrogate as \\ud800, as a broken client would
    headers = _token(session, registrar) | {"Content-Type": "application/json"}
    response = client.post("/api/v1/cases", content=raw, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "subject", "message": "事项类别含有不可见的控制字符，请删除后重新输入。"}
    ]
    assert session.exec(select(func.count()).select_from(Case)).one() == 0


def test_deeply_nested_json_is_refused_as_a_bad_request(session, client, assigned):
    case, headers = assigned
    for depth in (50, 100_000):  # within what the parser takes, and past its recursion limit
        raw = '{"action": "accept", "version": 1, "note": ' + "[" * depth + "]" * depth + "}"
        headers_json = headers | {"Content-Type": "application/json"}
        response = client.post(f"/api/v1/cases/{case.number}/actions", content=raw, headers=headers_json)
        assert response.status_code == 400, depth
        assert response.json()["errors"] == [{"field": "", "message": "请求内容嵌套过深。"}]


def test_a_body_over_one_megabyte_is_refused_unread(session, client):
    registrar = f.make_user(session, Role.REGISTRAR)
    body = case_body(content="长" * (10 * 1024 * 1024 // 3))
    response = client.post("/api/v1/cases", json=body, headers=_token(session, registrar))
    assert response.status_code == 413
    assert response.json()["message"] == "请求内容超过 1 MB，未处理。"
    assert session.exec(select(func.count()).select_from(Case)).one() == 0


def test_a_content_over_its_limit_is_refused_with_the_limit(session, client):
    registrar = f.make_user(session, Role.REGISTRAR)
    body = case_body(content="长" * 20_001)
    response = client.post("/api/v1/cases", json=body, headers=_token(session, registrar))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "content", "message": "主要内容不能超过20000个字。"}]


@pytest.mark.parametrize("received_on", ["0001-01-01", "1989-12-31"])
def test_a_received_date_before_1990_is_refused_with_a_message(session, client, received_on):
    registrar = f.make_user(session, Role.REGISTRAR)
    body = case_body(received_on=received_on)
    response = client.post("/api/v1/cases", json=body, headers=_token(session, registrar))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "received_on", "message": "收到信访日期不能早于1990-01-01。"}
    ]


def test_a_received_date_after_today_is_refused(session, client):
    registrar = f.make_user(session, Role.REGISTRAR)
    body = case_body(received_on="2026-09-29")  # the suite's today + 1
    response = client.post("/api/v1/cases", json=body, headers=_token(session, registrar))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "received_on", "message": "收到信访日期不能晚于今天（2026-09-28）。"}
    ]


def test_petitioner_errors_name_the_person_by_index(session, client):
    registrar = f.make_user(session, Role.REGISTRAR)
    body = case_body()
    valid = f.id_number()
    body["petitioners"][0]["id_number"] = valid[:17] + ("0" if valid[17] != "0" else "1")  # wrong check digit
    response = client.post("/api/v1/cases", json=body, headers=_token(session, registrar))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "petitioners[0].id_number"


def test_api_replies_with_case_data_are_never_cached(session, client, assigned):
    case, headers = assigned
    for response in (
        client.get("/api/v1/cases", headers=headers),
        client.get(f"/api/v1/cases/{case.number}", headers=headers),
        _accept(client, case, headers, notice_date=(f.START + timedelta(days=2)).isoformat()),
        client.get("/api/v1/cases"),  # 401
    ):
        assert response.headers["cache-control"] == "no-store", response.request.url
