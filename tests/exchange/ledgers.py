"""Ledger files as offices send them: Chinese headers, GBK CSV or .xlsx."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.factories import id_number

HEADER = ["编号", "信访人", "身份证号", "联系电话", "来访日期", "问题类别", "主要内容", "责任单位", "办理状态",
          "受理日期", "答复日期", "办结日期"]  # fmt: skip


def closed_row(n: int, *, unit: str = "") -> list[str]:
    """A case closed in 2024 (received 3 March, accepted 5 March, replied 20 April, closed 10 May)."""
    return [f"TZ-2024-{n:05d}", "李四", id_number(seq=n % 1000), f"139{n:08d}", "2024-03-04", "物业纠纷",
            "小区电梯长期故障，物业拒不维修。", unit, "已办结", "2024/3/5", "2024年4月20日", "2024-05-10"]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "gbk", header=HEADER) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], *, header=HEADER) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path
