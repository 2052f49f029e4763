"""Spreadsheet files (.xlsx, .csv) from user data: every string stays text, never a formula a sheet would run.

OWASP's CSV-injection advice: a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
a formula to Excel and LibreOffice. In .xlsx such a cell is written as a string cell with the "quote prefix"
style (Excel's leading apostrophe: shown as text, kept as text when edited), so the value reads back exactly;
in .csv, which has no types, the text gets a leading apostrophe. Characters a worksheet cannot hold (C0
controls other than tab, newline and carriage return; lone surrogates) are dropped from rows already stored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SHEET_TITLE_MAX = 31  # Excel's limit on a sheet name


def clean(text: str) -> str:
    """Return `text` without the characters a worksheet refuses (openpyxl's IllegalCharacterError)."""
    return _UNWRITABLE.sub("", text)


def is_formula_like(text: str) -> bool:
    """Return whether a spreadsheet would read `text` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def csv_text(value) -> str:
    """Return one CSV field: text cleaned, a formula trigger neutralised by a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    text = clean(str(value))
    return "'" + text if is_formula_like(text) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """Return a UTF-8 CSV (with a byte-order mark, so Excel reads Chinese) of the header and rows."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([csv_text(h) for h in header])
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class XlsxSheet:
    """One write-only worksheet whose strings are always text cells; `save()` returns the workbook."""

    def __init__(self, title: str, header: Sequence[str]):
        from openpyxl import Workbook

        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(clean(title)[:SHEET_TITLE_MAX] or "Sheet")
        self.append(header)

    def _cell(self, value):
        from openpyxl.cell import WriteOnlyCell

        if not isinstance(value, str):
            return value  # numbers, dates and None keep their type
        cell = WriteOnlyCell(self._sheet, value=clean(value))
        cell.data_type = "s"  # openpyxl would type "=…" as a formula and "#N/A" as an error
        if is_formula_like(cell.value):
            cell.quotePrefix = True
        return cell

    def append(self, values: Iterable) -> None:
        """Add one row."""
        self._sheet.append([self._cell(v) for v in values])

    def save(self) -> bytes:
        """Return the .xlsx file."""
        out = io.BytesIO()
        self._book.save(out)
        return out.getvalue()
