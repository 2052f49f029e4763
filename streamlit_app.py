"""Entry point: `streamlit run streamlit_app.py` starts ONE process serving the UI (shell.py) and the HTTP routes."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware

from api.routes import routes
from api.security import FrameGuard

log = logging.getLogger("petition_desk")


SETUP_BANNER = """
************************************************************************
  Petition Desk has no user yet. To create the first administrator,
  open the app and enter this one-time setup code:

      %s

  (`python -m core setup-code` prints a new one; the newest one counts.)
************************************************************************"""


def _setup_code(engine) -> str | None:
    from core.accounts import first_run
    from core.platform import db

    with db.session_scope(engine) as session:
        return first_run.issue_if_fresh(session)


@asynccontextmanager
async def lifespan(_app):
    """Upgrade the schema to head before the first request; a database that is down is reported, not fatal.

    A misconfigured database (a SQLite folder that does not exist) stops the server with the reason; on a
    database without users the one-time setup code is printed to the log.
    """
    from core.bootstrap import prepare_database
    from core.platform import db
    from core.platform.timeutil import reference_date
    from lowcode import checks, tables

    checks.run(tables.REGISTRY)  # a spec's typo stops the start with its error id (lowcode.E003: ...)
    pinned = reference_date()
    if pinned:
        log.warning("PETITION_DESK_TODAY pins today to %s: for demos and tests only", pinned.isoformat())
    try:
        engine = await run_in_threadpool(prepare_database)
        engine._petition_desk_ready = True
        log.info("database ready at schema %s", db.current_revision(engine))
    except db.DatabaseFolderMissing as exc:
        log.error("%s", exc.message)
        raise
    except Exception:  # /healthz answers 503 and the shell retries on the next page load
        log.exception("database not ready at start")
    else:
        from core.exchange import delivery

        delivery.start_worker()  # the outbox's webhooks and text messages, from this process
        code = await run_in_threadpool(_setup_code, engine)
        if code:
            log.warning(SETUP_BANNER, code)
    yield


app = st.App("shell.py", routes=routes(), middleware=[Middleware(FrameGuard)], lifespan=lifespan)
