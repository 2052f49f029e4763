"""Benchmark POST /api/v1/cases: requests per second from 8 concurrent clients on SQLite over loopback.

    python -m bench.bench_api                 # 20 s of load after a 2 s warm-up (target >= 100 req/s)
    python -m bench.bench_api --seconds 10 --clients 8

The API routes run under uvicorn in a child process on 127.0.0.1 against a fresh SQLite file; each client is
a thread with its own token (the rate limit is per token and raised for the run) and a keep-alive connection.
Every reply must be 201; the run is bounded by --seconds (at most 60).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
TARGET_RPS = 100.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(url: str, clients: int) -> list[str]:
    """Migrate and seed the database; return one registrar token per client."""
    from core.bootstrap import prepare_database
    from core.platform import db
    from models import Role, User

    engine = prepare_database(db.create_db_engine(url))
    db.set_engine(engine)
    from core.accounts import tokens

    plain = []
    with db.session_scope() as session:
        admin = User(username="bench.admin", display_name="基准管理员", role=Role.ADMIN)
        session.add(admin)
        session.commit()
        for i in range(clients):
            user = User(username=f"bench.registrar{i}", display_name=f"登记员{i}", role=Role.REGISTRAR)
            session.add(user)
            session.commit()
            plain.append(tokens.create_token(session, admin, user.id, "bench")[1])
    engine.dispose()
    return plain


def _body(i: int) -> dict:
    return {
        "channel": "online",
        "received_on": "2026-09-01",
        "subject": "property_management",
        "title": f"小区电梯长期故障 {i}",
        "content": "电梯长期故障，物业公司拒不维修，请求督促维修。",
        "external_id": f"bench-{i}",
        "petitioners": [{"name": "张三", "phone": "13900000000"}],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    seconds = min(args.seconds, 60.0)
    tmp = Path(tempfile.mkdtemp(prefix="bench_api_"))
    url = f"sqlite:///{tmp / 'api.db'}"
    env = os.environ | {
        "DATABASE_URL": url,
        "PETITION_DESK_TODAY": "2026-09-28",
        "PETITION_DESK_DATA": str(tmp),
        "PETITION_DESK_API_RATE": "1000000",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "PETITION_DESK_TODAY", "PETITION_DESK_DATA")})
    tokens = _prepare(url, args.clients)
    port = _free_port()
    app = "from starlette.applications import Starlette; from api.routes import routes; app = Starlette(routes=routes())"
    (tmp / "bench_app.py").write_text(app + "\n")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench_app:app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--app-dir", str(tmp)],
        cwd=ROOT, env=env | {"PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if requests.get(base + "/healthz", timeout=1).status_code in (200, 503):
                    break
            except requests.RequestException:
                time.sleep(0.1)
        counter = iter(range(10**9))
        lock = threading.Lock()
        done, errors, measuring = [0], [], threading.Event()
        stop_at = [time.monotonic() + 2.0 + seconds]

        def client(token: str) -> None:
            with requests.Session() as http:
                http.headers["Authorization"] = f"Bearer {token}"
                while time.monotonic() < stop_at[0]:
                    with lock:
                        i = next(counter)
                    response = http.post(base + "/api/v1/cases", json=_body(i), timeout=30)
                    if response.status_code != 201:
                        errors.append(f"{response.status_code} {response.text[:200]}")
                        return
                    if measuring.is_set():
                        with lock:
                            done[0] += 1

        threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
        for thread in threads:
            thread.start()
        time.sleep(2.0)  # warm-up: imports, first connections, caches
        measuring.set()
        started = time.monotonic()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    if errors:
        raise SystemExit(f"a request failed: {errors[0]}")
    rps = done[0] / elapsed
    verdict = "ok" if rps >= TARGET_RPS else "below target"
    # the label first and fixed, so `python -m bench` puts SQLite's and PostgreSQL's figure on one row
    print(f"POST /api/v1/cases, {args.clients} clients: {rps:.0f} req/s ({done[0]} cases in {elapsed:.1f} s "
          f"on SQLite; target >= {TARGET_RPS:.0f}: {verdict})")  # fmt: skip


if __name__ == "__main__":
    main()
