"""Importing a case ledger: Chinese headers in GBK CSV and .xlsx, a report of every bad row, all or nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import select

from core.cases.registration import check_query_code
from core.exchange import ledger, mapping
from core.platform.errors import PermissionDenied, ValidationError
from models import Case, CaseEvent, CaseParty, CaseStatus, CaseUnit, Person, Role, Setting
from tests.exchange.ledgers import HEADER, closed_row, write_csv, write_xlsx
from tests.factories import id_number, make_unit, make_user, register


def counts(session) -> dict[str, int]:
    session.expire_all()
    return {
        name: session.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar()
        for name in ("case", "person", "case_party", "case_unit", "case_event", "setting")
    }


def run(session, actor, path, **kwargs):
    prepared = ledger.prepare(session, actor, path, **kwargs)
    assert prepared.errors == []
    return prepared, ledger.commit(session, actor, prepared)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_a_csv_ledger_with_chinese_headers_imports_in_any_of_its_encodings(session, tmp_path, encoding):
    unit = make_unit(session, name="区住房城乡建委")
    registrar = make_user(session, Role.REGISTRAR)
    path = write_csv(tmp_path / "台账.csv", [closed_row(1, unit=unit.name), closed_row(2)], encoding=encoding)

    prepared, done = run(session, registrar, path)

    assert (prepared.total, prepared.valid, prepared.existing, prepared.open) == (2, 2, 0, 0)
    assert prepared.encoding == {"gbk": "gb18030"}.get(encoding, encoding)
    assert (done.created, done.skipped, done.query_codes) == (2, 0, [])
    first, second = session.exec(select(Case).order_by(Case.number)).all()
    assert (first.number, first.external_id) == ("JB-2024-000001", "TZ-2024-00001")
    assert second.number == "JB-2024-000002"
    assert first.status == CaseStatus.CLOSED and first.query_code_hash is None  # no code for a closed case
    assert (first.received_on, first.accepted_on, first.replied_on, first.closed_on) == (
        date(2024, 3, 4), date(2024, 3, 5), date(2024, 4, 20), date(2024, 5, 10),
    )  # fmt: skip
    assert first.subject == "property_management" and first.channel == "visit"  # 来访日期: a visit ledger
    assert first.lead_unit_id == unit.id and second.lead_unit_id is None
    # the clock's kept deadlines: unit received 4 March + 15 days; accepted 5 March + 60 days = Saturday
    # 4 May, in the May Day holiday, so Monday 6 May
    assert (first.acceptance_due_on, first.reply_due_on) == (date(2024, 3, 19), date(2024, 5, 6))
    assert first.stage is None and first.due_on is None
    person = session.get(
        Person, session.exec(select(CaseParty.person_id).where(CaseParty.case_id == first.id)).one()
    )
    assert (person.name, person.phone) == ("李四", "13900000001")
    unit_row = session.exec(select(CaseUnit).where(CaseUnit.case_id == first.id)).one()
    assert (unit_row.unit_id, unit_row.role, unit_row.assigned_on) == (unit.id, "lead", date(2024, 3, 4))
    event = session.exec(select(CaseEvent).where(CaseEvent.case_id == first.id)).one()
    assert (event.action, event.actor_id, event.after["external_id"]) == (
        "import",
        registrar.id,
        "TZ-2024-00001",
    )


def test_an_xlsx_ledger_with_date_cells_imports_and_open_cases_get_a_query_code(session, tmp_path):
    unit = make_unit(session, name="区人力社保局")
    admin = make_user(session, Role.ADMIN)
    rows = [
        [n, "王五", id_number(seq=7), "023-67512345", date(2026, 7, 1), "物业纠纷", "电梯故障", unit.name,
         "办理中", date(2026, 7, 6), None, None]
        for n in (9001,)
    ] + [closed_row(3)]  # fmt: skip
    path = write_xlsx(tmp_path / "ledger.xlsx", rows)

    prepared, done = run(session, admin, path)

    assert (prepared.total, prepared.valid, prepared.open) == (2, 2, 1)
    open_case = session.exec(select(Case).where(Case.external_id == "9001")).one()  # a number cell, as digits
    assert open_case.number == "JB-2026-000001"
    assert open_case.status == CaseStatus.HANDLING and open_case.stage == "handling"
    assert open_case.due_on == date(2026, 9, 4)  # accepted Monday 6 July + 60 days: Friday 4 September
    [(number, external_id, code)] = done.query_codes
    assert (number, external_id) == ("JB-2026-000001", "9001")
    assert check_query_code(code, open_case.query_code_hash)
    sheet = load_workbook(io.BytesIO(ledger.query_code_sheet(done))).active
    assert [c.value for c in sheet[2]] == ["JB-2026-000001", "9001", code]


def test_every_bad_row_is_reported_with_its_row_column_and_reason_and_nothing_is_stored(session, tmp_path):
    registrar = make_user(session, Role.REGISTRAR)
    register(session, registrar)  # a case registered at intake stays as it is
    before = counts(session)
    good = closed_row(1)
    bad_id = closed_row(2)
    bad_id[2] = bad_id[2][:17] + ("0" if bad_id[2][17] != "0" else "1")  # a wrong check digit
    bad_date = closed_row(3)
    bad_date[4] = "2024-13-40"
    unknown = closed_row(4)
    unknown[5] = "外星人入侵"
    early = closed_row(5)
    early[11] = "2024-04-01"  # closed before it was replied
    path = write_csv(tmp_path / "bad.csv", [good, bad_id, bad_date, unknown, early])

    prepared = ledger.prepare(session, registrar, path)

    found = {(e.row, e.column): e for e in prepared.errors}
    assert set(found) == {(3, "身份证号"), (4, "来访日期"), (5, "问题类别"), (6, "办结日期")}
    assert found[(3, "身份证号")].reason == "身份证号码校验位不符，请逐位核对。"
    assert found[(5, "问题类别")].reason == "没有名为“外星人入侵”的问题类别。"
    assert found[(6, "办结日期")].reason == "办结日期不能早于答复日期（2024-04-20）。"
    assert found[(4, "来访日期")].value == "2024-13-40"
    assert (prepared.total, prepared.valid, prepared.bad_rows) == (5, 1, 4)
    with pytest.raises(ValidationError) as exc:
        ledger.commit(session, registrar, prepared)
    assert exc.value.message == "台账中有4行有错误：修改后重新检查，全部正确才能导入。"
    assert counts(session) == before
    sheet = load_workbook(io.BytesIO(ledger.error_report(prepared))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["行号", "列", "内容", "原因"]
    assert [r[:2] for r in rows[1:]] == [[3, "身份证号"], [4, "来访日期"], [5, "问题类别"], [6, "办结日期"]]


def test_importing_the_same_ledger_again_changes_nothing(session, tmp_path):
    registrar = make_user(session, Role.REGISTRAR)
    no_number = closed_row(8)
    no_number[0] = ""  # a ledger row without a number is known again by its content
    path = write_csv(tmp_path / "a.csv", [closed_row(1), closed_row(2), no_number])
    run(session, registrar, path)
    after_first = counts(session)

    prepared = ledger.prepare(session, registrar, path)
    done = ledger.commit(session, registrar, prepared)

    assert (prepared.valid, prepared.existing) == (0, 3)
    assert done.created == 0 and done.skipped == 3
    after_first["case_event"] += 1  # the second import's own audit event, nothing else
    assert counts(session) == after_first


def test_a_row_twice_in_one_ledger_is_a_bad_row(session, tmp_path):
    registrar = make_user(session, Role.REGISTRAR)
    path = write_csv(tmp_path / "dup.csv", [closed_row(1), closed_row(1)])
    prepared = ledger.prepare(session, registrar, path)
    assert [(e.row, e.column, e.reason) for e in prepared.errors] == [
        (3, "编号", "与第2行是同一件（台账编号或内容相同）。")
    ]


def test_a_confirmed_mapping_is_remembered_by_its_header_set(session, tmp_path):
    registrar = make_user(session, Role.REGISTRAR)
    header = ["件号X", *HEADER[1:]]  # an office's own name for its number column
    path = write_csv(tmp_path / "own.csv", [closed_row(1)], header=header)
    assert "件号X" not in mapping.suggest(session, header)
    chosen = mapping.recognise(header) | {"件号X": "external_id"}
    run(session, registrar, path, mapping=chosen)
    assert session.get(Setting, mapping.header_key(header)) is not None
    assert mapping.suggest(session, list(reversed(header)))["件号X"] == "external_id"  # order does not matter


def test_a_mapping_without_the_date_column_is_refused_naming_it(session, tmp_path):
    registrar = make_user(session, Role.REGISTRAR)
    path = write_csv(tmp_path / "a.csv", [closed_row(1)])
    chosen = {h: f for h, f in mapping.recognise(HEADER).items() if f != "received_on"}
    with pytest.raises(ValidationError) as exc:
        ledger.prepare(session, registrar, path, mapping=chosen)
    assert exc.value.message == "必须为以下字段选择列：来访日期。"


def test_a_handler_may_not_import(session, tmp_path):
    handler = make_user(session, Role.HANDLER)
    path = write_csv(tmp_path / "a.csv", [closed_row(1)])
    with pytest.raises(PermissionDenied):
        ledger.prepare(session, handler, path)


def test_a_file_in_another_encoding_or_kind_is_refused_clearly(session, tmp_path):
    registrar = make_user(session, Role.REGISTRAR)
    bad = tmp_path / "a.csv"
    bad.write_bytes(b"\xff\xfe" + "编号".encode("utf-16-le") + b"\x00\xd8\x00\xdc\xff\xff")
    with pytest.raises(ValidationError) as exc:
        ledger.prepare(session, registrar, bad)
    assert "编码" in exc.value.message
    other = tmp_path / "a.xls"
    other.write_bytes(b"x")
    with pytest.raises(ValidationError) as exc:
        ledger.prepare(session, registrar, other)
    assert exc.value.message == "只能导入 .xlsx 或 .csv 文件。"
