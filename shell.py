"""The Streamlit script run on every rerun: language → database → who is signed in → which pages → run."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

import streamlit as st

from core import db, permissions
from core.bootstrap import prepare_database
from i18n import LANGUAGES, set_language, t
from widgets import session as session_widget

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSpec:
    """One screen: its module under pages/, URL path, title key, icon, section and the action that opens it."""

    module: str
    url_path: str
    title_key: str
    icon: str
    section: str
    permission: str | None  # None: every signed-in user
    default: bool = False


PAGES: list[PageSpec] = [
    PageSpec("home", "home", "nav.home", ":material/home:", "nav.section_desk", None, default=True),
]


def _prepare_engine():
    """Return the process engine, upgraded to head once per process (the app owns its schema)."""
    engine = db.get_engine()
    if not getattr(engine, "_petition_desk_ready", False):
        prepare_database(engine)
        engine._petition_desk_ready = True
    return engine


def _language() -> None:
    lang = st.session_state.get("lang") or st.query_params.get("lang") or "zh_CN"
    set_language(lang)
    st.session_state["lang"] = lang if lang in LANGUAGES else "zh_CN"


def _language_switch() -> None:
    with st.sidebar:
        st.selectbox(
            t("app.language"),
            options=list(LANGUAGES),
            format_func=LANGUAGES.get,
            key="lang",
            label_visibility="collapsed",
        )


def build_pages(user) -> dict[str, list]:
    """Return the navigation sections with only the pages this user may open."""
    sections: dict[str, list] = {}
    for spec in PAGES:
        if spec.permission is not None and not permissions.allowed(user, spec.permission):
            continue
        module = importlib.import_module(f"pages.{spec.module}")
        page = st.Page(
            module.render,
            title=t(spec.title_key),
            icon=spec.icon,
            url_path=spec.url_path,
            default=spec.default,
        )
        sections.setdefault(t(spec.section), []).append(page)
    return sections


def main() -> None:
    st.set_page_config(page_title=t("app.name"), page_icon=":material/account_balance:", layout="wide")
    _language()
    try:
        _prepare_engine()
    except Exception:  # the app must say the database is down, not crash with a trace
        log.exception("database not ready")
        st.error(t("error.database_down"))
        st.stop()
    user = session_widget.current_user()
    if user is None:
        st.navigation([session_widget.anonymous_page()], position="hidden").run()
        return
    _language_switch()
    session_widget.sidebar_account(user)
    st.navigation(build_pages(user)).run()


main()
