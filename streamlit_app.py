"""Entry point: `streamlit run streamlit_app.py` starts ONE process serving the UI (shell.py) and the HTTP routes."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import streamlit as st
from starlette.concurrency import run_in_threadpool

from api.routes import routes

log = logging.getLogger("petition_desk")


@asynccontextmanager
async def lifespan(_app):
    """Upgrade the schema to head before the first request; a database that is down is reported, not fatal."""
    from core.bootstrap import prepare_database
    from core.platform import db
    from core.platform.timeutil import reference_date

    pinned = reference_date()
    if pinned:
        log.warning("PETITION_DESK_TODAY pins today to %s: for demos and tests only", pinned.isoformat())
    try:
        engine = await run_in_threadpool(prepare_database)
        engine._petition_desk_ready = True
        log.info("database ready at schema %s", db.current_revision(engine))
    except Exception:  # /healthz answers 503 and the shell retries on the next page load
        log.exception("database not ready at start")
    yield


app = st.App("shell.py", routes=routes(), lifespan=lifespan)
