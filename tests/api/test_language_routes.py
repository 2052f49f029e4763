"""The sign-in routes follow the language: a visitor's choice is kept in a cookie, a user's on his own row."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.auth import LANG_COOKIE
from api.routes import routes
from core.accounts import profile
from models import CaseEvent, User
from tests.factories import first_admin

PASSWORD = "river2025stone"


@pytest.fixture()
def admin(session):
    return first_admin(session, PASSWORD)


def _client() -> TestClient:
    return TestClient(Starlette(routes=routes()), follow_redirects=False)


def _sign_in(client: TestClient, page: str = "/auth/login"):
    """Post the form as the page at `page` fills it in (its hidden language fields included)."""
    html = client.get(page).text
    chosen = 'name="lang_chosen" value="1"' in html
    lang = "en" if '<html lang="en"' in html else "zh_CN"
    data = {
        "username": "wang.admin",
        "password": PASSWORD,
        "lang": lang,
        "lang_chosen": "1" if chosen else "",
    }
    return client.post("/auth/login", data=data)


def _language(session, user) -> str | None:
    session.expire_all()
    return session.get(User, user.id).language


def test_a_visitor_s_choice_on_the_sign_in_page_is_kept_in_a_cookie(admin):
    client = _client()
    english = client.get("/auth/login?lang=en")
    assert f"{LANG_COOKIE}=en" in english.headers["set-cookie"]
    again = client.get("/auth/login")  # F5 or a link without ?lang=
    assert "Username" in again.text and '<html lang="en"' in again.text
    assert 'name="lang_chosen" value=""' in again.text  # the cookie is the browser's, not this user's choice


def test_signing_in_from_the_page_switched_to_english_keeps_english_as_the_user_s_own(session, admin):
    client = _client()
    response = _sign_in(client, "/auth/login?lang=en")
    assert response.status_code == 303 and response.headers["location"] == "/?lang=en"
    assert f"{LANG_COOKIE}=en" in response.headers["set-cookie"]
    assert _language(session, admin) == "en"
    event = session.exec(select(CaseEvent).where(CaseEvent.action == "user.language")).one()
    assert (event.before, event.after) == ({"language": None}, {"language": "en"})


def test_a_user_s_own_language_wins_over_the_page_he_signed_in_on(session, admin):
    profile.set_language(session, admin, "en")
    response = _sign_in(_client())  # a Chinese page nobody switched
    assert response.headers["location"] == "/?lang=en" and _language(session, admin) == "en"


def test_signing_out_leaves_the_user_s_language_for_the_sign_in_page(session, admin):
    profile.set_language(session, admin, "en")
    client = _client()
    _sign_in(client)
    out = client.get("/auth/logout")
    assert out.headers["location"] == "/auth/login?out=1"
    assert f"{LANG_COOKIE}=en" in out.headers["set-cookie"]
    page = client.get(out.headers["location"])
    assert "You have signed out." in page.text
    assert 'name="lang_chosen" value=""' in page.text  # the next person's own setting still wins


def test_signing_out_from_the_sidebar_which_ends_the_session_first_still_leaves_the_language(session, admin):
    from core.accounts import auth

    client = _client()
    _sign_in(client)  # in Chinese
    profile.set_language(session, admin, "en")  # then English picked in the sidebar
    auth.sign_out(session, client.cookies.get(auth.SESSION_COOKIE))  # what the sidebar's button does first
    out = client.get("/auth/logout")
    assert f"{LANG_COOKIE}=en" in out.headers["set-cookie"]
    assert "You have signed out." in client.get(out.headers["location"]).text
