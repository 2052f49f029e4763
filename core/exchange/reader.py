"""Reading a ledger file row by row: .xlsx through calamine, .csv in UTF-8 (with or without BOM) or GB18030.

GB18030 is a superset of GBK and GB2312, so one decoder reads what Excel on a Chinese Windows saves.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from core.platform.errors import ValidationError
from i18n import t

SNIFF_BYTES = 256 * 1024
SUFFIXES = (".xlsx", ".csv")


def detect_encoding(head: bytes) -> str:
    """Return the codec of a CSV file from its first bytes: utf-8-sig, utf-8 or gb18030."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut multi-byte tail is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise ValidationError(t("exchange.error.encoding"), field="file") from None


@dataclass
class Ledger:
    """An open ledger file: its header, its encoding (CSV) and an iterator of its data rows."""

    header: list[str]
    rows: Iterator[list]  # each a list of cell values (str, date, datetime, int, float or None)
    encoding: str | None
    total: int | None  # data rows, when the reader knows it without reading them (xlsx)
    first_row: int = 2  # the sheet's row number of the first data row


def _cell(value) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # an ID or phone typed as a number comes back as 1.3812345678e10
    return value


def _header(values: list) -> list[str]:
    return ["" if v is None else str(v).strip().replace("\n", "") for v in values]


def open_ledger(path: Path, filename: str | None = None) -> Ledger:
    """Open a ledger file by its name's suffix; a file of another kind or encoding is refused."""
    suffix = Path(filename or path.name).suffix.lower()
    if suffix == ".csv":
        return _open_csv(path)
    if suffix == ".xlsx":
        return _open_xlsx(path)
    raise ValidationError(t("exchange.error.file_kind"), field="file")


def _open_csv(path: Path) -> Ledger:
    with path.open("rb") as fh:
        encoding = detect_encoding(fh.read(SNIFF_BYTES))
    fh = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(fh)
    try:
        header = _header(next(reader, []))
    except (UnicodeDecodeError, csv.Error):
        fh.close()
        raise ValidationError(t("exchange.error.encoding"), field="file") from None

    def rows() -> Iterator[list]:
        try:
            for raw in reader:
                yield [_cell(v) for v in raw]
        except UnicodeDecodeError:
            raise ValidationError(
                t("exchange.error.encoding_at", row=reader.line_num + 1), field="file"
            ) from None
        finally:
            fh.close()

    return Ledger(header, rows(), encoding, None)


def _open_xlsx(path: Path) -> Ledger:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
    except Exception:  # calamine raises its own error kinds for a damaged or non-xlsx file
        raise ValidationError(t("exchange.error.unreadable"), field="file") from None
    it = iter(sheet.iter_rows())
    header = _header(next(it, []))

    def rows() -> Iterator[list]:
        for raw in it:
            yield [_cell(v) for v in raw]

    return Ledger(header, rows(), None, max(sheet.height - 1, 0))


def parse_date(value) -> date | None:
    """Return a ledger's date cell as a date: a sheet date, 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    if text.isdigit() and len(text) == 8:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    for sep in ("年", "月"):
        text = text.replace(sep, "-")
    text = text.rstrip("日").replace("/", "-").replace(".", "-").split(" ")[0].split("T")[0]
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def text_of(value) -> str | None:
    """Return a cell as text (a number cell as its digits)."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip() or None
