"""GET /api/v1/openapi.json and /api/v1/docs: the API v1 document, generated from the schemas that validate it.

Every schema comes from a pydantic model of core.exchange.schemas (the actions' from the workflow table);
this module only says which model is which route's body or reply. The docs page renders the same
document as plain HTML, with nothing loaded from elsewhere.
"""

from __future__ import annotations

import functools
import html
import json
from typing import Any

from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import BaseRoute, Route

from api.cases import _language
from core.exchange.schemas import (
    CaseCreated,
    CaseIn,
    CaseListQuery,
    CaseOut,
    CasePage,
    ErrorOut,
    HigherCaseList,
    HigherReport,
    action_model,
    actions,
)
from i18n import t

REF = "#/components/schemas/{model}"
_ERRORS = {
    "400": "The body is not a JSON object",
    "401": "No valid token",
    "403": "The token's role may not do this",
    "404": "No such case, or out of the token's scope",
    "409": "Stale version: someone changed the case since it was read",
    "413": "Body over 1 MB",
    "422": "Bad input (nothing stored), or an action not allowed now",
    "429": "Past the token's rate limit; see Retry-After",
    "503": "The database is busy or unreachable; see Retry-After",
}


def _ref(model) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*codes: str) -> dict:
    return {code: {"description": _ERRORS[code]} | _json(_ref(ErrorOut)) for code in codes}


