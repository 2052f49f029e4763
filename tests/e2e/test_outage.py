"""The database unreachable for 20 s while the app is in use, through a TCP proxy the test cuts.

The shared PostgreSQL keeps serving every other test; only this app's connections go through the proxy.
While cut: the pages say so in words, /healthz and the API answer 503 with Retry-After. Once back: the same
browser carries on, nothing was lost and nothing was half-written (counted in the database directly).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import select
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from core.platform.timeutil import REFERENCE_DATE_ENV
from tests.conftest import PG_URL, private_pg_database
from tests.e2e.conftest import CHROMIUM, ROOT, run_cli, start_app
from tests.e2e.test_register_and_find import PASSWORD, WAIT_MS, _register

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCREENS = ROOT / "screens"
ADMIN = "demo.admin"
OUTAGE_S = 20


class TcpProxy:
    """Forward 127.0.0.1:<port> to a server; `cut()` drops every connection and refuses new ones until `restore()`."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()  # as a server that went away: the connection ends at once
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()

    def cut(self) -> None:
        self.open = False
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture(scope="module")
def outage_setup(tmp_path_factory):
    """A demo database on the shared PostgreSQL, and an app that reaches it only through the proxy."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set: the outage test needs PostgreSQL")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: browser tests skipped")
    direct = sa.engine.make_url(private_pg_database())
    proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 5432)
    via_proxy = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
    folder = tmp_path_factory.mktemp("outage")
    env = {
        **os.environ,
        "DATABASE_URL": via_proxy,
        "PETITION_DESK_DATA": str(folder),
        "PETITION_DESK_SECRET_KEY": secrets.token_urlsafe(32),
        REFERENCE_DATE_ENV: "2026-09-28",
    }
    run_cli(env, "migrate")
    run_cli(env, "load-demo", "--cases", "200")
    run_cli(env, "set-password", "--username", ADMIN, stdin=PASSWORD + "\n")
    token = run_cli(env, "create-token", "--username", ADMIN, "--name", "outage-test").strip().split()[-1]
    with start_app(env, tmp_path_factory, "outage-log") as url:
        yield url, proxy, direct.render_as_string(False), token
    proxy.close()


def _get(url: str, token: str | None = None) -> tuple[int, object, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, err.headers, json.loads(err.read() or b"{}")


def _counts(direct_url: str) -> dict[str, int]:
    engine = sa.create_engine(direct_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return {
                name: conn.execute(sa.text(f"select count(*) from {name}")).scalar_one()
                for name in ('"case"', "case_event", "case_party", "person")
            }
    finally:
        engine.dispose()


def test_twenty_seconds_without_the_database(outage_setup, browser):
    from playwright.sync_api import expect

    url, proxy, direct, token = outage_setup
    SCREENS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(url + "/auth/login")
    page.fill("#username", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_text("数据概况")).to_be_visible(timeout=120_000)
    page.goto(url + "/cases")
    total = page.get_by_text(re.compile(r"共 [\d,]+ 件"))
    expect(total).to_be_visible(timeout=WAIT_MS)
    shown_before = total.inner_text()
    before = _counts(direct)

    proxy.cut()
    cut_at = time.monotonic()
    status, headers, body = _get(url + "/healthz")
    assert status == 503 and int(headers.get("Retry-After", 0)) > 0, (status, headers, body)
    assert body["database"] == "unreachable"
    status, headers, body = _get(url + "/api/v1/cases", token)
    assert status == 503 and int(headers.get("Retry-After", 0)) > 0, (status, headers, body)
    assert body["errors"][0]["message"]  # the hardening issue's shape, with words for the client
    page.goto(url + "/cases")
    expect(page.get_by_text(re.compile("数据库(无法连接|正忙或暂时无法连接)"))).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(SCREENS / "outage-page.png"))
    time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - cut_at)))

    proxy.restore()
    deadline = time.monotonic() + 60
    while _get(url + "/healthz")[0] != 200:
        assert time.monotonic() < deadline, "the app did not come back within 60 s of the database"
        time.sleep(1)
    assert _get(url + "/api/v1/cases", token)[0] == 200
    page.goto(url + "/cases")
    expect(page.get_by_text(shown_before)).to_be_visible(timeout=WAIT_MS)  # still signed in, same cases
    assert _counts(direct) == before  # nothing lost, nothing half-written

    page.goto(url + "/intake")
    expect(page.get_by_role("heading", name="信访登记")).to_be_visible(timeout=WAIT_MS)
    _register(page, "断库恢复后的登记", "数据库中断二十秒后恢复，登记应照常完成。")
    after = _counts(direct)
    assert after['"case"'] == before['"case"'] + 1
    assert after["case_event"] > before["case_event"]
    context.close()
