"""第30条: whoever may not know an accuser finds no trace of him, neither by searching nor in the case file.

One accusation led by the discipline commission, assisted by the accused department. Its accuser's name,
phone, ID number and the words of the hidden content and request find the case for the roles that may know
him, and nothing (not even a count) for the accused unit's handler and for a leader, on every search path:
core.search_cases, the .xlsx export, the case list page and GET /api/v1/cases?q=. The case file, the API's
case body, repeat links and intake's repeat matching carry nothing that leads to him either.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pytest
from openpyxl import load_workbook
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import routes
from core.accounts import tokens
from core.cases import case_list
from core.cases.case_list import CaseFilter
from core.platform.errors import PermissionDenied
from models import Case, CaseStatus, Role, Unit, UnitKind, User
from tests import factories as f
from tests.pages.helpers import open_page

TODAY = date(2026, 9, 28)
NAME, PHONE, ID_NUMBER = "张秀兰", "13987654321", "11010519491231002X"
CONTENT_WORD, REQUEST_WORD = "扶贫资金", "撤销处分"
QUERIES = {
    "name": NAME,
    "phone": PHONE,
    "id_number": ID_NUMBER,
    "content": CONTENT_WORD,
    "request": REQUEST_WORD,
}
MAY_KNOW = ("registrar", "admin", "supervisor", "discipline_handler")
MAY_NOT = ("accused_handler", "leader")


@dataclass
class Accusation:
    case: Case
    users: dict[str, User]


@pytest.fixture()
def accusation(session) -> Accusation:
    registrar = f.make_user(session, Role.REGISTRAR)
    discipline = f.make_unit(session, name="区纪委监委", kind=UnitKind.DISCIPLINE)
    accused = f.make_unit(session, name="区农业农村委")
    case = f.register(
        session,
        registrar,
        category="accusation",
        title="反映某局干部作风问题",
        content=f"该局干部挪用{CONTENT_WORD}用于吃喝。",
        request=f"请求查处并{REQUEST_WORD}决定的经办人",
        petitioners=[f.person_in(name=NAME, phone=PHONE, id_number=ID_NUMBER)],
    )
    case = f.act(
        session,
        registrar,
        case,
        "assign",
        lead_unit_id=discipline.id,
        assisting_unit_ids=[accused.id],
        on=f.START,
    )
    users = {
        "registrar": registrar,
        "admin": f.make_user(session, Role.ADMIN),
        "supervisor": f.make_user(session, Role.SUPERVISOR),
        "leader": f.make_user(session, Role.LEADER),
        "discipline_handler": f.make_user(session, Role.HANDLER, unit=discipline),
        "accused_handler": f.make_user(session, Role.HANDLER, unit=accused),
    }
    return Accusation(case, users)


def _found(session, user: User, q: str) -> tuple[list[str], int]:
    rows, total = case_list.search_cases(session, user, CaseFilter(q=q), TODAY)
    return [r.number for r in rows], total


@pytest.mark.parametrize("dense", [False, True], ids=["few-hits", "many-hits-plan"])
@pytest.mark.parametrize("field", list(QUERIES))
def test_search_cases_finds_the_accusation_only_for_those_who_may_know_the_accuser(
    session, accusation, monkeypatch, field, dense
):
    if dense:
        monkeypatch.setattr(case_list, "DENSE_HITS", 0)  # the plan for a common word must shield too
    q = QUERIES[field]
    for role in MAY_KNOW:
        assert _found(session, accusation.users[role], q) == ([accusation.case.number], 1), role
    for role in MAY_NOT:
        assert _found(session, accusation.users[role], q) == ([], 0), role  # no row and no count


def test_the_title_and_a_respondents_name_still_find_it_for_the_accused_unit(session, accusation):
    from models import CaseParty, PartyRole, Person

    official = Person(name="刘建军")
    session.add(official)
    session.flush()
    session.add(CaseParty(case_id=accusation.case.id, person_id=official.id, role=PartyRole.RESPONDENT))
    session.commit()
    handler = accusation.users["accused_handler"]
    number = accusation.case.number
    assert _found(session, handler, "干部作风") == ([number], 1)  # titles are never hidden
    assert _found(session, handler, "刘建军") == ([number], 1)  # nor the respondent
    assert _found(session, handler, number) == ([number], 1)  # nor the case number
    assert _found(session, handler, f"干部作风 {CONTENT_WORD}") == ([], 0)  # half in the hidden content


@pytest.mark.parametrize("field", list(QUERIES))
def test_the_export_holds_the_accusation_only_for_those_who_may_know_the_accuser(session, accusation, field):
    q = QUERIES[field]
    for role, expected in (("registrar", 1), ("admin", 1), ("supervisor", 1), ("leader", 0)):
        data, written = case_list.export_xlsx(session, accusation.users[role], CaseFilter(q=q), TODAY)
        rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))[1:]
        assert (written, [r[0] for r in rows]) == (expected, [accusation.case.number] * expected), role
    for role in ("accused_handler", "discipline_handler"):  # handlers export nothing at all
        with pytest.raises(PermissionDenied):
            case_list.export_xlsx(session, accusation.users[role], CaseFilter(q=q), TODAY)


@pytest.mark.parametrize("field", list(QUERIES))
def test_the_case_list_page_shows_the_accusation_only_to_those_who_may_know_the_accuser(
    session, accusation, monkeypatch, field
):
    for role in (*MAY_KNOW, *MAY_NOT):
        at = open_page(monkeypatch, "cases", accusation.users[role], q=QUERIES[field])
        numbers = list(at.dataframe[0].value["案件编号"]) if at.dataframe else []
        if role in MAY_KNOW:
            assert numbers == [accusation.case.number], role
            assert at.caption[0].value == "共 1 件 · 第 1 页，共 1 页", role
        else:
            assert numbers == [] and at.caption[0].value == "共 0 件 · 第 1 页，共 1 页", role


@pytest.mark.parametrize("field", list(QUERIES))
def test_the_api_lists_the_accusation_only_for_those_who_may_know_the_accuser(session, accusation, field):
    client = TestClient(Starlette(routes=routes()))
    admin = accusation.users["admin"]
    for role in (*MAY_KNOW, *MAY_NOT):
        _, plain = tokens.create_token(session, admin, accusation.users[role].id, "test")
        response = client.get(
            "/api/v1/cases", params={"q": QUERIES[field]}, headers={"Authorization": f"Bearer {plain}"}
        )
        body = response.json()
        expected = [accusation.case.number] if role in MAY_KNOW else []
        assert ([i["number"] for i in body["items"]], body["total"]) == (expected, len(expected)), role


PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    from core.platform import config

    monkeypatch.setenv("PETITION_DESK_DATA", str(tmp_path))
    config.get_settings.cache_clear()
    yield tmp_path
    config.get_settings.cache_clear()


def test_the_case_file_gives_the_accused_unit_no_trace_of_the_accuser(session, accusation, data_dir):
    from core.cases import attachments, case_file

    registrar = accusation.users["registrar"]
    attachments.add_to_case(
        session, registrar, accusation.case.id, [attachments.Upload(f"{NAME}举报信.pdf", PDF)]
    )
    hidden = case_file.load(session, accusation.users["accused_handler"], accusation.case.id, TODAY)
    assert hidden.material_hidden and hidden.attachments == []
    [accuser] = [p for p in hidden.parties if p["role"] == "petitioner"]
    assert accuser["person_id"] is None and accuser["name"] is None
    payloads = repr([(e.object_id, e.before, e.after) for e in hidden.events if e.action != "assign"])
    for leak in (NAME, "person_id", "parties", "举报信", "sha256"):
        assert leak not in payloads, (leak, payloads)
    shown = case_file.load(session, accusation.users["discipline_handler"], accusation.case.id, TODAY)
    assert not shown.material_hidden and [a.filename for a in shown.attachments] == [f"{NAME}举报信.pdf"]
    register = next(e for e in shown.events if e.action == "register")
    assert register.after["parties"][0]["role"] == "petitioner"  # the stored event is untouched


def test_a_repeat_link_does_not_lead_the_accused_unit_to_the_accuser(session, accusation):
    from core.cases import case_file

    registrar, accused_handler = accusation.users["registrar"], accusation.users["accused_handler"]
    # the same person's earlier complaint, handled by the accused unit itself, shows his name
    earlier = f.case_in_status(
        session,
        CaseStatus.HANDLING,
        unit=session.get(Unit, accused_handler.unit_id),
        petitioners=[f.person_in(name=NAME, phone=PHONE, id_number=ID_NUMBER)],
    )
    case = session.get(Case, accusation.case.id)
    f.act(session, registrar, case, "link_repeat", repeat_of_id=earlier.id)

    def relations(user, of) -> list[tuple[str, str]]:
        return [(link.relation, link.number) for link in case_file.linked_cases(session, user, of)]

    assert relations(accused_handler, case) == [] and relations(accused_handler, earlier) == []
    assert relations(registrar, case) == [("repeat_of", earlier.number)]
    assert relations(registrar, earlier) == [("repeated_by", case.number)]
    events = case_file.load(session, accused_handler, case.id, TODAY).events
    assert earlier.number not in repr([e.after for e in events])


def test_the_api_case_body_carries_no_person_id_content_or_repeat_link_for_the_accused(session, accusation):
    client = TestClient(Starlette(routes=routes()))
    _, plain = tokens.create_token(
        session, accusation.users["admin"], accusation.users["accused_handler"].id, "t"
    )
    reply = client.get(
        f"/api/v1/cases/{accusation.case.number}", headers={"Authorization": f"Bearer {plain}"}
    )
    assert reply.status_code == 200
    body = reply.json()
    [accuser] = body["petitioners"]
    assert accuser["hidden"] is True and (accuser["name"], accuser["id_number"], accuser["phone"]) == (None,) * 3
    assert (body["content"], body["request"], body["repeat_of"]) == (None, None, None)
    assert NAME not in repr(body) and PHONE not in repr(body) and CONTENT_WORD not in repr(body)


def test_intake_repeat_matching_does_not_find_the_accusation_for_a_leader(session, accusation):
    from core.cases.repeats import find_repeats

    def found(role: str) -> list[int]:
        user = accusation.users[role]
        return [c.case_id for c in find_repeats(session, user, id_numbers=[ID_NUMBER], phones=[PHONE])]

    assert found("registrar") == [accusation.case.id]
    assert found("leader") == []  # a leader registers what he receives, but may not know accusers
