"""The Streamlit script run on every rerun: language → database → who is signed in → which pages → run."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

import streamlit as st

from core.accounts import permissions
from core.bootstrap import prepare_database
from core.platform import db, timeutil
from i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language, set_language_fallback, t
from i18n.format import fmt_date
from models import Role
from widgets import keyboard
from widgets import session as session_widget
from widgets.streamlit_text import replace_streamlit_english

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSpec:
    """One screen: its module under pages/, URL path, title key, icon, section and the action that opens it."""

    module: str
    url_path: str
    title_key: str
    icon: str
    section: str
    permission: str | None  # None: every signed-in user; a public page's applies to signed-in users only
    default: bool = False
    hidden: bool = False  # reachable by URL and links, not listed in the sidebar (e.g. case?id=N)
    badge: str | None = None  # a function of the page module, (user) -> int, whose count follows the title
    audience: str = "user"  # "user": signed-in users; "visitor": only before signing in; "public": everyone
    home_of: tuple[str, ...] = ()  # the roles whose first screen this is, instead of the default page (UX.md)


FIRST_SCREEN = "pd_first_screen"  # set once this browser session has been taken to its role's first screen


PAGES: list[PageSpec] = [
    PageSpec("home", "home", "nav.home", ":material/home:", "nav.section_desk", "home.view", default=True),
    PageSpec(
        "todo",
        "todo",
        "desk.page_todo",
        ":material/checklist:",
        "nav.section_desk",
        "case.view",
        badge="badge",
    ),
    PageSpec(
        "intake", "intake", "desk.page_intake", ":material/edit_note:", "nav.section_desk", "case.register"
    ),
    PageSpec(
        "cases", "cases", "desk.page_cases", ":material/manage_search:", "nav.section_desk", "case.view"
    ),
    PageSpec(
        "case_detail",
        "case",
        "casefile.page_case",
        ":material/folder_open:",
        "nav.section_desk",
        "case.view",
        hidden=True,
    ),
    PageSpec(
        "documents",
        "documents",
        "doc.page_title",
        ":material/description:",
        "nav.section_desk",
        "document.page",
    ),
    PageSpec(
        "supervision",
        "supervision",
        "sv.page",
        ":material/gavel:",
        "nav.section_supervision",
        "supervision.view",
        home_of=("supervisor",),
    ),
    PageSpec(
        "my_mediations",
        "my_mediations",
        "medcentre.page_mine",
        ":material/event_note:",
        "nav.section_mediation",
        "mediation.edit",
    ),
    PageSpec(
        "mediations",
        "mediations",
        "medcentre.page_list",
        ":material/handshake:",
        "nav.section_mediation",
        "mediation.view",
    ),
    PageSpec(
        "mediation_detail",
        "mediation",
        "medcentre.page_file",
        ":material/folder_open:",
        "nav.section_mediation",
        "mediation.view",
        hidden=True,
    ),
    PageSpec(
        "dashboard",
        "dashboard",
        "dashboard.page",
        ":material/monitoring:",
        "nav.section_leaders",
        "kpi.dashboard",
        home_of=("leader",),
    ),
    PageSpec(
        "kpi_reference", "kpis", "kpiref.page", ":material/functions:", "nav.section_leaders", "kpi.dashboard"
    ),
    PageSpec(
        "reception",
        "reception",
        "casefile.page_reception",
        ":material/record_voice_over:",
        "nav.section_leaders",
        "reception.view",
    ),
    # the meeting room's screen: the display account's only page (its default), a leader's from his sidebar
    PageSpec(
        "big_screen",
        "big_screen",
        "bigscreen.page",
        ":material/tv:",
        "nav.section_leaders",
        "kpi.big_screen",
    ),
    PageSpec(
        "briefing",
        "briefing",
        "briefing.page_title",
        ":material/summarize:",
        "nav.section_leaders",
        "briefing.view",
    ),
    PageSpec(
        "roster",
        "roster",
        "roster.page.title",
        ":material/diversity_3:",
        "nav.section_mediation",
        "mediation.view",
    ),
    PageSpec(
        "ledger_import",
        "import",
        "exchange.page.title",
        ":material/upload_file:",
        "nav.section_admin",
        "case.import",
    ),
    PageSpec("admin", "admin", "lowcode.page.title", ":material/database:", "nav.section_admin", "data.view"),
    PageSpec("users", "users", "auth.page_users", ":material/group:", "nav.section_admin", "user.manage"),
    PageSpec("audit", "audit", "auth.page_audit", ":material/fact_check:", "nav.section_admin", "audit.view"),
    PageSpec(
        "deliveries",
        "deliveries",
        "outbox.page.title",
        ":material/outbox:",
        "nav.section_admin",
        "webhook.manage",
    ),
    PageSpec(
        "account",
        "account",
        "auth.page_account",
        ":material/person:",
        "auth.section_account",
        "account.password",
    ),
    # the petitioner's status lookup, open to anyone; the sign-in (or first-run setup) page for visitors
    PageSpec(
        "self_service",
        "query",
        "casefile.page_query",
        ":material/search:",
        "nav.section_desk",
        "home.view",  # what a signed-in user needs to see it listed; a visitor sees it anyway
        audience="public",
    ),
    PageSpec(
        "sign_in",
        "sign-in",
        "nav.sign_in",
        ":material/login:",
        "nav.section_desk",
        None,
        True,
        audience="visitor",
    ),
]


def _check_specs() -> None:
    """Check every generated table's declaration once per process: a typo stops the app with its error id."""
    global _specs_checked
    if _specs_checked:
        return
    from lowcode import checks, tables

    try:
        checks.run(tables.REGISTRY)
    except checks.ImproperlyConfigured as exc:  # a developer's mistake: say which option, then stop
        log.error("generated tables misdeclared:\n%s", exc)
        st.error(t("lowcode.page.misdeclared"))
        st.code(str(exc), language=None)
        st.stop()
    _specs_checked = True


