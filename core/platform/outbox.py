"""Writing the outbox: a case event other systems or the petitioner must hear of becomes outbox rows in the
same transaction as the change (core.accounts.audit.record calls `enqueue`), so none is lost or invented.
Delivering them is core.exchange.delivery's work."""

from __future__ import annotations

from sqlmodel import Session, select

from models import Case, CaseEvent, CaseParty, OutboxKind, OutboxMessage, Person, WebhookSubscription

# the case event's action -> the event a subscriber registers for (registered, accepted, replied, closed)
EVENTS = {"register": "registered", "accept": "accepted", "reply": "replied", "close": "closed"}
# the events a petitioner gets a text message about, by the i18n key of its wording
TEXTS = {"accepted": "outbox.text.accepted", "replied": "outbox.text.replied"}


def enqueue(session: Session, event: CaseEvent) -> None:
    """Add the outbox rows an event calls for to the caller's transaction (nothing for most events)."""
    name = EVENTS.get(event.action)
    if name is None or event.case_id is None or event.object_type != "case":
        return
    case = session.get(Case, event.case_id)
    if name == "registered" and case.closed_on is not None:
        name = "closed"  # resolved on the spot: it is registered and closed at once
    payload = {
        "event": name,
        "number": case.number,
        "external_id": case.external_id,
        "status": str(case.status),
        "on": (event.at or case.updated_at).isoformat() if (event.at or case.updated_at) else None,
    }
    stmt = select(WebhookSubscription).where(WebhookSubscription.active)
    for sub in session.exec(stmt):
        if name in (sub.events or []):
            session.add(
                OutboxMessage(kind=OutboxKind.WEBHOOK, event=name, case_id=case.id, subscription_id=sub.id,
                              target=sub.url, payload=payload)
            )  # fmt: skip
    if name in TEXTS and not case.anonymous:
        phones = select(Person.phone).join(CaseParty, CaseParty.person_id == Person.id)
        phones = phones.where(
            CaseParty.case_id == case.id, CaseParty.role == "petitioner", Person.phone.is_not(None)
        )
        for phone in dict.fromkeys(session.exec(phones)):
            text = {"key": TEXTS[name], "number": case.number}
            session.add(
                OutboxMessage(kind=OutboxKind.TEXT, event=name, case_id=case.id, target=phone, payload=text)
            )
