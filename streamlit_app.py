"""Entry point: `streamlit run streamlit_app.py` starts ONE process serving the UI (shell.py) and the HTTP routes."""

from __future__ import annotations

import streamlit as st

from api.routes import routes

app = st.App("shell.py", routes=routes())