_specs_checked = False


def _prepare_engine():
    """Return the process engine, upgraded to head once per process (the app owns its schema)."""
    engine = db.get_engine()
    if not getattr(engine, "_petition_desk_ready", False):
        prepare_database(engine)
        engine._petition_desk_ready = True
    return engine


LANG_KEY = "lang"  # this browser tab's language (the sidebar switch's key)
LANG_COOKIE = "pd_lang"  # a visitor's choice, set by /auth/login and /auth/logout


def _language(user=None) -> str:
    """Return the language: this tab's choice, else the user's own setting, else the URL's or the cookie's."""
    chosen = st.session_state.get(LANG_KEY) or (getattr(user, "language", None) if user else None)
    lang = chosen or st.query_params.get("lang") or st.context.cookies.get(LANG_COOKIE) or DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _remember_language() -> None:
    """Keep the language the user just picked on his user row, so F5 and every link keep it."""
    from core.accounts import profile

    user = session_widget.current_user()
    if user is not None:
        with db.session_scope() as session:
            profile.set_language(session, user, st.session_state[LANG_KEY])


def _language_switch() -> None:
    with st.sidebar:
        st.selectbox(
            t("app.language"),
            options=list(LANGUAGES),
            format_func=LANGUAGES.get,
            key=LANG_KEY,
            label_visibility="collapsed",
            on_change=_remember_language,
        )


def visible_pages(user) -> list[PageSpec]:
    """Return the pages this user (None: a visitor who has not signed in) may open, in navigation order."""
    if user is None:
        return [s for s in PAGES if s.audience in ("visitor", "public")]
    return [
        s
        for s in PAGES
        if s.audience in ("user", "public")
        and (s.permission is None or permissions.allowed(user, s.permission))
    ]


def _title(spec: PageSpec, module, user) -> str:
    """Return the page's title, followed by its count (e.g. the cases waiting) when it has one."""
    title = t(spec.title_key)
    try:
        n = getattr(module, spec.badge)(user) if spec.badge and user is not None else 0
    except Exception:  # a count must never take the navigation down
        log.exception("navigation count of %s failed", spec.module)
        n = 0
    return f"{title} ({n})" if n else title


def build_pages(user) -> dict[str, list]:
    """Return the navigation sections with only the pages this user (or visitor, None) may open."""
    sections: dict[str, list] = {}
    for spec in visible_pages(user):
        module = importlib.import_module(f"pages.{spec.module}")
        page = st.Page(
            module.render,
            title=_title(spec, module, user),
            icon=spec.icon,
            url_path=spec.url_path,
            default=spec.default,
            visibility="hidden" if spec.hidden else "visible",
        )
        sections.setdefault(t(spec.section), []).append(page)
    return sections


