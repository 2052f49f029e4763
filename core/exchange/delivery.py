"""Delivering the outbox (core.platform.outbox writes it): signed webhook POSTs and petitioners' text messages,
at least once, with back-off between attempts; a worker that dies mid-delivery lets its lease lapse and the
next run sends again (a receiver drops repeats by the X-Petition-Desk-Delivery id)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from core.platform import db, timeutil
from i18n import t
from models import OutboxKind, OutboxMessage, OutboxStatus, WebhookSubscription

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # longer than any one send (TIMEOUT_S), so two workers never send the same row
TIMEOUT_S = 10
MAX_ATTEMPTS = 8
BATCH = 50
SENDER_ENV = "PETITION_DESK_TEXT_SENDER"  # "log" (default); another sender is registered in SENDERS
SIGNATURE_HEADER = "X-Petition-Desk-Signature"
DELIVERY_HEADER = "X-Petition-Desk-Delivery"


def backoff(attempts: int) -> timedelta:
    """Return the wait after the n-th failed attempt: 30 s, 1, 2, 4 … minutes, at most 6 hours."""
    return min(timedelta(seconds=30 * 2 ** (attempts - 1)), timedelta(hours=6))


def sign(secret: str, body: bytes) -> str:
    """Return the signature header's value: "sha256=" and the HMAC-SHA256 of the body under the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def log_sender(phone: str, text: str) -> None:
    """The default text sender: writes the message to the log (a gateway is a sender in SENDERS)."""
    log.info("text to %s: %s", phone[:3] + "****" + phone[-4:], text)


SENDERS = {"log": log_sender}


@dataclass
class Run:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


def _claim(session: Session, now: datetime) -> list[int]:
    """Lease the due rows to this worker (a guarded UPDATE per row: safe with other workers)."""
    table = OutboxMessage.__table__
    due = sa.and_(
        table.c.status == OutboxStatus.PENDING.value,
        table.c.next_attempt_at <= now,
        sa.or_(table.c.leased_until.is_(None), table.c.leased_until < now),
    )
    ids = session.execute(sa.select(table.c.id).where(due).order_by(table.c.id).limit(BATCH)).scalars().all()
    claimed = []
    for row_id in ids:
        done = session.execute(
            sa.update(table).where(table.c.id == row_id, due)
            .values(leased_until=now + LEASE, attempts=table.c.attempts + 1)
        )  # fmt: skip
        if done.rowcount == 1:
            claimed.append(row_id)
    session.commit()
    return claimed


def _send(message: OutboxMessage, subscription: WebhookSubscription | None) -> None:
    if message.kind == OutboxKind.TEXT:
        payload = message.payload or {}
        sender = SENDERS[os.environ.get(SENDER_ENV, "log")]
        sender(
            message.target, t(payload.get("key", "outbox.text.accepted"), number=payload.get("number", ""))
        )
        return
    body = json.dumps(message.payload, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(message.target, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header(DELIVERY_HEADER, str(message.id))
    request.add_header(SIGNATURE_HEADER, sign(subscription.secret if subscription else "", body))
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as reply:  # noqa: S310 (an admin's http(s) URL)
        if not 200 <= reply.status < 300:
            raise urllib.error.HTTPError(message.target, reply.status, "not 2xx", reply.headers, None)


def deliver_due(engine: sa.Engine | None = None) -> Run:
    """Send every due message once; record each as delivered, to retry later, or failed for good."""
    engine = engine or db.get_engine()
    run = Run()
    with Session(engine) as session:
        now = timeutil.now()
        for row_id in _claim(session, now):
            message = session.get(OutboxMessage, row_id)
            subscription = (
                session.get(WebhookSubscription, message.subscription_id) if message.subscription_id else None
            )
            try:
                _send(message, subscription)
            except Exception as exc:  # any failure of the far side is a retry, never a crash of the worker
                message.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status, run.failed = OutboxStatus.FAILED, run.failed + 1
                else:
                    message.next_attempt_at, run.retried = (
                        timeutil.now() + backoff(message.attempts),
                        run.retried + 1,
                    )
            else:
                message.status, message.delivered_at, message.last_error = (
                    OutboxStatus.DELIVERED,
                    timeutil.now(),
                    None,
                )
                run.delivered += 1
            message.leased_until = None
            session.add(message)
            session.commit()
    return run


def delivery_log(session: Session, actor, limit: int = 200) -> tuple[list[dict], list[dict]]:
    """Return the subscriptions and the newest outbox rows (phones masked), for the administrator's log."""
    from core.accounts.permissions import require
    from core.accounts.pii import mask_phone
    from models import Case

    require(actor, "webhook.manage")
    subs = [
        {"name": s.name, "url": s.url, "events": list(s.events or []), "active": s.active}
        for s in session.exec(select(WebhookSubscription).order_by(WebhookSubscription.name))
    ]  # never the secret
    stmt = (
        select(OutboxMessage, Case.number)
        .join(Case, Case.id == OutboxMessage.case_id, isouter=True)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    rows = []
    for message, number in session.exec(stmt):
        text = message.kind == OutboxKind.TEXT
        rows.append(
            {
                "id": message.id, "kind": str(message.kind), "event": message.event, "number": number,
                "target": mask_phone(message.target) if text else message.target, "status": str(message.status),
                "attempts": message.attempts, "created_at": message.created_at,
                "next_attempt_at": message.next_attempt_at if message.status == OutboxStatus.PENDING else None,
                "delivered_at": message.delivered_at, "last_error": message.last_error,
            }
        )  # fmt: skip
    return subs, rows


_worker: threading.Thread | None = None


def start_worker(interval_s: float = 5.0) -> None:
    """Start the delivery thread of this process once (the app calls it); it never raises."""
    global _worker
    if _worker is not None or os.environ.get("PETITION_DESK_DELIVERY") == "off":
        return
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval_s):
            try:
                deliver_due()
            except Exception:  # a locked or absent database: try again next round
                log.warning("outbox delivery round failed", exc_info=True)

    _worker = threading.Thread(target=loop, name="outbox-delivery", daemon=True)
    _worker.start()


EVENT_NAMES = ("registered", "accepted", "replied", "closed")


def add_subscription(
    session: Session, actor, name: str, url: str, events: list[str]
) -> tuple[WebhookSubscription, str]:
    """Subscribe an external system to case events; return it and its new secret (shown this once)."""
    import secrets

    from core.accounts import audit
    from core.accounts.permissions import require
    from core.platform.validation import Errors

    require(actor, "webhook.manage")
    errors = Errors()
    if not name.strip() or len(name) > 60:
        errors.add("name", t("outbox.error.name"))
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        errors.add("url", t("outbox.error.url"))
    if not events or any(e not in EVENT_NAMES for e in events):
        errors.add("events", t("outbox.error.events", events=", ".join(EVENT_NAMES)))
    if session.exec(select(WebhookSubscription.id).where(WebhookSubscription.name == name.strip())).first():
        errors.add("name", t("outbox.error.name_taken", name=name))
    errors.raise_if_any()
    secret = secrets.token_hex(32)
    sub = WebhookSubscription(name=name.strip(), url=url, secret=secret, events=list(dict.fromkeys(events)))
    session.add(sub)
    session.flush()
    audit.record(session, actor, "webhook.add", object_type="webhook", object_id=sub.id,
                 after={"name": sub.name, "url": url, "events": sub.events})  # fmt: skip
    session.commit()
    return sub, secret
