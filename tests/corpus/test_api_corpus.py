"""The hostile-input corpus through POST /api/v1/cases and the case list search (issue 17, item 4): each entry
is stored exactly as typed or refused with a clear error naming its field; none answers 500 or half-writes."""

from __future__ import annotations

import copy
import json

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import routes
from core.accounts import tokens
from core.platform.validation import has_control_chars
from models import Case, CaseParty, Person, Role
from tests import factories as f
from tests.corpus.corpus import HERE, VALID, counts, entries, ids

TEXTS = entries("texts")
IDS, DATES, SEARCHES, BODIES = entries("ids"), entries("dates"), entries("search"), entries("bodies")


@pytest.fixture()
def api(session):
    """A client of the app's routes and a registrar's token headers."""
    admin = f.make_user(session, Role.ADMIN)
    registrar = f.make_user(session, Role.REGISTRAR)
    _, plain = tokens.create_token(session, admin, registrar.id, "corpus")
    client = TestClient(Starlette(routes=routes()), raise_server_exceptions=False)
    return client, {"Authorization": f"Bearer {plain}"}


def _post(engine, api, body: dict):
    client, headers = api
    before = counts(engine)
    # escaped JSON, as a client would send a lone surrogate (raw UTF-8 cannot carry one)
    raw = json.dumps(body).encode()
    response = client.post(
        "/api/v1/cases", content=raw, headers=headers | {"Content-Type": "application/json"}
    )
    assert response.status_code != 500, response.text
    if response.status_code != 201:
        assert counts(engine) == before, f"{response.status_code}: {response.text[:300]}"
    return response


def _case(session, response) -> Case:
    return session.exec(select(Case).where(Case.number == response.json()["number"])).one()


def _refused(response, field: str) -> None:
    """A refusal is a 4xx in the error shape; a 422 names the field."""
    assert response.status_code in (413, 422), response.text[:300]
    body = response.json()
    assert body["error"] and body["errors"], body
    if response.status_code == 422:
        assert field in [e["field"] for e in body["errors"]], body["errors"]


@pytest.mark.parametrize("field", ["title", "content"])
@pytest.mark.parametrize("entry", TEXTS, ids=ids(TEXTS))
def test_a_hostile_text_is_stored_as_typed_or_refused(session, engine, api, entry, field):
    response = _post(engine, api, VALID | {field: entry["text"]})
    if entry[field] == "stored":
        assert response.status_code == 201, response.text[:300]
        case = _case(session, response)
        assert getattr(case, field) == entry["text"].strip()
        shown = api[0].get(f"/api/v1/cases/{case.number}", headers=api[1]).json()
        assert shown[field] == entry["text"].strip()
    else:
        _refused(response, field)


@pytest.mark.parametrize("entry", IDS, ids=ids(IDS))
def test_an_id_number_is_stored_normalised_or_refused(session, engine, api, entry):
    body = copy.deepcopy(VALID)
    body["petitioners"][0]["id_number"] = entry["id_number"]
    response = _post(engine, api, body)
    if entry["expect"] == "stored":
        assert response.status_code == 201, response.text[:300]
        stmt = (
            select(Person.id_number).join(CaseParty).where(CaseParty.case_id == _case(session, response).id)
        )
        assert session.exec(stmt).one() == entry["stored"]
    else:
        _refused(response, "petitioners[0].id_number")


@pytest.mark.parametrize("entry", DATES, ids=ids(DATES))
def test_a_received_date_is_stored_or_refused(session, engine, api, entry):
    response = _post(engine, api, VALID | {"received_on": entry["received_on"]})
    if entry["expect"] == "stored":
        assert response.status_code == 201, response.text[:300]
        assert _case(session, response).received_on.isoformat() == entry["received_on"]
    else:
        _refused(response, "received_on")


@pytest.mark.parametrize("entry", BODIES, ids=ids(BODIES))
def test_a_broken_body_is_refused_with_its_status(engine, api, entry):
    client, headers = api
    before = counts(engine)
    raw = (HERE / "bodies" / entry["file"]).read_bytes()
    headers = headers | {"Content-Type": "application/json; charset=utf-8"}
    response = client.post("/api/v1/cases", content=raw, headers=headers)
    assert response.status_code == entry["status"], response.text[:300]
    assert response.json()["error"]
    assert counts(engine) == before


@pytest.mark.parametrize("entry", SEARCHES, ids=ids(SEARCHES))
def test_a_search_fragment_finds_what_it_says_and_changes_nothing(session, engine, api, entry):
    client, headers = api
    typed = entry["q"].strip()
    title = f"检索样本 {typed}"[:200] if typed and not has_control_chars(typed) else "检索样本"
    marked = f.register(session, title=title)
    f.register(session, title="不相关的案件")
    before = counts(engine)
    response = client.get("/api/v1/cases", params={"q": entry["q"]}, headers=headers)
    assert response.status_code in (200, 422), response.text[:300]
    if response.status_code == 200:
        found = [item["number"] for item in response.json()["items"]]
        assert len(found) <= 2
    assert counts(engine) == before
    assert session.get(Case, marked.id) is not None
