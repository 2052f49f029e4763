"""Every visible string of the Chinese UI is Chinese: each role's pages are rendered and every label, heading,
message, placeholder, option and column title is checked for Latin-only words (case data aside)."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

import shell
from core.accounts import audit
from models import CaseStatus, MediationCase, MediationMediator, Mediator, Role
from tests.chinese import latin_only
from tests.factories import case_in_status, make_unit, make_user

TEXT_FIELDS = ("label", "placeholder", "body", "help", "text")


def shown_strings(at: AppTest) -> list[str]:
    """Return the strings a user reads on the page: labels, headings, messages, placeholders, options, columns."""
    out: list[str] = []
    for root in (at.main, at.sidebar):
        for node in root:
            proto = getattr(node, "proto", None)
            if node.type == "html" and proto.body.lstrip().startswith(("<script", "<style")):
                continue  # our keyboard script and style sheet: nothing shown
            for name in TEXT_FIELDS:
                value = getattr(proto, name, None) if proto is not None else None
                if isinstance(value, str) and value:
                    out.append(value)
            out += [o for o in getattr(proto, "options", []) if isinstance(o, str)]
            if node.type in ("arrow_data_frame", "dataframe"):
                out += [str(c) for c in node.value.columns]
            if node.type in ("expander", "tab"):
                out.append(node.label)
    return out


def empty_placeholders(at: AppTest) -> list[str]:
    """Return the labels of pickers that can be empty but leave their placeholder to Streamlit ("Choose …")."""
    bad = []
    for w in [*at.multiselect, *at.selectbox]:
        # a selectbox shows its placeholder when nothing is chosen (None offered as an option is a choice)
        can_be_empty = w.type == "multiselect" or (w.value is None and w.format_func(None) not in w.options)
        if can_be_empty and not w.proto.placeholder:
            bad.append(w.label)
    return bad


@pytest.fixture()
def district(session):
    """A little of everything each role's pages show: cases in several states, a mediation, an audit event."""
    admin, unit = make_user(session, Role.ADMIN, name="王管理"), make_unit(session, name="区住房城乡建委")
    cases = [
        case_in_status(session, s, actor=admin, unit=unit) for s in (CaseStatus.ASSIGNED, CaseStatus.HANDLING)
    ]
    users = {
        Role.ADMIN: admin,
        Role.REGISTRAR: make_user(session, Role.REGISTRAR, name="李登记"),
        Role.HANDLER: make_user(session, Role.HANDLER, unit=unit, name="赵承办"),
        Role.MEDIATOR: make_user(session, Role.MEDIATOR, name="苏调解"),
        Role.SUPERVISOR: make_user(session, Role.SUPERVISOR, name="董督查"),
        Role.LEADER: make_user(session, Role.LEADER, name="金领导"),
        Role.DISPLAY: make_user(session, Role.DISPLAY, name="会议室大屏"),
    }
    mediator = Mediator(name="苏调解", user_id=users[Role.MEDIATOR].id)
    session.add(mediator)
    session.flush()
    mediation = MediationCase(
        number="JB-TJ-2026-000001",
        dispute_type="邻里纠纷",
        title="楼上漏水纠纷",
        parties="张三（申请人）；李四（被申请人）",
        status="accepted",
        applied_on=date(2026, 9, 1),
        due_on=date(2026, 10, 8),
    )
    session.add(mediation)
    session.flush()
    session.add(MediationMediator(mediation_id=mediation.id, mediator_id=mediator.id, is_lead=True))
    audit.record(
        session,
        None,
        "auth.login_failed",
        object_type="user",
        after={"username": "nobody", "reason": "unknown"},
    )
    session.commit()
    return users, cases


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_page_of_every_role_shows_only_chinese(session, monkeypatch, district, role):
    users, cases = district
    user = users[role]
    monkeypatch.setattr("widgets.session.current_user", lambda: user)
    found = {}
    for spec in shell.visible_pages(user):
        at = AppTest.from_string(
            f"from pages import {spec.module}\n{spec.module}.render()\n", default_timeout=30
        )
        if spec.module == "case_detail":
            at.query_params["id"] = str(cases[-1].id)
        at = at.run()
        assert not at.exception, (spec.module, at.exception)
        latin = sorted({s for s in shown_strings(at) if latin_only(s)})
        unset = empty_placeholders(at)
        if latin or unset:
            found[spec.module] = {"latin": latin, "placeholder left to Streamlit": unset}
    assert found == {}


def test_the_check_catches_what_it_should():
    assert latin_only("Choose options") and latin_only("Upload") and latin_only("20MB per file")
    assert not latin_only("导出 Excel") and not latin_only("JB-2026-000123") and not latin_only("English")
    assert not latin_only("按 Tab 键逐项填写，Ctrl+Enter 提交。")
