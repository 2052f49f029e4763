"""The mediation centre's pages (issue 14 items 1, 2, 6): the list with its URL filter, a mediation's file with its
actions, and a mediator's day."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from core.mediation import agreements, cases, referral
from models import CaseStatus, MediationCase, MediationStatus, Mediator, Role
from tests.factories import make_place, make_user
from tests.pages.helpers import open_page

CST = timezone(timedelta(hours=8))


def _mediator(session, name):
    account = make_user(session, Role.MEDIATOR, name=name)
    row = Mediator(name=name, user_id=account.id)
    session.add(row)
    session.commit()
    return row, account


def _apply(session, actor, title, *, on=date(2026, 9, 1), **extra):
    street, _, grid = make_place(session)
    return cases.open_application(session, actor, on=on, source="walk_in", kind="people", dispute_type="物业纠纷",
                                  title=title, parties="王五、赵六", grid_id=grid.id, **extra)  # fmt: skip


def _accepted(session, actor, title, on=date(2026, 9, 1)):
    m = _apply(session, actor, title, on=on)
    return referral.record_consent(
        session, actor, m.id, m.version, on=on, answers={"王五": True, "赵六": True}
    )


def _cells(at, column):
    frame = at.dataframe[0].value
    return list(frame[column])


def test_the_list_shows_only_the_mediator_s_cases_and_its_filter_lives_in_the_url(session, monkeypatch):
    _, mine = _mediator(session, "老周")
    _, other = _mediator(session, "老孙")
    _accepted(session, mine, "电梯停运")  # 09-01 + 30 = 10-01, National Day: due Thu 10-08
    _apply(session, mine, "噪音扰民")
    _apply(session, other, "别人的案件")
    at = open_page(monkeypatch, "mediations", mine)
    assert sorted(_cells(at, "纠纷")) == ["噪音扰民", "电梯停运"]
    assert at.caption[0].value == "共 2 件，第 1/1 页"
    at = open_page(monkeypatch, "mediations", mine, status="applied")
    assert _cells(at, "纠纷") == ["噪音扰民"]
    assert at.selectbox[0].value == "applied"  # the widget follows the URL
    assert at.query_params["status"] in ("applied", ["applied"])


def test_the_file_shows_parties_sessions_and_the_actions_of_an_accepted_mediation(session, monkeypatch):
    lead, account = _mediator(session, "老周")
    m = _accepted(session, account, "电梯停运")
    cases.record_session(session, account, m.id, m.version, held_at=datetime(2026, 9, 3, 9, tzinfo=CST),
                         place="社区调解室", present="王五、赵六、老周", notes="双方各自陈述")  # fmt: skip
    at = open_page(monkeypatch, "mediation_detail", account, id=str(m.id))
    assert at.title[0].value == f"{m.number} 电梯停运"
    lines = [x.value for x in at.markdown]
    assert [v for v in lines if v.startswith("- ")] == [
        "- 王五 · 同意调解",
        "- 赵六 · 同意调解",
        "- 老周 · 小马（青年调解员） · 主持调解员",
    ]
    assert ":orange-badge[剩 3 个工作日 · 2026年10月8日]" in lines  # 09-01 + 30 = 10-01, 国庆: Thu 10-08
    assert [tab.label for tab in at.tabs] == ["登记调解记录", "登记调解结果", "指定调解员"]
    assert "调解记录（1次）" in [s.value for s in at.subheader]
    events = [v.split(" · ")[0] for v in lines if v.startswith("**") and " · " in v]
    assert events == [
        "**2026年9月3日 09\\:00**",
        "**登记调解申请**",
        "**登记当事人是否同意调解**",
        "**调解记录**",
    ]


def test_recording_a_failure_without_the_routes_told_shows_the_law_under_the_field(session, monkeypatch):
    _, account = _mediator(session, "老周")
    m = _accepted(session, account, "电梯停运")
    at = open_page(monkeypatch, "mediation_detail", account, id=str(m.id))
    at.segmented_control[0].set_value("failed").run()
    submit = next(b for b in at.button if b.label == "登记调解结果")
    submit.click().run()
    assert any("人民调解法第26条" in c.value for c in at.caption)
    session.refresh(m)
    assert m.status == MediationStatus.ACCEPTED  # nothing half-written


def test_an_agreement_s_confirmation_window_is_on_the_file_and_on_my_mediations(session, monkeypatch):
    _, account = _mediator(session, "老周")
    m = _accepted(session, account, "电梯停运", on=date(2026, 9, 10))
    terms = agreements.Particulars(facts="电梯停运三周", terms="物业于10月15日前修复电梯")
    referral.conclude_mediation(session, account, m.id, m.version, outcome="agreed", on=date(2026, 9, 20),
                                agreement=terms)  # fmt: skip
    # 09-20 + 30 = 10-20 (a Tuesday)
    at = open_page(monkeypatch, "mediation_detail", account, id=str(m.id))
    assert [tab.label for tab in at.tabs] == ["登记司法确认申请", "登记履行回访"]
    assert any("可申请司法确认" in x.value for x in at.markdown)
    at = open_page(monkeypatch, "my_mediations", account)
    assert at.title[0].value == "我的调解"
    assert at.caption[0].value == "期限预警 0 件 · 待登记调解记录 0 件 · 待司法确认 1 件"
    assert any(c.value == "XY-2026-000001 · 可申请司法确认" for c in at.caption)


def test_my_mediations_in_english_lists_a_mediation_near_its_deadline(session, monkeypatch):
    _, account = _mediator(session, "老周")
    _accepted(session, account, "电梯停运", on=date(2026, 8, 25))  # 08-25 + 30 = Thu 09-24: overdue on 09-28
    at = open_page(monkeypatch, "my_mediations", account, prelude="import i18n\ni18n.set_language('en')\n")
    assert at.title[0].value == "My mediations"
    assert (
        at.caption[0].value == "1 deadline alerts · 1 sessions to record · 0 agreements awaiting confirmation"
    )
    assert at.subheader[0].value == "Deadline alerts (1)"


def test_someone_else_s_mediation_is_not_found(session, monkeypatch):
    _, account = _mediator(session, "老周")
    _, other = _mediator(session, "老孙")
    m = _apply(session, other, "别人的案件")
    at = open_page(monkeypatch, "mediation_detail", account, id=str(m.id))
    assert at.warning[0].value == "没有找到这件调解案件，或您无权查看。"
    assert session.get(MediationCase, m.id) is not None


def _referred(session):
    """A handling case referred to mediation on START + 3 (accepted on START + 2), one mediator on the roster."""
    from tests.factories import START, case_in_status

    admin = make_user(session, Role.ADMIN)
    case = case_in_status(session, CaseStatus.HANDLING, actor=admin)
    session.add(Mediator(name="老王"))
    session.commit()
    m = referral.refer_case(session, admin, case.id, case.version, on=START + timedelta(days=3),
                            parties="陈静、重庆某物业服务有限公司")  # fmt: skip
    return admin, m


def test_a_referred_case_s_file_names_its_dispute_type_and_its_referral_in_words(session, monkeypatch):
    admin, m = _referred(session)
    assert m.dispute_type == "property_management"  # the petition's subject key
    at = open_page(monkeypatch, "mediation_detail", admin, id=str(m.id))
    lines = [x.value for x in at.markdown]
    assert "**纠纷类型**  \n物业纠纷" in lines
    assert not any("property_management" in v for v in lines)
    events = [v.split(" · ")[0] for v in lines if v.startswith("**") and " · " in v]
    assert events == ["**转调解**", "**转调解**"]  # the record's own event and the case's (was "mediation.refer")
    at = open_page(monkeypatch, "mediations", admin)
    assert _cells(at, "纠纷类型") == ["物业纠纷"]


def test_the_lead_picked_from_the_suggestions_is_confirmed_and_the_interim_note_is_gone(session, monkeypatch):
    admin, m = _referred(session)
    at = open_page(monkeypatch, "mediation_detail", admin, id=str(m.id))
    assert [tab.label for tab in at.tabs] == ["登记是否同意", "指定调解员"]
    assert "推荐调解员" in [s.value for s in at.subheader]
    next(b for b in at.button if b.label == "确定调解员").click().run()
    assert [x.value for x in at.toast] == ["已指定调解员。"]
    assert "- 老王 · 小马（青年调解员） · 主持调解员" in [x.value for x in at.markdown]
    # the tab now changes the team from the roster; it no longer says the suggestions are still to come
    assert not any("【临时】" in c.value for c in at.caption)
    assert [s.label for s in at.selectbox] == ["主持调解员"]


def test_the_result_reads_in_words_on_the_case_s_timeline(session, monkeypatch):
    from tests.factories import START

    admin, m = _referred(session)
    on = START + timedelta(days=4)
    m = referral.record_consent(session, admin, m.id, m.version, on=on,
                                answers={"陈静": True, "重庆某物业服务有限公司": True})  # fmt: skip
    terms = agreements.Particulars(facts="电梯停运", terms="物业于15日内修复电梯")
    referral.conclude_mediation(session, admin, m.id, m.version, outcome="agreed", on=on, agreement=terms)
    at = open_page(monkeypatch, "case_detail", admin, id=str(m.case_id))
    captions = [c.value.replace("\\", "") for c in at.caption]  # without Markdown's escapes
    # only what changed, the mediation's status in words (it read "enum.status.accepted → enum.status.agreed",
    # "result_note: — → —" and the unchanged acceptance date and deadline)
    assert (
        "调解状态: 调解中 → 达成协议  \n办结日期: — → 2025年3月7日  \n调解协议内容: 物业于15日内修复电梯  \n"
        "协议编号: XY-2025-000001"
    ) in captions, captions
