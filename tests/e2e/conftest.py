"""A real app for browser tests: `streamlit run streamlit_app.py` on a free port against a fresh SQLite database."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from core.platform.timeutil import REFERENCE_DATE_ENV
from tests.conftest import REFERENCE_DATES

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
STARTUP_SECONDS = 90
PORT_ATTEMPTS = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(items) -> None:
    """Keep a module's browser tests of one reference date in one worker: they share one started app."""
    for item in items:
        if item.path.parent != Path(__file__).parent:
            continue
        day = getattr(item, "callspec", None) and item.callspec.params.get("e2e_env")
        item.add_marker(pytest.mark.xdist_group(f"{item.path.stem}-{day or 'any'}"))


@pytest.fixture(scope="module", params=list(REFERENCE_DATES.values()), ids=list(REFERENCE_DATES))
def e2e_env(request, tmp_path_factory) -> dict[str, str]:
    """The environment of the app under test: its own database, data folder, cookie key and pinned "today".

    Every browser test runs once per reference date, so none depends on the day the suite runs.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: browser tests skipped")
    folder = tmp_path_factory.mktemp("e2e")
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'petition_desk.db'}",
        "PETITION_DESK_DATA": str(folder),
        "PETITION_DESK_SECRET_KEY": secrets.token_urlsafe(32),
        REFERENCE_DATE_ENV: request.param.isoformat(),
    }


@pytest.fixture(scope="module")
def e2e_today(e2e_env) -> date:
    """The pinned "today" of the app under test."""
    return date.fromisoformat(e2e_env[REFERENCE_DATE_ENV])


def run_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run `petition-desk <args>` against the app's database and return its output."""
    return run_python(env, "-m", "core", *args, stdin=stdin)


def run_python(env: dict[str, str], *argv: str, stdin: str | None = None) -> str:
    """Run `python <argv>` in the project against the app's database; fail on an error, else return stdout."""
    done = subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, *, last: bool) -> bool:
    """Wait for the app's /healthz; False if another process took its port first (try another), else fail."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            # a parallel worker's app may take the free port between the probe and the bind
            if not last and f"Port {url.rsplit(':', 1)[1]} is not available" in log.read_text():
                return False
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:  # refused while starting, or 503 until the database answers
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not answer /healthz within {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def start_app(env: dict[str, str], tmp_path_factory, name: str = "e2e-log"):
    """Start `streamlit run streamlit_app.py` on a free port with `env`, wait for /healthz, yield its URL, stop it."""
    log = tmp_path_factory.mktemp(name) / "streamlit.log"
    for attempt in range(PORT_ATTEMPTS):
        port = _free_port()
        proc = _launch(env, port, log)
        url = f"http://127.0.0.1:{port}"
        try:
            if _wait_healthy(url, proc, log, last=attempt == PORT_ATTEMPTS - 1):
                yield url
                return
        finally:
            _stop(proc)


def _launch(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
    ]
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@pytest.fixture(scope="module")
def app_url(e2e_env, tmp_path_factory):
    """Start the app, wait for /healthz, yield its base URL, stop it."""
    run_cli(e2e_env, "migrate")  # schema first, so the test's CLI calls never race the app's first run
    with start_app(e2e_env, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium (Debian's), shared by the module's tests."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        yield chromium
        chromium.close()
