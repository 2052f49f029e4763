"""The public API v1's schemas: what other systems send and get back, with codes in place of row ids.

Requests validate against these models and the OpenAPI document is generated from them (api.openapi),
so the document cannot drift from what is enforced. An action's body is built from the workflow table:
the transition function's keyword arguments, with a row id renamed to the code or number that names it.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from core.cases import workflow
from core.mediation import referral
from core.platform.validation import TEXT_LIMITS
from models import CaseStatus, Category, Channel, Route

STRICT = ConfigDict(extra="forbid", strict=True)
Code = Annotated[str, Field(min_length=1, max_length=20)]
CaseNumber = Annotated[str, Field(min_length=1, max_length=20, examples=["JB-2026-000123"])]


class PetitionerIn(BaseModel):
    """A petitioner of a new case."""

    model_config = STRICT

    name: str = Field(max_length=TEXT_LIMITS["name"].max_len)
    id_number: str | None = Field(None, max_length=TEXT_LIMITS["id_number"].max_len)
    phone: str | None = Field(None, max_length=TEXT_LIMITS["phone"].max_len)
    address: str | None = Field(None, max_length=TEXT_LIMITS["address"].max_len)


class CaseIn(BaseModel):
    """POST /api/v1/cases: a petition to register; the same external_id again returns the case stored."""

    model_config = STRICT

    channel: Channel
    received_on: date
    category: Category = Category.COMPLAINT
    route: Route = Route.PETITION
    subject: str = Field(max_length=40)
    title: str
    content: str
    request: str | None = None
    street_code: Code | None = None
    community_code: Code | None = None
    grid_code: Code | None = None
    lead_unit_code: Code | None = None
    anonymous: bool = False
    confidential: bool = False
    group_size: int = Field(1, ge=1, le=100_000)
    external_id: str | None = Field(None, min_length=1, max_length=64)
    # the higher level's case (交办件): its number, deadline and the body that assigned it
    higher_number: str | None = Field(None, min_length=1, max_length=40)
    higher_due_on: date | None = None
    higher_body: str | None = Field(None, min_length=1, max_length=80)
    petitioners: list[PetitionerIn] = Field(default_factory=list, max_length=100)


class DueOut(BaseModel):
    date: date
    provisional: bool


class PetitionerOut(BaseModel):
    """A party as the token's user may see it: masked or hidden per role (core.accounts.pii)."""

    role: str
    hidden: bool
    masked: bool
    name: str | None
    id_number: str | None
    phone: str | None
    address: str | None


class TimelineEntry(BaseModel):
    at: datetime
    action: str
    actor: str | None
    note: str | None


class HigherLevelOut(BaseModel):
    """A case assigned by a higher level (交办件)."""

    number: str
    due_on: date | None
    body: str | None


class CaseOut(BaseModel):
    """One case as GET /api/v1/cases/{number} shows it to the token's user."""

    number: str
    external_id: str | None
    status: CaseStatus
    channel: Channel
    received_on: date
    category: Category
    route: Route
    subject: str
    title: str
    content: str | None = Field(description="null where the user may not see the accuser's material")
    request: str | None
    lead_unit_code: str | None
    street_code: str | None
    first_petition: bool
    repeat_of: str | None = Field(description="the number of the earlier case this repeats")
    stage: str | None
    version: int
    due: dict[str, DueOut] = Field(description="the due date of each stage by its key (DOMAIN.md §4)")
    alert: str | None
    higher_level: HigherLevelOut | None
    petitioners: list[PetitionerOut]
    actions: list[str] = Field(description="the actions the user may take now")
    timeline: list[TimelineEntry]


class CaseCreated(CaseOut):
    """The reply to a new case: the case, and the query code the petitioner uses (only this once)."""

    query_code: str | None


class CaseSummary(BaseModel):
    number: str
    status: CaseStatus
    channel: Channel
    received_on: date
    category: Category
    subject: str
    title: str
    stage: str | None
    due_on: date | None
    due_provisional: bool
    lead_unit: str | None
    street: str | None
    petitioners: str


class CasePage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[CaseSummary]


