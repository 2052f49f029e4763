"""API tokens: shown once, stored hashed, acting as their user, revocable; and the create-token command."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlmodel import select

from core import commands as cli
from core.accounts import tokens, users
from core.platform import timeutil
from core.platform.errors import PermissionDenied, ValidationError
from models import ApiToken, CaseEvent, Role
from tests.factories import make_user


@pytest.fixture()
def admin(session):
    return make_user(session, Role.ADMIN)


def test_a_token_is_shown_once_and_only_its_hash_is_stored(session, admin):
    handler = make_user(session, Role.HANDLER)
    row, plain = tokens.create_token(session, admin, handler.id, "办件系统对接")
    assert plain.startswith("pd_") and len(plain) > 40
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert row.prefix == plain[:11] and row.created_by_id == admin.id
    stored = session.get(ApiToken, row.id)
    assert plain not in json.dumps(stored.model_dump(), default=str)
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "token.create")).one()
    assert plain not in json.dumps(event.after) and event.after["user_id"] == handler.id


def test_a_token_acts_as_its_user_and_notes_when_it_was_used(session, admin):
    handler = make_user(session, Role.HANDLER)
    row, plain = tokens.create_token(session, admin, handler.id, "对接")
    user = tokens.authenticate_token(session, plain)
    assert user.id == handler.id and user.role == Role.HANDLER
    assert session.get(ApiToken, row.id).last_used_at is not None


@pytest.mark.parametrize("bad", ["", "pd_", "pd_not-a-real-token", "Bearer x", "x" * 500])
def test_unknown_tokens_authenticate_nobody(session, admin, bad):
    tokens.create_token(session, admin, admin.id, "自用")
    assert tokens.authenticate_token(session, bad) is None


def test_a_revoked_token_or_a_deactivated_user_is_refused(session, admin):
    clerk = make_user(session, Role.REGISTRAR)
    first, plain1 = tokens.create_token(session, admin, clerk.id, "一")
    _second, plain2 = tokens.create_token(session, admin, clerk.id, "二")
    revoked = tokens.revoke_token(session, admin, first.id)
    assert revoked.revoked_at is not None
    assert tokens.authenticate_token(session, plain1) is None
    assert tokens.authenticate_token(session, plain2) is not None
    users.deactivate(session, admin, clerk.id)
    assert tokens.authenticate_token(session, plain2) is None
    actions = session.exec(select(CaseEvent.action).where(CaseEvent.object_type == "api_token")).all()
    assert sorted(actions) == ["token.create", "token.create", "token.revoke"]


def test_only_an_administrator_manages_tokens(session, admin):
    clerk = make_user(session, Role.REGISTRAR)
    row, _plain = tokens.create_token(session, admin, clerk.id, "对接")
    with pytest.raises(PermissionDenied):
        tokens.create_token(session, clerk, clerk.id, "自己发")
    with pytest.raises(PermissionDenied):
        tokens.revoke_token(session, clerk, row.id)
    with pytest.raises(PermissionDenied):
        tokens.list_tokens(session, clerk)
    with pytest.raises(ValidationError):
        tokens.create_token(session, admin, clerk.id, "  ")


def test_the_token_list_never_carries_the_secret(session, admin):
    tokens.create_token(session, admin, admin.id, "一")
    [row] = tokens.list_tokens(session, admin, admin.id)
    assert not hasattr(row, "token_hash") and row.name == "一"
    assert row.created_at <= timeutil.now()


def test_create_token_command_prints_a_working_token_once(engine, session, capsys):
    clerk = make_user(session, Role.REGISTRAR)
    url = engine.url.render_as_string(hide_password=False)
    assert (
        cli.main(["--database-url", url, "create-token", "--username", clerk.username, "--name", "脚本"]) == 0
    )
    plain = capsys.readouterr().out.strip()
    assert tokens.authenticate_token(session, plain).id == clerk.id
    assert cli.main(["--database-url", url, "create-token", "--username", "nobody"]) == 1
