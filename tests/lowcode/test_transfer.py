"""Import and export through the spec: .xlsx and .csv in UTF-8, UTF-8 with BOM and GBK, Chinese headers."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlmodel import func, select

from lowcode import query, transfer
from lowcode.tables import COMMUNITIES, GRIDS, REGISTRY, UNITS
from models import CaseEvent, Community, Grid, Street
from tests.lowcode.conftest import xlsx


def _csv(rows: list[list], encoding: str) -> bytes:
    return "\n".join(",".join(str(v) for v in row) for row in rows).encode(encoding)


def _import(session, user, spec, data: bytes, name: str, commit: bool):
    report, _ = transfer.import_file(session, REGISTRY, spec, user, data, name, commit=commit)
    return report


def test_the_export_has_chinese_headers_codes_for_foreign_keys_and_their_names(session, admin, district):
    data, rows = transfer.export_file(session, REGISTRY, GRIDS, admin, query.ListState(sort="code"), "xlsx")
    sheet = list(load_workbook(io.BytesIO(data)).active.values)
    assert rows == 5
    assert sheet[0] == ("网格编码", "网格名称", "所属社区/村", "所属社区/村（名称，导入时忽略）", "启用")
    assert sheet[1] == ("500105006001001", "第1网格", "500105006001", "观音桥街道 › 建新北路社区", "是")
    audit = session.exec(select(CaseEvent).where(CaseEvent.action == "grid.export")).one()
    assert audit.after == {"rows": 5, "filter": {"sort": "code"}}


def test_an_export_reimported_changes_nothing(session, admin, district):
    data, _ = transfer.export_file(session, REGISTRY, UNITS, admin, query.ListState(), "xlsx")
    report = _import(session, admin, UNITS, data, "units.xlsx", commit=True)
    assert (report.created, report.updated, report.unchanged, report.committed) == (0, 0, 3, False)


def test_csv_in_utf8_with_and_without_bom_and_in_gbk_reads_the_same(session, admin, district):
    rows = [
        ["单位编码", "单位全称", "简称", "单位类型", "上级单位"],
        ["CGJ", "重庆市江北区城市管理局", "区城管局", "区级部门", "ZJW"],
    ]
    for encoding in ("utf-8", "utf-8-sig", "gbk"):
        parsed = transfer.parse(session, REGISTRY, UNITS, _csv(rows, encoding), "units.csv")
        assert parsed.errors == [], encoding
        assert parsed.encoding == encoding
        assert parsed.rows == [
            (
                2,
                {
                    "code": "CGJ",
                    "name": "重庆市江北区城市管理局",
                    "short_name": "区城管局",
                    "kind": "department",
                    "parent_id": district.units["ZJW"].id,
                },
            )
        ]


def test_english_headers_names_instead_of_codes_and_excel_numbers_are_read(session, admin, district):
    rows = [
        ["Division code", "Community/village name", "Kind", "Street/town", "Active", "备注"],
        [500105006002, "建新南路社区", "Community", "观音桥街道", "yes", "ignored"],
    ]
    parsed = transfer.parse(session, REGISTRY, COMMUNITIES, xlsx(rows), "c.xlsx")
    assert parsed.errors == [] and parsed.ignored == ["备注"]
    assert parsed.rows == [
        (
            2,
            {
                "code": "500105006002",
                "name": "建新南路社区",
                "kind": "community",
                "street_id": district.streets[0].id,
                "active": True,
            },
        )
    ]


def test_a_dry_run_lists_every_bad_row_with_its_number_column_and_reason(session, admin, district):
    rows = [
        ["网格编码", "网格名称", "所属社区/村"],
        ["500105006001003", "第3网格", "建新北路社区"],  # fine: a unique community name
        ["500105006001004", "", "500105006001"],  # no name
        ["500105006009001", "第1网格", "不存在社区"],  # no such community
        ["500105006001003", "又一个", "500105006001"],  # row 2's code again
        ["500105006001009", "第2网格", "太洪村"],  # a 建新北路 code under 太洪村
    ]
    report = _import(session, admin, GRIDS, xlsx(rows), "grids.xlsx", commit=True)
    assert [(e.row, e.field, e.message) for e in report.errors] == [
        (3, "name", "必填。"),
        (4, "community_id", "找不到编码或名称为“不存在社区”的记录。"),
        (5, "code", "与第 2 行重复。"),
        (6, "code", "编码应以上级编码 500105100201 开头。"),
    ]
    assert (report.created, report.committed) == (1, False)  # row 2 would be added; nothing was
    assert session.exec(select(func.count()).select_from(Grid)).one() == 5


def test_a_missing_key_column_or_an_unreadable_file_is_said_once(session, admin, district):
    report = _import(session, admin, GRIDS, _csv([["网格名称"], ["第9网格"]], "utf-8"), "g.csv", commit=False)
    assert [(e.row, e.field, e.message) for e in report.errors] == [
        (1, "code", "缺少这一列（按它判断新增还是更新）。")
    ]
    report = _import(session, admin, GRIDS, b"PK\x03\x04 not a workbook", "g.xlsx", commit=False)
    assert [e.message for e in report.errors] == ["无法读取该文件，请上传 .xlsx 或 .csv 文件。"]


def test_702_grids_load_from_one_sheet_and_loading_it_again_changes_nothing(session, admin):
    session.add(Street(code="500105006", name="观音桥街道"))
    session.flush()
    street = session.exec(select(Street)).one()
    communities = [
        Community(code=f"500105006{i:03d}", name=f"第{i}社区", street_id=street.id) for i in range(1, 19)
    ]
    session.add_all(communities)
    session.commit()
    rows = [["网格编码", "网格名称", "所属社区/村"]]
    for i in range(702):  # 18 communities x 39 grids = 702
        community = communities[i // 39]
        rows.append(
            [f"{community.code}{i % 39 + 1:03d}", f"{community.name}第{i % 39 + 1}网格", community.code]
        )
    data = xlsx(rows)
    report = _import(session, admin, GRIDS, data, "grids.xlsx", commit=True)
    assert (report.created, report.errors, report.committed) == (702, [], True)
    assert session.exec(select(func.count()).select_from(Grid)).one() == 702
    again = _import(session, admin, GRIDS, data, "grids.xlsx", commit=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 702)
    assert len(session.exec(select(CaseEvent).where(CaseEvent.action == "grid.import")).all()) == 1


def test_an_export_writes_text_a_spreadsheet_will_not_run(session, admin, district):
    unit = district.units["WYGL"]
    unit.short_name = '=HYPERLINK("http://x")\x07'
    session.add(unit)
    session.commit()
    data, _ = transfer.export_file(session, REGISTRY, UNITS, admin, query.ListState(q="WYGL"), "csv")
    text = data.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://x"")"' in text and "\x07" not in text
    book, _ = transfer.export_file(session, REGISTRY, UNITS, admin, query.ListState(q="WYGL"), "xlsx")
    cell = load_workbook(io.BytesIO(book)).active["C2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x")', "s", True)
    unit.short_name = '=HYPERLINK("http://x")'  # what an import of either file leaves
    session.add(unit)
    session.commit()
    for name, file in (("units.csv", data), ("units.xlsx", book)):
        report = _import(session, admin, UNITS, file, name, commit=False)
        assert (report.errors, report.unchanged, report.updated) == ([], 1, 0), name  # the one row exported