@functools.cache
def document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of /api/v1."""
    action_models = [action_model(a) for a in actions()]
    models = [CaseIn, CaseOut, CaseCreated, CasePage, ErrorOut, HigherReport, HigherCaseList, *action_models]
    _, defs = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    schemas = defs["$defs"]
    query = CaseListQuery.model_json_schema()
    parameters = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": prop,
            "description": prop.get("description", ""),
        }
        for name, prop in query["properties"].items()
    ]
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"},
              "example": "JB-2026-000123"}  # fmt: skip
    action_body = {
        "oneOf": [_ref(m) for m in action_models],
        "discriminator": {
            "propertyName": "action",
            "mapping": {
                a: REF.format(model=m.__name__) for a, m in zip(actions(), action_models, strict=True)
            },
        },
    }
    common = ("401", "429", "503")
    paths = {
        "/api/v1/cases": {
            "get": {
                "summary": "List the cases the token's user may see",
                "operationId": "listCases",
                "parameters": parameters,
                "responses": {"200": {"description": "One page and the total"} | _json(_ref(CasePage))}
                | _errors("403", "422", *common),
            },
            "post": {
                "summary": "Register a petition",
                "operationId": "createCase",
                "requestBody": {"required": True} | _json(_ref(CaseIn)),
                "responses": {
                    "201": {"description": "Registered"} | _json(_ref(CaseCreated)),
                    "200": {"description": "Already registered under this external_id: nothing new stored"}
                    | _json(_ref(CaseCreated)),
                }
                | _errors("400", "403", "413", "422", *common),
            },
        },
        "/api/v1/cases/{number}": {
            "get": {
                "summary": "One case: due dates per stage, alert, open actions, timeline; PII masked per role",
                "operationId": "getCase",
                "parameters": [number],
                "responses": {"200": {"description": "The case"} | _json(_ref(CaseOut))}
                | _errors("404", *common),
            }
        },
        "/api/v1/cases/{number}/actions": {
            "post": {
                "summary": "Take a workflow action: {action, version, ...its inputs}",
                "operationId": "actOnCase",
                "parameters": [number],
                "requestBody": {"required": True} | _json(action_body),
                "responses": {"200": {"description": "The case after the action"} | _json(_ref(CaseOut))}
                | _errors("400", "403", "404", "409", "413", "422", *common),
            }
        },
        "/api/v1/cases/{number}/report": {
            "get": {
                "summary": "The 办结报告 of a closed case from a higher level (交办件), to send back up",
                "operationId": "getHigherReport",
                "parameters": [number],
                "responses": {"200": {"description": "The report"} | _json(_ref(HigherReport))}
                | _errors("404", "422", *common),
            }
        },
        "/api/v1/higher-level-cases": {
            "get": {
                "summary": "The cases from higher levels: open ones by the higher deadline, then the closed",
                "operationId": "listHigherCases",
                "responses": {"200": {"description": "The cases"} | _json(_ref(HigherCaseList))}
                | _errors("403", *common),
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Petition Desk API", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


async def openapi_json(request: Request) -> JSONResponse:
    """GET /api/v1/openapi.json (public: it describes the interface, no data)."""
    return JSONResponse(document())


def _type(schema: dict) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f'<a href="#{html.escape(name)}">{html.escape(name)}</a>'
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if "enum" in schema:
        return "enum: " + ", ".join(f"<code>{html.escape(str(v))}</code>" for v in schema["enum"])
    if "const" in schema:
        return f"<code>{html.escape(json.dumps(schema['const'], ensure_ascii=False))}</code>"
    if schema.get("type") == "array":
        return f"[{_type(schema.get('items', {}))}]"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return f"{{key: {_type(schema['additionalProperties'])}}}"
    kind = html.escape(str(schema.get("type", "any")))
    return kind + (f" ({html.escape(schema['format'])})" if "format" in schema else "")


def _schema_table(name: str, schema: dict) -> str:
    required = set(schema.get("required", []))
    rows = "".join(
        f"<tr><td><code>{html.escape(field)}</code></td><td>{_type(prop)}</td>"
        f"<td>{'✓' if field in required else ''}</td>"
        f"<td>{html.escape(prop.get('description', ''))}</td></tr>"
        for field, prop in schema.get("properties", {}).items()
    )
    head = (
        f"<tr><th>{t('api.v1.field')}</th><th>{t('api.v1.type')}</th><th>{t('api.v1.required')}</th>"
        f"<th>{t('api.v1.description')}</th></tr>"
    )
    doc = html.escape(schema.get("description", ""))
    return f'<h3 id="{html.escape(name)}">{html.escape(name)}</h3><p>{doc}</p><table>{head}{rows}</table>'


_STYLE = (
    "body{font-family:sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
    "text-align:left;vertical-align:top}th{background:#f3f3f3}code{background:#f6f6f6;padding:0 .2rem}"
    ".method{font-weight:bold;text-transform:uppercase;margin-right:.5rem}"
)


def docs_html() -> str:
    """Return the document as a page: each route with its parameters and replies, then every schema."""
    doc = document()
    parts = [f"<h1>{t('api.v1.docs_title')}</h1><p>{html.escape(t('api.v1.docs_intro'))}</p>",
             '<p><a href="/api/v1/openapi.json">openapi.json</a></p>']  # fmt: skip
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            parts.append(f'<h2><span class="method">{method}</span><code>{html.escape(path)}</code></h2>')
            parts.append(f"<p>{html.escape(op['summary'])}</p>")
            if op.get("parameters"):
                items = "".join(
                    f"<li><code>{html.escape(p['name'])}</code> ({p['in']}): {_type(p['schema'])}</li>"
                    for p in op["parameters"]
                )
                parts.append(f"<p>{t('api.v1.parameters')}</p><ul>{items}</ul>")
            if "requestBody" in op:
                body = op["requestBody"]["content"]["application/json"]["schema"]
                kinds = body.get("oneOf", [body])
                parts.append(f"<p>{t('api.v1.request_body')}: {', '.join(_type(k) for k in kinds)}</p>")
            replies = "".join(
                f"<li><b>{code}</b> {html.escape(r['description'])}</li>"
                for code, r in op["responses"].items()
            )
            parts.append(f"<p>{t('api.v1.responses')}</p><ul>{replies}</ul>")
    parts.append(f"<h2>{t('api.v1.schemas')}</h2>")
    parts += [_schema_table(name, schema) for name, schema in doc["components"]["schemas"].items()]
    title = html.escape(t("api.v1.docs_title"))
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )


CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"  # the page loads nothing


async def docs(request: Request) -> HTMLResponse:
    """GET /api/v1/docs: the browsable document."""
    _language(request)
    return HTMLResponse(docs_html(), headers={"Content-Security-Policy": CSP})


def routes() -> list[BaseRoute]:
    """Return the document's routes."""
    return [
        Route("/api/v1/openapi.json", openapi_json, methods=["GET"]),
        Route("/api/v1/docs", docs, methods=["GET"]),
    ]
