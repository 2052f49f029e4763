"""The standard documents (规范文书): each kind rendered from a case, letter, agreement or spot check and read
back with python-docx; the accuser kept from the accused unit (第30条); revisions; refused templates; batch
printing of a day's acceptance notices; the 送达回证's return as the delivery date.

Cases follow tests.factories: received 2025-03-03 (a visit, 张三), assigned on the 4th, accepted on the 5th.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from docx import Document as Docx
from sqlmodel import select

from core.cases import workflow
from core.documents import standard
from core.documents.standard import K
from core.platform.errors import NotFound, PermissionDenied, StaleVersion, ValidationError
from models import (
    Agreement,
    Case,
    CaseStatus,
    Document,
    LetterKind,
    MediationCase,
    MediationMediator,
    MediationStatus,
    Mediator,
    Role,
    SpotCheck,
    SpotCheckItem,
    SupervisionLetter,
    SupervisionLetterCase,
    UnitKind,
)
from tests.factories import (
    START,
    act,
    case_in_status,
    concurrently,
    inputs,
    make_unit,
    make_user,
    person_in,
    register,
)

UNIT = "区住房城乡建委"


def text_of(data: bytes) -> str:
    """Return every paragraph and table cell of a .docx, one per line."""
    doc = Docx(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def rendered(session, user, doc: Document) -> str:
    return text_of(standard.read(session, user, doc.id)[1])


@pytest.fixture()
def admin(session):
    return make_user(session, Role.ADMIN, name="王管理")


@pytest.fixture()
def unit(session):
    return make_unit(session, name=UNIT)


def _case(session, admin, unit, status, **kw):
    return case_in_status(session, status, actor=admin, unit=unit, **kw)


CASE_KINDS = {
    # kind: (status reached through the factories' path, the words the document must hold)
    K.ACCEPTANCE_NOTICE: (
        CaseStatus.HANDLING,
        ["信访事项受理告知书", "张三：", "2025年3月3日", "2025年3月5日", "60日内办结", "第二十三条", UNIT],
    ),
    K.NON_ACCEPTANCE_NOTICE: (
        CaseStatus.DECLINED,
        [
            "不予受理告知书",
            "张三：",
            "属于民事纠纷，不属信访事项",
            "向江北区人民法院起诉",
            "2025年3月5日",
            "第二十三条",
        ],
    ),
    K.FORWARDING: (
        CaseStatus.FORWARDED,
        ["信访事项转送函", f"{UNIT}：", "张三", "电梯长期故障", "15日内", "2025年3月19日"],
    ),
    K.ASSIGNMENT: (
        CaseStatus.ASSIGNED,
        ["信访事项交办函", f"{UNIT}：", "张三", "督促物业公司维修电梯", "办结报告"],
    ),
    K.REPLY_OPINION: (
        CaseStatus.REPLIED,
        [
            "信访事项处理意见书",
            "张三：",
            "督促物业公司维修电梯",
            "电梯长期故障",
            "责成物业维修",
            "处理结论：支持。",
            "30日内",
            "复查",
            "第三十五条",
            "2025年3月10日",
        ],
    ),
    K.REVIEW_OPINION: (
        CaseStatus.REVIEWED,
        ["信访事项复查意见书", "2025年3月13日", "维持", "复核", "第三十六条", "重庆市江北区信访办"],
    ),
    K.REEXAM_OPINION: (
        CaseStatus.TERMINATED,
        ["信访事项复核意见书", "2025年3月15日", "2025年3月16日", "终结意见", "不再受理"],
    ),
}


@pytest.mark.parametrize("kind", list(CASE_KINDS), ids=lambda k: k.value)
def test_each_case_document_holds_its_number_dates_parties_basis_and_rights(session, admin, unit, kind):
    status, words = CASE_KINDS[kind]
    case = _case(session, admin, unit, status)
    doc = standard.generate(session, admin, kind, case.id)
    text = rendered(session, admin, doc)
    assert doc.number == f"{case.number}-{standard.SPECS[kind].code}" and doc.revision == 1
    assert doc.number in text and case.title in text
    missing = [w for w in words if w not in text]
    assert missing == []
    assert "{{" not in text and "{%" not in text


def test_the_barred_notice_names_the_earlier_case_and_article_36(session, admin, unit):
    case = _case(session, admin, unit, CaseStatus.BARRED)
    earlier = session.get(Case, case.repeat_of_id)
    text = rendered(session, admin, standard.generate(session, admin, K.BARRED_NOTICE, case.id))
    assert "不再受理告知书" in text and earlier.number in text and "第三十六条第三款" in text


def test_the_extension_notice_gives_the_reason_the_days_and_the_new_limit(session, admin, unit):
    case = _case(session, admin, unit, CaseStatus.HANDLING)
    act(session, admin, case, "extend", **inputs("extend", START + timedelta(days=20)))
    text = rendered(session, admin, standard.generate(session, admin, K.EXTENSION_NOTICE, case.id))
    # accepted 5 March: 60 days end on 4 May (a public holiday: next working day 6 May), 15 more days: 21 May
    assert "因情况复杂" in text and "延长15日" in text and "2025年3月23日" in text
    assert f"至{case.reply_due_on.year}年{case.reply_due_on.month}月{case.reply_due_on.day}日" in text


def test_a_document_the_case_has_not_reached_is_refused_with_the_reason(session, admin, unit):
    case = _case(session, admin, unit, CaseStatus.ASSIGNED)
    with pytest.raises(ValidationError) as err:
        standard.generate(session, admin, K.REPLY_OPINION, case.id)
    assert str(err.value) == "本案当前不能生成信访处理意见书：尚未出具处理意见。"
    assert session.exec(select(Document)).all() == []


def test_the_delivery_receipt_return_date_is_the_delivery_the_rating_window_counts_from(session, admin, unit):
    case = _case(session, admin, unit, CaseStatus.HANDLING)
    act(
        session, admin, case, "reply", **(inputs("reply", START + timedelta(days=7)) | {"delivered_on": None})
    )
    opinion = standard.generate(session, admin, K.REPLY_OPINION, case.id)
    receipt = standard.generate(session, admin, K.DELIVERY_RECEIPT, case.id)
    text = rendered(session, admin, receipt)
    assert "送达回证" in text and "信访处理意见书" in text and opinion.number in text and "张三" in text
    assert "重庆市江北区建新北路1号" in text and "受送达人（签名）" in text
    standard.record_return(session, admin, receipt.id, case.version, returned_on=date(2025, 3, 12))
    session.refresh(case)
    assert case.reply_received_on == date(2025, 3, 12) and receipt.returned_on == date(2025, 3, 12)
    assert workflow.rating_window_end(case, 7) == date(2025, 3, 19)
    event = session.exec(
        select(workflow.CaseEvent).where(workflow.CaseEvent.action == "record_delivery")
    ).one()
    assert event.after == {"reply_received_on": "2025-03-12"}
    with pytest.raises(ValidationError, match="已登记收回"):
        standard.record_return(session, admin, receipt.id, case.version, returned_on=date(2025, 3, 13))


def test_regenerating_keeps_the_old_revision_under_the_same_number(session, admin, unit):
    case = _case(session, admin, unit, CaseStatus.HANDLING)
    first = standard.generate(session, admin, K.ACCEPTANCE_NOTICE, case.id)
    second = standard.generate(session, admin, K.ACCEPTANCE_NOTICE, case.id)
    docs = standard.case_documents(session, admin, case)
    assert [(d.number, d.revision) for d in docs] == [(first.number, 2), (first.number, 1)]
    assert second.id != first.id and rendered(session, admin, first) == rendered(session, admin, second)
    assert standard.filename_of(session, second) == f"受理告知书_{first.number}_v2.docx"
    events = session.exec(
        select(workflow.CaseEvent).where(workflow.CaseEvent.action == "document.generate")
        .order_by(workflow.CaseEvent.id)
    ).all()
    assert [e.after["revision"] for e in events] == [1, 2]


# --- the accuser (第30条) ----------------------------------------------------------------------------

ACCUSER, WORDS = "李检举", "挪用扶贫资金"


def _accusation(session, admin, lead):
    case = register(
        session,
        admin,
        category="accusation",
        title="反映某局干部作风问题",
        content=f"该局干部{WORDS}用于吃喝。",
        request="依纪依法查处",
        petitioners=[person_in(name=ACCUSER)],
    )
    act(session, admin, case, "assign", **inputs("assign", START + timedelta(days=1), unit_id=lead.id))
    return case


def test_a_document_to_the_accused_unit_never_names_the_accuser_nor_repeats_his_words(session, admin):
    accused = make_unit(session, name="区农业农村委")
    case = _accusation(session, admin, accused)
    letter = SupervisionLetter(
        number="江北信督〔2025〕3号", kind=LetterKind.SUPERVISION, case_id=case.id, unit_id=accused.id,
        subject="请加快办理", content="请依法依规办理。", issued_on=date(2025, 3, 20), due_on=date(2025, 4, 3),
    )  # fmt: skip
    session.add(letter)
    session.commit()
    for doc in (
        standard.generate(session, admin, K.ASSIGNMENT, case.id),
        standard.generate(session, admin, K.SUPERVISION_LETTER, letter.id),
    ):
        text = rendered(session, admin, doc)
        assert "区农业农村委：" in text and "信访人信息依法保密" in text
        assert ACCUSER not in text and WORDS not in text and "依纪依法查处" not in text
        assert doc.confidential is False


def test_the_discipline_commission_is_told_who_accuses(session, admin):
    discipline = make_unit(session, name="区纪委监委", kind=UnitKind.DISCIPLINE)
    case = _accusation(session, admin, discipline)
    doc = standard.generate(session, admin, K.ASSIGNMENT, case.id)
    text = rendered(session, admin, doc)
    assert ACCUSER in text and WORDS in text and doc.confidential is True


def test_the_petitioners_notice_of_an_accusation_is_kept_from_the_accused_units_handler(session, admin):
    accused = make_unit(session, name="区农业农村委")
    case = _accusation(session, admin, accused)
    act(session, admin, case, "accept", **inputs("accept", START + timedelta(days=2)))
    notice = standard.generate(session, admin, K.ACCEPTANCE_NOTICE, case.id)
    assert notice.confidential is True and ACCUSER in rendered(session, admin, notice)
    handler = make_user(session, Role.HANDLER, unit=accused)
    assert standard.case_documents(session, handler, case) == []
    with pytest.raises(NotFound):
        standard.read(session, handler, notice.id)
    with pytest.raises(PermissionDenied):
        standard.generate(session, handler, K.ACCEPTANCE_NOTICE, case.id)


# --- letters, agreements, spot checks ------------------------------------------------------------------

LETTERS = {
    LetterKind.SUPERVISION: ("督办函", "第三十八条"),
    LetterKind.RISK_ALERT: ("风险提示函", "第三十九条"),
    LetterKind.IMPROVEMENT: ("改进工作建议函", "第四十条"),
}


@pytest.mark.parametrize("letter_kind", list(LETTERS), ids=lambda k: k.value)
def test_each_supervision_letter_names_its_unit_number_case_and_reply_deadline(
    session, admin, unit, letter_kind
):
    case = _case(session, admin, unit, CaseStatus.HANDLING)
    letter = SupervisionLetter(
        number="江北信督〔2026〕12号", kind=letter_kind, case_id=case.id, unit_id=unit.id, subject="逾期未办结",
        content="该事项已超过办理期限。\n请立即办理。", issued_on=date(2026, 9, 14), due_on=date(2026, 9, 28),
    )  # fmt: skip
    session.add(letter)
    session.commit()
    kind = standard.LETTER_KINDS[letter_kind.value]
    doc = standard.generate(session, admin, kind, letter.id)
    text = rendered(session, admin, doc)
    title, article = LETTERS[letter_kind]
    words = [title, "江北信督〔2026〕12号", f"{UNIT}：", case.number, "张三", "逾期未办结", "请立即办理。",
             "请于2026年9月28日前", "2026年9月14日", article, "重庆市江北区信访办"]  # fmt: skip
    assert [w for w in words if w not in text] == []
    assert doc.letter_id == letter.id and doc.case_id == case.id and doc.number == letter.number
    wrong = K.RISK_ALERT if kind != K.RISK_ALERT else K.IMPROVEMENT
    with pytest.raises(ValidationError):
        standard.generate(session, admin, wrong, letter.id)


def test_the_mediation_agreement_holds_parties_terms_signatures_and_the_30_day_confirmation(session, admin):
    mediation = MediationCase(
        number="TJ-2026-000007", dispute_type="neighbour", title="邻里漏水纠纷", parties="甲方：赵一；乙方：钱二",
        status=MediationStatus.AGREED, applied_on=date(2026, 9, 1), accepted_on=date(2026, 9, 2),
    )  # fmt: skip
    mediator = Mediator(name="孙调解", organisation="观音桥街道人民调解委员会")
    session.add_all([mediation, mediator])
    session.flush()
    session.add(MediationMediator(mediation_id=mediation.id, mediator_id=mediator.id, is_lead=True))
    agreement = Agreement(
        mediation_id=mediation.id, number="JBTX〔2026〕7号", facts="乙方卫生间漏水致甲方天花板受损。",
        responsibility="乙方负主要责任。", terms="乙方赔偿甲方维修费2000元。", performance="现金一次付清",
        performance_due=date(2026, 9, 30), signed_on=date(2026, 9, 20), effective_on=date(2026, 9, 20),
    )  # fmt: skip
    session.add(agreement)
    session.commit()
    doc = standard.generate(session, admin, K.MEDIATION_AGREEMENT, agreement.id)
    text = rendered(session, admin, doc)
    words = ["人民调解协议书", "JBTX〔2026〕7号", "甲方：赵一；乙方：钱二", "TJ-2026-000007", "乙方赔偿甲方维修费2000元。",
             "乙方负主要责任。", "2026年9月30日前", "人民调解员（签名）：孙调解", "观音桥街道人民调解委员会",
             "30日内共同向人民法院申请司法确认", "第三十三条", "2026年9月20日"]  # fmt: skip
    assert [w for w in words if w not in text] == []
    assert doc.mediation_id == mediation.id
    sitting, other = make_user(session, Role.MEDIATOR), make_user(session, Role.MEDIATOR)
    mediator.user_id = sitting.id
    session.add(Mediator(name="周调解", user_id=other.id))
    session.commit()
    assert standard.generate(session, sitting, K.MEDIATION_AGREEMENT, agreement.id).revision == 2
    assert standard.read(session, sitting, doc.id)[0].id == doc.id
    with pytest.raises(NotFound):  # a mediator who does not sit on it neither sees nor makes its agreement
        standard.read(session, other, doc.id)
    with pytest.raises(NotFound):
        standard.generate(session, other, K.MEDIATION_AGREEMENT, agreement.id)


def test_the_rectification_notice_lists_the_units_failed_cases_and_the_deadline(session, admin, unit):
    other = make_unit(session, name="区市场监管局")
    cases = [_case(session, admin, unit, CaseStatus.HANDLING) for _ in range(3)]
    theirs = _case(session, admin, other, CaseStatus.HANDLING)
    check = SpotCheck(
        number="江北信抽〔2026〕3号", period_from=date(2026, 7, 1), period_to=date(2026, 9, 30), sample_size=4,
        seed=20260930, drawn_on=date(2026, 10, 8),
    )  # fmt: skip
    session.add(check)
    session.flush()
    rows = [
        SpotCheckItem(spot_check_id=check.id, case_id=cases[0].id, passed=False, findings="未记录三见面",
                      rectification_due=date(2026, 10, 31)),
        SpotCheckItem(spot_check_id=check.id, case_id=cases[1].id, passed=True),
        SpotCheckItem(spot_check_id=check.id, case_id=cases[2].id, passed=False, findings="受理告知书超期",
                      rectification_due=date(2026, 10, 24)),
        SpotCheckItem(spot_check_id=check.id, case_id=theirs.id, passed=False, findings="别家的问题"),
    ]  # fmt: skip
    session.add_all(rows)
    session.commit()
    doc = standard.generate(session, admin, K.RECTIFICATION, check.id, unit_id=unit.id)
    text = rendered(session, admin, doc)
    words = ["整改通知书", f"{UNIT}：", "江北信抽〔2026〕3号", "以下2件", cases[0].number, "未记录三见面",
             cases[2].number, "受理告知书超期", "请于2026年10月24日前完成整改", "2026年7月1日至2026年9月30日"]  # fmt: skip
    assert [w for w in words if w not in text] == []
    assert cases[1].number not in text and "别家的问题" not in text
    assert doc.spot_check_id == check.id and doc.unit_id == unit.id
    with pytest.raises(ValidationError, match="没有需要整改"):
        standard.generate(session, admin, K.RECTIFICATION, check.id, unit_id=make_unit(session).id)


# --- templates -----------------------------------------------------------------------------------------


def _template_with(text: str) -> bytes:
    doc = Docx()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_template_naming_a_field_that_does_not_exist_is_refused_with_its_name(session, admin):
    bad = _template_with("{{ title }} {{ case_number }} {{ petitioner_phone }} {{ accepted_on }}")
    with pytest.raises(ValidationError) as err:
        standard.upload_template(session, admin, K.ACCEPTANCE_NOTICE, "受理.docx", bad)
    assert str(err.value) == "模板引用了不存在的字段：petitioner_phone。"
    assert err.value.errors == {"template": str(err.value)}
    with pytest.raises(ValidationError, match="请上传 .docx"):
        standard.upload_template(session, admin, K.ACCEPTANCE_NOTICE, "x.docx", b"not a word file")


def test_an_uploaded_template_serves_the_next_document_and_only_an_administrator_may_upload(
    session, admin, unit
):
    good = _template_with("自定义受理通知 {{ doc_number }} {{ petitioner }} {{ accepted_on }}")
    with pytest.raises(PermissionDenied):
        standard.upload_template(
            session, make_user(session, Role.REGISTRAR), K.ACCEPTANCE_NOTICE, "a.docx", good
        )
    standard.upload_template(session, admin, K.ACCEPTANCE_NOTICE, "a.docx", good)
    case = _case(session, admin, unit, CaseStatus.HANDLING)
    text = rendered(session, admin, standard.generate(session, admin, K.ACCEPTANCE_NOTICE, case.id))
    assert text.strip() == f"自定义受理通知 {case.number}-SL 张三 2025年3月5日"


@pytest.mark.parametrize("kind", list(K), ids=lambda k: k.value)
def test_every_builtin_template_uses_only_its_kinds_fields(kind):
    assert standard.template_problem(kind, standard.builtin_template(kind).read_bytes()) is None


# --- batch printing ------------------------------------------------------------------------------------


def test_all_acceptance_notices_of_a_day_print_as_one_document(session, admin, unit):
    day = START + timedelta(days=2)
    cases = [_case(session, admin, unit, CaseStatus.HANDLING) for _ in range(3)]
    other_day = register(session, admin)
    act(session, admin, other_day, "assign", **inputs("assign", day, unit_id=unit.id))
    act(session, admin, other_day, "accept", **inputs("accept", day + timedelta(days=1)))
    standard.generate(session, admin, K.ACCEPTANCE_NOTICE, cases[0].id)
    data, n = standard.batch_acceptance_notices(session, admin, day)
    text = text_of(data)
    assert n == 3 and text.count("信访事项受理告知书") == 3
    assert all(c.number in text for c in cases) and other_day.number not in text
    stored = session.exec(select(Document).where(Document.kind == K.ACCEPTANCE_NOTICE)).all()
    assert sorted(d.case_id for d in stored) == sorted(c.id for c in cases)  # none regenerated
    with pytest.raises(ValidationError, match="没有受理的信访事项"):
        standard.batch_acceptance_notices(session, admin, date(2025, 1, 1))


def test_a_letter_about_several_cases_names_each_and_its_policy_area(session, admin, unit):
    first, second = (_case(session, admin, unit, CaseStatus.HANDLING) for _ in range(2))
    letter = SupervisionLetter(
        number="江北信建〔2026〕2号", kind=LetterKind.IMPROVEMENT, case_id=first.id, unit_id=unit.id,
        subject="完善物业维修资金使用", content="建议完善维修资金应急使用程序。", issued_on=date(2026, 9, 14),
        policy_area="住宅专项维修资金",
    )  # fmt: skip
    session.add(letter)
    session.flush()
    session.add_all(SupervisionLetterCase(letter_id=letter.id, case_id=c.id) for c in (first, second))
    session.commit()
    text = rendered(session, admin, standard.generate(session, admin, K.IMPROVEMENT, letter.id))
    assert "关于住宅专项维修资金：" in text and first.number in text and second.number in text
    assert "请于" not in text  # no reply deadline on this letter


def test_the_rectification_notice_carries_the_number_supervision_gave_it(session, admin, unit):
    case = _case(session, admin, unit, CaseStatus.HANDLING)
    check = SpotCheck(number="江北信抽〔2026〕4号", period_from=date(2026, 7, 1), period_to=date(2026, 9, 30),
                      sample_size=1, seed=7, drawn_on=date(2026, 10, 8))  # fmt: skip
    session.add(check)
    session.flush()
    session.add(SpotCheckItem(spot_check_id=check.id, case_id=case.id, passed=False, findings="未记录三见面",
                              notice_number="江北信整〔2026〕9号", notified_on=date(2026, 10, 12),
                              rectification_due=date(2026, 10, 26)))  # fmt: skip
    session.commit()
    doc = standard.generate(session, admin, K.RECTIFICATION, check.id, unit_id=unit.id)
    text = rendered(session, admin, doc)
    assert doc.number == "江北信整〔2026〕9号" and "2026年10月12日" in text and "2026年10月26日前" in text


def test_concurrent_regenerations_never_share_a_revision(engine, session, admin, unit):
    case = _case(session, admin, unit, CaseStatus.HANDLING)

    def attempt(own, i):
        try:
            return standard.generate(own, admin, K.ACCEPTANCE_NOTICE, case.id).revision
        except StaleVersion as exc:
            return str(exc)

    answers = concurrently(engine, attempt, times=6)
    made = sorted(a for a in answers if isinstance(a, int))
    refused = [a for a in answers if not isinstance(a, int)]
    assert made == list(range(1, len(made) + 1)) and made
    assert set(refused) <= {"他人刚刚生成了同一文书，请刷新后重试。"}
    stored = session.exec(select(Document.revision).where(Document.case_id == case.id)).all()
    assert sorted(stored) == made
