"""A mediator's specialties are subject keys (core.places.subjects); a mediation case's dispute type names one.

A referred case's dispute type is its petition's subject key; a dispute brought straight to the centre names
its type in words (物业纠纷), which the common types below turn into the subject a mediator is good at.
"""

from __future__ import annotations

from i18n import label

DISPUTE_SUBJECT = {
    "邻里纠纷": "neighbour_dispute",
    "婚姻家庭纠纷": "family_dispute",
    "物业纠纷": "property_management",
    "劳动争议": "labour_wages",
    "消费纠纷": "market_regulation",
    "征地拆迁纠纷": "land_requisition",
}


def keys_of(specialties: str | None) -> list[str]:
    """Return a roster row's specialties as a list of subject keys: "a,b" -> ["a", "b"]."""
    return [k.strip() for k in (specialties or "").split(",") if k.strip()]


def join_keys(keys) -> str | None:
    """Return subject keys as the roster stores them, in one spelling: ["b", "a", "b"] -> "a,b"."""
    found = sorted({str(k).strip() for k in keys or () if str(k).strip()})
    return ",".join(found) or None


def subject_of(dispute_type: str | None, known: set[str]) -> str | None:
    """Return the subject key a dispute type stands for, or None when it names no known subject."""
    value = (dispute_type or "").strip()
    if value in known:
        return value
    return DISPUTE_SUBJECT.get(value)


def dispute_label(dispute_type: str | None) -> str:
    """Return a dispute type in words: a referred case's subject key by its name (property_management ->
    物业纠纷), a type typed at the centre as it was typed."""
    value = (dispute_type or "").strip()
    if not value:
        return ""
    named = label("subject", value)
    return value if named == f"enum.subject.{value}" else named
