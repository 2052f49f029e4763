"""The hostile-input corpus typed into the intake form (AppTest, issue 17 item 4): each entry is stored exactly
as typed or refused next to its field with nothing saved; none crashes the page. Markup stays text on the case
file; SQL and FTS fragments in the case list's search box find what they say and change nothing.

Values are set past the inputs' max_chars, as a hostile client could send them. SQLite only: the API corpus
covers storage on both databases, and the page's code does not depend on the database.
"""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core.places import places
from core.platform.validation import id_number_variants, text_limit
from models import Case, CaseParty, Person, Role
from tests.corpus.corpus import GOOD_ID, VALID, counts, entries
from tests.factories import make_user, register
from widgets.text import md

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("migrated_engine", ["sqlite"], indirect=True)]

FORM_TEXTS = [row for row in entries("texts") if "form" in row.get("via", ["form"])]
PERSON = VALID["petitioners"][0]
FIELDS = {
    "title": VALID["title"],
    "content": VALID["content"],
    "petitioners_0_name": PERSON["name"],
    "petitioners_0_id_number": GOOD_ID,
    "petitioners_0_phone": PERSON["phone"],
    "petitioners_0_address": PERSON["address"],
}
ERRORS = "pd_in_errors"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch, tmp_path):
    from core.platform import config

    places.invalidate()
    monkeypatch.setenv("PETITION_DESK_DATA", str(tmp_path))
    config.get_settings.cache_clear()
    yield
    config.get_settings.cache_clear()
    places.invalidate()


class Desk:
    """One registrar's intake form, submitted again and again."""

    def __init__(self, monkeypatch, user, engine):
        monkeypatch.setattr("widgets.session.current_user", lambda: user)
        self.engine = engine
        self.at = AppTest.from_string("from pages import intake\nintake.render()\n", default_timeout=60).run()
        assert not self.at.exception

    def submit(self, **values) -> tuple[bool, dict]:
        """Fill the form validly but for `values`, submit; return (registered, the refused fields)."""
        at = self.at
        for name, value in (FIELDS | values).items():
            widget = (
                at.text_area(key=f"pd_in_{name}") if name == "content" else at.text_input(key=f"pd_in_{name}")
            )
            widget.set_value(value)
        at.selectbox(key="pd_in_subject").set_value("property_management")
        at = self.at = at.button(key="pd_intake_submit").click().run()
        assert not at.exception, at.exception
        if at.success:
            self.at = at.button(key="pd_intake_next").click().run()
            assert not self.at.exception
            return True, {}
        refused = dict(at.session_state[ERRORS]) if ERRORS in at.session_state else {}
        return False, refused


def _run(desk: Desk, session, rows: list[dict], field: str, form_field: str) -> list[str]:
    wrong = []
    for row in rows:
        before = counts(desk.engine)
        registered, refused = desk.submit(**{form_field: row["text"]})
        # Streamlit cuts a longer value to the input's max_chars on the server: the form shows and keeps that
        limit = text_limit(field).max_len
        typed = row["text"][:limit]
        expect = "stored" if len(row["text"]) > limit else row[field]
        if expect == "stored":
            case = session.exec(select(Case).order_by(Case.id.desc())).first()
            session.refresh(case)
            if not registered or getattr(case, field) != typed.strip():
                wrong.append(f"{row['id']}: not stored as typed (refused {list(refused)})")
        elif registered or field not in refused or counts(desk.engine) != before:
            wrong.append(
                f"{row['id']}: not refused next to {field} (registered {registered}, refused {list(refused)})"
            )
    return wrong


@pytest.mark.parametrize("field", ["title", "content"])
def test_hostile_texts_in_the_intake_form(session, engine, monkeypatch, field):
    desk = Desk(monkeypatch, make_user(session, Role.REGISTRAR), engine)
    rows = (
        FORM_TEXTS
        if field == "title"
        else [
            r for r in FORM_TEXTS if r["title"] != r["content"] or r["kind"] in ("length", "control", "blank")
        ]
    )
    wrong = _run(desk, session, rows, field, field)
    assert wrong == [], "\n".join(wrong)


def test_hostile_id_numbers_in_the_intake_form(session, engine, monkeypatch):
    desk = Desk(monkeypatch, make_user(session, Role.REGISTRAR), engine)
    wrong = []
    for row in entries("ids"):
        before = counts(engine)
        registered, refused = desk.submit(petitioners_0_id_number=row["id_number"])
        if row["expect"] == "stored":
            case = session.exec(select(Case).order_by(Case.id.desc())).first()
            stored = session.exec(
                select(Person.id_number).join(CaseParty).where(CaseParty.case_id == case.id)
            ).first()
            # a number already on file in its other form (15 or 18 digits) names the same person
            if not registered or stored not in id_number_variants(row["stored"]):
                wrong.append(f"{row['id']}: stored {stored!r}, not {row['stored']!r}")
        elif registered or "petitioners.0.id_number" not in refused or counts(engine) != before:
            wrong.append(f"{row['id']}: not refused next to the ID number (refused {list(refused)})")
    assert wrong == [], "\n".join(wrong)


def test_markup_in_a_title_is_shown_as_text_on_the_case_file(session, monkeypatch):
    admin = make_user(session, Role.ADMIN)
    monkeypatch.setattr("widgets.session.current_user", lambda: admin)
    wrong = []
    for row in [
        r for r in entries("texts") if r["kind"] in ("html", "markdown", "formula") and r["title"] == "stored"
    ]:
        case = register(session, admin, title=row["text"])
        at = AppTest.from_string("from pages import case_detail\ncase_detail.render()\n", default_timeout=60)
        at.query_params["id"] = str(case.id)
        at = at.run()
        assert not at.exception, at.exception
        if at.subheader[0].value != md(row["text"].strip()):
            wrong.append(f"{row['id']}: heading {at.subheader[0].value!r}")
        if any(m.proto.allow_html for m in at.markdown):
            wrong.append(f"{row['id']}: a Markdown element allows HTML")
    assert wrong == [], "\n".join(wrong)


def test_sql_and_fts_fragments_in_the_case_list_search(session, engine, monkeypatch):
    admin = make_user(session, Role.ADMIN)
    marked = register(session, admin, title="检索样本 物业维修")
    register(session, admin, title="不相关的案件")
    monkeypatch.setattr("widgets.session.current_user", lambda: admin)
    at = AppTest.from_string("from pages import cases\ncases.render()\n", default_timeout=60).run()
    before, wrong = counts(engine), []
    for row in entries("search"):
        at = at.text_input(key="pd_cl_q").set_value(row["q"]).run()
        if at.exception:
            wrong.append(f"{row['id']}: {at.exception}")
            at = AppTest.from_string("from pages import cases\ncases.render()\n", default_timeout=60).run()
            continue
        shown = list(at.dataframe[0].value["案件编号"]) if at.dataframe else []
        if len(shown) > 2:
            wrong.append(f"{row['id']}: {len(shown)} rows of 2 cases")
    assert wrong == [], "\n".join(wrong)
    assert counts(engine) == before
    at = at.text_input(key="pd_cl_q").set_value("物业维修").run()
    assert list(at.dataframe[0].value["案件编号"]) == [marked.number]
