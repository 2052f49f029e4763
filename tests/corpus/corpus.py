"""Reading the hostile-input corpus (tests/corpus/*.jsonl, written by tests/corpus/build.py) and what the
runners share: a valid petition to put each entry into, and the row counts that show nothing was half-written."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from models import Attachment, Case, CaseEvent, CaseParty, Person

HERE = Path(__file__).parent
GOOD_ID = "11010519491231002X"  # DOMAIN.md §2
VALID = {
    "channel": "visit",
    "received_on": "2025-03-03",
    "subject": "property_management",
    "title": "小区电梯长期故障",
    "content": "电梯停运三个月，物业不维修。",
    "petitioners": [
        {"name": "王建国", "id_number": GOOD_ID, "phone": "13812341234", "address": "江北区建新北路1号"}
    ],
}


def entries(name: str) -> list[dict]:
    """Return the entries of tests/corpus/<name>.jsonl, texts given as a repeat spelled out."""
    rows = []
    for line in (HERE / f"{name}.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        if "repeat" in row:
            unit, times = row.pop("repeat")
            row["text"] = unit * times
        rows.append(row)
    return rows


def ids(rows: list[dict]) -> list[str]:
    return [row.get("id") or row.get("file") for row in rows]


def counts(engine: sa.Engine) -> dict[str, int]:
    """Return the rows of every table a registration writes to."""
    with engine.connect() as conn:
        return {
            model.__tablename__: conn.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
            for model in (Case, CaseEvent, CaseParty, Person, Attachment)
        }