def _display_navigation(user):
    """Return the display account's navigation: its screen at the root and at its own address.

    Streamlit serves the default page at the root only, so a meeting room's bookmark of /big_screen would
    open on "page not found"; a hidden root page running the same screen keeps both addresses working.
    """
    pages = [page for section in build_pages(user).values() for page in section]
    spec = visible_pages(user)[0]
    module = importlib.import_module(f"pages.{spec.module}")
    root = st.Page(module.render, title=t(spec.title_key), icon=spec.icon, url_path="screen", default=True)
    return st.navigation([root, *pages], position="hidden")


def _reference_date_notice() -> None:
    """Say on every screen that "today" is pinned (a demo or test run), so a pin is never silent."""
    pinned = timeutil.reference_date()
    if pinned:
        st.sidebar.warning(t("app.reference_date_pinned", date=fmt_date(pinned)), icon=":material/event:")


def main() -> None:
    # a dialog's or fragment's rerun runs only its function: it reads the tab's language from session state
    set_language_fallback(lambda: st.session_state.get(LANG_KEY))
    set_language(_language())  # before the user is known, so even "database down" is in the right language
    try:
        _prepare_engine()
    except Exception:  # the app must say the database is down, not crash with a trace
        log.exception("database not ready")
        _outage(t("error.database_down"))
    try:
        page = _navigation()
    except Exception as exc:  # lost mid-session: the sign-in and the to-do count read it before any page runs
        if not db.is_unavailable(exc):
            raise
        log.warning("database unavailable before the page: %s", exc)
        _outage(t("error_page.database_busy"))
    _run(page)


def _navigation():
    """Return the page this run shows: the user's own navigation, or the visitor's hidden one."""
    user = session_widget.current_user()
    st.session_state[LANG_KEY] = _language(user)
    set_language(st.session_state[LANG_KEY])
    st.set_page_config(page_title=t("app.name"), page_icon=":material/account_balance:", layout="wide")
    replace_streamlit_english()
    keyboard.install()
    _check_specs()
    if user is not None and Role(user.role) == Role.DISPLAY:  # the big screen alone, no sidebar to open
        return _display_navigation(user)
    _reference_date_notice()
    if user is None:
        pages = [page for section in build_pages(None).values() for page in section]
        return st.navigation(pages, position="hidden")
    _language_switch()
    session_widget.sidebar_account(user)
    sections = build_pages(user)
    page = st.navigation(sections, expanded=True)  # every page in view: an admin has more than ten
    _first_screen(page, user, sections)
    return page


def _first_screen(page, user, sections: dict[str, list]) -> None:
    """Take a session that opens the app's root to its role's own first screen, once (the leader's dashboard).

    Streamlit serves the default page at the root only, so the dashboard keeps its own path (/dashboard) by
    staying a normal page; the home page stays one click away.
    """
    if st.session_state.get(FIRST_SCREEN):
        return
    st.session_state[FIRST_SCREEN] = True
    if page.url_path != "":
        return  # a link to a page of its own: open that one
    role = str(user.role)
    paths = {spec.url_path for spec in visible_pages(user) if role in spec.home_of}
    target = next((p for pages in sections.values() for p in pages if p.url_path in paths), None)
    if target is not None:
        st.switch_page(target)


def _run(page) -> None:
    """Run the chosen page; a locked or unreachable database is said in words, never shown as a trace."""
    try:
        page.run()
    except Exception as exc:  # Streamlit's rerun/stop are no Exception subclasses of ours: is_unavailable
        if not db.is_unavailable(exc):
            raise
        log.warning("page %s: database unavailable: %s", getattr(page, "title", "?"), exc)
        st.error(t("error_page.database_busy"), icon=":material/database:")


def _outage(message: str) -> None:
    """Show only `message`: one hidden page, so the sidebar never lists the pages/ files by module name."""

    def outage_page() -> None:
        st.error(message, icon=":material/database:")

    # at every page's address, so reloading /cases says the message, not Streamlit's "page not found"
    paths = dict.fromkeys(path for path in (*(spec.url_path for spec in PAGES), "screen") if path)
    title = t("app.name")
    pages = [st.Page(outage_page, title=title, default=True)]
    pages += [st.Page(outage_page, title=title, url_path=path) for path in paths]
    st.navigation(pages, position="hidden").run()
    st.stop()


if __name__ == "__main__":  # Streamlit runs this script as __main__; tests import it for PAGES
    main()
