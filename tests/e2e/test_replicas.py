"""Two app processes on one PostgreSQL, the way a city runs the product: one sign-in, one cache, one sign-out.

Both replicas share the database and the cookie key (as behind a reverse proxy, docs/deploy.md), and the
browser's cookies are per host, not per port, so one browser context sees both as one site.
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess

import pytest

from core.platform.timeutil import REFERENCE_DATE_ENV
from tests.conftest import PG_URL, private_pg_database
from tests.e2e.conftest import CHROMIUM, ROOT, _free_port, run_cli, start_app
from tests.e2e.test_register_and_find import PASSWORD, WAIT_MS, _register

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCREENS = ROOT / "screens"
ADMIN = "demo.admin"
FIRST_RUN_MS = 120_000


@pytest.fixture(scope="module")
def replica_env(tmp_path_factory) -> dict[str, str]:
    """One PostgreSQL database with the demo in it, one cookie key, one pinned day, for both replicas."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set: the replica test needs PostgreSQL")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: browser tests skipped")
    import os

    folder = tmp_path_factory.mktemp("replicas")
    env = {
        **os.environ,
        "DATABASE_URL": private_pg_database(),
        "PETITION_DESK_DATA": str(folder),  # attachments on a shared volume in production
        "PETITION_DESK_SECRET_KEY": secrets.token_urlsafe(32),
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
        REFERENCE_DATE_ENV: "2026-09-28",
    }
    run_cli(env, "migrate")
    run_cli(env, "load-demo", "--cases", "300")
    run_cli(env, "set-password", "--username", ADMIN, stdin=PASSWORD + "\n")
    return env


@pytest.fixture(scope="module")
def replicas(replica_env, tmp_path_factory):
    """Start two app processes on the same database; yield their base URLs."""
    with (
        start_app(replica_env, tmp_path_factory, "replica-a") as a,
        start_app(replica_env, tmp_path_factory, "replica-b") as b,
    ):
        yield a, b


def _intake_tile(page) -> int:
    from playwright.sync_api import expect

    tile = page.locator("[data-testid=stMetric]").filter(has_text="登记量").first
    expect(tile).to_be_visible(timeout=WAIT_MS)
    return int(tile.locator("[data-testid=stMetricValue]").inner_text().replace(",", "").strip())


def _dashboard(page, url: str) -> int:
    from playwright.sync_api import expect

    page.goto(url + "/dashboard")
    expect(page.get_by_role("heading", name="领导驾驶舱")).to_be_visible(timeout=WAIT_MS)
    return _intake_tile(page)


def test_two_replicas_share_the_sign_in_the_figures_and_the_sign_out(replicas, browser):
    from playwright.sync_api import expect

    a, b = replicas
    SCREENS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    for url in (a, b):  # a fresh process's first script run imports every page: not what is tested here
        page.goto(url + "/")
        expect(page.get_by_text("前往登录页面")).to_be_visible(timeout=FIRST_RUN_MS)

    page.goto(a + "/auth/login")
    page.fill("#username", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_text("数据概况")).to_be_visible(timeout=WAIT_MS)

    before = _dashboard(page, b)  # signed in on B by A's cookie; B now holds the figures in its cache
    page.screenshot(path=str(SCREENS / "replica-b-dashboard.png"))

    page.goto(a + "/intake")
    expect(page.get_by_role("heading", name="信访登记")).to_be_visible(timeout=WAIT_MS)
    number = _register(page, "两个进程同一数据库的登记", "在甲进程登记，乙进程的列表和看板应立即看到。")

    assert _dashboard(page, b) == before + 1  # B's cache knew of A's write at once
    page.goto(f"{b}/cases?q={number}")
    expect(page.get_by_text("共 1 件 · 第 1 页，共 1 页")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("[data-testid=stDataFrame]").first).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(SCREENS / "replica-b-found.png"))

    page.goto(a + "/auth/logout")
    page.goto(b + "/cases")
    expect(page.get_by_text("前往登录页面")).to_be_visible(timeout=WAIT_MS)  # ended on B as well
    context.close()


NGINX = shutil.which("nginx")


@pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed: the example proxy configuration is not run"
)
def test_the_example_nginx_configuration_serves_two_replicas(replicas, browser, tmp_path):
    """docs/nginx.conf, as documented in docs/deploy.md, in front of both replicas: sign-in and a page work."""
    from playwright.sync_api import expect

    a, b = replicas
    port = _free_port()
    conf = (ROOT / "docs" / "nginx.conf").read_text()
    conf = conf.replace("127.0.0.1:8501", re.sub(r"^http://", "", a)).replace(
        "127.0.0.1:8502", re.sub(r"^http://", "", b)
    )
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
    wrapped = (
        f"daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n access_log {tmp_path}/access.log;\n"
        f" client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f" fastcgi_temp_path {tmp_path}/fcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;\n"
        f"{conf}\n}}\n"
    )
    (tmp_path / "nginx.conf").write_text(wrapped)
    proc = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)])
    try:
        url = f"http://127.0.0.1:{port}"
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page = context.new_page()
        expect_ok = page.goto(url + "/healthz", timeout=WAIT_MS)
        assert expect_ok is not None and expect_ok.status == 200
        page.goto(url + "/auth/login")
        page.fill("#username", ADMIN)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.get_by_text("数据概况")).to_be_visible(timeout=WAIT_MS)  # the websocket went through
        page.goto(url + "/cases")
        expect(page.get_by_text(re.compile(r"共 [\d,]+ 件"))).to_be_visible(timeout=WAIT_MS)
        context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
