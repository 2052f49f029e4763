"""Random JSON to the API (hypothesis): whatever the body, POST /api/v1/cases and a case's actions answer 201/200
or a 4xx in the error shape, never 500, and a refused request writes nothing (issue 17, item 4)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import routes
from core.accounts import tokens
from core.cases import workflow
from models import CaseStatus, Role
from tests import factories as f
from tests.corpus.corpus import VALID, counts

pytestmark = pytest.mark.slow

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["2025-03-03", "2099-01-01", "visit", "property_management", "11010519491231002X", ""])
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
)
# the registration's own keys with random values, so bodies get past the first check more often
NEAR_VALID = st.fixed_dictionaries(
    {},
    optional={key: ANY_JSON | st.just(value) for key, value in VALID.items()}
    | {
        "petitioners": st.lists(
            st.dictionaries(st.sampled_from(["name", "id_number", "phone", "address", "grid_id"]), ANY_JSON),
            max_size=3,
        )
    }
    | {"anonymous": ANY_JSON, "group_size": ANY_JSON, "street_id": ANY_JSON, "repeat_of_id": ANY_JSON},
)
RUNS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture()
def api(session):
    admin = f.make_user(session, Role.ADMIN)
    _, plain = tokens.create_token(session, admin, admin.id, "hypothesis")
    client = TestClient(Starlette(routes=routes()), raise_server_exceptions=False)
    return client, {"Authorization": f"Bearer {plain}", "Content-Type": "application/json"}, admin


def _answered(response, ok: int) -> None:
    assert response.status_code == ok or 400 <= response.status_code < 500, response.text[:300]
    if response.status_code != ok:
        assert response.json()["error"], response.text[:300]


@RUNS
@given(body=ANY_JSON | NEAR_VALID)
def test_random_json_registers_a_case_or_is_refused_without_a_trace(engine, api, body):
    client, headers, _ = api
    before = counts(engine)
    response = client.post("/api/v1/cases", content=json.dumps(body).encode(), headers=headers)
    _answered(response, 201)
    if response.status_code != 201:
        assert counts(engine) == before


@RUNS
@given(action=st.sampled_from([*workflow.TRANSITIONS, "no_such_action"]), body=ANY_JSON)
def test_random_json_to_an_action_changes_nothing_unless_it_is_taken(session, engine, api, action, body):
    client, headers, admin = api
    case = f.case_in_status(session, CaseStatus.HANDLING, actor=admin)
    if isinstance(body, dict):  # mostly a real action and version, so the inputs' checks are reached
        body.setdefault("action", action)
        body.setdefault("version", case.version)
    before = counts(engine)
    url = f"/api/v1/cases/{case.number}/actions"
    response = client.post(url, content=json.dumps(body).encode(), headers=headers)
    _answered(response, 200)
    if response.status_code != 200:
        assert counts(engine) == before