class CaseListQuery(BaseModel):
    """GET /api/v1/cases: the query parameters."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(None, max_length=100, description="searched as the case list searches")
    status: str | None = Field(None, description="comma-separated status keys")
    updated_since: date | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class FieldError(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    error: str
    message: str
    errors: list[FieldError]


# --- actions: built from the workflow table -------------------------------------------------------

# a transition's row-id parameter -> the name the API gives it and what it names
RENAMED = {
    "lead_unit_id": ("unit_code", "unit"),
    "assisting_unit_ids": ("assisting_unit_codes", "units"),
    "into_case_id": ("into_case", "case"),
    "repeat_of_id": ("repeat_of", "case"),
}
API_NAMES = {old: new for old, (new, _) in RENAMED.items()} | {
    "street_id": "street_code",
    "community_id": "community_code",
    "grid_id": "grid_code",
}
_KIND_TYPES: dict[str, Any] = {"unit": Code, "units": list[Code], "case": CaseNumber}


def action_func(action: str):
    """Return the function that carries out an action (mediation's go through its record)."""
    return referral.CASE_ACTIONS.get(action, workflow.TRANSITIONS[action].func)


def _plain_type(hint: Any) -> Any:
    """Drop the `| str` a transition accepts beside its enum (the pages pass strings), and Sequence -> list."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint)]
        if any(isinstance(a, type) and issubclass(a, Enum) for a in args):
            args = [a for a in args if a is not str]
        args = [_plain_type(a) for a in args]
        return functools.reduce(lambda a, b: a | b, args) if len(args) > 1 else args[0]
    if origin is Sequence or origin is typing.Sequence:
        return list[_plain_type(typing.get_args(hint)[0])]
    return hint


def action_inputs(action: str) -> dict[str, tuple[str, str | None]]:
    """Return the action's API inputs: API name -> (the function's parameter, what a code names or None)."""
    func = action_func(action)
    out = {}
    for name, param in inspect.signature(func).parameters.items():
        if param.kind is not param.KEYWORD_ONLY:
            continue
        if name in RENAMED:
            out[RENAMED[name][0]] = (name, RENAMED[name][1])
        elif not name.endswith(("_id", "_ids")):  # another row id (a mediator's) is no input from outside
            out[name] = (name, None)
    return out


@functools.cache
def action_model(action: str) -> type[BaseModel]:
    """Return the body schema of an action: action, version, and the transition's own inputs."""
    func = action_func(action)
    hints = typing.get_type_hints(func, include_extras=True)
    params = inspect.signature(func).parameters
    fields: dict[str, Any] = {"action": (Literal[action], ...), "version": (int, Field(ge=1))}
    for api_name, (name, kind) in action_inputs(action).items():
        param = params[name]
        hint = _KIND_TYPES[kind] if kind else _plain_type(hints[name])
        if kind and param.default is not param.empty:
            hint = hint | None if kind != "units" else hint
        default = ... if param.default is param.empty else ([] if kind == "units" else param.default)
        if isinstance(default, tuple):
            default = list(default)
        fields[api_name] = (hint, default)
    doc = (func.__doc__ or action).strip().splitlines()[0]
    return pydantic.create_model(f"action_{action}", __config__=STRICT, __doc__=doc, **fields)


def actions() -> list[str]:
    """Return every action key of the workflow table, in table order."""
    return list(workflow.TRANSITIONS)


def action_union() -> Any:
    """Return the type of POST /api/v1/cases/{number}/actions' body: one schema per action, by `action`."""
    models = tuple(action_model(a) for a in actions())
    return Annotated[typing.Union[models], Field(discriminator="action")]  # noqa: UP007


class HigherReport(BaseModel):
    """The 办结报告 of a case from a higher level: what goes back up once it is closed."""

    number: str
    higher_number: str
    higher_body: str | None
    higher_due_on: date | None
    received_on: date
    lead_unit_code: str | None
    accepted_on: date | None
    replied_on: date | None
    closed_on: date
    outcome: str | None
    reply_summary: str | None
    satisfaction: str | None
    on_time: bool | None = Field(description="closed by the higher level's deadline; null without one")


class HigherCase(BaseModel):
    number: str
    higher_number: str
    higher_body: str | None
    higher_due_on: date | None
    due_on: date | None = Field(description="the statutory deadline of the current stage")
    status: CaseStatus
    closed_on: date | None
    report_ready: bool = Field(description="closed: its 办结报告 can go back up")


class HigherCaseList(BaseModel):
    total: int
    items: list[HigherCase]
