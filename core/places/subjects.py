"""Subjects (事项类别): the table behind intake's subject picker, seeded from reference.SUBJECTS.

Cases store a subject's key, so keys never change once created; a subject no longer used is deactivated,
which keeps the cases that name it readable. The table's names are the labels `i18n.label("subject", key)`
shows, once this process has read them (the catalog's enum.subject labels answer before that).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

import i18n
from core.places import places
from core.places.reference import SUBJECTS
from core.platform import rules
from i18n import t
from models import Case, Category, Route, Subject

_names: dict[str, tuple[str, str | None]] = {}  # key -> (name, English name), as last read


def _label(key: str, language: str) -> str | None:
    found = _names.get(key)
    if found is None:
        return None
    return (found[1] or found[0]) if language == "en" else found[0]


i18n.set_label_source("subject", _label)


def _load(session: Session, active_only: bool) -> list[str]:
    stmt = select(Subject.key, Subject.name, Subject.name_en, Subject.active).order_by(
        Subject.sort_order, Subject.id
    )
    rows = session.exec(stmt).all()
    _names.update({key: (name, name_en) for key, name, name_en, _ in rows})
    return [key for key, _, _, active in rows if active or not active_only]


def active_keys(session: Session) -> tuple[str, ...]:
    """Return the keys of the active subjects, in the administrator's order (cached like the other lists)."""
    return places.cached(session, "subjects", True, lambda: _load(session, True))


def all_keys(session: Session) -> tuple[str, ...]:
    """Return every subject's key, deactivated ones too (old cases name them), in the administrator's order."""
    return places.cached(session, "subjects", False, lambda: _load(session, False))


def is_active(session: Session, key: str | None) -> bool:
    """Return whether `key` names an active subject (what intake may register)."""
    return key in active_keys(session)


def defaults(session: Session, key: str) -> tuple[Category, Route] | None:
    """Return the legal category and route intake starts with for a subject, or None for an unknown key."""
    row = session.exec(select(Subject.category, Subject.route).where(Subject.key == key)).first()
    return (Category(row[0]), Route(row[1])) if row else None


def ensure_seeded(session: Session) -> int:
    """Fill an empty subject table from reference.SUBJECTS with the catalog's names; return rows added."""
    if session.exec(select(Subject.id).limit(1)).first() is not None:
        return 0
    session.add_all(
        Subject(
            key=key,
            name=t(f"enum.subject.{key}", "zh_CN"),
            name_en=t(f"enum.subject.{key}", "en"),
            category=Category.ACCUSATION if key == "discipline" else Category.COMPLAINT,
            sort_order=(i + 1) * 10,
        )
        for i, key in enumerate(SUBJECTS)
    )
    session.commit()
    places.invalidate()
    return len(SUBJECTS)


def _forget(_session: Session, _actor, _change: rules.Change) -> None:
    places.invalidate()
    _names.clear()


def _cases_naming(session: Session, pk: int) -> list[tuple[str, int]]:
    """Cases store the key, not the id: count them as references of the subject."""
    key = session.execute(sa.select(Subject.key).where(Subject.id == pk)).scalar_one()
    hits = sa.select(Case.id).where(Case.subject == key).limit(rules.REFERENCE_CAP + 1).subquery()
    n = session.execute(sa.select(sa.func.count()).select_from(hits)).scalar_one()
    return [("case", n)] if n else []


RULES = rules.Rules(
    model=Subject,
    permission="reference.edit",
    natural_key=("key",),
    fields=("key", "name", "name_en", "category", "route", "sort_order", "active"),
    create_only=("key",),
    changed=_forget,
    referenced_by=_cases_naming,
)
