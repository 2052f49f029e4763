"""A test client that checks every /api/v1 reply against /api/v1/openapi.json: its status is documented for
the route and its body validates against the documented schema (openapi-schema-validator)."""

from __future__ import annotations

import re

from openapi_schema_validator import OAS31Validator
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import routes
from tests import factories as f

UNDOCUMENTED = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/kpis"}


def _template(doc: dict, path: str) -> str | None:
    for template in doc["paths"]:
        pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    return None


def check_reply(doc: dict, method: str, path: str, response) -> None:
    """Assert that the reply's status is documented for the route and its JSON body validates."""
    template = _template(doc, path)
    assert template is not None, f"{path} is not in the document"
    documented = doc["paths"][template][method.lower()]["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method} {template}: {status} is not documented ({response.text[:200]})"
    schema = documented[status]["content"]["application/json"]["schema"]
    OAS31Validator(schema | {"components": doc["components"]}).validate(response.json())


class ContractClient(TestClient):
    """TestClient whose every /api/v1 reply is checked against the OpenAPI document the app serves."""

    def __init__(self, **kwargs):
        super().__init__(Starlette(routes=routes()), **kwargs)
        self.document = None

    def request(self, method, url, *args, **kwargs):
        response = super().request(method, url, *args, **kwargs)
        path = response.request.url.path
        if path.startswith("/api/v1/") and path not in UNDOCUMENTED:
            if self.document is None:
                self.document = super().request("GET", "/api/v1/openapi.json").json()
            check_reply(self.document, method, path, response)
        return response


def case_body(**overrides) -> dict:
    """Return a valid POST /api/v1/cases body: a visit about property management received on f.START."""
    person = f.person_in()
    body = {
        "channel": "visit",
        "received_on": f.START.isoformat(),
        "subject": "property_management",
        "title": "小区物业不履行维修义务",
        "content": "电梯长期故障，物业公司拒不维修。",
        "request": "督促物业公司维修电梯",
        "petitioners": [
            {
                "name": person.name,
                "id_number": person.id_number,
                "phone": person.phone,
                "address": person.address,
            }
        ],
    }
    return body | overrides
