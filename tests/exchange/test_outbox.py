"""The outbox (issue 16 item 3): rows written in the case's own transaction, signed webhooks delivered to a
receiver on 127.0.0.1, retries with back-off, a delivery that survives a worker dying mid-send, texts."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from core.exchange import delivery
from core.platform import timeutil
from core.platform.errors import PermissionDenied, ValidationError
from models import CaseStatus, OutboxKind, OutboxMessage, OutboxStatus, Role
from tests import factories as f


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it is sent and answers with the status it is told."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver():
    r = Receiver()
    yield r
    r.close()


def _rows(session, kind=OutboxKind.WEBHOOK):
    session.expire_all()
    return list(
        session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))
    )


def test_a_registered_case_is_posted_signed_to_its_subscriber(engine, session, receiver):
    admin = f.make_user(session, Role.ADMIN)
    sub, secret = delivery.add_subscription(session, admin, "12345", receiver.url, ["registered", "closed"])
    case = f.register(session, admin, external_id="HOT-1")
    [row] = _rows(session)
    assert (row.event, row.status, row.case_id) == ("registered", OutboxStatus.PENDING, case.id)
    run = delivery.deliver_due(engine)
    assert (run.delivered, run.retried, run.failed) == (1, 0, 0)
    [(headers, body)] = receiver.received
    assert json.loads(body) | {"on": None} == {
        "event": "registered", "number": case.number, "external_id": "HOT-1", "status": "registered", "on": None
    }  # fmt: skip
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers[delivery.SIGNATURE_HEADER] == expected
    assert headers[delivery.DELIVERY_HEADER] == str(row.id)
    assert _rows(session)[0].status == OutboxStatus.DELIVERED
    assert delivery.deliver_due(engine).delivered == 0  # delivered once, not again


def test_only_the_events_subscribed_to_are_written(session, receiver):
    admin = f.make_user(session, Role.ADMIN)
    delivery.add_subscription(session, admin, "portal", receiver.url, ["accepted"])
    unit = f.make_unit(session)
    case = f.case_in_status(session, CaseStatus.ASSIGNED, unit=unit)
    assert _rows(session) == []
    f.act(session, admin, case, "accept", notice_date=f.START + timedelta(days=2))
    assert [r.event for r in _rows(session)] == ["accepted"]
    # the petitioner is told by text message too, through the log sender
    texts = _rows(session, OutboxKind.TEXT)
    assert [(t.event, t.payload["key"]) for t in texts] == [("accepted", "outbox.text.accepted")]


def test_a_failed_write_leaves_no_outbox_row(session, receiver):
    admin = f.make_user(session, Role.ADMIN)
    delivery.add_subscription(session, admin, "12345", receiver.url, ["registered"])
    with pytest.raises(ValidationError):
        f.register(session, admin, title="")
    assert _rows(session) == []


def test_a_refusing_receiver_is_retried_with_back_off_then_given_up(engine, session, receiver):
    admin = f.make_user(session, Role.ADMIN)
    delivery.add_subscription(session, admin, "12345", receiver.url, ["registered"])
    f.register(session, admin)
    receiver.status = 500
    assert delivery.deliver_due(engine).retried == 1
    [row] = _rows(session)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and "500" in row.last_error
    # the first retry waits 30 s: nothing is due before then
    assert (
        timeutil.now() + timedelta(seconds=25) < row.next_attempt_at <= timeutil.now() + timedelta(seconds=31)
    )
    assert delivery.deliver_due(engine).retried == 0
    assert [delivery.backoff(n) for n in (1, 2, 3)] == [timedelta(seconds=30), timedelta(minutes=1),
                                                        timedelta(minutes=2)]  # fmt: skip
    receiver.status = 200
    row.next_attempt_at = timeutil.now() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert delivery.deliver_due(engine).delivered == 1
    assert len(receiver.received) == 2


def test_a_delivery_survives_a_worker_dying_mid_send(engine, session, receiver):
    admin = f.make_user(session, Role.ADMIN)
    delivery.add_subscription(session, admin, "12345", receiver.url, ["registered"])
    f.register(session, admin)
    # a worker leased the row and died before it could record the send (the app restarted)
    from sqlmodel import Session

    with Session(engine) as other:
        assert len(delivery._claim(other, timeutil.now())) == 1
    assert delivery.deliver_due(engine).delivered == 0  # the lease still holds: no second sender
    [row] = _rows(session)
    row.leased_until = timeutil.now() - timedelta(seconds=1)  # the lease ran out
    session.add(row)
    session.commit()
    assert delivery.deliver_due(engine).delivered == 1
    assert len(receiver.received) == 1 and _rows(session)[0].attempts == 2


def test_only_an_administrator_subscribes_and_bad_input_is_named(session, receiver):
    registrar = f.make_user(session, Role.REGISTRAR)
    with pytest.raises(PermissionDenied):
        delivery.add_subscription(session, registrar, "x", receiver.url, ["registered"])
    admin = f.make_user(session, Role.ADMIN)
    with pytest.raises(ValidationError) as bad:
        delivery.add_subscription(session, admin, "x", "ftp://host", ["archived"])
    assert set(bad.value.errors) == {"url", "events"}
